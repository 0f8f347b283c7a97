package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"nami/views"
)

// Tokens in copy resolve in the preview for the platform's products and the locale; copy that
// names the selected product is drawn once per product, the selected one's shown first.
func TestPaywallTokensResolveInThePreviewPerProduct(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)

	_, form := editorOf(t, c, "spring")
	form.Set("copy[en][title]", "{{product.name}}: {{product.price_per_month}} a month")
	form.Set("copy[en][subtitle]", "{{#product.trial}}{{product.trial}} free, then {{/product.trial}}{{product.price}}/{{product.period}}")
	form.Set("copy[de][title]", "Nur {{products.1.price_per_month}} im Monat")
	form.Set("products[0][badge]", "Save {{product.savings}}")
	wantRedirect(t, c.post(demoPath+"/paywalls/spring", form), demoPath+"/paywalls/spring")
	if got := storedPaywall(t, ts, a.ID, "spring"); !strings.Contains(got.Copy[0].Title+got.Copy[1].Title, "{{product.name}}") {
		t.Fatalf("the tokens were not stored as written: %+v", got.Copy)
	}

	r := c.get(demoPath + "/paywalls/spring/preview?locale=en&platform=ios")
	wantStatus(t, r, http.StatusOK)
	titles := r.doc.Find(`[data-testid="paywall-title"]`)
	want := map[string]string{
		"com.example.calmsky.yearly":  "Premium Yearly: $5.00 a month", // 59.99 / 12
		"com.example.calmsky.monthly": "Premium Monthly: $9.99 a month",
	}
	if titles.Length() != 2 {
		t.Fatalf("%d titles, want one per product", titles.Length())
	}
	shown := 0
	for i := range titles.Length() {
		h := titles.Eq(i)
		sku := h.AttrOr("data-pw-for", "")
		if got := text(h); got != want[sku] {
			t.Errorf("title for %q: %q, want %q", sku, got, want[sku])
		}
		if _, hidden := h.Attr("hidden"); !hidden {
			shown++
			if sku != "com.example.calmsky.yearly" {
				t.Errorf("the title shown first is %s's; the highlighted (or first) product is selected first", sku)
			}
		}
	}
	if shown != 1 {
		t.Errorf("%d titles shown, want 1", shown)
	}
	subtitles := text(r.doc.Find(`.pw-subtitle`))
	if !strings.Contains(subtitles, "2 weeks free, then $59.99/year") || !strings.Contains(subtitles, "1 week free, then $9.99/month") {
		t.Errorf("subtitles %q", subtitles)
	}
	if badge := text(r.doc.Find(`[data-sku="com.example.calmsky.yearly"] .pw-badge`)); badge != "Save 49%" { // 1 − 5.00/9.99
		t.Errorf("yearly badge %q, want Save 49%%", badge)
	}
	if strings.Contains(r.doc.Text(), "{{") {
		t.Errorf("an unresolved token shows in the preview")
	}

	// German: the price of position 1 in German; copy without a selected-product token is drawn once.
	r = c.get(demoPath + "/paywalls/spring/preview?locale=de&platform=ios")
	if titles := r.doc.Find(`[data-testid="paywall-title"]`); titles.Length() != 1 || titles.Text() != "Nur 5,00\u00a0$ im Monat" {
		t.Errorf("de titles: %d %q", titles.Length(), titles.Text())
	}
}

// An unknown token, or a position past the last product, is an error beside its field, and the
// stored paywall is unchanged.
func TestPaywallEditorRefusesTokensThatCannotResolve(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedPaywall(t, ts, a.ID, "spring")

	for field, tc := range map[string]struct{ value, msg string }{
		"copy[en][title]":    {"Only {{product.prize}}", "Unknown token {{product.prize}}; did you mean {{product.price}}?"},
		"copy[en][cta]":      {"Get {{products.3.name}}", "{{products.3.name}}: the paywall offers 2 products on android."},
		"copy[de][body]":     {"{{#product.trial}}Gratis", "{{#product.trial}} is never closed; end the section with {{/product.trial}}."},
		"products[1][badge]": {"{{products.0.price}}", "{{products.0.price}}: positions start at 1, as in {{products.1.price}}."},
	} {
		_, form := editorOf(t, c, "spring")
		form.Set(field, tc.value)
		r := c.post(demoPath+"/paywalls/spring", form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		input := named(r.doc.Selection, field)
		if got := text(input.Closest(".field, li").Find(".field-error")); got != tc.msg {
			t.Errorf("%s: error beside the field %q, want %q", field, got, tc.msg)
		}
		if input.AttrOr("value", input.Text()) != tc.value {
			t.Errorf("%s: the re-rendered field lost what was typed", field)
		}
	}
	if after := storedPaywall(t, ts, a.ID, "spring"); after.Version != before.Version {
		t.Errorf("a refused save changed the paywall (version %d → %d)", before.Version, after.Version)
	}
}

// Every copy field of the editor offers the tokens, with a plan per position.
func TestPaywallEditorOffersTokensBesideEachCopyField(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	r, _ := editorOf(t, c, "yearly-focus")
	if r.doc.Find(`script[src="`+views.Asset("js/tokens.js")+`"]`).Length() != 1 {
		t.Error("the editor does not load tokens.js")
	}
	for _, f := range []string{"title", "subtitle", "body", "cta", "footer"} {
		menu := r.doc.Find(`[data-testid="token-menu-copy[en][` + f + `]"]`)
		if menu.Length() != 1 || menu.AttrOr("data-for", "") != "f-copy[en]["+f+"]" {
			t.Errorf("%s: %d token menus", f, menu.Length())
			continue
		}
		if n := menu.Find("[data-token]").Length(); n != 7 {
			t.Errorf("%s: %d tokens offered, want 7", f, n)
		}
		plans := strings.Join(menu.Find("[data-token-plan] option").Map(func(_ int, o *goquery.Selection) string { return o.Text() }), " | ")
		// yearly-focus offers 3 products on ios but 1 on android-test: only position 1 exists everywhere.
		if plans != "The selected plan | Plan 1 (Premium Yearly)" {
			t.Errorf("%s: plans %q", f, plans)
		}
	}
}
