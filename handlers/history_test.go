package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"nami/store"
)

// versions lists an entity's stored versions, newest first.
func versions(t *testing.T, ts *testServer, appID int64, entity, ref string) []store.EntityVersion {
	t.Helper()
	vs, err := ts.st.Versions(context.Background(), appID, entity, ref)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// versionNumbers lists the numbers of vs in order.
func versionNumbers(vs []store.EntityVersion) []int {
	out := make([]int, len(vs))
	for i, v := range vs {
		out[i] = v.Version
	}
	return out
}

// versionRow is the history table's row of version n.
func versionRow(r *response, n int) *goquery.Selection {
	return r.doc.Find(`[data-testid="version-row"][data-version="` + strconv.Itoa(n) + `"]`)
}

// restoreForm is what the browser posts from the restore button of version n.
func restoreForm(t *testing.T, r *response, n int) (string, url.Values) {
	t.Helper()
	form := versionRow(r, n).Find("form")
	if form.Find(`[data-testid="restore"]`).Length() != 1 {
		t.Fatalf("version %d has no restore button", n)
	}
	if confirm, _ := form.Attr("data-confirm"); confirm == "" {
		t.Errorf("the restore of version %d asks for no confirmation", n)
	}
	return form.AttrOr("action", ""), url.Values{"version": {form.Find(`input[name="version"]`).AttrOr("value", "")}}
}

// savePaywallTitle saves the paywall's en title through the editor.
func savePaywallTitle(t *testing.T, c *client, ref, title string) {
	t.Helper()
	_, form := editorOf(t, c, ref)
	form.Set("copy[en][title]", title)
	wantRedirect(t, c.post(demoPath+"/paywalls/"+ref, form), demoPath+"/paywalls/"+ref)
}

// sameBody fails the test unless two versions have the same content.
func sameBody(t *testing.T, got, want store.EntityVersion) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got.Body, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want.Body, &w); err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if !bytes.Equal(gj, wj) {
		t.Errorf("version %d's content differs from version %d's\n got: %s\nwant: %s", got.Version, want.Version, gj, wj)
	}
}

func TestSavingAPaywallRecordsEachVersionAndTheHistoryShowsIt(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	a := loadDemo(t, ts) // version 1, applied as the owner
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	editor := login(t, ts, "ed@example.com", userPassword)
	setTZCookie(t, editor, "Europe/Berlin")

	start := time.Now().UTC().Add(-time.Second)
	savePaywallTitle(t, editor, "spring", "Sleep deeper this spring")
	savePaywallTitle(t, editor, "spring", "Sleep deeper this summer")
	end := time.Now().UTC().Add(time.Second)

	vs := versions(t, ts, a.ID, store.EntityPaywall, "spring")
	if got := versionNumbers(vs); len(got) != 3 || got[0] != 3 || got[1] != 2 || got[2] != 1 {
		t.Fatalf("versions %v, want [3 2 1]", got)
	}
	for _, v := range vs[:2] {
		if v.UserEmail != "ed@example.com" || v.SavedAt.Before(start) || v.SavedAt.After(end) {
			t.Errorf("version %d saved by %q at %s, want ed@example.com between %s and %s", v.Version, v.UserEmail, v.SavedAt, start, end)
		}
	}
	if vs[2].UserEmail != ownerEmail {
		t.Errorf("version 1 (the demo's apply) saved by %q, want %s", vs[2].UserEmail, ownerEmail)
	}
	body, err := vs[0].Paywall()
	if err != nil {
		t.Fatal(err)
	}
	if body.Copy[1].Locale != "en" || body.Copy[1].Title != "Sleep deeper this summer" || len(body.Products) == 0 || body.Products[0].SKU == "" {
		t.Errorf("version 3 keeps %+v", body)
	}

	r := editor.get(demoPath + "/paywalls/spring/history")
	wantStatus(t, r, http.StatusOK)
	var shown []string
	r.doc.Find(`[data-testid="version-row"]`).Each(func(_ int, s *goquery.Selection) { shown = append(shown, s.AttrOr("data-version", "")) })
	if strings.Join(shown, ",") != "3,2,1" {
		t.Errorf("the history lists versions %v, want 3,2,1", shown)
	}
	v3 := versionRow(r, 3)
	if by := text(v3.Find(`[data-testid="saved-by"]`)); by != "ed@example.com" {
		t.Errorf("version 3 saved by %q", by)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if at, want := text(v3.Find(`[data-testid="saved-at"]`)), vs[0].SavedAt.In(berlin).Format("2 Jan 2006 15:04 MST"); at != want {
		t.Errorf("version 3 saved at %q, want %q (the browser's zone)", at, want)
	}
	if v3.Find(`[data-testid="current-version"]`).Length() != 1 {
		t.Error("version 3 is not marked current")
	}
	change := v3.Find(`[data-testid="change"][data-field="en title"]`)
	if change.Length() != 1 {
		t.Fatalf("version 3 lists changes %q, want the en title", text(v3.Find(`[data-testid="changes"]`)))
	}
	if del, ins := text(change.Find("del")), text(change.Find("ins")); del != "spring" || ins != "summer" {
		t.Errorf("the en title diff removes %q and adds %q, want spring → summer", del, ins)
	}
	if got := text(change.Find(`[data-testid="text-diff"]`)); got != "Sleep deeper this springsummer" {
		t.Errorf("the en title diff reads %q", got)
	}
	if n := v3.Find(`[data-testid="change"]`).Length(); n != 1 {
		t.Errorf("version 3 lists %d changes, want only the en title", n)
	}
	v2 := versionRow(r, 2).Find(`[data-testid="change"][data-field="en title"]`)
	if del, ins := text(v2.Find("del")), text(v2.Find("ins")); del != "better" || ins != "deeper" {
		t.Errorf("version 2's en title diff removes %q and adds %q", del, ins)
	}
	if s := text(versionRow(r, 1).Find(`[data-testid="summary"]`)); s != "Created" {
		t.Errorf("version 1's summary is %q", s)
	}
	if versionRow(r, 3).Find(`[data-testid="restore"]`).Length() != 0 {
		t.Error("the current version offers a restore")
	}
	if versionRow(r, 1).Find(`[data-testid="restore"]`).Length() != 1 {
		t.Error("the editor is offered no restore of version 1")
	}
}

func TestRestoreMakesAnOldPaywallVersionTheDraftAsANewVersion(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)
	savePaywallTitle(t, owner, "spring", "Second title")
	savePaywallTitle(t, owner, "spring", "Third title")

	r := owner.get(demoPath + "/paywalls/spring/history")
	wantStatus(t, r, http.StatusOK)
	action, form := restoreForm(t, r, 1)
	if action != demoPath+"/paywalls/spring/history/1/restore" || form.Get("version") != "3" {
		t.Errorf("the restore posts %v to %q", form, action)
	}
	wantRedirect(t, owner.post(action, form), demoPath+"/paywalls/spring/history")

	vs := versions(t, ts, a.ID, store.EntityPaywall, "spring")
	if got := versionNumbers(vs); len(got) != 4 || got[0] != 4 {
		t.Fatalf("versions %v after the restore, want 4 first", got)
	}
	sameBody(t, vs[0], vs[3]) // version 4 is version 1 again
	if vs[0].UserEmail != ownerEmail {
		t.Errorf("version 4 saved by %q", vs[0].UserEmail)
	}
	pw := storedPaywall(t, ts, a.ID, "spring")
	if en, _ := pw.CopyFor("en"); pw.Version != 4 || en.Title != "Sleep better this spring" || pw.UpdatedBy != ownerEmail {
		t.Errorf("after the restore the paywall is version %d with the title %q by %q", pw.Version, en.Title, pw.UpdatedBy)
	}
	log, err := ts.st.AuditLog(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if e := log[0]; e.Action != "restored" || e.Entity != "paywall" || e.Ref != "spring" || e.UserEmail != ownerEmail ||
		e.AppSlug != "calm-sky" || e.Detail != "restored version 1 as version 4" {
		t.Errorf("audit entry %+v", e)
	}

	// The page after the redirect says so, and shows version 4 undoing version 3.
	r = owner.get(demoPath + "/paywalls/spring/history")
	if msg := text(r.doc.Find(`[data-testid="flash"], .flash`)); !strings.Contains(msg, "Restored version 1 of Spring offer as version 4") {
		t.Errorf("flash %q", msg)
	}
	if d := versionRow(r, 4).Find(`[data-testid="change"][data-field="en title"]`); text(d.Find("del")) != "Third title" || text(d.Find("ins")) != "Sleep better this spring" {
		t.Errorf("version 4's diff: %q", text(d))
	}
	// History was not rewritten: versions 1 to 3 are as they were.
	if got := versionNumbers(versions(t, ts, a.ID, store.EntityPaywall, "spring")); len(got) != 4 || got[3] != 1 {
		t.Errorf("versions %v", got)
	}
}

func TestRestoreFromAStalePageIsAConflictAndChangesNothing(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	editor := login(t, ts, "ed@example.com", userPassword)
	savePaywallTitle(t, owner, "spring", "Second title")

	r := owner.get(demoPath + "/paywalls/spring/history") // rendered at version 2
	wantStatus(t, r, http.StatusOK)
	action, form := restoreForm(t, r, 1)
	savePaywallTitle(t, editor, "spring", "Their title") // version 3, in between
	before := storedPaywall(t, ts, a.ID, "spring")

	r = owner.post(action, form)
	wantStatus(t, r, http.StatusConflict)
	conflict := text(r.doc.Find(`[data-testid="conflict"]`))
	for _, want := range []string{"version 3", "ed@example.com", "nothing was restored"} {
		if !strings.Contains(conflict, want) {
			t.Errorf("the conflict %q does not say %q", conflict, want)
		}
	}
	wantPaywallUnchanged(t, ts, before)
	if got := versionNumbers(versions(t, ts, a.ID, store.EntityPaywall, "spring")); len(got) != 3 {
		t.Errorf("versions %v after a refused restore", got)
	}
	// The re-rendered page carries the current version, so restoring from it works.
	if _, again := restoreForm(t, r, 1); again.Get("version") != "3" {
		t.Errorf("the re-rendered page posts version %q", again.Get("version"))
	}
	wantRedirect(t, owner.post(action, url.Values{"version": {"3"}}), demoPath+"/paywalls/spring/history")
	if pw := storedPaywall(t, ts, a.ID, "spring"); pw.Version != 4 {
		t.Errorf("version %d after restoring from the fresh page", pw.Version)
	}
}

func TestViewerSeesHistoryButCannotRestore(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)
	savePaywallTitle(t, owner, "spring", "Second title")
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	viewer := login(t, ts, "vi@example.com", userPassword)
	before := storedPaywall(t, ts, a.ID, "spring")

	for _, path := range []string{demoPath + "/paywalls/spring/history", demoPath + "/campaigns/onboarding-ab/history"} {
		r := viewer.get(path)
		wantStatus(t, r, http.StatusOK)
		if r.doc.Find(`[data-testid="version-row"]`).Length() == 0 {
			t.Errorf("%s: the viewer sees no versions", path)
		}
		if n := r.doc.Find(`[data-testid="restore"]`).Length(); n != 0 {
			t.Errorf("%s: the viewer sees %d restore buttons", path, n)
		}
	}
	r := viewer.post(demoPath+"/paywalls/spring/history/1/restore", url.Values{"version": {"2"}})
	wantStatus(t, r, http.StatusForbidden)
	wantPaywallUnchanged(t, ts, before)
	cp := storedCampaign(t, ts, a.ID, "onboarding-ab")
	wantStatus(t, viewer.post(demoPath+"/campaigns/onboarding-ab/history/1/restore", url.Values{"version": {"1"}}), http.StatusForbidden)
	wantCampaignUnchanged(t, ts, cp)
}

func TestRestoreOfACampaignVersionWhosePaywallIsGoneIsRefused(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)

	// A campaign that showed a paywall since deleted: version 1 shows temp, version 2 quiet.
	temp := storedPaywall(t, ts, a.ID, "quiet")
	temp.ID, temp.Ref, temp.Name = 0, "temp", "Temporary"
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePaywall(ctx, &temp) })
	quiet := storedPaywall(t, ts, a.ID, "quiet")
	addCampaign(t, ts, store.Campaign{AppID: a.ID, Ref: "trial", Name: "Trial", Label: "trial", Status: "draft",
		Variants: []store.CampaignVariant{{Ref: "a", PaywallID: temp.ID, Weight: 100}}})
	_, form := builderOf(t, owner, "trial")
	form.Set("variants[0][paywall]", "quiet")
	form.Set("name", "Trial offer")
	wantRedirect(t, owner.post(demoPath+"/campaigns/trial", form), demoPath+"/campaigns/trial")
	wantRedirect(t, owner.post(demoPath+"/paywalls/temp/delete", url.Values{}), demoPath+"/paywalls")
	if paywallStored(t, ts, a.ID, "temp") {
		t.Fatal("the paywall temp was not deleted")
	}

	r := owner.get(demoPath + "/campaigns/trial/history")
	wantStatus(t, r, http.StatusOK)
	v2 := versionRow(r, 2)
	if got := text(v2.Find(`[data-testid="change"][data-field="variants"]`)); !strings.Contains(got, "a: temp 100%") || !strings.Contains(got, "a: quiet 100%") {
		t.Errorf("version 2's variants change reads %q", got)
	}
	if got := text(v2.Find(`[data-testid="change"][data-field="name"]`)); got != "name: Trial → Trial offer" {
		t.Errorf("version 2's name change reads %q", got)
	}
	if by := text(versionRow(r, 1).Find(`[data-testid="saved-by"]`)); by != "unknown" {
		t.Errorf("version 1, stored without a user, shows %q as who", by)
	}

	before := storedCampaign(t, ts, a.ID, "trial")
	action, restore := restoreForm(t, r, 1)
	r = owner.post(action, restore)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	msg := text(r.doc.Find(`[data-testid="form-error"]`))
	for _, want := range []string{"Version 1 cannot be restored", "temp", "no longer exists", "Nothing was changed"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal %q does not say %q", msg, want)
		}
	}
	wantCampaignUnchanged(t, ts, before)
	if got := versionNumbers(versions(t, ts, a.ID, store.EntityCampaign, "trial")); len(got) != 2 {
		t.Errorf("versions %v after a refused restore", got)
	}
	if before.Variants[0].PaywallID != quiet.ID {
		t.Errorf("the campaign shows paywall %d, want quiet", before.Variants[0].PaywallID)
	}
}

func TestRestoreACampaignVersion(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)
	orig := storedCampaign(t, ts, a.ID, "onboarding-ab")
	_, form := builderOf(t, owner, "onboarding-ab")
	form.Set("variants[0][weight]", "70")
	form.Set("variants[1][weight]", "30")
	form.Set("holdout_percent", "5")
	wantRedirect(t, owner.post(demoPath+"/campaigns/onboarding-ab", form), demoPath+"/campaigns/onboarding-ab")

	r := owner.get(demoPath + "/campaigns/onboarding-ab/history")
	wantStatus(t, r, http.StatusOK)
	if got := text(versionRow(r, 2).Find(`[data-testid="change"][data-field="holdout"]`)); !strings.Contains(got, "→ 5%") {
		t.Errorf("version 2's holdout change reads %q", got)
	}
	action, restore := restoreForm(t, r, 1)
	wantRedirect(t, owner.post(action, restore), demoPath+"/campaigns/onboarding-ab/history")
	vs := versions(t, ts, a.ID, store.EntityCampaign, "onboarding-ab")
	if got := versionNumbers(vs); len(got) != 3 || got[0] != 3 {
		t.Fatalf("versions %v", got)
	}
	sameBody(t, vs[0], vs[2])
	if vs[0].UserEmail != ownerEmail {
		t.Errorf("version 3 saved by %q", vs[0].UserEmail)
	}
	cp := storedCampaign(t, ts, a.ID, "onboarding-ab")
	if cp.Version != 3 || cp.Variants[0].Weight != 50 || cp.HoldoutPercent != orig.HoldoutPercent {
		t.Errorf("after the restore: %+v", cp)
	}
	log, err := ts.st.AuditLog(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if e := log[0]; e.Action != "restored" || e.Entity != "campaign" || e.Detail != "restored version 1 as version 3" {
		t.Errorf("audit entry %+v", e)
	}
	// Restoring what the draft already is changes nothing.
	r = owner.get(demoPath + "/campaigns/onboarding-ab/history")
	action, restore = restoreForm(t, r, 1)
	wantRedirect(t, owner.post(action, restore), demoPath+"/campaigns/onboarding-ab/history")
	if got := versionNumbers(versions(t, ts, a.ID, store.EntityCampaign, "onboarding-ab")); len(got) != 3 {
		t.Errorf("restoring the current content added a version: %v", got)
	}
}

func TestRestoreOfAPaywallVersionWhoseProductIsGoneIsRefused(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)
	_, form := editorOf(t, owner, "yearly-focus")
	// Drop the lifetime product (third), then delete it from the catalog.
	var kept url.Values = url.Values{}
	for k, v := range form {
		if !strings.HasPrefix(k, "products[") {
			kept[k] = v
		}
	}
	for i, j := 0, 0; ; i++ {
		sku := form.Get("products[" + strconv.Itoa(i) + "][sku]")
		if sku == "" {
			break
		}
		if sku == "com.example.calmsky.lifetime" {
			continue
		}
		for _, f := range []string{"platform", "sku", "badge", "highlighted"} {
			if v, ok := form["products["+strconv.Itoa(i)+"]["+f+"]"]; ok {
				kept["products["+strconv.Itoa(j)+"]["+f+"]"] = v
			}
		}
		j++
	}
	wantRedirect(t, owner.post(demoPath+"/paywalls/yearly-focus", kept), demoPath+"/paywalls/yearly-focus")
	var lifetime store.Product
	products, err := ts.st.Products(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range products {
		if p.SKU == "com.example.calmsky.lifetime" {
			lifetime = p
		}
	}
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteProduct(ctx, lifetime.ID) })
	before := storedPaywall(t, ts, a.ID, "yearly-focus")

	r := owner.get(demoPath + "/paywalls/yearly-focus/history")
	action, restore := restoreForm(t, r, 1)
	r = owner.post(action, restore)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := text(r.doc.Find(`[data-testid="form-error"]`)); !strings.Contains(msg, "com.example.calmsky.lifetime on ios, which no longer exists") {
		t.Errorf("the refusal reads %q", msg)
	}
	wantPaywallUnchanged(t, ts, before)
}

func TestDeletingAPaywallForgetsItsHistory(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)
	temp := storedPaywall(t, ts, a.ID, "quiet")
	temp.ID, temp.Ref = 0, "temp"
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePaywall(ctx, &temp) })
	savePaywallTitle(t, owner, "temp", "Changed")
	wantRedirect(t, owner.post(demoPath+"/paywalls/temp/delete", url.Values{}), demoPath+"/paywalls")
	if vs := versions(t, ts, a.ID, store.EntityPaywall, "temp"); len(vs) != 0 {
		t.Errorf("the deleted paywall keeps %d versions", len(vs))
	}
	wantStatus(t, owner.get(demoPath+"/paywalls/temp/history"), http.StatusNotFound)
	// A new paywall with the same ref starts its own history.
	temp.ID = 0
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePaywall(ctx, &temp) })
	if got := versionNumbers(versions(t, ts, a.ID, store.EntityPaywall, "temp")); len(got) != 1 || got[0] != 1 {
		t.Errorf("the new paywall's versions: %v", got)
	}
}
