package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"nami/store"
)

// The editor adds, edits and removes a dark palette; its colours and the light ones carry WCAG AA
// contrast warnings beside their fields (live with the preview too); the preview switches between
// the palettes.
func TestPaywallEditorDarkPalette(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)

	// yearly-focus starts with the demo's dark palette; drop it to start from none.
	_, form := editorOf(t, c, "yearly-focus")
	for _, f := range []string{"accent", "background", "text"} {
		form.Del("theme[dark][" + f + "]")
	}
	wantRedirect(t, c.post(demoPath+"/paywalls/yearly-focus", form), demoPath+"/paywalls/yearly-focus")
	if pw := storedPaywall(t, ts, a.ID, "yearly-focus"); pw.Theme.HasDark() {
		t.Fatalf("the dark palette was kept: %+v", pw.Theme)
	}
	page, form := editorOf(t, c, "yearly-focus")
	if page.doc.Find(`[data-testid="add-dark"]`).Length() != 1 || page.doc.Find(`[data-testid="dark-palette"]`).Length() != 0 ||
		page.doc.Find(`[data-testid="preview-appearance"]`).Length() != 0 {
		t.Fatal("without a dark palette the editor should offer to add one, and no light/dark switch")
	}

	// Add one: its fields appear, filled, and the preview shows it.
	form.Set("op", "add_dark")
	r := c.post(demoPath+"/paywalls/yearly-focus/editor", form, htmx...)
	wantStatus(t, r, http.StatusOK)
	for _, f := range []string{"accent", "background", "text"} {
		if v := named(r.doc.Selection, "theme[dark]["+f+"]").AttrOr("value", ""); len(v) != 7 || v[0] != '#' {
			t.Errorf("theme[dark][%s] = %q after adding a dark palette", f, v)
		}
	}
	if root := r.doc.Find(`[data-testid="paywall"]`); root.AttrOr("data-appearance", "") != "dark" ||
		!strings.Contains(root.AttrOr("style", ""), "--pw-dark-bg:#111827") {
		t.Errorf("the preview after adding a dark palette: data-appearance=%q style=%q", root.AttrOr("data-appearance", ""), root.AttrOr("style", ""))
	}
	if sel := r.doc.Find(`[data-testid="preview-appearance"] option[selected]`); sel.AttrOr("value", "") != "dark" {
		t.Errorf("the light/dark switch shows %q, want dark", sel.AttrOr("value", ""))
	}

	// Colours that read poorly: warnings beside the fields, in both palettes; saving still works.
	form = formValues(r.doc, "pw-form")
	form.Del("op")
	form.Set("theme[text]", "#777777")
	form.Set("theme[background]", "#FFFFFF")
	form.Set("theme[dark][accent]", "#8B8B8B") // grey: neither white nor the dark background reads on it
	form.Set("theme[dark][background]", "#374151")
	form.Set("theme[dark][text]", "#F9FAFB")
	r = c.post(demoPath+"/paywalls/yearly-focus/editor", form, htmx...)
	wantStatus(t, r, http.StatusOK)
	warn := func(r *response, id string) string {
		w := r.doc.Find(`[data-testid="` + id + `"]`)
		if _, hidden := w.Attr("hidden"); hidden {
			return ""
		}
		return text(w)
	}
	if got := warn(r, "contrast-text"); !strings.Contains(got, "4.48:1") || !strings.Contains(got, "4.5:1") {
		t.Errorf("text warning = %q, want the 4.48:1 of #777777 on white against AA's 4.5:1", got)
	}
	if got := warn(r, "contrast-dark-accent"); !strings.Contains(got, "button") {
		t.Errorf("dark accent warning = %q, want one about the button's label", got)
	}
	for _, id := range []string{"contrast-accent", "contrast-dark-text"} {
		if got := warn(r, id); got != "" {
			t.Errorf("%s warns %q about a readable pair", id, got)
		}
	}
	// The warning sits inside its field, beside the input.
	if f := r.doc.Find(`[data-testid="contrast-text"]`).Closest(".field"); named(f, "theme[text]").Length() != 1 {
		t.Error("the text contrast warning is not in the text colour's field")
	}
	// The live preview brings the warnings along (out of band).
	form.Set("preview_appearance", "dark")
	pv := c.post(demoPath+"/paywalls/yearly-focus/preview", form, htmx...)
	wantStatus(t, pv, http.StatusOK)
	if w := pv.doc.Find(`#contrast-text[hx-swap-oob]`); !strings.Contains(text(w), "4.48:1") {
		t.Errorf("the preview's out-of-band text warning = %q", text(w))
	}
	if root := pv.doc.Find(`[data-testid="paywall"]`); root.AttrOr("data-appearance", "") != "dark" {
		t.Errorf("preview pane data-appearance = %q, want dark", root.AttrOr("data-appearance", ""))
	}
	form.Set("preview_appearance", "light")
	pv = c.post(demoPath+"/paywalls/yearly-focus/preview", form, htmx...)
	if root := pv.doc.Find(`[data-testid="paywall"]`); root.AttrOr("data-appearance", "") != "light" {
		t.Errorf("preview pane data-appearance = %q, want light", root.AttrOr("data-appearance", ""))
	}

	// A malformed dark colour is an error beside its field; nothing is saved.
	form.Set("theme[dark][text]", "white")
	r = c.post(demoPath+"/paywalls/yearly-focus", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if f := named(r.doc.Selection, "theme[dark][text]").Closest(".field"); !strings.Contains(text(f.Find(".field-error")), "#") {
		t.Errorf("no error beside theme[dark][text]: %q", text(f))
	}

	// Save: the dark palette is stored.
	form.Set("theme[dark][text]", "#F9FAFB")
	wantRedirect(t, c.post(demoPath+"/paywalls/yearly-focus", form), demoPath+"/paywalls/yearly-focus")
	pw := storedPaywall(t, ts, a.ID, "yearly-focus")
	if want := (store.Palette{Accent: "#8B8B8B", Background: "#374151", Text: "#F9FAFB"}); pw.Theme.Dark != want || pw.Theme.Text != "#777777" {
		t.Errorf("stored theme %+v, want dark %+v", pw.Theme, want)
	}

	// The history says what changed in the dark palette.
	h := c.get(demoPath + "/paywalls/yearly-focus/history")
	wantStatus(t, h, http.StatusOK)
	for _, want := range []string{"dark background colour", "none", "#374151"} {
		if !strings.Contains(text(h.doc.Find("main")), want) {
			t.Errorf("the history lacks %q", want)
		}
	}

	// The preview page: ?appearance=dark forces it, light forces light, else the viewer's own.
	for q, want := range map[string]string{"?appearance=dark": "dark", "?appearance=light": "light", "": "auto", "?appearance=sepia": "auto"} {
		r := c.get(demoPath + "/paywalls/yearly-focus/preview" + q)
		if got := r.doc.Find(`[data-testid="paywall"]`).AttrOr("data-appearance", ""); got != want {
			t.Errorf("preview%s: data-appearance %q, want %q", q, got, want)
		}
	}

	// Remove it.
	_, form = editorOf(t, c, "yearly-focus")
	form.Set("op", "remove_dark")
	r = c.post(demoPath+"/paywalls/yearly-focus/editor", form, htmx...)
	if r.doc.Find(`[data-testid="dark-palette"]`).Length() != 0 || r.doc.Find(`[data-testid="add-dark"]`).Length() != 1 {
		t.Error("the dark palette's fields remain after removing it")
	}
	form = formValues(r.doc, "pw-form")
	wantRedirect(t, c.post(demoPath+"/paywalls/yearly-focus", form), demoPath+"/paywalls/yearly-focus")
	if pw := storedPaywall(t, ts, a.ID, "yearly-focus"); pw.Theme.HasDark() {
		t.Errorf("the dark palette is still stored: %+v", pw.Theme)
	}
	// Without one, every appearance is the light palette.
	r = c.get(demoPath + "/paywalls/yearly-focus/preview?appearance=dark")
	if got := r.doc.Find(`[data-testid="paywall"]`).AttrOr("data-appearance", ""); got != "light" {
		t.Errorf("a paywall without a dark palette shows data-appearance %q", got)
	}
}
