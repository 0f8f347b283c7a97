package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/labstack/echo/v4"

	"nami/handlers"
	"nami/store"
)

// startSlowServer is startServer whose htmx re-renders of the editors (POST .../builder and
// .../editor) answer after delay, as on a slow link.
func startSlowServer(t *testing.T, delay time.Duration) (*httptest.Server, *store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "nami.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, err := handlers.New(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := c.Request().URL.Path
			if c.Request().Method == "POST" && (strings.HasSuffix(p, "/builder") || strings.HasSuffix(p, "/editor")) {
				time.Sleep(delay)
			}
			return next(c)
		}
	})
	h.Routes(e)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv, st
}

// countSwaps makes the page count htmx swaps in window.namiSwaps.
const countSwaps = `window.namiSwaps = 0; document.addEventListener("htmx:afterSwap", () => { window.namiSwaps++ })`

// Changing variant b's paywall re-renders the builder; the holdout typed while that re-render
// was on its way stays as typed, and both are saved.
func TestBuilderKeepsWhatIsTypedDuringASlowRerender(t *testing.T) {
	srv, st := startSlowServer(t, 700*time.Millisecond)
	a := applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	openBuilder(b, "/apps/calm-sky/campaigns/onboarding-ab")
	b.do("count swaps", chromedp.Evaluate[chromedp.Void](countSwaps))

	b.choose(`[name="variants[1][paywall]"]`, "quiet") // sends the re-render
	b.typeInto(`[name="holdout_percent"]`, "15")       // while it is on its way
	b.waitUntil("the re-render arrives", `window.namiSwaps >= 1`)
	if got := b.value(`[name="holdout_percent"]`); got != "15" {
		t.Errorf("after the re-render the holdout is %q, want the typed 15", got)
	}
	if got := b.value(`[name="variants[1][paywall]"]`); got != "quiet" {
		t.Errorf("after the re-render variant b's paywall is %q, want quiet", got)
	}
	b.shot("builder-after-slow-rerender")
	submitAndLoad(b, "save", `[data-testid="save"]`, `form#builder`)
	cp, err := st.Campaign(context.Background(), a.ID, "onboarding-ab")
	if err != nil {
		t.Fatal(err)
	}
	if cp.HoldoutPercent != 15 || cp.Variants[1].PaywallRef != "quiet" {
		t.Errorf("saved holdout %d and variant b %s, want 15 and quiet", cp.HoldoutPercent, cp.Variants[1].PaywallRef)
	}
}

// A typed title marks the editor unsaved at once; leaving asks first; after leaving anyway, the
// editor offers the edit back, and restoring and saving stores it.
func TestUnsavedEditsAreGuardedAndRestored(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	const title = `[data-testid="copy-title-en"]`
	b.open("/apps/calm-sky/paywalls/spring", `form#pw-form`)
	if b.eventually(`!document.querySelector('[data-testid="unsaved"]').hidden`) {
		t.Fatal("a freshly opened editor says it has unsaved changes")
	}
	// Choosing how the preview shows the draft is not an edit.
	b.do("preview on a tablet", chromedp.SetValue(chromedp.CSS(`[name="preview_device"]`), "tablet"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[name="preview_device"]').dispatchEvent(new Event("change", {bubbles: true}))`))
	if b.eventually(`!document.querySelector('[data-testid="unsaved"]').hidden`) {
		t.Error("changing the preview's device marks the editor unsaved")
	}
	b.typeInto(title, "Sleep better all year")
	if !b.eventually(`!document.querySelector('[data-testid="unsaved"]').hidden`) {
		t.Error("typing does not mark the editor unsaved")
	}

	// An in-app link asks; Cancel stays with the edit.
	b.answerDialogs(false)
	b.do("click Campaigns", chromedp.Click(chromedp.CSS(`[data-testid="nav-campaigns"]`)))
	time.Sleep(300 * time.Millisecond)
	if !strings.Contains(b.path(), "/paywalls/spring") || b.value(title) != "Sleep better all year" {
		t.Fatalf("after Cancel the browser is on %s with title %q", b.path(), b.value(title))
	}
	if ds := b.dialogsSeen(); len(ds) == 0 || !strings.Contains(ds[len(ds)-1], "unsaved changes") {
		t.Errorf("dialogs %q, want one about unsaved changes", ds)
	}
	// OK leaves; coming back offers the edit.
	b.answerDialogs(true)
	b.do("click Campaigns", chromedp.Click(chromedp.CSS(`[data-testid="nav-campaigns"]`)))
	waitAcrossLoads(b, "the campaigns page", `location.pathname.endsWith("/campaigns")`)
	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="draft-restore"]`)
	if got := b.value(title); got == "Sleep better all year" {
		t.Fatal("the editor shows the unsaved title before it is restored")
	}
	b.shot("draft-restore-offer")
	b.do("restore", chromedp.Click(chromedp.CSS(`[data-testid="restore-draft"]`)))
	b.waitUntil("the restored title", jsValue(title)+` === "Sleep better all year"`)
	if !b.eventually(`!document.querySelector('[data-testid="unsaved"]').hidden`) {
		t.Error("a restored draft is not marked unsaved")
	}
	submitAndLoad(b, "save", `[data-testid="save"]`, `form#pw-form`)
	pw, err := st.Paywall(context.Background(), a.ID, "spring")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := pw.CopyFor("en"); c.Title != "Sleep better all year" {
		t.Errorf("saved title %q", c.Title)
	}
	// Saved: nothing to restore any more, and reloading asks nothing.
	before := len(b.dialogsSeen())
	b.open("/apps/calm-sky/paywalls/spring", `form#pw-form`)
	if b.eventually(`!!document.querySelector('[data-testid="draft-restore"]')`) {
		t.Error("after saving, the editor still offers a draft")
	}
	if n := len(b.dialogsSeen()); n != before {
		t.Errorf("leaving a saved editor asked: %q", b.dialogsSeen()[before:])
	}
	// Reloading with an unsaved edit asks before the page goes.
	b.typeInto(title, "Another title")
	b.do("reload", chromedp.Reload())
	if ds := b.dialogsSeen(); !slices.ContainsFunc(ds, func(d string) bool { return strings.HasPrefix(d, "beforeunload") }) {
		t.Errorf("reloading with unsaved changes asked nothing: %q", ds)
	}
}

func jsValue(sel string) string { return fmt.Sprintf(`document.querySelector(%q).value`, sel) }

// Ctrl+S saves the editor in front.
func TestCtrlSSaves(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	b.open("/apps/calm-sky/paywalls/spring", `form#pw-form`)
	b.typeInto(`[data-testid="copy-title-en"]`, "Saved with the keyboard")
	b.do("press Ctrl+S", chromedp.KeyEvent("s", chromedp.KeyModifiers(2)))
	waitAcrossLoads(b, "the saved flash", `!!document.querySelector(".flash-success")`)
	pw, err := st.Paywall(context.Background(), a.ID, "spring")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := pw.CopyFor("en"); c.Title != "Saved with the keyboard" {
		t.Errorf("saved title %q", c.Title)
	}
}

// Clicking the fr tab shows the French copy in the preview; the template cards show one
// choice; the minimal template says it shows no image; the campaign template picker starts
// empty and asks before replacing.
func TestEditorRoughEdges(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)

	b.open("/apps/calm-sky/paywalls/quiet", `form#pw-form`)
	b.do("open the fr tab", chromedp.Click(chromedp.CSS(`[data-testid="tab-fr"]`)))
	b.waitUntil("the preview follows the tab", `(document.querySelector('#preview-pane [data-testid="paywall-title"]') || {}).textContent === "Débloquez Calm Sky Premium"`)

	b.open("/apps/calm-sky/paywalls/spring", `form#pw-form`)
	const highlighted = `[...document.querySelectorAll(".template-option")].filter(o => getComputedStyle(o).borderTopColor === getComputedStyle(document.documentElement).getPropertyValue("--accent").trim().replace(/^#(..)(..)(..)$/, (m, r, g, b) => "rgb(" + parseInt(r, 16) + ", " + parseInt(g, 16) + ", " + parseInt(b, 16) + ")")).length`
	// Colours are read after the click: transitions would show them half-way.
	b.do("turn transitions off", chromedp.Evaluate[chromedp.Void](`document.head.insertAdjacentHTML("beforeend", "<style>*{transition:none !important}</style>")`))
	b.do("choose Cards", chromedp.Click(chromedp.CSS(`.template-option:has(input[value="cards"])`)))
	if n := get(b, "count highlighted cards", chromedp.Evaluate[int](highlighted)); n != 1 {
		t.Errorf("%d template cards look selected after choosing another, want 1", n)
	}
	if get(b, "the image note", chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('[data-testid="minimal-note"]')).display !== "none"`)) {
		t.Error("the image note shows with the hero and cards templates")
	}
	b.do("choose Minimal", chromedp.Click(chromedp.CSS(`.template-option:has(input[value="minimal"])`)))
	if !get(b, "the image note", chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('[data-testid="minimal-note"]')).display !== "none"`)) {
		t.Error("choosing the minimal template does not say it shows no image")
	}
	b.shot("minimal-template-note")

	openBuilder(b, "/apps/calm-sky/campaigns/onboarding-ab")
	if v := b.value(`[data-testid="template-select"]`); v != "" {
		t.Errorf("the template picker starts on %q, want nothing chosen", v)
	}
	if !get(b, "apply disabled", chromedp.Evaluate[bool](`document.querySelector('[data-testid="apply-template"]').disabled`)) {
		t.Error("Apply template is enabled with no template chosen")
	}
	b.choose(`[data-testid="template-select"]`, "default")
	b.answerDialogs(false)
	b.do("apply, then cancel", chromedp.Click(chromedp.CSS(`[data-testid="apply-template"]`)))
	time.Sleep(300 * time.Millisecond)
	if got := b.value(`[name="holdout_percent"]`); got != "10" {
		t.Errorf("cancelling the template still changed the holdout to %q", got)
	}
	if ds := b.dialogsSeen(); len(ds) == 0 || !strings.Contains(ds[len(ds)-1], "Replace this campaign") {
		t.Errorf("applying a template asked %q", ds)
	}
	b.answerDialogs(true)
	cp, _ := st.Campaign(context.Background(), a.ID, "onboarding-ab")
	if cp.HoldoutPercent != 10 {
		t.Errorf("stored holdout %d", cp.HoldoutPercent)
	}
}

// Clearing the default language's title of a live campaign's paywall is saved as a draft, but
// the Releases page says why it cannot be published and does not publish it.
func TestAnEmptyTitleBlocksPublishing(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	b.open("/apps/calm-sky/paywalls/spring", `form#pw-form`)
	b.typeInto(`[data-testid="copy-title-en"]`, " ")
	b.do("clear the title", chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector('[data-testid="copy-title-en"]'); f.value = ""; f.dispatchEvent(new Event("input", {bubbles: true})) })()`))
	submitAndLoad(b, "save", `[data-testid="save"]`, `form#pw-form`)
	b.open("/apps/calm-sky/releases", `[data-testid="publish-error"]`)
	if got := b.text(`[data-testid="publish-error"]`); !strings.Contains(got, `Paywall "Spring offer": the English title is empty`) {
		t.Errorf("the Releases page says %q", got)
	}
	if !get(b, "publish disabled", chromedp.Evaluate[bool](`document.querySelector('[data-testid="publish"]').disabled`)) {
		t.Error("Publish is enabled with an empty title")
	}
	b.shot("releases-empty-title")
	rels, err := st.Releases(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 0 {
		t.Errorf("%d releases published", len(rels))
	}
}

// The count beside a copy field follows what is typed and warns past the template's limit.
func TestCopyCountFollowsTyping(t *testing.T) {
	srv, st := startServer(t)
	applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	b.open("/apps/calm-sky/paywalls/spring", `form#pw-form`)
	const count = `[data-testid="copy-count-title-en"]`
	b.typeInto(`[data-testid="copy-title-en"]`, "Short")
	b.waitUntil("the count follows", `document.querySelector('`+count+`').textContent.includes("5 / 60")`)
	b.typeInto(`[data-testid="copy-title-en"]`, strings.Repeat("long ", 13))
	b.waitUntil("the warning shows", `document.querySelector('`+count+`').classList.contains("copy-count-over")`)
	if got := b.text(count); !strings.Contains(got, "longer than a phone shows well") {
		t.Errorf("the count says %q", got)
	}
	b.shot("copy-count-over")
}
