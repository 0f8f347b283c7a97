package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"nami/catalog"
	"nami/offer"
	"nami/store"
)

// demoIOSKey is the demo's iOS platform key (catalog/demo.json).
const demoIOSKey = "pk_lh8cm96yrkezvtddv4miodnzinfys2kc"

// startServerWithSDK serves the control center and the SDK API over a fresh database holding the
// demo catalog, published once.
func startServerWithSDK(t *testing.T) (*httptest.Server, *store.Store, store.App) {
	t.Helper()
	s := newSDKServer(t)
	srv := httptest.NewServer(s.handler)
	t.Cleanup(srv.Close)
	return srv, s.st, s.app
}

// emulateColorScheme makes the tab's prefers-color-scheme "dark" or "light".
func emulateColorScheme(b *browser, scheme string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		b.t.Fatalf("emulating prefers-color-scheme: %s: %v", scheme, err)
	}
	if got := get(b, "read the colour scheme", chromedp.Evaluate[bool](`matchMedia('(prefers-color-scheme: `+scheme+`)').matches`)); !got {
		b.t.Fatalf("prefers-color-scheme: %s does not match after emulating it", scheme)
	}
}

// paywallColours are the computed colours of a drawn paywall.
type paywallColours struct {
	Background, Text, CTA, CTAText, Appearance string
}

const measureColours = `JSON.stringify((() => {
	const pw = document.querySelector('[data-testid="paywall"]'), cta = document.querySelector('[data-testid="paywall-cta"]');
	const title = document.querySelector('[data-testid="paywall-title"]');
	return {Background: getComputedStyle(pw).backgroundColor, Text: getComputedStyle(title).color,
		CTA: getComputedStyle(cta).backgroundColor, CTAText: getComputedStyle(cta).color, Appearance: pw.dataset.appearance};
})())`

func coloursOf(b *browser, what string) paywallColours {
	b.t.Helper()
	var c paywallColours
	if err := json.Unmarshal([]byte(get(b, "measure "+what, chromedp.Evaluate[string](measureColours))), &c); err != nil {
		b.t.Fatalf("measuring %s: %v", what, err)
	}
	return c
}

// want is the colours a palette should draw.
func wantColours(accent, bg, text string) paywallColours {
	return paywallColours{Background: rgb(bg), Text: rgb(text), CTA: rgb(accent), CTAText: rgb(offer.OnAccent(accent, bg))}
}

// darkShot keeps a screenshot of the viewport in $NAMI_SHOTS (else /tmp/dark-shots when
// NAMI_DARK_SHOTS is set), for a person to look at.
func darkShot(t *testing.T, b *browser, name string, full bool) {
	t.Helper()
	dir := b.shots
	if dir == "" {
		dir = os.Getenv("NAMI_DARK_SHOTS")
	}
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var shot []byte
	if full {
		shot = get(b, "screenshot "+name, chromedp.FullScreenshot(90))
	} else {
		shot = get(b, "screenshot "+name, chromedp.CaptureScreenshot())
	}
	if err := os.WriteFile(filepath.Join(dir, "dark-"+name+".png"), shot, 0o644); err != nil {
		t.Errorf("saving the screenshot: %v", err)
	}
}

// A paywall's dark palette comes through apply and export unchanged, reaches the snapshot, and the
// web paywall shows it when the web view prefers a dark colour scheme (or ?appearance=dark), the
// light one otherwise; the editor edits it with contrast warnings and previews either palette.
func TestDarkPaletteInTheWebPaywall(t *testing.T) {
	srv, st, a := startServerWithSDK(t)
	ctx := context.Background()

	// apply → export → apply changes nothing, and the export carries the demo's dark palettes.
	f, err := catalog.Export(ctx, st.Reader, a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := catalog.Encode(&buf, f); err != nil {
		t.Fatal(err)
	}
	again, err := catalog.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := catalog.Apply(ctx, st, again, "demo@example.com"); err != nil || res != (catalog.Result{App: a.Slug}) {
		t.Fatalf("applying the export: %+v, %v; want nothing changed", res, err)
	}
	themes := map[string]catalog.ThemeDoc{}
	for _, p := range again.Paywalls {
		themes[p.Ref] = p.Theme
		if p.Theme.Dark == nil {
			t.Errorf("the export of %s has no dark palette", p.Ref)
		}
	}

	b := newBrowser(t, srv.URL)
	// The web paywall of each template at phone size, in a web view that prefers dark.
	b.do("size the window for a phone", chromedp.EmulateViewport(390, 844))
	emulateColorScheme(b, "dark")
	for _, tc := range []struct{ ref, template string }{{"spring", "hero"}, {"yearly-focus", "cards"}, {"quiet", "minimal"}} {
		th := themes[tc.ref]
		if th.Dark == nil {
			continue
		}
		dark, light := wantColours(th.Dark.Accent, th.Dark.Background, th.Dark.Text), wantColours(th.Accent, th.Background, th.Text)
		page := "/sdk/v1/platforms/" + demoIOSKey + "/paywalls/" + tc.ref + "?device=phone&locale=en"
		b.open(page, `[data-testid="paywall"]`)
		if tc.ref == "spring" {
			b.waitUntil("the image", `(() => { const i = document.querySelector('[data-testid="paywall-image"]'); return !!i && i.complete && i.naturalWidth > 0 })()`)
		}
		got := coloursOf(b, tc.ref+" in dark")
		dark.Appearance = "auto"
		if got != dark {
			t.Errorf("%s under prefers-color-scheme: dark draws %+v, want the dark palette %+v", tc.ref, got, dark)
		}
		darkShot(t, b, "web-"+tc.template+"-phone", false)

		// The same at TV size.
		b.do("size the window for a TV", chromedp.EmulateViewport(1280, 720))
		b.open(strings.Replace(page, "device=phone", "device=tv", 1), `[data-testid="paywall"]`)
		if tc.ref == "spring" {
			b.waitUntil("the image", `(() => { const i = document.querySelector('[data-testid="paywall-image"]'); return !!i && i.complete && i.naturalWidth > 0 })()`)
		}
		if got := coloursOf(b, tc.ref+" on a TV in dark"); got != dark {
			t.Errorf("%s on a TV under prefers-color-scheme: dark draws %+v, want the dark palette %+v", tc.ref, got, dark)
		}
		darkShot(t, b, "web-"+tc.template+"-tv", false)
		b.do("size the window for a phone", chromedp.EmulateViewport(390, 844))

		// ?appearance=light wins over the web view's preference.
		b.open(page+"&appearance=light", `[data-testid="paywall"]`)
		light.Appearance = "light"
		if got := coloursOf(b, tc.ref+" forced light"); got != light {
			t.Errorf("%s with ?appearance=light draws %+v, want the light palette %+v", tc.ref, got, light)
		}
	}

	// A web view that prefers light: the light palette, unless ?appearance=dark.
	emulateColorScheme(b, "light")
	th := themes["spring"]
	page := "/sdk/v1/platforms/" + demoIOSKey + "/paywalls/spring?device=phone&locale=en"
	b.open(page, `[data-testid="paywall"]`)
	light := wantColours(th.Accent, th.Background, th.Text)
	light.Appearance = "auto"
	if got := coloursOf(b, "spring in light"); got != light {
		t.Errorf("spring under prefers-color-scheme: light draws %+v, want the light palette %+v", got, light)
	}
	b.open(page+"&appearance=dark", `[data-testid="paywall"]`)
	dark := wantColours(th.Dark.Accent, th.Dark.Background, th.Dark.Text)
	dark.Appearance = "dark"
	if got := coloursOf(b, "spring forced dark"); got != dark {
		t.Errorf("spring with ?appearance=dark draws %+v, want the dark palette %+v", got, dark)
	}

	// The editor: a dark text colour too close to its background warns beside the field, the
	// light/dark switch previews the dark palette.
	b.do("size the window for the editor", chromedp.EmulateViewport(1280, 1100))
	ownerSetUpInBrowser(b)
	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="paywall-form"]`)
	b.choose(`[data-testid="preview-appearance"]`, "dark")
	b.waitUntil("the dark preview", `document.querySelector('#preview-pane [data-testid="paywall"]').dataset.appearance === "dark"`)
	b.typeInto(`#f-theme\[dark\]\[text\]`, "#4B4470")
	b.waitUntil("the contrast warning", `(() => { const w = document.querySelector('[data-testid="contrast-dark-text"]'); return !!w && !w.hidden && w.textContent.includes(':1'); })()`)
	if got := b.text(`[data-testid="contrast-dark-text"]`); got == "" {
		t.Error("no contrast warning beside the dark text colour")
	}
	b.waitUntil("the preview in the new colour", fmt.Sprintf(`getComputedStyle(document.querySelector('#preview-pane [data-testid="paywall-title"]')).color === %q`, rgb("#4B4470")))
	b.do("scroll to the theme", chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="theme-card"]`)))
	darkShot(t, b, "editor-warnings", false)
}
