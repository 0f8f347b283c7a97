package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"nami/engine"
	"nami/store"
)

// storedCampaign loads a campaign as the database holds it.
func storedCampaign(t *testing.T, ts *testServer, appID int64, ref string) store.Campaign {
	t.Helper()
	cp, err := ts.st.Campaign(context.Background(), appID, ref)
	if err != nil {
		t.Fatalf("store.Campaign %s: %v", ref, err)
	}
	return cp
}

// campaignStored reports whether the app has a campaign with the ref.
func campaignStored(t *testing.T, ts *testServer, appID int64, ref string) bool {
	t.Helper()
	_, err := ts.st.Campaign(context.Background(), appID, ref)
	switch {
	case err == nil:
		return true
	case errors.Is(err, store.ErrNotFound):
		return false
	}
	t.Fatalf("store.Campaign %s: %v", ref, err)
	return false
}

// wantCampaignUnchanged fails the test if the stored campaign differs from before in any way.
func wantCampaignUnchanged(t *testing.T, ts *testServer, before store.Campaign) {
	t.Helper()
	after := storedCampaign(t, ts, before.AppID, before.Ref)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the stored campaign %s changed\nbefore: %+v\nafter:  %+v", before.Ref, before, after)
	}
}

// builderOf loads a campaign's builder and returns the page and its form as a browser sends it.
func builderOf(t *testing.T, c *client, ref string) (*response, url.Values) {
	t.Helper()
	r := c.get(demoPath + "/campaigns/" + ref)
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find("form#builder").Length() != 1 {
		t.Fatalf("the builder of %s has no form#builder", ref)
	}
	return r, formValues(r.doc, "builder")
}

// setTZCookie stores the tz cookie the builder's script writes for the browser's zone.
func setTZCookie(t *testing.T, c *client, value string) {
	t.Helper()
	u, err := url.Parse(c.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: value, Path: "/"}})
}

// addCampaign stores a campaign directly, as `nami apply` would.
func addCampaign(t *testing.T, ts *testServer, cp store.Campaign) store.Campaign {
	t.Helper()
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCampaign(ctx, &cp) })
	return storedCampaign(t, ts, cp.AppID, cp.Ref)
}

func TestCreateCampaignFromTheList(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	quiet := storedPaywall(t, ts, a.ID, "quiet") // "Quiet default" sorts first by name

	r := c.post(demoPath+"/campaigns", url.Values{"name": {"Spring push"}, "ref": {"spring-push"}, "label": {"push"}})
	wantRedirect(t, r, demoPath+"/campaigns/spring-push")
	cp := storedCampaign(t, ts, a.ID, "spring-push")
	if cp.Name != "Spring push" || cp.Label != "push" || cp.Status != engine.StatusDraft || cp.Version != 1 {
		t.Errorf("stored campaign %+v, want a draft at label push", cp)
	}
	if len(cp.Variants) != 1 || cp.Variants[0].Ref != "a" || cp.Variants[0].PaywallID != quiet.ID || cp.Variants[0].Weight != 100 {
		t.Errorf("stored variants %+v, want a: quiet 100%%", cp.Variants)
	}
	b := c.get(r.location())
	wantStatus(t, b, http.StatusOK)
	if f := text(b.doc.Find(`[data-testid="flash"]`)); !strings.Contains(f, "Created the draft Spring push") {
		t.Errorf("flash = %q", f)
	}
	if v := fieldValue(b.doc.Selection, "name"); v != "Spring push" {
		t.Errorf("the builder's name field shows %q", v)
	}

	for _, tc := range []struct {
		name, field, want string
		form              url.Values
	}{
		{"taken ref", "ref", "already has a campaign", url.Values{"name": {"Again"}, "ref": {"default"}, "label": {""}}},
		{"bad label", "label", "lowercase letters", url.Values{"name": {"Again"}, "ref": {"again"}, "label": {"On Boarding!"}}},
		{"no name", "name", "Enter a name", url.Values{"name": {""}, "ref": {"again"}, "label": {""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := exportApp(t, ts, "calm-sky")
			r := c.post(demoPath+"/campaigns", tc.form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			scope := r.doc.Find(`[data-testid="new-campaign-form"]`)
			if msg := fieldError(scope, tc.field); !strings.Contains(msg, tc.want) {
				t.Errorf("message beside %s = %q, want one containing %q", tc.field, msg, tc.want)
			}
			if v := fieldValue(scope, "label"); v != tc.form.Get("label") {
				t.Errorf("the label field shows %q after the error", v)
			}
			wantUnchanged(t, ts, "calm-sky", before)
		})
	}

	// An app without paywalls cannot have campaigns yet.
	ts2 := newTestServer(t)
	c2 := signUp(t, ts2)
	s := seedCatalog(t, ts2)
	r = c2.post(s.appsPath+"/campaigns", url.Values{"name": {"First"}, "ref": {"first"}, "label": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := text(r.doc.Find(`[data-testid="form-error"], [data-testid="empty-state"]`)); !strings.Contains(msg, "paywall") {
		t.Errorf("without paywalls the list says %q", msg)
	}
	if campaignStored(t, ts2, s.app.ID, "first") {
		t.Error("a campaign without a paywall was stored")
	}
}

func TestCampaignBuilderRefusesInvalidRulesAndKeepsTheInput(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedCampaign(t, ts, a.ID, "onboarding-ab") // a: spring 50, b: yearly-focus 50; country in US, CA, GB; holdout 10

	const (
		attr0   = "audience[conditions][0][attribute]"
		op0     = "audience[conditions][0][operator]"
		values0 = "audience[conditions][0][values]"
	)
	cases := []struct {
		name  string
		set   map[string]string
		field string // where the message shows; "variants" is the variants card
		want  string
		keeps string // a text field that must still show what was typed; "" to skip
	}{
		{"weights summing to 90", map[string]string{"variants[1][weight]": "40"}, "variants", "add up to 90", "variants[1][weight]"},
		{"unknown operator", map[string]string{op0: "like"}, op0, `Unknown operator "like"`, values0},
		{"in without values", map[string]string{values0: " , "}, values0, "needs at least one value", ""},
		{"unknown attribute", map[string]string{attr0: "planet"}, attr0, `Unknown attribute "planet"`, attr0},
		{"end before start", map[string]string{"starts_at": "2026-12-10T10:00", "ends_at": "2026-12-01T10:00"}, "ends_at", "must be after the start", "ends_at"},
		{"a start that is not a date", map[string]string{"starts_at": "next tuesday"}, "starts_at", "Enter a date and time", "starts_at"},
		{"holdout 150", map[string]string{"holdout_percent": "150"}, "holdout_percent", "between 0 and 100", "holdout_percent"},
		{"priority abc", map[string]string{"priority": "abc"}, "priority", "whole number", "priority"},
		{"unknown paywall", map[string]string{"variants[0][paywall]": "nope"}, "variants[0][paywall]", "Choose one of this app's paywalls", ""},
		{"the same variant ref twice", map[string]string{"variants[1][ref]": "a"}, "variants[1][ref]", "used twice", "variants[1][ref]"},
		{"a number as a version", map[string]string{op0: "greater_or_equal", attr0: "app_version", values0: "two"}, values0, "not a version", values0},
		{"no name", map[string]string{"name": ""}, "name", "Enter a name", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, form := builderOf(t, c, "onboarding-ab")
			form.Set("name", "Typed before the mistake")
			for k, v := range tc.set {
				form.Set(k, v)
			}
			r := c.post(demoPath+"/campaigns/onboarding-ab", form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			page := r.doc.Selection
			var msg string
			if tc.field == "variants" {
				msg = text(page.Find(`[data-testid="variants"] > .field-error`))
			} else {
				msg = errorBeside(page, tc.field)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message beside %s = %q, want one containing %q", tc.field, msg, tc.want)
			}
			if top := text(page.Find(`[data-testid="form-error"]`)); !strings.Contains(top, "Nothing was saved") {
				t.Errorf("the form's summary says %q", top)
			}
			if tc.keeps != "" {
				if v := namedValue(page, tc.keeps); v != strings.TrimSpace(form.Get(tc.keeps)) {
					t.Errorf("%s shows %q after the error, want what was typed (%q)", tc.keeps, v, form.Get(tc.keeps))
				}
			}
			if _, ok := tc.set["name"]; !ok {
				if v := namedValue(page, "name"); v != "Typed before the mistake" {
					t.Errorf("the name typed alongside shows %q after the error", v)
				}
			}
			// Every text field typed in shows what was typed (a select cannot show an unknown value).
			for name, typed := range tc.set {
				if goquery.NodeName(named(page, name)) == "input" {
					if v := namedValue(page, name); v != strings.TrimSpace(typed) {
						t.Errorf("%s shows %q after the error, want %q", name, v, strings.TrimSpace(typed))
					}
				}
			}
			if page.Find(`[data-testid="unsaved"]:not([hidden])`).Length() != 1 {
				t.Error("the refused builder does not say its changes are unsaved")
			}
			wantCampaignUnchanged(t, ts, before)
		})
	}

	// The weight total follows what was posted.
	_, form := builderOf(t, c, "onboarding-ab")
	form.Set("variants[1][weight]", "40")
	r := c.post(demoPath+"/campaigns/onboarding-ab", form)
	if got := text(r.doc.Find(`[data-testid="weight-total"]`)); !strings.HasPrefix(got, "Total 90%") {
		t.Errorf("the weight total says %q, want Total 90%%", got)
	}
}

func TestCampaignBuilderSavesValidRulesWithTimesInUTC(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedCampaign(t, ts, a.ID, "onboarding-ab")
	spring := storedPaywall(t, ts, a.ID, "spring")
	quiet := storedPaywall(t, ts, a.ID, "quiet")

	_, form := builderOf(t, c, "onboarding-ab")
	form.Set("name", "Onboarding test")
	form.Set("priority", "15")
	form.Set("status", "paused")
	form.Set("holdout_percent", "5")
	form.Set("tz", "Europe/Berlin") // the page was rendered for a marketer in Berlin
	form.Set("starts_at", "2026-12-01T09:00")
	form.Set("ends_at", "2026-12-08T09:30")
	form.Set("audience[match]", "any")
	form.Set("audience[conditions][0][values]", "US, ca ,")
	form.Set("audience[conditions][1][attribute]", "custom.tier")
	form.Set("audience[conditions][1][operator]", "equals")
	form.Set("audience[conditions][1][values]", "gold")
	form.Set("variants[0][weight]", "70")
	form.Set("variants[1][weight]", "30")
	form.Set("variants[1][paywall]", "quiet")

	r := c.post(demoPath+"/campaigns/onboarding-ab", form)
	wantRedirect(t, r, demoPath+"/campaigns/onboarding-ab")
	cp := storedCampaign(t, ts, a.ID, "onboarding-ab")
	if cp.Version != before.Version+1 || cp.Name != "Onboarding test" || cp.Priority != 15 || cp.Status != "paused" || cp.HoldoutPercent != 5 {
		t.Errorf("stored %+v", cp)
	}
	wantStart := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) // 09:00 in Berlin, winter time
	wantEnd := time.Date(2026, 12, 8, 8, 30, 0, 0, time.UTC)
	if cp.StartsAt == nil || !cp.StartsAt.Equal(wantStart) || cp.StartsAt.Location() != time.UTC {
		t.Errorf("stored start %v, want %v", cp.StartsAt, wantStart)
	}
	if cp.EndsAt == nil || !cp.EndsAt.Equal(wantEnd) {
		t.Errorf("stored end %v, want %v", cp.EndsAt, wantEnd)
	}
	wantAudience := engine.Audience{Match: "any", Conditions: []engine.Condition{
		{Attribute: "country", Operator: "in", Values: []string{"US", "ca"}},
		{Attribute: "custom.tier", Operator: "equals", Values: []string{"gold"}}}}
	if !reflect.DeepEqual(cp.Audience, wantAudience) {
		t.Errorf("stored audience %+v, want %+v", cp.Audience, wantAudience)
	}
	if len(cp.Variants) != 2 || cp.Variants[0].PaywallID != spring.ID || cp.Variants[0].Weight != 70 ||
		cp.Variants[1].Ref != "b" || cp.Variants[1].PaywallID != quiet.ID || cp.Variants[1].Weight != 30 {
		t.Errorf("stored variants %+v", cp.Variants)
	}

	// The builder shows the times back in the zone it is rendered in: UTC without a tz cookie,
	// Berlin with one.
	b, _ := builderOf(t, c, "onboarding-ab")
	if f := text(b.doc.Find(`[data-testid="flash"]`)); !strings.Contains(f, "Saved Onboarding test") {
		t.Errorf("flash = %q", f)
	}
	if v := namedValue(b.doc.Selection, "starts_at"); v != "2026-12-01T08:00" {
		t.Errorf("without a zone the start shows as %q, want 2026-12-01T08:00 (UTC)", v)
	}
	setTZCookie(t, c, "Europe/Berlin")
	b, again := builderOf(t, c, "onboarding-ab")
	if v := namedValue(b.doc.Selection, "starts_at"); v != "2026-12-01T09:00" {
		t.Errorf("in Berlin the start shows as %q, want 2026-12-01T09:00", v)
	}
	if z := text(b.doc.Find(`[data-testid="zone"]`)); !strings.Contains(z, "Europe/Berlin") {
		t.Errorf("the zone hint says %q", z)
	}
	// Saving that page unchanged keeps the same instants.
	wantRedirect(t, c.post(demoPath+"/campaigns/onboarding-ab", again), demoPath+"/campaigns/onboarding-ab")
	if cp2 := storedCampaign(t, ts, a.ID, "onboarding-ab"); !cp2.StartsAt.Equal(wantStart) || !cp2.EndsAt.Equal(wantEnd) {
		t.Errorf("re-saving in Berlin moved the schedule to %v – %v", cp2.StartsAt, cp2.EndsAt)
	}

	// Empty bounds are open.
	_, form = builderOf(t, c, "onboarding-ab")
	form.Set("starts_at", "")
	form.Set("ends_at", "")
	wantRedirect(t, c.post(demoPath+"/campaigns/onboarding-ab", form), demoPath+"/campaigns/onboarding-ab")
	if cp3 := storedCampaign(t, ts, a.ID, "onboarding-ab"); cp3.StartsAt != nil || cp3.EndsAt != nil {
		t.Errorf("empty bounds stored as %v – %v", cp3.StartsAt, cp3.EndsAt)
	}
}

// builder.js writes the browser's zone into the tz cookie with encodeURIComponent, so a zone such
// as Europe/Berlin arrives as "Europe%2FBerlin". The builder must still understand it.
func TestCampaignBuilderUnderstandsTheZoneCookieTheBrowserWrites(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	cp := storedCampaign(t, ts, a.ID, "onboarding-ab")
	cp.StartsAt = &start
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateCampaign(ctx, &cp) })

	setTZCookie(t, c, "Europe%2FBerlin") // document.cookie = "tz=" + encodeURIComponent(zone)
	b, _ := builderOf(t, c, "onboarding-ab")
	if v := namedValue(b.doc.Selection, "tz"); v != "Europe/Berlin" {
		t.Errorf("with the cookie tz=Europe%%2FBerlin the builder renders in zone %q, want Europe/Berlin", v)
	}
	if v := namedValue(b.doc.Selection, "starts_at"); v != "2026-12-01T09:00" {
		t.Errorf("with the cookie tz=Europe%%2FBerlin the start shows as %q, want 2026-12-01T09:00", v)
	}
}

func TestCampaignSaveOfAStaleVersionIsAConflict(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	editor := login(t, ts, "ed@example.com", userPassword)

	_, mine := builderOf(t, owner, "onboarding-ab")
	_, theirs := builderOf(t, editor, "onboarding-ab")
	theirs.Set("priority", "30")
	wantRedirect(t, editor.post(demoPath+"/campaigns/onboarding-ab", theirs), demoPath+"/campaigns/onboarding-ab")
	saved := storedCampaign(t, ts, a.ID, "onboarding-ab")

	mine.Set("name", "My name for it")
	r := owner.post(demoPath+"/campaigns/onboarding-ab", mine)
	wantStatus(t, r, http.StatusConflict)
	conflict := text(r.doc.Find(`[data-testid="conflict"]`))
	for _, want := range []string{"the priority (now 30)", "Nothing was overwritten"} {
		if !strings.Contains(conflict, want) {
			t.Errorf("the conflict message %q does not say %q", conflict, want)
		}
	}
	if strings.Contains(conflict, "the variants") || strings.Contains(conflict, "the audience") {
		t.Errorf("the conflict message %q names parts nobody changed", conflict)
	}
	if v := namedValue(r.doc.Selection, "name"); v != "My name for it" {
		t.Errorf("after the conflict the name field shows %q", v)
	}
	wantCampaignUnchanged(t, ts, saved)

	// Saving again replaces their version knowingly.
	wantRedirect(t, owner.post(demoPath+"/campaigns/onboarding-ab", formValues(r.doc, "builder")), demoPath+"/campaigns/onboarding-ab")
	if cp := storedCampaign(t, ts, a.ID, "onboarding-ab"); cp.Name != "My name for it" || cp.Priority != 10 {
		t.Errorf("after saving again: name %q priority %d", cp.Name, cp.Priority)
	}
}

func TestCampaignBuilderActionsChangeTheDraftWithoutStoringIt(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	wantRedirect(t, c.post(demoPath+"/campaigns", url.Values{"name": {"Trial"}, "ref": {"trial"}, "label": {""}}), demoPath+"/campaigns/trial")
	before := storedCampaign(t, ts, a.ID, "trial")
	op := func(form url.Values, op, arg string, extra ...string) (*response, url.Values) {
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
		r := c.post(demoPath+"/campaigns/trial/builder", vals, htmx...)
		wantStatus(t, r, http.StatusOK)
		if r.doc.Find("form#builder").Length() != 1 || r.doc.Find("nav.sidebar").Length() != 0 {
			t.Fatalf("op %s: want the builder fragment alone", op)
		}
		wantCampaignUnchanged(t, ts, before)
		return r, formValues(r.doc, "builder")
	}
	_, form := builderOf(t, c, "trial")

	r, ab := op(form, "template", "", "template", "ab")
	if got := ab.Get("label"); got != "onboarding" {
		t.Errorf("the A/B template sets label %q", got)
	}
	if ab.Get("holdout_percent") != "10" || ab.Get("priority") != "10" {
		t.Errorf("the A/B template sets holdout %q priority %q", ab.Get("holdout_percent"), ab.Get("priority"))
	}
	if ab.Get("variants[0][paywall]") != "quiet" || ab.Get("variants[1][paywall]") != "spring" ||
		ab.Get("variants[0][weight]") != "50" || ab.Get("variants[1][weight]") != "50" {
		t.Errorf("the A/B template's variants: %v", ab)
	}
	if got := text(r.doc.Find(`[data-testid="weight-total"]`)); got != "Total 100%" {
		t.Errorf("the weight total says %q", got)
	}
	if n := r.doc.Find(`[data-testid="variant-row"]`).Length(); n != 2 {
		t.Errorf("%d variant rows after the A/B template", n)
	}

	r, withCond := op(ab, "add_condition", "")
	if n := r.doc.Find(`[data-testid="condition-row"]`).Length(); n != 1 {
		t.Fatalf("%d condition rows after adding one", n)
	}
	if withCond.Get("audience[conditions][0][attribute]") != "country" || withCond.Get("audience[conditions][0][operator]") != "in" {
		t.Errorf("the new condition starts as %v", withCond)
	}
	if r.doc.Find(`[data-testid="everyone"]`).Length() != 0 {
		t.Error("the audience still says everyone")
	}
	r, _ = op(withCond, "remove_condition", "0")
	if n := r.doc.Find(`[data-testid="condition-row"]`).Length(); n != 0 {
		t.Errorf("%d condition rows after removing the only one", n)
	}

	r, three := op(ab, "add_variant", "")
	if three.Get("variants[2][ref]") != "c" || three.Get("variants[2][weight]") != "0" {
		t.Errorf("the added variant is %q at %q%%", three.Get("variants[2][ref]"), three.Get("variants[2][weight]"))
	}
	r, _ = op(three, "remove_variant", "0")
	if n := r.doc.Find(`[data-testid="variant-row"]`).Length(); n != 2 || namedValue(r.doc.Selection, "variants[0][ref]") != "b" {
		t.Errorf("after removing variant a: %d rows, first %q", n, namedValue(r.doc.Selection, "variants[0][ref]"))
	}
	r, _ = op(form, "remove_variant", "0") // the only variant stays
	if n := r.doc.Find(`[data-testid="variant-row"]`).Length(); n != 1 {
		t.Errorf("removing the only variant left %d rows", n)
	}
}

func TestCampaignListGroupsByLabel(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)

	groups := func() *goquery.Selection {
		r := c.get(demoPath + "/campaigns")
		wantStatus(t, r, http.StatusOK)
		return r.doc.Find(`[data-testid="label-group"]`)
	}
	g := groups()
	var labels []string
	g.Each(func(_ int, s *goquery.Selection) { labels = append(labels, s.AttrOr("data-label", "?")) })
	if !slices.Equal(labels, []string{"", "onboarding", "settings"}) {
		t.Fatalf("groups %q, want the default placement first, then onboarding and settings", labels)
	}
	def, onb := g.Eq(0), g.Eq(1)
	if h := text(def.Find("h2")); !strings.HasPrefix(h, "Default placement") {
		t.Errorf("the first group is titled %q", h)
	}
	if w := text(def.Find(`[data-testid="label-winner"]`)); !strings.Contains(w, "Default paywall") {
		t.Errorf("the default placement's winner: %q", w)
	}
	var rows []string
	onb.Find(`[data-testid="campaign-row"]`).Each(func(_ int, s *goquery.Selection) {
		rows = append(rows, text(s.Find("td").First().Find(".mono")))
	})
	if !slices.Equal(rows, []string{"black-friday", "onboarding-ab"}) {
		t.Errorf("onboarding rows %q, want by priority", rows)
	}
	if w := text(onb.Find(`[data-testid="label-winner"]`)); !strings.Contains(w, "Onboarding A/B") {
		t.Errorf("onboarding's winner: %q (Black Friday is paused)", w)
	}
	if win := onb.Find(`[data-testid="campaign-row"].is-winner`); win.Length() != 1 || !strings.Contains(text(win), "onboarding-ab") {
		t.Errorf("the winner row is %q", text(win))
	}
	if n := g.Find(`[data-testid="campaign-warning"]`).Length(); n != 0 {
		t.Errorf("the demo shows %d warnings", n)
	}
	ab := onb.Find(`[data-testid="campaign-row"]`).Eq(1)
	for _, want := range []string{"country in US, CA, GB", "50%", "holdout 10%", "Spring offer", "Yearly focus"} {
		if !strings.Contains(text(ab), want) {
			t.Errorf("the onboarding-ab row %q does not show %q", text(ab), want)
		}
	}

	// A second live campaign with the same label and priority: the tie is pointed out.
	yearly := storedPaywall(t, ts, a.ID, "yearly-focus")
	addCampaign(t, ts, store.Campaign{AppID: a.ID, Ref: "onboarding-2", Name: "Second onboarding", Label: "onboarding", Status: "live",
		Priority: 10, Audience: engine.Audience{Match: "all"}, Variants: []store.CampaignVariant{{Ref: "main", PaywallID: yearly.ID, Weight: 100}}})
	g = groups()
	warn := text(g.Eq(1).Find(`[data-testid="campaign-warning"]`))
	for _, want := range []string{"Second onboarding", "Onboarding A/B", "priority 10"} {
		if !strings.Contains(warn, want) {
			t.Errorf("the warning %q does not mention %q", warn, want)
		}
	}
	if w := text(g.Eq(1).Find(`[data-testid="label-winner"]`)); !strings.Contains(w, "Second onboarding") {
		t.Errorf("with the tie the winner is %q, want Second onboarding (its ref sorts first)", w)
	}
	if n := g.Eq(0).Find(`[data-testid="campaign-warning"]`).Length(); n != 0 {
		t.Errorf("the default placement shows %d warnings", n)
	}
}

func TestViewerCannotChangeACampaign(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	a := loadDemo(t, ts)
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	viewer := login(t, ts, "vi@example.com", userPassword)
	before := storedCampaign(t, ts, a.ID, "onboarding-ab")

	b, form := builderOf(t, viewer, "onboarding-ab")
	for _, id := range []string{"save", "delete", "apply-template"} {
		if b.doc.Find(`[data-testid="`+id+`"]`).Length() != 0 {
			t.Errorf("a viewer's builder shows [data-testid=%s]", id)
		}
	}
	form.Set("priority", "99")
	for what, r := range map[string]*response{
		"save":   viewer.post(demoPath+"/campaigns/onboarding-ab", form),
		"delete": viewer.post(demoPath+"/campaigns/onboarding-ab/delete", nil),
		"create": viewer.post(demoPath+"/campaigns", url.Values{"name": {"V"}, "ref": {"v"}}),
	} {
		if r.status != http.StatusForbidden {
			t.Errorf("viewer %s: status %d, want 403", what, r.status)
		}
	}
	wantCampaignUnchanged(t, ts, before)
	if campaignStored(t, ts, a.ID, "v") {
		t.Error("the viewer's campaign was stored")
	}
}
