package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"nami/store"
)

// editingActions are the data-testids of the controls that change a paywall or a campaign.
var editingActions = []string{
	"save", "share", "duplicate", "delete", "image-form", "image-input", "remove-image",
	"new-locale", "add-locale", "remove-locale-de", "remove-locale-fr", "add-product-select", "add-product",
	"move-up", "move-down", "remove-product",
	"template-select", "apply-template", "add-condition", "remove-condition", "add-variant", "remove-variant",
}

// enabledFields lists the fields (input, select, textarea; hidden inputs aside) in scope that a
// user could change: neither disabled nor readonly.
func enabledFields(scope *goquery.Selection) []string {
	var out []string
	scope.Find("input, select, textarea").Each(func(_ int, f *goquery.Selection) {
		if typ, _ := f.Attr("type"); typ == "hidden" {
			return
		}
		_, disabled := f.Attr("disabled")
		_, readonly := f.Attr("readonly")
		if disabled || readonly || f.ParentsFiltered("fieldset[disabled]").Length() > 0 {
			return
		}
		name, _ := f.Attr("name")
		if name == "" {
			name, _ = f.Attr("aria-label")
		}
		out = append(out, goquery.NodeName(f)+" "+name)
	})
	return out
}

func presentActions(doc *goquery.Document) []string {
	var out []string
	for _, id := range editingActions {
		if doc.Find(`[data-testid="`+id+`"]`).Length() > 0 {
			out = append(out, id)
		}
	}
	return out
}

func TestViewerSeesTheEditorsReadOnly(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	loadDemo(t, ts)
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	viewer := login(t, ts, "vi@example.com", userPassword)
	editor := login(t, ts, "ed@example.com", userPassword)

	pages := []struct {
		name, path, form, notice string
		editorActions            []string // a few actions the editor must see on this page
	}{
		{"paywall", demoPath + "/paywalls/spring", "#pw-form", "You can view this paywall but not change it: your role is viewer. Ask an admin for editor access.",
			[]string{"save", "add-locale", "remove-locale-de", "add-product", "move-down", "remove-product", "remove-image", "image-form"}},
		{"campaign", demoPath + "/campaigns/onboarding-ab", "#builder", "You can view this campaign but not change it: your role is viewer. Ask an admin for editor access.",
			[]string{"save", "apply-template", "add-condition", "remove-condition", "add-variant", "remove-variant"}},
	}
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			r := viewer.get(pg.path)
			wantStatus(t, r, http.StatusOK)
			if got := text(r.doc.Find(`[data-testid="read-only-notice"]`)); got != pg.notice {
				t.Errorf("viewer: notice %q, want %q", got, pg.notice)
			}
			form := r.doc.Find(pg.form)
			if form.Length() != 1 {
				t.Fatalf("viewer: no %s", pg.form)
			}
			if n := form.Find("input:not([type=hidden]), select, textarea").Length(); n < 5 {
				t.Errorf("viewer: only %d fields in %s; the form should still show the values", n, pg.form)
			}
			if f := enabledFields(form); len(f) > 0 {
				t.Errorf("viewer: fields not disabled: %v", f)
			}
			if a := presentActions(r.doc); len(a) > 0 {
				t.Errorf("viewer: editing actions shown: %v", a)
			}

			r = editor.get(pg.path)
			wantStatus(t, r, http.StatusOK)
			if r.doc.Find(`[data-testid="read-only-notice"]`).Length() != 0 {
				t.Error("editor: the read-only notice shows")
			}
			form = r.doc.Find(pg.form)
			var disabled []string
			form.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, f *goquery.Selection) {
				if _, ok := f.Attr("disabled"); ok {
					name, _ := f.Attr("name")
					disabled = append(disabled, name)
				}
			})
			if len(disabled) > 0 {
				t.Errorf("editor: disabled fields %v", disabled)
			}
			for _, id := range pg.editorActions {
				if r.doc.Find(`[data-testid="`+id+`"]`).Length() == 0 {
					t.Errorf("editor: no [data-testid=%s]", id)
				}
			}
		})
	}
}

// The viewer's preview and language tabs work without a posted draft: they show the saved paywall.
func TestViewerPreviewAndTabsShowTheSavedPaywall(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	a := loadDemo(t, ts)
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	viewer := login(t, ts, "vi@example.com", userPassword)
	spring := storedPaywall(t, ts, a.ID, "spring")

	r := viewer.get(demoPath + "/paywalls/spring")
	wantStatus(t, r, http.StatusOK)
	for _, id := range []string{"preview-platform", "preview-locale", "preview-device", "tab-de", "tab-en"} {
		el := r.doc.Find(`[data-testid="` + id + `"]`)
		if _, disabled := el.Attr("disabled"); el.Length() != 1 || disabled {
			t.Errorf("viewer: [data-testid=%s] missing or disabled", id)
		}
	}

	// What the browser sends from a viewer's page: only the enabled fields, i.e. the preview selectors.
	pv := viewer.post(demoPath+"/paywalls/spring/preview", url.Values{"preview_platform": {"ios"}, "preview_locale": {"de"}, "preview_device": {"phone"}}, htmx...)
	wantStatus(t, pv, http.StatusOK)
	if got := text(pv.doc.Find(`[data-testid="preview-frame"]`)); !strings.Contains(got, "Besser schlafen in diesem Frühling") {
		t.Errorf("viewer's German preview shows %q", got)
	}

	tab := viewer.post(demoPath+"/paywalls/spring/editor", url.Values{"op": {"tab"}, "arg": {"de"}, "preview_platform": {"ios"}, "preview_locale": {"en"}}, htmx...)
	wantStatus(t, tab, http.StatusOK)
	if sel, _ := tab.doc.Find(`[data-testid="tab-de"]`).Attr("aria-selected"); sel != "true" {
		t.Errorf("after the de tab, tab-de aria-selected=%q", sel)
	}
	if v := namedValue(tab.doc.Selection, "copy[de][title]"); v != "Besser schlafen in diesem Frühling" {
		t.Errorf("after the de tab, the German title field shows %q", v)
	}
	if f := enabledFields(tab.doc.Find("#pw-form")); len(f) > 0 {
		t.Errorf("after the de tab, fields not disabled: %v", f)
	}

	// A hand-made action from a viewer changes nothing on screen, and nothing is stored.
	rm := viewer.post(demoPath+"/paywalls/spring/editor", url.Values{"op": {"remove_locale"}, "arg": {"de"}}, htmx...)
	wantStatus(t, rm, http.StatusOK)
	if rm.doc.Find(`[data-testid="tab-de"]`).Length() != 1 {
		t.Error("a viewer's remove_locale removed the de tab")
	}
	wantPaywallUnchanged(t, ts, spring)
}

func TestViewerSeesPlatformAndEntitlementEditPagesReadOnly(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	loadDemo(t, ts)
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	viewer := login(t, ts, "vi@example.com", userPassword)
	editor := login(t, ts, "ed@example.com", userPassword)

	for _, pg := range []struct{ what, path, row, name string }{
		{"platform", demoPath + "/platforms/android", "platform-edit-row", "Android"},
		{"entitlement", demoPath + "/entitlements/offline", "entitlement-edit-row", "Offline listening"},
	} {
		t.Run(pg.what, func(t *testing.T) {
			r := viewer.get(pg.path)
			wantStatus(t, r, http.StatusOK)
			want := "You can view this " + pg.what + " but not change it: your role is viewer. Ask an admin for editor access."
			if got := text(r.doc.Find(`[data-testid="read-only-notice"]`)); got != want {
				t.Errorf("viewer: notice %q, want %q", got, want)
			}
			row := r.doc.Find(`[data-testid="` + pg.row + `"]`)
			if row.Length() != 1 {
				t.Fatalf("viewer: %d edit rows, want 1", row.Length())
			}
			if v := namedValue(row, "name"); v != pg.name {
				t.Errorf("viewer: the name field shows %q, want %q", v, pg.name)
			}
			if f := enabledFields(row); len(f) > 0 {
				t.Errorf("viewer: fields not disabled: %v", f)
			}
			if n := row.Find(`form, button, [type="submit"]`).Length(); n != 0 {
				t.Errorf("viewer: %d forms or buttons in the edit row", n)
			}
			if n := r.doc.Find(`[data-testid="edit"], [data-testid="delete"], [data-testid="rotate-key"]`).Length(); n != 0 {
				t.Errorf("viewer: %d edit, delete or rotate buttons", n)
			}

			r = editor.get(pg.path)
			wantStatus(t, r, http.StatusOK)
			if r.doc.Find(`[data-testid="read-only-notice"]`).Length() != 0 {
				t.Error("editor: the read-only notice shows")
			}
			row = r.doc.Find(`[data-testid="` + pg.row + `"]`)
			if row.Find("form").Length() != 1 || len(enabledFields(row)) == 0 {
				t.Error("editor: no editable form in the edit row")
			}
		})
	}
}
