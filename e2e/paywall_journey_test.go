package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nami/catalog"
	"nami/store"
)

// applyDemoCatalog loads the demo app calm-sky (catalog.Demo) into the store, as `nami serve --demo` does.
func applyDemoCatalog(t *testing.T, st *store.Store) store.App {
	t.Helper()
	ctx := context.Background()
	f, err := catalog.Parse(bytes.NewReader(catalog.Demo))
	if err != nil {
		t.Fatalf("catalog.Parse(Demo): %v", err)
	}
	if _, err := catalog.Apply(ctx, st, f, "demo@example.com"); err != nil {
		t.Fatalf("catalog.Apply(Demo): %v", err)
	}
	a, err := st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ownerSetUpInBrowser creates the owner through the first-run form and leaves the browser signed in.
func ownerSetUpInBrowser(b *browser) {
	b.t.Helper()
	const setup = `[data-testid="setup-form"]`
	b.open("/setup", setup)
	b.typeInto(setup+` #f-name`, "Mia Marketer")
	b.typeInto(setup+` #f-email`, "mia@example.com")
	b.typeInto(setup+` #f-password`, "correct-horse-battery")
	b.do("create the owner", chromedp.Click(chromedp.CSS(setup+` button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-user"]`)))
}

// writePNG writes a w×h PNG to a temporary file and returns its path.
func writePNG(t *testing.T, name string, w, h int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(40 + x*200/w), G: uint8(90 + y*120/h), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// submitAndLoad clicks sel, which sends a form the plain way (a page load follows), and waits until
// the next page has loaded and shows an element matching ready.
func submitAndLoad(b *browser, what, sel, ready string) {
	b.t.Helper()
	b.markPage("before " + what)
	b.do(what, chromedp.Click(chromedp.CSS(sel)))
	waitAcrossLoads(b, what, fmt.Sprintf(`window.namiJourneyPage === undefined && document.readyState === "complete" && !!document.querySelector(%q)`, ready))
}

// waitAcrossLoads polls a JavaScript condition until it holds, for at most one step, like
// waitUntil but also while the page is being replaced by another (a poll cut short by a
// navigation is simply tried again).
func waitAcrossLoads(b *browser, what, condition string) {
	b.t.Helper()
	for deadline := time.Now().Add(stepTimeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.tab, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](condition))
		cancel()
		if err == nil && ok {
			return
		}
	}
	b.shot("failed")
	b.t.Fatalf("%s: %s did not come to hold within %v", what, condition, stepTimeout)
}

// textNow is the trimmed text of the first element sel finds, read in one evaluation so that an
// htmx swap cannot replace the element between finding and reading it; "" when there is none.
func textNow(b *browser, sel string) string {
	b.t.Helper()
	return get(b, "read "+sel, chromedp.Evaluate[string](jsText(sel)))
}

// currentFlash is the text of the flash message, or "".
func currentFlash(b *browser) string {
	b.t.Helper()
	return strings.TrimSpace(get(b, "read the flash", chromedp.Evaluate[string](
		`(document.querySelector('[data-testid="flash"]') || {}).textContent || ""`)))
}

// jsText is a JavaScript expression for the trimmed text of the first element sel finds, or "".
func jsText(sel string) string {
	return fmt.Sprintf(`((document.querySelector(%q) || {}).textContent || "").replace(/\s+/g, " ").trim()`, sel)
}

// A marketer creates a paywall, writes its title and watches the preview follow, uploads an image,
// adds products, switches the preview's platform and language, and saves.
func TestPaywallJourneyFromNewPaywallToSavedDraft(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	const (
		newForm  = `[data-testid="new-paywall-form"]`
		editor   = `[data-testid="paywall-editor"]`
		pvTitle  = `#preview-pane [data-testid="paywall-title"]`
		pvPrice  = `#preview-pane [data-testid="paywall-price"]`
		pvImage  = `#preview-pane [data-testid="paywall-image"]`
		thumb    = `[data-testid="image-thumb"]`
		titleEN  = `[data-testid="copy-title-en"]`
		titleDE  = `[data-testid="copy-title-de"]`
		picked   = `[data-testid="picked-product"]`
		editPath = "/apps/calm-sky/paywalls/summer-sale"
	)

	// Create it from the list: the ref follows the name.
	b.open("/apps/calm-sky/paywalls", newForm)
	b.do("type the name", chromedp.SendKeys(chromedp.CSS(newForm+` #f-name`), "Summer sale"))
	if !b.eventually(`document.querySelector('` + newForm + ` #f-ref').value === "summer-sale"`) {
		t.Errorf("typing Summer sale suggested the ref %q", b.value(newForm+` #f-ref`))
		b.typeInto(newForm+` #f-ref`, "summer-sale")
	}
	b.choose(newForm+` #f-template`, "hero")
	b.do("create the paywall", chromedp.Click(chromedp.CSS(newForm+` button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(editor)))
	if p := b.path(); p != editPath {
		t.Fatalf("after creating the paywall the browser is on %s, want %s", p, editPath)
	}
	if got := textNow(b, pvTitle); got != "Summer sale" {
		t.Errorf("the new paywall's preview is titled %q", got)
	}
	b.shot("paywall-new")
	b.markPage("editor")

	// Typing a title: the preview follows without a page load and without saving.
	b.typeInto(titleEN, "Sleep deeply all summer")
	b.waitUntil("the preview shows the typed title", jsText(pvTitle)+` === "Sleep deeply all summer"`)
	if pw, err := st.Paywall(context.Background(), a.ID, "summer-sale"); err != nil || pw.Version != 1 {
		t.Errorf("typing stored something: %+v, %v", pw, err)
	}

	// Choosing an image uploads it at once: the thumbnail and the preview show it.
	b.do("choose an image", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="image-input"]`), []string{writePNG(t, "summer.png", 640, 360)}))
	b.waitUntil("the thumbnail", `(() => { const i = document.querySelector('`+thumb+`'); return !!i && i.complete && i.naturalWidth === 640 })()`)
	b.waitUntil("the preview's image", `(() => { const i = document.querySelector('`+pvImage+`'); return !!i && i.complete && i.naturalWidth === 640 })()`)
	if v := b.value(`#pw-version`); v != "2" {
		t.Errorf("after the upload the editor's version is %q, want 2", v)
	}
	if got := b.value(titleEN); got != "Sleep deeply all summer" {
		t.Errorf("the upload lost the typed title: %q", got)
	}
	if got := textNow(b, pvTitle); got != "Sleep deeply all summer" {
		t.Errorf("after the upload the preview shows %q, want the typed (unsaved) title", got)
	}
	b.shot("paywall-image")

	// Products of two platforms; the preview shows one platform's at a time.
	b.choose(`#f-add_product`, "ios/com.example.calmsky.yearly")
	b.do("add the iOS yearly", chromedp.Click(chromedp.CSS(`[data-testid="add-product"]`)))
	b.waitUntil("one picked product", `document.querySelectorAll('`+picked+`').length === 1`)
	b.choose(`#f-add_product`, "android/calmsky_premium_monthly")
	b.do("add the Android monthly", chromedp.Click(chromedp.CSS(`[data-testid="add-product"]`)))
	b.waitUntil("two picked products", `document.querySelectorAll('`+picked+`').length === 2`)

	b.choose(`#pv-platform`, "android")
	b.waitUntil("the Android price", jsText(pvPrice)+` === "$9.99 / month"`)
	if n := get(b, "count the products", chromedp.Evaluate[int](`document.querySelectorAll('#preview-pane [data-testid="paywall-product"]').length`)); n != 1 {
		t.Errorf("the Android preview shows %d products, want 1", n)
	}
	b.choose(`#pv-platform`, "ios")
	b.waitUntil("the iOS price", jsText(pvPrice)+` === "$59.99 / year"`)
	b.shot("paywall-ios")

	// A second language, then the preview in it.
	b.typeInto(`[data-testid="new-locale"]`, "de")
	b.do("add German", chromedp.Click(chromedp.CSS(`[data-testid="add-locale"]`)))
	b.waitUntil("the German tab", `!!document.querySelector('[data-testid="tab-de"]')`)
	if got := b.value(titleDE); got != "Sleep deeply all summer" {
		t.Errorf("the German copy starts as %q, want the English to translate", got)
	}
	b.typeInto(titleDE, "Tief schlafen den ganzen Sommer")
	b.choose(`#pv-locale`, "de")
	b.waitUntil("the German preview", jsText(pvTitle)+` === "Tief schlafen den ganzen Sommer"`)
	if !b.eventually(`(p => p.includes("59,99") && p.includes("Jahr"))(` + jsText(pvPrice) + `)`) {
		t.Errorf("the German iOS price reads %q, want 59,99 … Jahr", textNow(b, pvPrice))
	}
	if lang := get(b, "read the preview's lang", chromedp.Evaluate[string](`document.querySelector('#preview-pane [data-testid="paywall"]').lang`)); lang != "de" {
		t.Errorf("the German preview has lang %q", lang)
	}
	b.choose(`#pv-platform`, "android")
	b.waitUntil("the German Android price", `(`+jsText(pvPrice)+`).includes("9,99")`)
	if !b.samePage("editor") {
		t.Error("editing loaded a new page; want every step swapped in place")
	}
	b.shot("paywall-german")

	// Save: the page reloads with the saved draft.
	submitAndLoad(b, "save", `[data-testid="save"]`, `[data-testid="paywall-editor"]`)
	if f := currentFlash(b); !strings.Contains(f, "Saved Summer sale") {
		t.Errorf("after saving the flash says %q", f)
	}
	pw, err := st.Paywall(context.Background(), a.ID, "summer-sale")
	if err != nil {
		t.Fatal(err)
	}
	en, _ := pw.CopyFor("en")
	de, _ := pw.CopyFor("de")
	if en.Title != "Sleep deeply all summer" || de.Title != "Tief schlafen den ganzen Sommer" || pw.DefaultLocale != "en" {
		t.Errorf("stored copy en %+v de %+v default %q", en, de, pw.DefaultLocale)
	}
	if len(pw.Products) != 2 || pw.Products[0].SKU != "com.example.calmsky.yearly" || pw.Products[1].SKU != "calmsky_premium_monthly" {
		t.Errorf("stored products %+v", pw.Products)
	}
	if pw.HeroImage == "" || pw.Version != 3 {
		t.Errorf("stored image %q version %d, want an image and version 3 (create, upload, save)", pw.HeroImage, pw.Version)
	}
	if got := b.value(titleDE); got != "Tief schlafen den ganzen Sommer" {
		t.Errorf("after saving the German title field shows %q", got)
	}
	b.shot("paywall-saved")
}

// Saving the editor without touching it changes nothing, even for copy with line breaks.
func TestPaywallSavedUnchangedInTheBrowserStaysTheSame(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	before, err := st.Paywall(context.Background(), a.ID, "spring")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(before.Copy[0].Body, "\n") {
		t.Fatalf("spring's body has no line break; this test needs one")
	}
	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`)
	submitAndLoad(b, "save", `[data-testid="save"]`, `[data-testid="paywall-editor"]`)
	if f := currentFlash(b); f != "No changes to save." {
		t.Errorf("saving the untouched editor says %q, want No changes to save.", f)
	}
	after, err := st.Paywall(context.Background(), a.ID, "spring")
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version {
		t.Errorf("saving the untouched editor made version %d", after.Version)
	}
	for i, c := range after.Copy {
		if c != before.Copy[i] {
			t.Errorf("the %s copy changed from %#v to %#v", c.Locale, before.Copy[i], c)
		}
	}
}
