package handlers_test

import (
	"strconv"
	"testing"

	"nami/publish"
	"nami/views"
)

func TestPaywallEditorShowsCopyLengthsAgainstTheTemplatesLimits(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	for ref, template := range map[string]string{"spring": "hero", "yearly-focus": "cards", "quiet": "minimal"} {
		r, form := editorOf(t, c, ref)
		if r.doc.Find(`script[src="`+views.Asset("js/copycount.js")+`"]`).Length() != 1 {
			t.Errorf("%s: the editor does not load copycount.js", ref)
		}
		limits := publish.CopyLimits(template)
		for _, field := range []string{"title", "subtitle", "body", "cta"} {
			count := r.doc.Find(`[data-testid="copy-count-` + field + `-en"]`)
			if count.Length() != 1 {
				t.Errorf("%s %s: %d counts, want 1", ref, field, count.Length())
				continue
			}
			if got, want := count.AttrOr("data-limit", ""), strconv.Itoa(limits[field]); got != want {
				t.Errorf("%s (%s) %s: data-limit %q, want %q", ref, template, field, got, want)
			}
			if got := count.AttrOr("data-for", ""); got != "f-copy[en]["+field+"]" {
				t.Errorf("%s %s: data-for %q", ref, field, got)
			}
			n := publish.CopyLength(field, form.Get("copy[en]["+field+"]"))
			want := strconv.Itoa(n) + " / " + strconv.Itoa(limits[field])
			if got := count.Find("[data-count-text]").Text(); got != want {
				t.Errorf("%s %s: count %q, want %q", ref, field, got, want)
			}
			if _, hidden := count.Find("[data-count-warning]").Attr("hidden"); hidden != (n <= limits[field]) {
				t.Errorf("%s %s: warning hidden=%v with %d of %d", ref, field, hidden, n, limits[field])
			}
		}
		if r.doc.Find(`[data-testid="copy-count-footer-en"]`).Length() != 0 {
			t.Errorf("%s: the footer has a count but no limit", ref)
		}
		if r.doc.Find(`[data-testid="copy-title-en"]`).Length() != 1 {
			t.Errorf("%s: the title input lost its data-testid", ref)
		}
	}
}

func TestPaywallEditorWarnsOfCopyPastTheLimitAfterASwap(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	_, form := editorOf(t, c, "yearly-focus") // cards
	long := make([]byte, publish.CopyLimits("cards")["subtitle"]+1)
	for i := range long {
		long[i] = 's'
	}
	form.Set("copy[en][subtitle]", string(long))
	form.Set("op", "tab")
	form.Set("arg", "en")
	r := c.post(demoPath+"/paywalls/yearly-focus/editor", form, htmx...)
	count := r.doc.Find(`[data-testid="copy-count-subtitle-en"]`)
	if got := count.Find("[data-count-text]").Text(); got != "81 / 80" {
		t.Errorf("count %q, want 81 / 80", got)
	}
	if !count.HasClass("copy-count-over") {
		t.Error("the count past the limit is not styled as a warning")
	}
	if w := count.Find("[data-count-warning]"); w.AttrOr("hidden", "none") != "none" || w.Text() != "longer than a phone shows well" {
		t.Errorf("warning %q hidden=%v", w.Text(), w.AttrOr("hidden", "none") != "none")
	}
}
