package e2e

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/labstack/echo/v4"

	"nami/handlers"
	"nami/publish"
	"nami/sdkapi"
	"nami/store"
)

// chromiumPath is the browser the journeys drive.
const chromiumPath = "/usr/bin/chromium"

// Every wait is bounded. The limits are generous because the test machines have two cores and
// Chromium starts slowly there.
const (
	journeyTimeout = 5 * time.Minute  // the whole journey, browser start included
	stepTimeout    = 60 * time.Second // one step: a navigation, a form, a wait for a swap
)

// requireChromium skips the test when there is no browser, unless CI is set: in CI a missing
// browser is a failure, so the journeys cannot silently stop running.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err == nil {
		return
	}
	if os.Getenv("CI") == "" {
		t.Skipf("%s is missing; the browser journeys are skipped (with CI set this is a failure)", chromiumPath)
	}
	t.Fatalf("CI is set and %s is missing: install Chromium so the browser journeys run", chromiumPath)
}

// startServer serves the real control center over a fresh database, as `nami serve` does.
// The server's log is shown when the test fails.
func startServer(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "nami.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	var logBuf syncBuffer
	h, err := handlers.New(ctx, st, slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatalf("handlers.New: %v", err)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	h.Routes(e)
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		srv.Close()
		if t.Failed() && logBuf.Len() > 0 {
			t.Logf("server log:\n%s", logBuf.String())
		}
	})
	return srv, st
}

// sdkServer is the control center and the SDK API over a fresh database holding the demo
// catalog, published once, combined as `nami serve` runs them. The server's log is shown when
// the test fails.
type sdkServer struct {
	st      *store.Store
	sdk     *sdkapi.Server
	app     store.App
	handler http.Handler
}

func newSDKServer(t *testing.T) *sdkServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "nami.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	a := applyDemoCatalog(t, st)
	if _, err := publish.Publish(ctx, st, a.Slug, "demo@example.com", "Demo catalog"); err != nil {
		t.Fatal(err)
	}
	var logBuf syncBuffer
	log := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := handlers.New(ctx, st, log)
	if err != nil {
		t.Fatalf("handlers.New: %v", err)
	}
	sdk, err := sdkapi.New(ctx, st, log, sdkapi.Options{})
	if err != nil {
		t.Fatalf("sdkapi.New: %v", err)
	}
	h.OnPublish(sdk.Refresh)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	h.Routes(e)
	t.Cleanup(func() { // runs after the cleanups of the servers the test puts in front
		if err := sdk.Close(context.Background()); err != nil {
			t.Errorf("sdk.Close: %v", err)
		}
		if t.Failed() && logBuf.Len() > 0 {
			t.Logf("server log:\n%s", logBuf.String())
		}
	})
	return &sdkServer{st: st, sdk: sdk, app: a, handler: sdkapi.Combine(sdk, e)}
}

// syncBuffer is a bytes.Buffer that the server's goroutines can write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// browser is one headless Chromium tab pointed at the test server.
type browser struct {
	t     *testing.T
	tab   context.Context
	base  string
	shots string // directory for screenshots, from $NAMI_SHOTS; "" for none
	shotN int

	mu       sync.Mutex
	problems []string // uncaught exceptions, CSP violations, console errors: always a bug
	console  []string // failed requests, shown when the test fails
	dialogs  []string // the confirm, alert and beforeunload dialogs the page opened: "type: message"
	dismiss  bool     // answer the next dialogs with Cancel instead of OK
}

// dialogsSeen returns the dialogs the page has opened so far.
func (b *browser) dialogsSeen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// answerDialogs sets how the next dialogs are answered: OK (true) or Cancel.
func (b *browser) answerDialogs(ok bool) {
	b.mu.Lock()
	b.dismiss = !ok
	b.mu.Unlock()
}

// newBrowser starts Chromium with the flags the journeys need and opens a tab.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	requireChromium(t)
	total, cancelTotal := context.WithTimeout(context.Background(), journeyTimeout)
	t.Cleanup(cancelTotal)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(total,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab) // cleanups run last-in first-out: the tab closes first

	b := &browser{t: t, tab: tab, base: base, shots: os.Getenv("NAMI_SHOTS")}
	if b.shots != "" {
		if err := os.MkdirAll(b.shots, 0o755); err != nil {
			t.Fatalf("NAMI_SHOTS: %v", err)
		}
	}
	// Listen starts the browser and the tab; the journey's deadline bounds the start.
	if err := chromedp.Listen(tab, b.watch); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, p := range b.problems {
			t.Errorf("in the browser: %s", p)
		}
		if t.Failed() {
			for _, c := range b.console {
				t.Logf("browser console: %s", c)
			}
		}
	})
	return b
}

// watch collects what the page reports; it runs on chromedp's event loop, so it only appends.
func (b *browser) watch(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		b.mu.Lock()
		b.problems = append(b.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		b.mu.Unlock()
	case *page.EventJavascriptDialogOpening:
		// A dialog stalls the page until it is answered; answer from outside the event loop.
		b.mu.Lock()
		b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
		accept := !b.dismiss
		b.mu.Unlock()
		go chromedp.Call(b.tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
	case *log.EventEntryAdded:
		e := ev.Entry
		b.mu.Lock()
		switch {
		case strings.Contains(e.Text, "Content Security Policy"):
			b.problems = append(b.problems, "CSP violation: "+e.Text)
		case e.Level == log.EntryLevelError && e.Source == log.EntrySourceNetwork:
			// 4xx answers the journey provokes on purpose (a 422) are logged as network errors.
			b.console = append(b.console, e.Text+" "+e.URL)
		case e.Level == log.EntryLevelError:
			b.problems = append(b.problems, fmt.Sprintf("console error (%s) on %s: %s", e.Source, e.URL, e.Text))
		}
		b.mu.Unlock()
	}
}

// do runs steps within one step's time limit and stops the test on failure, with a screenshot.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot("failed")
		b.t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value, within one step's time limit.
func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.shot("failed")
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// waitUntil polls a JavaScript condition until it holds, for at most one step.
func (b *browser) waitUntil(what, condition string) {
	b.t.Helper()
	b.do(what, chromedp.Poll[chromedp.Void](condition,
		chromedp.WithPollingTimeout(stepTimeout-time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
}

// eventually reports whether a JavaScript condition comes to hold within a few seconds.
func (b *browser) eventually(condition string) bool {
	ctx, cancel := context.WithTimeout(b.tab, 10*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](condition,
		chromedp.WithPollingTimeout(9*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
	return err == nil
}

// open loads a page and waits for an element that only that page has.
func (b *browser) open(path, ready string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS(ready)))
}

// path is the current page's path, query included.
func (b *browser) path() string {
	b.t.Helper()
	return strings.TrimPrefix(get(b, "read the location", chromedp.Location()), b.base)
}

// value is the current value of a form control.
func (b *browser) value(sel string) string {
	b.t.Helper()
	return get(b, "read "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// text is the visible text of the first element sel finds, with runs of spaces collapsed.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return strings.Join(strings.Fields(get(b, "read "+sel, chromedp.Text(chromedp.CSS(sel)))), " ")
}

// typeInto replaces a text field's content with s, typed key by key so the page's input handlers run.
func (b *browser) typeInto(sel, s string) {
	b.t.Helper()
	// Clear with a script: chromedp's SetValue cannot set "" (it reads the empty result back as a failure).
	b.do("type into "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel)),
		chromedp.SendKeys(chromedp.CSS(sel), s))
}

// choose selects an option of a select and fires its change event, as a person's choice would.
func (b *browser) choose(sel, value string) {
	b.t.Helper()
	b.do("choose "+value+" in "+sel,
		chromedp.SetValue(chromedp.CSS(sel), value),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
			`document.querySelector(%q).dispatchEvent(new Event("change", {bubbles: true}))`, sel)))
	if got := b.value(sel); got != value {
		b.t.Fatalf("%s has no option %q (value is %q)", sel, value, got)
	}
}

// markPage tags the current document, so that samePage can tell an htmx swap from a page load.
func (b *browser) markPage(name string) {
	b.t.Helper()
	b.do("mark the page", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`window.namiJourneyPage = %q`, name)))
}

// samePage reports whether the document marked with name is still the one shown.
func (b *browser) samePage(name string) bool {
	b.t.Helper()
	return get(b, "read the page mark", chromedp.Evaluate[bool](fmt.Sprintf(`window.namiJourneyPage === %q`, name)))
}

// shot saves a screenshot of the whole page to $NAMI_SHOTS, numbered in journey order.
func (b *browser) shot(name string) {
	if b.shots == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.tab, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.shotN++
	file := filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.shotN, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

// rowWith is a JavaScript condition: some element matching sel contains every one of texts.
func rowWith(sel string, texts ...string) string {
	var checks []string
	for _, s := range texts {
		checks = append(checks, fmt.Sprintf("r.textContent.includes(%q)", s))
	}
	return fmt.Sprintf(`[...document.querySelectorAll(%q)].some(r => %s)`, sel, strings.Join(checks, " && "))
}

var sdkKey = regexp.MustCompile(`^pk_[A-Za-z0-9_]{16,64}$`)
