package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// Arabic, Hebrew, Persian and Urdu copy renders right to left: the paywall's root carries dir and
// lang, prices stay in an isolating element, and the editor's copy fields are typed right to left.
func TestPaywallArabicCopyRendersRightToLeft(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)

	_, form := editorOf(t, c, "spring")
	form.Add("locales", "ar")
	form.Set("copy[ar][title]", "نم بشكل أفضل هذا الربيع")
	form.Set("copy[ar][subtitle]", "جرّب مجاناً لمدة أسبوع")
	form.Set("copy[ar][body]", "- جلسات بلا حدود\n- أصوات هادئة")
	form.Set("copy[ar][cta]", "متابعة")
	wantRedirect(t, c.post(demoPath+"/paywalls/spring", form), demoPath+"/paywalls/spring")
	if locales := storedPaywall(t, ts, a.ID, "spring").Locales(); !strings.Contains(strings.Join(locales, ","), "ar") {
		t.Fatalf("the ar copy was not stored: %v", locales)
	}

	// The preview page, for ar and for a regional Arabic device.
	for _, q := range []string{"?locale=ar&platform=ios", "?locale=ar-SA&platform=ios&device=tablet"} {
		r := c.get(demoPath + "/paywalls/spring/preview" + q)
		wantStatus(t, r, http.StatusOK)
		root := r.doc.Find(`[data-testid="paywall"]`)
		if dir, lang := root.AttrOr("dir", ""), root.AttrOr("lang", ""); dir != "rtl" || lang != "ar" {
			t.Errorf("preview%s: paywall root dir=%q lang=%q, want rtl and ar", q, dir, lang)
		}
		if dir := r.doc.Find("html").AttrOr("dir", ""); dir != "rtl" {
			t.Errorf("preview%s: <html dir=%q>, want rtl", q, dir)
		}
		if got := text(r.doc.Find(`[data-testid="paywall-title"]`)); got != "نم بشكل أفضل هذا الربيع" {
			t.Errorf("preview%s: title %q", q, got)
		}
		prices := r.doc.Find(`[data-testid="paywall-price"]`)
		if prices.Length() == 0 {
			t.Fatalf("preview%s: no prices", q)
		}
		for i := range prices.Length() {
			p := prices.Eq(i)
			iso := p.Find("bdi")
			if iso.Length() != 1 || text(iso) == "" || text(iso) != text(p) {
				t.Errorf("preview%s: price %q is not wholly inside a <bdi>", q, text(p))
			}
		}
	}

	// Left-to-right copy says so.
	r := c.get(demoPath + "/paywalls/spring/preview?locale=en&platform=ios")
	if root := r.doc.Find(`[data-testid="paywall"]`); root.AttrOr("dir", "") != "ltr" || root.AttrOr("lang", "") != "en" {
		t.Errorf("en preview: root dir=%q lang=%q, want ltr and en", root.AttrOr("dir", ""), root.AttrOr("lang", ""))
	}

	// The editor's live preview pane of the ar tab.
	_, form = editorOf(t, c, "spring")
	form.Set("preview_locale", "ar")
	form.Set("preview_platform", "ios")
	r = c.post(demoPath+"/paywalls/spring/preview", form, htmx...)
	wantStatus(t, r, http.StatusOK)
	if root := r.doc.Find(`[data-testid="paywall"]`); root.AttrOr("dir", "") != "rtl" || root.AttrOr("lang", "") != "ar" {
		t.Errorf("editor preview pane: root dir=%q lang=%q, want rtl and ar", root.AttrOr("dir", ""), root.AttrOr("lang", ""))
	}

	// The editor: the ar copy fields are right to left, the en ones left to right.
	page, _ := editorOf(t, c, "spring")
	for _, f := range []string{"title", "subtitle", "body", "cta", "footer"} {
		ar := named(page.doc.Selection, "copy[ar]["+f+"]")
		if ar.Length() != 1 || ar.AttrOr("dir", "") != "rtl" || ar.AttrOr("lang", "") != "ar" {
			t.Errorf("editor copy[ar][%s]: dir=%q lang=%q, want rtl and ar", f, ar.AttrOr("dir", ""), ar.AttrOr("lang", ""))
		}
		en := named(page.doc.Selection, "copy[en]["+f+"]")
		if en.AttrOr("dir", "") != "ltr" || en.AttrOr("lang", "") != "en" {
			t.Errorf("editor copy[en][%s]: dir=%q lang=%q, want ltr and en", f, en.AttrOr("dir", ""), en.AttrOr("lang", ""))
		}
	}
	if title := page.doc.Find(`[data-testid="copy-title-ar"]`); title.AttrOr("dir", "") != "rtl" {
		t.Errorf("the ar title field has dir=%q", title.AttrOr("dir", ""))
	}
}
