package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nami/catalog"
	"nami/store"
)

// The layout checks of issue 10: what a person sees at a desktop width (1280 px) and on a phone
// (390 px), measured in the browser with getBoundingClientRect.

// viewport is one window size the layout is checked at.
type viewport struct {
	name          string
	width, height int64
}

var (
	desktop = viewport{"desktop", 1280, 900}
	phone   = viewport{"phone", 390, 844}
)

// layoutSession starts the control center with the demo app, signs the owner in and returns the browser.
func layoutSession(t *testing.T) *browser {
	t.Helper()
	srv, st := startServer(t)
	applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	return b
}

// resize sets the window's size, as a phone or a desktop window would have it.
func (b *browser) resize(v viewport) {
	b.t.Helper()
	b.do("size the window for a "+v.name, chromedp.EmulateViewport(v.width, v.height))
}

// measure evaluates a script that returns JSON and decodes it into out.
func measure(b *browser, what, script string, out any) {
	b.t.Helper()
	raw := get(b, "measure "+what, chromedp.Evaluate[string](script))
	if err := json.Unmarshal([]byte(raw), out); err != nil {
		b.t.Fatalf("measuring %s: %v (%s)", what, err, raw)
	}
}

// rect is an element's box in the viewport, as getBoundingClientRect gives it.
type rect struct {
	Top, Right, Bottom, Left, Width, Height float64
}

func (r rect) String() string {
	return fmt.Sprintf("x %.0f–%.0f, y %.0f–%.0f", r.Left, r.Right, r.Top, r.Bottom)
}

func (r rect) visible() bool { return r.Width > 0 && r.Height > 0 }

func (r rect) intersects(o rect) bool {
	return r.visible() && o.visible() && r.Left < o.Right && o.Left < r.Right && r.Top < o.Bottom && o.Top < r.Bottom
}

// rectJS is a JavaScript function r(selector) giving the first match's rect, or a zero rect.
const rectJS = `const r = s => { const e = document.querySelector(s); if (!e) return {}; const b = e.getBoundingClientRect();
	return {Top: b.top, Right: b.right, Bottom: b.bottom, Left: b.left, Width: b.width, Height: b.height}; };`

// After a save the toast says so without covering the Save button, on a desktop and on a phone.
func TestToastKeepsClearOfTheSaveButton(t *testing.T) {
	b := layoutSession(t)
	const editor = `[data-testid="paywall-editor"]`
	for i, v := range []viewport{desktop, phone} {
		{
			b.resize(v)
			b.open("/apps/calm-sky/paywalls/spring", editor)
			b.typeInto(`[data-testid="copy-title-en"]`, fmt.Sprintf("Spring sale, take %d", i+1))
			submitAndLoad(b, "save", `[data-testid="save"]`, editor)
			b.waitUntil("the toast, settled", `(() => { const f = document.querySelector('[data-testid="flash"]');
				return !!f && f.getAnimations().every(a => a.playState === "finished"); })()`)
			var m struct{ Toast, Save, Bar rect }
			measure(b, "the toast and the save bar", `(() => { `+rectJS+`
				return JSON.stringify({Toast: r('[data-testid="flash"]'), Save: r('[data-testid="save"]'), Bar: r('.save-bar')}); })()`, &m)
			b.shot("toast-" + v.name)
			if !strings.HasPrefix(currentFlash(b), "Saved") {
				t.Errorf("%s: after saving the toast says %q", v.name, currentFlash(b))
			}
			if !m.Toast.visible() || !m.Save.visible() {
				t.Fatalf("%s: the toast (%v) or the Save button (%v) is not shown", v.name, m.Toast, m.Save)
			}
			if m.Toast.intersects(m.Save) {
				t.Errorf("%s: the toast (%v) covers the Save button (%v)", v.name, m.Toast, m.Save)
			}
			if m.Toast.intersects(m.Bar) {
				t.Errorf("%s: the toast (%v) covers the save bar (%v)", v.name, m.Toast, m.Bar)
			}
			if m.Toast.Left < 0 || m.Toast.Right > float64(v.width) || m.Toast.Top < 0 || m.Toast.Bottom > float64(v.height) {
				t.Errorf("%s: the toast (%v) is not wholly inside the %dx%d window", v.name, m.Toast, v.width, v.height)
			}
		}
	}
}

// splitWordsJS finds the refs, SKUs and keys (monospace text) whose words the browser broke across
// lines somewhere other than after a separator (. / _ - :), e.g. "qui/et" or "family.yearl/y".
const splitWordsJS = `(() => {
	const seps = "./_-:@";
	const els = [...document.querySelectorAll('.mono, code, .snapshot-link, .variant-ref')]
		.filter(e => !e.closest('.pw, input, textarea, select, pre') && e.getClientRects().length > 0);
	const splits = [];
	for (const el of els) {
		const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			for (const m of n.data.matchAll(/\S+/g)) {
				let prevTop = null;
				for (let i = 0; i < m[0].length; i++) {
					const range = document.createRange();
					range.setStart(n, m.index + i);
					range.setEnd(n, m.index + i + 1);
					const rs = range.getClientRects();
					if (rs.length === 0) continue;
					const top = rs[0].top;
					if (prevTop !== null && top > prevTop + 2 && !seps.includes(m[0][i - 1])) {
						splits.push(m[0].slice(0, i) + "/" + m[0].slice(i) + " (in " + el.className + ")");
						break;
					}
					prevTop = top;
				}
			}
		}
	}
	return JSON.stringify({Count: els.length, Splits: splits});
})()`

// longRefsCatalog is the demo catalog with a product whose SKU, and a paywall whose ref, are longer
// than a phone's line: the kind of identifiers a real app has.
func longRefsCatalog(t *testing.T, st *store.Store) {
	t.Helper()
	f, err := catalog.Parse(bytes.NewReader(catalog.Demo))
	if err != nil {
		t.Fatalf("catalog.Parse(Demo): %v", err)
	}
	f.Products = append(f.Products, catalog.ProductDoc{Platform: "ios", SKU: "com.example.calmsky.family.yearly.introductory.offer",
		Name: "Family Yearly (introductory offer)", Kind: "subscription", Price: "79.99", Currency: "USD", Period: "P1Y",
		Entitlements: []string{"premium"}})
	pw := f.Paywalls[0]
	pw.Ref, pw.Name = "quiet-family-yearly-introductory-offer-2026", "Quiet family offer"
	pw.Products = append(pw.Products, catalog.PaywallProductDoc{Platform: "ios", SKU: "com.example.calmsky.family.yearly.introductory.offer"})
	f.Paywalls = append(f.Paywalls, pw)
	if _, err := catalog.Apply(context.Background(), st, f, "demo@example.com"); err != nil {
		t.Fatalf("catalog.Apply: %v", err)
	}
}

// On a phone no ref, SKU or key is broken in the middle of a word on the pages that list them.
func TestRefsAndSKUsKeepTheirWordsWhole(t *testing.T) {
	srv, st := startServer(t)
	longRefsCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	pages := []struct{ path, ready string }{
		{"/apps/calm-sky", `[data-testid="overview-platforms"]`},
		{"/apps/calm-sky/analytics", `[data-testid="page-title"]`},
		{"/apps/calm-sky/platforms", `[data-testid="page-title"]`},
		{"/apps/calm-sky/entitlements", `[data-testid="page-title"]`},
		{"/apps/calm-sky/products", `[data-testid="product-table"]`},
		{"/apps/calm-sky/paywalls", `[data-testid="page-title"]`},
		{"/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`},
		{"/apps/calm-sky/campaigns", `[data-testid="campaign-table"]`},
		{"/apps/calm-sky/releases", `[data-testid="page-title"]`},
		{"/apps/calm-sky/simulate", `[data-testid="page-title"]`},
		{"/audit", `[data-testid="page-title"]`},
	}
	total := 0
	// A tablet too: there the releases page flows its changes into columns.
	for _, v := range []viewport{phone, {"tablet", 700, 1000}} {
		b.resize(v)
		for _, pg := range pages {
			b.open(pg.path, pg.ready)
			var m struct {
				Count  int
				Splits []string
			}
			measure(b, "the refs of "+pg.path, splitWordsJS, &m)
			total += m.Count
			if len(m.Splits) > 0 {
				b.shot("split-words")
				t.Errorf("on %s at %dpx these refs break mid-word: %s", pg.path, v.width, strings.Join(m.Splits, "; "))
			}
		}
	}
	if total < 20 {
		t.Errorf("found only %d refs, SKUs and keys on the demo app's pages; the check looks at the wrong elements", total)
	}
}

// On a phone the paywall editor's live preview is near the top of the page, not below every field;
// on a desktop it stays beside the fields.
func TestPaywallPreviewReachableOnAPhone(t *testing.T) {
	b := layoutSession(t)
	const measurePreview = `(() => { ` + rectJS + `
		return JSON.stringify({Frame: r('[data-testid="preview-frame"]'), Form: r('[data-testid="paywall-form"]'),
			ScrollY: window.scrollY, Height: window.innerHeight, ScrollWidth: document.documentElement.scrollWidth}); })()`
	var m struct {
		Frame, Form         rect
		ScrollY             float64
		Height, ScrollWidth int
	}

	b.resize(phone)
	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`)
	measure(b, "the preview on a phone", measurePreview, &m)
	b.shot("editor-phone")
	// Seen from the top of the page: the frame starts on the first screen and most of it shows there.
	if top := m.Frame.Top + m.ScrollY; !m.Frame.visible() || top+m.Frame.Height/2 > float64(m.Height) {
		t.Errorf("on a phone the preview is at %.0f–%.0f px of the page, the screen is %d px high: it is out of reach",
			top, top+m.Frame.Height, m.Height)
	}
	if m.ScrollWidth > int(phone.width) {
		t.Errorf("the editor is %d px wide on a %d px phone", m.ScrollWidth, phone.width)
	}

	b.resize(desktop)
	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`)
	measure(b, "the preview on a desktop", measurePreview, &m)
	if m.Frame.Left < m.Form.Right || m.Frame.Top > float64(m.Height) {
		t.Errorf("on a desktop the preview (%v) is not beside the fields (%v)", m.Frame, m.Form)
	}
}

// On a phone the overview's platforms and SDK keys fit the card: no sideways scrolling, every key's
// Copy button on screen.
func TestOverviewSDKKeysFitOnAPhone(t *testing.T) {
	b := layoutSession(t)
	b.resize(phone)
	b.open("/apps/calm-sky", `[data-testid="overview-platforms"]`)
	var m struct {
		Card, Table      rect
		CardOverflow     float64
		WrapOverflow     float64
		Buttons, Keys    []rect
		KeysCut          int
		Width, PageWidth int
	}
	measure(b, "the platforms card", `(() => {
		const box = e => { const b = e.getBoundingClientRect(); return {Top: b.top, Right: b.right, Bottom: b.bottom, Left: b.left, Width: b.width, Height: b.height}; };
		const table = document.querySelector('[data-testid="overview-platforms"]');
		const card = table.closest('.card'), wrap = table.closest('.table-wrap') || table;
		const keys = [...table.querySelectorAll('[data-testid="sdk-key"]')];
		return JSON.stringify({
			Card: box(card), Table: box(table),
			CardOverflow: card.scrollWidth - card.clientWidth, WrapOverflow: wrap.scrollWidth - wrap.clientWidth,
			Buttons: [...table.querySelectorAll('[data-copy]')].map(box), Keys: keys.map(box),
			KeysCut: keys.filter(k => k.scrollWidth > k.clientWidth + 1).length,
			Width: window.innerWidth, PageWidth: document.documentElement.scrollWidth,
		}); })()`, &m)
	b.shot("overview-phone")
	if m.CardOverflow > 0 || m.WrapOverflow > 0 || m.Table.Right > m.Card.Right+1 {
		t.Errorf("the platforms table (%v) overflows its card (%v) by %.0f px (its scroller by %.0f px)",
			m.Table, m.Card, m.CardOverflow, m.WrapOverflow)
	}
	if m.PageWidth > m.Width {
		t.Errorf("the overview is %d px wide on a %d px phone", m.PageWidth, m.Width)
	}
	if len(m.Buttons) == 0 || len(m.Buttons) != len(m.Keys) {
		t.Fatalf("%d copy buttons for %d keys", len(m.Buttons), len(m.Keys))
	}
	for i, btn := range m.Buttons {
		if !btn.visible() || btn.Left < m.Card.Left || btn.Right > m.Card.Right || btn.Right > float64(m.Width) {
			t.Errorf("key %d: the Copy button (%v) is not inside the card (%v) on screen", i+1, btn, m.Card)
		}
	}
	if m.KeysCut > 0 {
		t.Errorf("%d of %d SDK keys are cut off; want each readable in full", m.KeysCut, len(m.Keys))
	}
}

// On a phone the products page shows the list first and the form to add one after it.
func TestProductListComesBeforeTheFormOnAPhone(t *testing.T) {
	b := layoutSession(t)
	b.resize(phone)
	b.open("/apps/calm-sky/products", `[data-testid="product-table"]`)
	var m struct{ Row, Form rect }
	measure(b, "the products page", `(() => { `+rectJS+`
		return JSON.stringify({Row: r('[data-testid="product-row"]'), Form: r('[data-testid="new-product-form"]')}); })()`, &m)
	b.shot("products-phone")
	if !m.Row.visible() {
		t.Fatalf("no product row is shown")
	}
	if m.Form.visible() && m.Row.Top > m.Form.Top {
		t.Errorf("the first product row (%v) is below the form to add one (%v)", m.Row, m.Form)
	}
}

// The pages issue 10 is about, at a desktop width and on a phone: none scrolls sideways. With
// NAMI_SHOTS set, a screenshot of each is kept there (layout-<page>-<size>.png) for a person to look at.
func TestLayoutPagesFitTheirWindow(t *testing.T) {
	b := layoutSession(t)
	// One save, so that the paywall's history has two versions.
	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`)
	b.typeInto(`[data-testid="copy-title-en"]`, "Sleep better all spring")
	submitAndLoad(b, "save", `[data-testid="save"]`, `[data-testid="paywall-editor"]`)

	pages := []struct{ name, path, ready string }{
		{"editor", "/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`},
		{"builder", "/apps/calm-sky/campaigns/onboarding-ab", `[data-testid="page-title"]`},
		{"releases", "/apps/calm-sky/releases", `[data-testid="page-title"]`},
		{"history", "/apps/calm-sky/paywalls/spring/history", `[data-testid="history-table"]`},
		{"products", "/apps/calm-sky/products", `[data-testid="product-table"]`},
		{"overview", "/apps/calm-sky", `[data-testid="overview-platforms"]`},
	}
	for _, v := range []viewport{desktop, phone} {
		b.resize(v)
		for _, pg := range pages {
			b.open(pg.path, pg.ready)
			if pg.name == "history" {
				if n := get(b, "count the versions", chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="version-row"]').length`)); n < 2 {
					t.Errorf("the history shows %d versions after a save, want 2 or more", n)
				}
			}
			b.do("let the page settle", chromedp.Evaluate[chromedp.Void](`document.fonts.ready`, chromedp.EvalAwaitPromise))
			var m struct{ Width, ScrollWidth int }
			measure(b, pg.name, `JSON.stringify({Width: window.innerWidth, ScrollWidth: document.documentElement.scrollWidth})`, &m)
			if m.ScrollWidth > m.Width {
				t.Errorf("%s at %d px: the page is %d px wide, it scrolls sideways", pg.path, v.width, m.ScrollWidth)
			}
			b.shot("layout-" + pg.name + "-" + v.name)
		}
	}
}
