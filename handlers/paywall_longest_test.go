package handlers_test

import (
	"net/http"
	"testing"
)

// "Longest text" previews each copy field's longest text among the languages at once.
func TestPaywallPreviewShowsTheLongestTextOfEachField(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	_, form := editorOf(t, c, "spring")
	form.Set("copy[en][title]", "Sleep")
	form.Set("copy[de][title]", "Besser schlafen in diesem Frühling")
	form.Set("copy[en][cta]", "Start my free trial now")
	form.Set("copy[de][cta]", "Los")
	form.Set("preview_locale", "longest")
	form.Set("preview_platform", "ios")
	r := c.post(demoPath+"/paywalls/spring/preview", form, htmx...)
	wantStatus(t, r, http.StatusOK)
	if got := text(r.doc.Find(`[data-testid="paywall-title"]`)); got != "Besser schlafen in diesem Frühling" {
		t.Errorf("title %q, want the German one", got)
	}
	if got := text(r.doc.Find(`[data-testid="paywall-cta"]`)); got != "Start my free trial now" {
		t.Errorf("call to action %q, want the English one", got)
	}
	if lang := r.doc.Find(`[data-testid="paywall"]`).AttrOr("lang", ""); lang != "de" {
		t.Errorf("lang %q, want de (the longest title's)", lang)
	}

	// The editor offers it and keeps it chosen; the preview page takes it too.
	form.Set("op", "tab")
	form.Set("arg", "en")
	form.Set("preview_locale", "longest")
	page := c.post(demoPath+"/paywalls/spring/editor", form, htmx...)
	if opt := page.doc.Find(`[data-testid="preview-locale"] option[value="longest"]`); opt.Length() != 1 {
		t.Fatal("the preview's language select has no Longest text option")
	}
	wantRedirect(t, c.post(demoPath+"/paywalls/spring", form), demoPath+"/paywalls/spring")
	p := c.get(demoPath + "/paywalls/spring/preview?locale=longest&platform=ios")
	if got := text(p.doc.Find(`[data-testid="paywall-title"]`)); got != "Besser schlafen in diesem Frühling" {
		t.Errorf("preview page title %q", got)
	}
}

// Switching the language tab of a clean editor leaves nothing unsaved; a real edit does.
func TestPaywallEditorTabSwitchIsNotAnUnsavedChange(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	_, form := editorOf(t, c, "spring")
	form.Set("op", "tab")
	form.Set("arg", "de")
	r := c.post(demoPath+"/paywalls/spring/editor", form, htmx...)
	wantStatus(t, r, http.StatusOK)
	if _, hidden := r.doc.Find("[data-unsaved]").Attr("hidden"); !hidden {
		t.Error("a tab switch shows Unsaved changes")
	}
	form.Set("copy[en][title]", "Changed")
	r = c.post(demoPath+"/paywalls/spring/editor", form, htmx...)
	if _, hidden := r.doc.Find("[data-unsaved]").Attr("hidden"); hidden {
		t.Error("an edited title then a tab switch hides Unsaved changes")
	}
}
