package handlers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"nami/catalog"
	"nami/store"
)

// The paywall tests start from the demo catalog (catalog.Demo): the app calm-sky with four
// platforms, its products, the paywalls quiet (minimal; en, fr), spring (hero with an image; en, de)
// and yearly-focus (cards; en), and the campaigns default, onboarding-ab and black-friday.
const demoPath = "/apps/calm-sky"

// loadDemo applies the demo catalog to the server's store, as `nami serve --demo` does.
func loadDemo(t *testing.T, ts *testServer) store.App {
	t.Helper()
	ctx := context.Background()
	f, err := catalog.Parse(bytes.NewReader(catalog.Demo))
	if err != nil {
		t.Fatalf("catalog.Parse(Demo): %v", err)
	}
	if _, err := catalog.Apply(ctx, ts.st, f, ownerEmail); err != nil {
		t.Fatalf("catalog.Apply(Demo): %v", err)
	}
	a, err := ts.st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// storedPaywall loads a paywall as the database holds it.
func storedPaywall(t *testing.T, ts *testServer, appID int64, ref string) store.Paywall {
	t.Helper()
	pw, err := ts.st.Paywall(context.Background(), appID, ref)
	if err != nil {
		t.Fatalf("store.Paywall %s: %v", ref, err)
	}
	return pw
}

// paywallStored reports whether the app has a paywall with the ref.
func paywallStored(t *testing.T, ts *testServer, appID int64, ref string) bool {
	t.Helper()
	_, err := ts.st.Paywall(context.Background(), appID, ref)
	switch {
	case err == nil:
		return true
	case errors.Is(err, store.ErrNotFound):
		return false
	}
	t.Fatalf("store.Paywall %s: %v", ref, err)
	return false
}

// wantPaywallUnchanged fails the test if the stored paywall differs from before in any way,
// its version and time of change included.
func wantPaywallUnchanged(t *testing.T, ts *testServer, before store.Paywall) {
	t.Helper()
	after := storedPaywall(t, ts, before.AppID, before.Ref)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the stored paywall %s changed:\n%s", before.Ref, strings.Join(paywallDiff(before, after), "\n"))
	}
}

// paywallDiff lists what differs between two paywalls, values quoted so that stray characters show.
func paywallDiff(a, b store.Paywall) []string {
	var out []string
	add := func(what string, x, y any) {
		if !reflect.DeepEqual(x, y) {
			out = append(out, fmt.Sprintf("  %s: %#v -> %#v", what, x, y))
		}
	}
	add("name", a.Name, b.Name)
	add("template", a.Template, b.Template)
	add("default locale", a.DefaultLocale, b.DefaultLocale)
	add("theme", a.Theme, b.Theme)
	add("image", a.HeroImage, b.HeroImage)
	add("version", a.Version, b.Version)
	add("updated at", a.UpdatedAt, b.UpdatedAt)
	add("updated by", a.UpdatedBy, b.UpdatedBy)
	add("locales", a.Locales(), b.Locales())
	for _, c := range a.Copy {
		d, _ := b.CopyFor(c.Locale)
		add(c.Locale+" copy", c, d)
	}
	add("products", a.Products, b.Products)
	return out
}

// formValues is what a browser submits for the form with the given id: its named controls
// (and those outside it that name it in their form attribute) that are enabled, checked
// boxes and radios only, a select's selected option (else its first), file inputs and buttons
// left out. Textareas are sent as the page holds them, with "\n" line breaks.
func formValues(doc *goquery.Document, id string) url.Values {
	vals := url.Values{}
	controls := doc.Find("form#" + id).Find("input, select, textarea").
		AddSelection(doc.Find(`input[form="` + id + `"], select[form="` + id + `"], textarea[form="` + id + `"]`))
	controls.Each(func(_ int, s *goquery.Selection) {
		name, ok := s.Attr("name")
		if !ok || name == "" {
			return
		}
		if _, off := s.Attr("disabled"); off {
			return
		}
		switch goquery.NodeName(s) {
		case "input":
			switch strings.ToLower(s.AttrOr("type", "text")) {
			case "file", "submit", "button", "image", "reset":
			case "checkbox", "radio":
				if _, on := s.Attr("checked"); on {
					vals.Add(name, s.AttrOr("value", "on"))
				}
			default:
				vals.Add(name, s.AttrOr("value", ""))
			}
		case "select":
			opt := s.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			if opt.Length() > 0 {
				vals.Add(name, opt.AttrOr("value", opt.Text()))
			}
		case "textarea":
			vals.Add(name, s.Text())
		}
	})
	return vals
}

// withBrowserNewlines returns vals with the line breaks of the form's textareas written as
// "\r\n", which is how browsers submit a textarea (HTML's form submission normalises them).
func withBrowserNewlines(doc *goquery.Document, id string, vals url.Values) url.Values {
	out := url.Values{}
	for k, v := range vals {
		out[k] = slices.Clone(v)
	}
	doc.Find("form#" + id + " textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		for i, v := range out[name] {
			out[name][i] = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\n", "\r\n")
		}
	})
	return out
}

// named finds the form controls called name within scope (ids with brackets make #f-... awkward).
func named(scope *goquery.Selection, name string) *goquery.Selection {
	return scope.Find(`[name="` + name + `"]`)
}

// namedValue is the value attribute of the first control called name within scope.
func namedValue(scope *goquery.Selection, name string) string {
	return named(scope, name).First().AttrOr("value", "")
}

// errorBeside is the message shown in the .field of the control called name, or "".
func errorBeside(scope *goquery.Selection, name string) string {
	return text(named(scope, name).First().Closest(".field").Find(".field-error"))
}

// editorOf loads a paywall's editor and returns the page and its form as a browser would send it.
func editorOf(t *testing.T, c *client, ref string) (*response, url.Values) {
	t.Helper()
	r := c.get(demoPath + "/paywalls/" + ref)
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find("form#pw-form").Length() != 1 {
		t.Fatalf("the editor of %s has no #pw-form", ref)
	}
	return r, formValues(r.doc, "pw-form")
}

// skus lists the data-sku of the paywall's products in the order shown.
func skus(scope *goquery.Selection) []string {
	var out []string
	scope.Find(`[data-testid="paywall-product"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-sku", "?"))
	})
	return out
}

func TestCreatePaywallOpensItsEditor(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)

	r := c.post(demoPath+"/paywalls", url.Values{"ref": {"summer"}, "name": {"Summer sale"}, "template": {"cards"}})
	wantRedirect(t, r, demoPath+"/paywalls/summer")

	pw := storedPaywall(t, ts, a.ID, "summer")
	if pw.Name != "Summer sale" || pw.Template != "cards" || pw.DefaultLocale != "en" || pw.Version != 1 || pw.UpdatedBy != ownerEmail {
		t.Errorf("stored paywall = %+v", pw)
	}
	if len(pw.Copy) != 1 || pw.Copy[0].Locale != "en" || pw.Copy[0].Title != "Summer sale" {
		t.Errorf("stored copy = %+v, want en titled with the name", pw.Copy)
	}
	if len(pw.Products) != 0 || pw.HeroImage != "" {
		t.Errorf("a new paywall has products %+v and image %q", pw.Products, pw.HeroImage)
	}

	ed := c.get(r.location())
	wantStatus(t, ed, http.StatusOK)
	if f := text(ed.doc.Find(`[data-testid="flash"]`)); !strings.Contains(f, "Created Summer sale") {
		t.Errorf("flash = %q", f)
	}
	form := ed.doc.Find("#pw-form")
	if v := namedValue(form, "name"); v != "Summer sale" {
		t.Errorf("the name field shows %q", v)
	}
	if v := form.Find(`input[name="template"][checked]`).AttrOr("value", ""); v != "cards" {
		t.Errorf("the checked template is %q, want cards", v)
	}
	if v := namedValue(form, "copy[en][title]"); v != "Summer sale" {
		t.Errorf("the en title field shows %q", v)
	}
	if v := form.Find(`input[name="default_locale"][checked]`).AttrOr("value", ""); v != "en" {
		t.Errorf("the default language is %q", v)
	}
	for name, want := range map[string]string{"theme[accent]": "#6D28D9", "theme[background]": "#FFFFFF", "theme[text]": "#111827"} {
		if v := namedValue(form, name); v != want {
			t.Errorf("%s shows %q, want %q", name, v, want)
		}
	}
	if v := namedValue(form, "version"); v != "1" {
		t.Errorf("the version field holds %q", v)
	}
	if got := text(ed.doc.Find(`#preview-pane [data-testid="paywall-title"]`)); got != "Summer sale" {
		t.Errorf("the preview's title is %q", got)
	}

	// Mistakes keep what was typed and say what is wrong beside the field; nothing is created.
	bad := []struct {
		name, field, want string
		form              url.Values
	}{
		{"taken ref", "ref", "already has a paywall", url.Values{"ref": {"spring"}, "name": {"Again"}, "template": {"hero"}}},
		{"bad ref", "ref", "", url.Values{"ref": {"Summer Sale!"}, "name": {"Again"}, "template": {"hero"}}},
		{"unknown template", "template", "hero, cards or minimal", url.Values{"ref": {"autumn"}, "name": {"Autumn"}, "template": {"fancy"}}},
		{"no name", "name", "Enter a name", url.Values{"ref": {"autumn"}, "name": {" "}, "template": {"hero"}}},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			before := exportApp(t, ts, "calm-sky")
			r := c.post(demoPath+"/paywalls", b.form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			scope := r.doc.Find(`[data-testid="new-paywall-form"]`)
			msg := fieldError(scope, b.field)
			if msg == "" || !strings.Contains(msg, b.want) {
				t.Errorf("message beside %s = %q, want one containing %q (fields with errors: %v)", b.field, msg, b.want, fieldsWithErrors(scope))
			}
			if b.field != "template" {
				if v := fieldValue(scope, "ref"); v != strings.TrimSpace(b.form.Get("ref")) {
					t.Errorf("the ref field shows %q after the error", v)
				}
			}
			wantUnchanged(t, ts, "calm-sky", before)
		})
	}
}

func TestSavePaywallStoresTheDraft(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedPaywall(t, ts, a.ID, "spring")
	_, form := editorOf(t, c, "spring")

	// spring offers, in order: ios yearly (Spring deal, highlighted), ios monthly, android yearly,
	// android monthly, android-test monthly, web yearly, web monthly. Swap the first two, badge
	// and highlight the monthly one, and drop the highlight of the yearly one.
	form.Set("name", "Spring offer 2")
	form.Set("copy[en][title]", "  Sleep deeper this spring  ")
	form.Set("copy[de][cta]", "Jetzt starten")
	form.Set("theme[accent]", "#0a7d5e")
	form.Set("theme[background]", "#FAFAFA")
	form.Set("template", "minimal")
	form.Set("default_locale", "de")
	form.Set("products[0][platform]", "ios")
	form.Set("products[0][sku]", "com.example.calmsky.monthly")
	form.Set("products[0][badge]", "Flexible")
	form.Set("products[0][highlighted]", "true")
	form.Set("products[1][platform]", "ios")
	form.Set("products[1][sku]", "com.example.calmsky.yearly")
	form.Set("products[1][badge]", "")
	form.Del("products[1][highlighted]")
	// A third language arrives with its own copy.
	form.Add("locales", "fr")
	form.Set("copy[fr][title]", "Dormez mieux")
	form.Set("copy[fr][cta]", "Commencer")

	r := c.post(demoPath+"/paywalls/spring", form)
	wantRedirect(t, r, demoPath+"/paywalls/spring")

	pw := storedPaywall(t, ts, a.ID, "spring")
	if pw.Version != before.Version+1 {
		t.Errorf("version %d after saving version %d", pw.Version, before.Version)
	}
	if pw.Name != "Spring offer 2" || pw.Template != "minimal" || pw.DefaultLocale != "de" || pw.UpdatedBy != ownerEmail {
		t.Errorf("stored name %q, template %q, default %q, by %q", pw.Name, pw.Template, pw.DefaultLocale, pw.UpdatedBy)
	}
	// The demo's spring has a dark palette; the editor posts it back untouched, so it is kept.
	if want := (store.Theme{Accent: "#0a7d5e", Background: "#FAFAFA", Text: before.Theme.Text, Dark: before.Theme.Dark}); !before.Theme.HasDark() || pw.Theme != want {
		t.Errorf("stored theme %+v, want %+v", pw.Theme, want)
	}
	if en, _ := pw.CopyFor("en"); en.Title != "Sleep deeper this spring" {
		t.Errorf("stored en title %q (surrounding spaces are trimmed)", en.Title)
	}
	if de, _ := pw.CopyFor("de"); de.CTA != "Jetzt starten" || de.Title != "Besser schlafen in diesem Frühling" {
		t.Errorf("stored de copy %+v", de)
	}
	if fr, ok := pw.CopyFor("fr"); !ok || fr.Title != "Dormez mieux" || fr.CTA != "Commencer" {
		t.Errorf("stored fr copy %+v (present %v)", fr, ok)
	}
	if pw.HeroImage != before.HeroImage {
		t.Errorf("saving the form changed the image from %q to %q", before.HeroImage, pw.HeroImage)
	}
	if len(pw.Products) != len(before.Products) {
		t.Fatalf("stored %d products, want %d", len(pw.Products), len(before.Products))
	}
	first, second := pw.Products[0], pw.Products[1]
	if first.SKU != "com.example.calmsky.monthly" || first.Badge != "Flexible" || !first.Highlighted {
		t.Errorf("first product %+v", first)
	}
	if second.SKU != "com.example.calmsky.yearly" || second.Badge != "" || second.Highlighted {
		t.Errorf("second product %+v", second)
	}
	for i := 2; i < len(pw.Products); i++ {
		if got, was := pw.Products[i], before.Products[i]; got.PlatformRef != was.PlatformRef || got.SKU != was.SKU || got.Badge != was.Badge || got.Highlighted != was.Highlighted {
			t.Errorf("product %d changed from %+v to %+v", i, was, got)
		}
	}

	// The editor then shows what was saved.
	ed, _ := editorOf(t, c, "spring")
	if f := text(ed.doc.Find(`[data-testid="flash"]`)); !strings.Contains(f, "Saved Spring offer 2") {
		t.Errorf("flash after saving = %q", f)
	}
	if v := namedValue(ed.doc.Selection, "copy[fr][title]"); v != "Dormez mieux" {
		t.Errorf("the editor shows fr title %q", v)
	}
	if ed.doc.Find(`[data-testid="tab-fr"]`).Length() != 1 {
		t.Error("the editor has no fr tab")
	}
}

func TestInvalidPaywallIsRefusedBesideTheField(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedPaywall(t, ts, a.ID, "spring")
	long := strings.Repeat("x", 41)

	cases := []struct {
		name, field, value, want string
	}{
		{"colour without #", "theme[accent]", "7C3AED", "Start the color with #"},
		{"colour that is a word", "theme[background]", "purple", "# and 6 hex digits"},
		{"unknown template", "template", "fancy", "Choose hero, cards or minimal."},
		{"badge too long", "products[0][badge]", long, "at most 40 characters"},
		{"title too long", "copy[en][title]", strings.Repeat("t", 201), "at most 200 characters"},
		{"default language without copy", "default_locale", "it", "default language that has copy"},
		{"no name", "name", "", "Enter a name."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, form := editorOf(t, c, "spring")
			form.Set(tc.field, tc.value)
			form.Set("copy[en][subtitle]", "Typed before the mistake was noticed")
			r := c.post(demoPath+"/paywalls/spring", form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			page := r.doc.Selection

			var msg string
			switch tc.field {
			case "products[0][badge]":
				msg = text(page.Find(`[data-testid="picked-product"]`).First().Find(".field-error"))
			case "default_locale":
				msg = text(page.Find(`[data-testid="copy-card"] > .field-error`))
			default:
				msg = errorBeside(page, tc.field)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message beside %s = %q, want one containing %q", tc.field, msg, tc.want)
			}
			// What the user typed is still in the form.
			switch tc.field {
			case "template":
			case "default_locale":
			default:
				if v := namedValue(page, tc.field); v != strings.TrimSpace(tc.value) {
					t.Errorf("%s shows %q after the error, want what was typed", tc.field, v)
				}
			}
			if v := namedValue(page, "copy[en][subtitle]"); v != "Typed before the mistake was noticed" {
				t.Errorf("the subtitle typed alongside shows %q after the error", v)
			}
			if page.Find(`[data-testid="unsaved"]:not([hidden])`).Length() != 1 {
				t.Error("the refused form does not say its changes are unsaved")
			}
			wantPaywallUnchanged(t, ts, before)
		})
	}
}

func TestPaywallSavedUnchangedChangesNothing(t *testing.T) {
	// spring has everything: an image, two languages, Markdown with line breaks, seven products
	// on four platforms with badges and highlights.
	for _, how := range []string{"as the page holds it", "as a browser sends it"} {
		t.Run(how, func(t *testing.T) {
			ts := newTestServer(t)
			c := signUp(t, ts)
			a := loadDemo(t, ts)
			before := storedPaywall(t, ts, a.ID, "spring")
			if before.HeroImage == "" || len(before.Copy) != 2 || len(before.Products) != 7 {
				t.Fatalf("the demo's spring paywall is not what this test expects: %+v", before)
			}
			ed, form := editorOf(t, c, "spring")
			if how == "as a browser sends it" {
				form = withBrowserNewlines(ed.doc, "pw-form", form)
			}
			r := c.post(demoPath+"/paywalls/spring", form)
			wantRedirect(t, r, demoPath+"/paywalls/spring")
			wantPaywallUnchanged(t, ts, before)
			after := c.get(r.location())
			if f := text(after.doc.Find(`[data-testid="flash"]`)); f != "No changes to save." {
				t.Errorf("flash = %q, want No changes to save.", f)
			}
		})
	}
}

func TestPaywallSaveOfAStaleVersionIsAConflict(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	editor := login(t, ts, "ed@example.com", userPassword)

	_, mine := editorOf(t, owner, "spring") // the owner opens the editor first
	_, theirs := editorOf(t, editor, "spring")
	theirs.Set("copy[en][title]", "Their title")
	theirs.Set("theme[accent]", "#000000")
	wantRedirect(t, editor.post(demoPath+"/paywalls/spring", theirs), demoPath+"/paywalls/spring")
	saved := storedPaywall(t, ts, a.ID, "spring")

	mine.Set("copy[en][title]", "My title")
	r := owner.post(demoPath+"/paywalls/spring", mine)
	wantStatus(t, r, http.StatusConflict)
	conflict := text(r.doc.Find(`[data-testid="conflict"]`))
	for _, want := range []string{"ed@example.com", "the theme", "the en copy", "Nothing was overwritten"} {
		if !strings.Contains(conflict, want) {
			t.Errorf("the conflict message %q does not mention %q", conflict, want)
		}
	}
	if strings.Contains(conflict, "the de copy") || strings.Contains(conflict, "the products") {
		t.Errorf("the conflict message %q names parts nobody changed", conflict)
	}
	if v := namedValue(r.doc.Selection, "copy[en][title]"); v != "My title" {
		t.Errorf("after the conflict the title field shows %q, want what the user typed", v)
	}
	wantPaywallUnchanged(t, ts, saved)

	// Saving again replaces their version knowingly.
	again := formValues(r.doc, "pw-form")
	if v := again.Get("version"); v != strconv.Itoa(saved.Version) {
		t.Errorf("the re-rendered form carries version %q, want %d", v, saved.Version)
	}
	wantRedirect(t, owner.post(demoPath+"/paywalls/spring", again), demoPath+"/paywalls/spring")
	if en, _ := storedPaywall(t, ts, a.ID, "spring").CopyFor("en"); en.Title != "My title" {
		t.Errorf("after saving again the title is %q", en.Title)
	}

	// A version that is not a number is stale too.
	_, form := editorOf(t, owner, "spring")
	form.Set("version", "x")
	form.Set("copy[en][title]", "Not saved")
	cur := storedPaywall(t, ts, a.ID, "spring")
	wantStatus(t, owner.post(demoPath+"/paywalls/spring", form), http.StatusConflict)
	wantPaywallUnchanged(t, ts, cur)
}

func TestViewerCannotChangeAPaywall(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	a := loadDemo(t, ts)
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	viewer := login(t, ts, "vi@example.com", userPassword)
	before := exportApp(t, ts, "calm-sky")
	spring := storedPaywall(t, ts, a.ID, "spring")

	ed, form := editorOf(t, viewer, "spring")
	for _, id := range []string{"save", "duplicate", "delete", "image-form", "remove-image"} {
		if ed.doc.Find(`[data-testid="`+id+`"]`).Length() != 0 {
			t.Errorf("a viewer's editor shows [data-testid=%s]", id)
		}
	}
	list := viewer.get(demoPath + "/paywalls")
	wantStatus(t, list, http.StatusOK)
	if list.doc.Find(`[data-testid="new-paywall-form"]`).Length() != 0 {
		t.Error("a viewer's paywall list offers the new paywall form")
	}

	form.Set("copy[en][title]", "Viewer was here")
	png := pngOf(t, 40, 30)
	for _, hx := range []bool{false, true} {
		var headers []string
		if hx {
			headers = htmx
		}
		posts := map[string]*response{
			"save":         viewer.post(demoPath+"/paywalls/spring", form, headers...),
			"create":       viewer.post(demoPath+"/paywalls", url.Values{"ref": {"v"}, "name": {"V"}, "template": {"hero"}}, headers...),
			"duplicate":    viewer.post(demoPath+"/paywalls/spring/duplicate", nil, headers...),
			"delete":       viewer.post(demoPath+"/paywalls/spring/delete", nil, headers...),
			"remove image": viewer.post(demoPath+"/paywalls/spring/image/delete", url.Values{"version": {strconv.Itoa(spring.Version)}}, headers...),
			"upload": viewer.uploadFile(demoPath+"/paywalls/spring/image", url.Values{"version": {strconv.Itoa(spring.Version)}},
				fileField{"image", "hero.png", "image/png", png}, headers...),
		}
		for what, r := range posts {
			if r.status != http.StatusForbidden {
				t.Errorf("viewer %s (htmx %v): status %d, want 403", what, hx, r.status)
				continue
			}
			msg := text(r.doc.Find(`[data-testid="error"]`))
			if hx {
				msg = strings.TrimSpace(r.body)
			}
			if !strings.Contains(msg, "Your role does not allow this") {
				t.Errorf("viewer %s (htmx %v): message %q", what, hx, msg)
			}
		}
	}
	wantUnchanged(t, ts, "calm-sky", before)
	wantPaywallUnchanged(t, ts, spring)
	if paywallStored(t, ts, a.ID, "spring-copy") {
		t.Error("a viewer's duplicate was stored")
	}
}

func TestPaywallEditorActionsRearrangeTheDraftWithoutStoringIt(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	quiet := storedPaywall(t, ts, a.ID, "quiet") // minimal; en and fr; ios monthly, ios yearly, ...
	op := func(form url.Values, op, arg string, extra ...string) *response {
		t.Helper()
		vals := url.Values{}
		for k, v := range form {
			vals[k] = slices.Clone(v)
		}
		vals.Set("op", op)
		vals.Set("arg", arg)
		for i := 0; i+1 < len(extra); i += 2 {
			vals.Set(extra[i], extra[i+1])
		}
		r := c.post(demoPath+"/paywalls/quiet/editor", vals, htmx...)
		wantStatus(t, r, http.StatusOK)
		if r.doc.Find(`[data-testid="paywall-editor"]`).Length() != 1 || r.doc.Find("nav.sidebar").Length() != 0 {
			t.Fatalf("op %s: want the editor fragment alone", op)
		}
		wantPaywallUnchanged(t, ts, quiet)
		return r
	}
	_, form := editorOf(t, c, "quiet")

	// Add a language: it starts as a copy of the default language's text, its tab open.
	form.Set("copy[en][title]", "Typed and not saved")
	r := op(form, "add_locale", "", "new_locale", "de")
	if r.doc.Find(`[data-testid="tab-de"]`).Length() != 1 {
		t.Fatal("after adding de there is no de tab")
	}
	if v := namedValue(r.doc.Selection, "copy[de][title]"); v != "Typed and not saved" {
		t.Errorf("the new de title starts as %q, want the en title as typed", v)
	}
	if v := namedValue(r.doc.Selection, "copy[en][title]"); v != "Typed and not saved" {
		t.Errorf("adding a language lost the typed en title: %q", v)
	}
	if panel := r.doc.Find(`.locale-panel[data-locale="de"]`); panel.Length() != 1 || panel.AttrOr("hidden", "none") != "none" {
		t.Error("the de panel is not the one showing")
	}
	if r.doc.Find(`[data-testid="unsaved"]:not([hidden])`).Length() != 1 {
		t.Error("after an action the editor does not say there are unsaved changes")
	}
	withDE := formValues(r.doc, "pw-form")

	// Adding a language twice, or a code that is not one, says so beside the field.
	for _, bad := range []struct{ code, want string }{{"fr", "already has fr"}, {"deutsch!", "not a language code"}} {
		r := op(withDE, "add_locale", "", "new_locale", bad.code)
		if msg := text(r.doc.Find(`[data-testid="copy-card"] .add-row + .field-error, [data-testid="copy-card"] > .field-error`)); !strings.Contains(msg, bad.want) {
			t.Errorf("adding %q: message %q, want one containing %q", bad.code, msg, bad.want)
		}
	}

	// Remove it again; the default language cannot be removed.
	r = op(withDE, "remove_locale", "de")
	if r.doc.Find(`[data-testid="tab-de"]`).Length() != 0 || named(r.doc.Selection, "copy[de][title]").Length() != 0 {
		t.Error("de is still there after removing it")
	}
	r = op(withDE, "remove_locale", "en")
	if named(r.doc.Selection, "copy[en][title]").Length() != 1 || r.doc.Find(`[data-testid="remove-locale-en"]`).Length() != 0 {
		t.Error("the default language was removed, or offers a remove button")
	}

	// Products: add one, move it, remove one.
	picked := func(r *response) []string {
		var out []string
		for i := 0; ; i++ {
			s := named(r.doc.Selection, "products["+strconv.Itoa(i)+"][sku]")
			if s.Length() == 0 {
				return out
			}
			out = append(out, namedValue(r.doc.Selection, "products["+strconv.Itoa(i)+"][platform]")+"/"+s.AttrOr("value", ""))
		}
	}
	r = op(form, "add_product", "", "add_product", "ios/com.example.calmsky.lifetime")
	got := picked(r)
	if len(got) != len(quiet.Products)+1 || got[len(got)-1] != "ios/com.example.calmsky.lifetime" {
		t.Fatalf("after adding lifetime the products are %v", got)
	}
	if r.doc.Find(`#f-add_product option[value="ios/com.example.calmsky.lifetime"]`).Length() != 0 {
		t.Error("the picker still offers the product just added")
	}
	added := formValues(r.doc, "pw-form")
	r = op(added, "up", strconv.Itoa(len(got)-1))
	if moved := picked(r); moved[len(moved)-2] != "ios/com.example.calmsky.lifetime" {
		t.Errorf("after moving lifetime up the products are %v", moved)
	}
	r = op(form, "down", "0")
	if moved := picked(r); moved[0] != "ios/com.example.calmsky.yearly" || moved[1] != "ios/com.example.calmsky.monthly" {
		t.Errorf("after moving the first down the products are %v", moved)
	}
	r = op(form, "up", "0") // the first cannot go up
	if moved := picked(r); moved[0] != "ios/com.example.calmsky.monthly" {
		t.Errorf("moving the first up changed the order: %v", moved)
	}
	r = op(form, "remove_product", "0")
	if left := picked(r); len(left) != len(quiet.Products)-1 || left[0] != "ios/com.example.calmsky.yearly" {
		t.Errorf("after removing the first the products are %v", left)
	}
	if len(r.doc.Find(`[data-testid="picked-product"]`).Nodes) != len(quiet.Products)-1 {
		t.Error("the picked list does not show the removal")
	}
}

func TestPaywallPreviewPaneRendersTheUnsavedDraft(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedPaywall(t, ts, a.ID, "spring")
	_, form := editorOf(t, c, "spring")
	form.Set("copy[en][title]", "Typed, not saved")
	form.Set("copy[en][body]", "**Bold** <script>alert(1)</script>")
	form.Set("preview_platform", "android")
	form.Set("preview_locale", "en")
	form.Set("preview_device", "tablet")

	r := c.post(demoPath+"/paywalls/spring/preview", form, htmx...)
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find("nav.sidebar").Length() != 0 {
		t.Error("the preview pane came with the whole page")
	}
	if got := text(r.doc.Find(`[data-testid="paywall-title"]`)); got != "Typed, not saved" {
		t.Errorf("the preview shows title %q", got)
	}
	if got := skus(r.doc.Selection); !slices.Equal(got, []string{"calmsky_premium_yearly", "calmsky_premium_monthly"}) {
		t.Errorf("the android preview shows %v", got)
	}
	if !r.doc.Find(`[data-testid="preview-frame"]`).HasClass("device-tablet") {
		t.Error("the preview frame is not the tablet's")
	}
	body := r.doc.Find(`[data-testid="paywall-body"]`)
	if body.Find("strong").Length() != 1 || body.Find("script").Length() != 0 {
		t.Errorf("the body's Markdown is not rendered safely: %q", body.Text())
	}

	// The German tab previewed in German.
	form.Set("preview_locale", "de")
	r = c.post(demoPath+"/paywalls/spring/preview", form, htmx...)
	if got := text(r.doc.Find(`[data-testid="paywall-title"]`)); got != "Besser schlafen in diesem Frühling" {
		t.Errorf("the de preview shows title %q", got)
	}
	wantPaywallUnchanged(t, ts, before)
}

func TestPaywallPreviewPageShowsOneDevice(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)

	r := c.get(demoPath + "/paywalls/spring/preview?locale=de-AT&platform=ios&device=tablet")
	wantStatus(t, r, http.StatusOK)
	if got := text(r.doc.Find(`[data-testid="paywall-title"]`)); got != "Besser schlafen in diesem Frühling" {
		t.Errorf("de-AT shows title %q, want the de copy", got)
	}
	if lang := r.doc.Find("html").AttrOr("lang", ""); lang != "de" {
		t.Errorf(`<html lang=%q>, want "de"`, lang)
	}
	if got := skus(r.doc.Selection); !slices.Equal(got, []string{"com.example.calmsky.yearly", "com.example.calmsky.monthly"}) {
		t.Errorf("the ios preview shows %v, want the ios products in order", got)
	}
	if price := text(r.doc.Find(`[data-testid="paywall-price"]`).First()); !strings.Contains(price, "59,99") {
		t.Errorf("the yearly price reads %q in de-AT, want a decimal comma", price)
	}
	if !r.doc.Find("body").HasClass("pw-page-tablet") {
		t.Error("the page is not laid out for a tablet")
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'self'") || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("preview headers: CSP %q, Cache-Control %q", r.header.Get("Content-Security-Policy"), r.header.Get("Cache-Control"))
	}

	for _, tc := range []struct{ query, title string }{
		{"?locale=it-IT&platform=web", "Sleep better this spring"}, // no it copy: the default language
		{"?locale=DE&platform=web", "Besser schlafen in diesem Frühling"},
		{"", "Sleep better this spring"},
	} {
		r := c.get(demoPath + "/paywalls/spring/preview" + tc.query)
		wantStatus(t, r, http.StatusOK)
		if got := text(r.doc.Find(`[data-testid="paywall-title"]`)); got != tc.title {
			t.Errorf("preview%s shows %q, want %q", tc.query, got, tc.title)
		}
	}
	web := c.get(demoPath + "/paywalls/spring/preview?platform=web")
	if got := skus(web.doc.Selection); !slices.Equal(got, []string{"calmsky-yearly-eur", "calmsky-monthly-usd"}) {
		t.Errorf("the web preview shows %v", got)
	}

	wantStatus(t, c.get(demoPath+"/paywalls/nope/preview"), http.StatusNotFound)
	wantStatus(t, c.get("/apps/nope/paywalls/spring/preview"), http.StatusNotFound)
	if r := ts.newClient(t).get(demoPath + "/paywalls/spring/preview"); r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Errorf("signed out, the preview answers %d to %q; want 303 to /login", r.status, r.location())
	}
}

func TestDuplicatePaywall(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	spring := storedPaywall(t, ts, a.ID, "spring")

	wantRedirect(t, c.post(demoPath+"/paywalls/spring/duplicate", nil), demoPath+"/paywalls/spring-copy")
	cp := storedPaywall(t, ts, a.ID, "spring-copy")
	if cp.Name != "Copy of Spring offer" || cp.Version != 1 || cp.ID == spring.ID {
		t.Errorf("the copy is %+v", cp)
	}
	if cp.Template != spring.Template || cp.DefaultLocale != spring.DefaultLocale || cp.Theme != spring.Theme ||
		cp.HeroImage != spring.HeroImage || !reflect.DeepEqual(cp.Copy, spring.Copy) || !reflect.DeepEqual(cp.Products, spring.Products) {
		t.Errorf("the copy differs from spring\nspring: %+v\ncopy:   %+v", spring, cp)
	}
	ed, _ := editorOf(t, c, "spring-copy")
	if f := text(ed.doc.Find(`[data-testid="flash"]`)); !strings.Contains(f, "spring-copy") {
		t.Errorf("flash = %q", f)
	}

	wantRedirect(t, c.post(demoPath+"/paywalls/spring/duplicate", nil), demoPath+"/paywalls/spring-copy-2")
	if !paywallStored(t, ts, a.ID, "spring-copy-2") {
		t.Error("the second copy is not stored")
	}
	wantPaywallUnchanged(t, ts, spring)
	wantStatus(t, c.post(demoPath+"/paywalls/nope/duplicate", nil), http.StatusNotFound)
}

func TestDeletePaywall(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)

	// yearly-focus is shown by two campaigns: the refusal names both and deletes nothing.
	before := exportApp(t, ts, "calm-sky")
	r := c.post(demoPath+"/paywalls/yearly-focus/delete", nil)
	wantRedirect(t, r, demoPath+"/paywalls/yearly-focus")
	ed := c.get(r.location())
	wantStatus(t, ed, http.StatusOK)
	msg := text(ed.doc.Find(`[data-testid="flash"]`))
	for _, want := range []string{"Black Friday", "Onboarding A/B", "nothing was deleted"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal %q does not say %q", msg, want)
		}
	}
	if !paywallStored(t, ts, a.ID, "yearly-focus") {
		t.Fatal("yearly-focus was deleted although campaigns show it")
	}
	wantUnchanged(t, ts, "calm-sky", before)

	// A paywall no campaign shows is deleted.
	wantRedirect(t, c.post(demoPath+"/paywalls", url.Values{"ref": {"spare"}, "name": {"Spare"}, "template": {"hero"}}), demoPath+"/paywalls/spare")
	r = c.post(demoPath+"/paywalls/spare/delete", nil)
	wantRedirect(t, r, demoPath+"/paywalls")
	if paywallStored(t, ts, a.ID, "spare") {
		t.Error("spare is still stored after deleting it")
	}
	list := c.get(r.location())
	if f := text(list.doc.Find(`[data-testid="flash"]`)); !strings.Contains(f, "Deleted Spare") {
		t.Errorf("flash = %q", f)
	}
	if n := list.doc.Find(`[data-testid="paywall-card"]`).Length(); n != 3 {
		t.Errorf("the list shows %d paywalls after the delete, want 3", n)
	}
	wantStatus(t, c.post(demoPath+"/paywalls/spare/delete", nil), http.StatusNotFound)
}

func TestSharedPreviewLinkWorksWithoutAnAccount(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)

	r := c.post(demoPath+"/paywalls/spring/share", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("share: status %d", r.status)
	}
	loc, err := url.Parse(r.location())
	if err != nil || loc.Path != demoPath+"/paywalls/spring" || !strings.HasPrefix(loc.Query().Get("shared"), "/share/") {
		t.Fatalf("share redirects to %q", r.location())
	}
	link := loc.Query().Get("shared")
	ed := c.get(r.location())
	if got := text(ed.doc.Find(`[data-testid="share-url"]`)); got != ts.URL+link {
		t.Errorf("the editor shows the link %q, want %q", got, ts.URL+link)
	}

	stranger := ts.newClient(t)
	shared := stranger.get(link)
	wantStatus(t, shared, http.StatusOK)
	if got := text(shared.doc.Find(`[data-testid="paywall-title"]`)); got != "Sleep better this spring" {
		t.Errorf("the shared preview shows %q", got)
	}
	if shared.header.Get("X-Robots-Tag") != "noindex" {
		t.Errorf("X-Robots-Tag %q", shared.header.Get("X-Robots-Tag"))
	}
	if shared.doc.Find("nav.sidebar, [data-testid=current-user]").Length() != 0 {
		t.Error("the shared preview shows the control center around the paywall")
	}

	// The link shows the latest draft.
	_, form := editorOf(t, c, "spring")
	form.Set("copy[en][title]", "Updated after sharing")
	wantRedirect(t, c.post(demoPath+"/paywalls/spring", form), demoPath+"/paywalls/spring")
	if got := text(stranger.get(link).doc.Find(`[data-testid="paywall-title"]`)); got != "Updated after sharing" {
		t.Errorf("the shared preview shows %q after a save", got)
	}

	// A tampered link is not found: the signature covers the app, the ref and the expiry.
	tok := strings.TrimPrefix(link, "/share/")
	payload, sig, _ := strings.Cut(tok, ".")
	// The first character: the last may carry only padding bits, which decoding ignores.
	flip := func(s string) string {
		b := []byte(s)
		if b[0] == 'A' {
			b[0] = 'B'
		} else {
			b[0] = 'A'
		}
		return string(b)
	}
	for name, bad := range map[string]string{
		"payload changed":   flip(payload) + "." + sig,
		"signature changed": payload + "." + flip(sig),
		"no signature":      payload,
		"garbage":           "not-a-token",
		"other paywall":     strings.Replace(tok, payload, encodeSharePayload("calm-sky", "quiet", 4102444800), 1),
	} {
		r := stranger.get("/share/" + bad)
		if r.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", name, r.status)
		}
		if r.doc.Find(`[data-testid="paywall-title"]`).Length() != 0 {
			t.Errorf("%s: a paywall is shown", name)
		}
	}

	// Deleting the paywall ends the link.
	wantRedirect(t, c.post(demoPath+"/paywalls", url.Values{"ref": {"brief"}, "name": {"Brief"}, "template": {"minimal"}}), demoPath+"/paywalls/brief")
	r = c.post(demoPath+"/paywalls/brief/share", nil)
	loc, _ = url.Parse(r.location())
	briefLink := loc.Query().Get("shared")
	wantStatus(t, stranger.get(briefLink), http.StatusOK)
	wantRedirect(t, c.post(demoPath+"/paywalls/brief/delete", nil), demoPath+"/paywalls")
	wantStatus(t, stranger.get(briefLink), http.StatusNotFound)
}

// encodeSharePayload writes a share link's payload as the server does (slug, ref and expiry
// joined by NUL, base64url), to forge a link without the signature that goes with it.
func encodeSharePayload(slug, ref string, exp int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(slug + "\x00" + ref + "\x00" + strconv.FormatInt(exp, 10)))
}

// The editor's limits are in characters, as its messages, its maxlength attributes and the catalog
// file say, not in bytes: copy in German or Japanese takes more bytes than characters.
func TestPaywallLimitsCountCharactersNotBytes(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	const (
		germanBadge   = "Über 40 % günstiger – nur für kurze Zeit" // 40 characters, 45 bytes
		japaneseBadge = "年間プランなら40%お得！今だけの特別価格です"                  // 23 characters, 63 bytes
	)
	japaneseTitle := strings.Repeat("ぐっすり眠ろう", 20) // 140 characters, 420 bytes

	// A badge the catalog accepts (40 characters) must not block saving the paywall in the editor.
	spring := storedPaywall(t, ts, a.ID, "spring")
	spring.Products[0].Badge = germanBadge
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePaywall(ctx, &spring) })
	before := storedPaywall(t, ts, a.ID, "spring")
	_, form := editorOf(t, c, "spring")
	r := c.post(demoPath+"/paywalls/spring", form)
	if r.status != http.StatusSeeOther {
		t.Errorf("saving spring unchanged with the 40-character badge %q: status %d (%q), want 303", germanBadge, r.status,
			text(r.doc.Find(`[data-testid="picked-product"] .field-error`)))
	}
	wantPaywallUnchanged(t, ts, before)

	_, form = editorOf(t, c, "spring")
	form.Set("products[1][badge]", japaneseBadge)
	form.Set("copy[en][title]", japaneseTitle)
	r = c.post(demoPath+"/paywalls/spring", form)
	if r.status != http.StatusSeeOther {
		t.Errorf("a 23-character badge and a 140-character title: status %d; title: %q; badges: %q", r.status,
			errorBeside(r.doc.Selection, "copy[en][title]"), text(r.doc.Find(`[data-testid="picked-product"] .field-error`)))
	} else if pw := storedPaywall(t, ts, a.ID, "spring"); pw.Products[1].Badge != japaneseBadge {
		t.Errorf("stored badge %q", pw.Products[1].Badge)
	}
}

// A copy's name is cut to the name limit without breaking a character in two.
func TestDuplicatePaywallWithALongNameKeepsItReadable(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	const name = "春の特別セール：年間プランが今だけお得になる期間限定キャンペーン第二弾のご案内" // 39 characters, 117 bytes
	wantRedirect(t, c.post(demoPath+"/paywalls", url.Values{"ref": {"haru"}, "name": {name}, "template": {"hero"}}), demoPath+"/paywalls/haru")
	wantRedirect(t, c.post(demoPath+"/paywalls/haru/duplicate", nil), demoPath+"/paywalls/haru-copy")
	cp := storedPaywall(t, ts, a.ID, "haru-copy")
	if !utf8.ValidString(cp.Name) || !strings.HasPrefix(cp.Name, "Copy of 春の特別セール") {
		t.Errorf("the copy is named %q (valid UTF-8: %v)", cp.Name, utf8.ValidString(cp.Name))
	}
	ed, _ := editorOf(t, c, "haru-copy")
	if v := namedValue(ed.doc.Selection, "name"); !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError) {
		t.Errorf("the copy's editor shows the name %q", v)
	}
}
