package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nami/catalog"
	"nami/snapshot"
	"nami/store"
)

// releaseCount is how many releases the app has.
func releaseCount(t *testing.T, ts *testServer, appID int64) int {
	t.Helper()
	list, err := ts.st.Releases(context.Background(), appID)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// setMonthlyPrice changes the iOS monthly product's price in the drafts, marking them changed
// as every edit in the control center does.
func setMonthlyPrice(t *testing.T, ts *testServer, appID int64, price string) {
	t.Helper()
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		pr, err := tx.Product(ctx, appID, "ios", "com.example.calmsky.monthly")
		if err != nil {
			return err
		}
		pr.Price = price
		if err := tx.UpdateProduct(ctx, &pr); err != nil {
			return err
		}
		return tx.TouchApp(ctx, appID)
	})
}

func TestReleasesPageShowsChangesThenPublishes(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	applySDKDemo(t, ts.st)
	app, err := ts.st.AppBySlug(context.Background(), "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	page := owner.get("/apps/calm-sky/releases")
	wantStatus(t, page, http.StatusOK)
	if page.doc.Find(`[data-testid="unpublished-dot"]`).Length() != 1 {
		t.Errorf("the navigation does not say the drafts are unpublished")
	}
	spring := page.doc.Find(`[data-testid="change"][data-ref="spring"]`)
	if kind, _ := spring.Attr("data-kind"); kind != "added" {
		t.Errorf("before the first release, paywall spring is %q, want added", kind)
	}
	if n := page.doc.Find(`[data-testid="change-group"]`).Length(); n != 5 {
		t.Errorf("%d change groups, want platforms, entitlements, products, paywalls and campaigns", n)
	}
	if page.doc.Find(`[data-testid="publish-error"]`).Length() != 0 {
		t.Errorf("the demo has publishing errors: %s", text(page.doc.Find(`[data-testid="publish-errors"]`)))
	}

	r := owner.post("/apps/calm-sky/releases", url.Values{"note": {"Spring launch"}})
	wantRedirect(t, r, "/apps/calm-sky/releases")
	page = owner.get("/apps/calm-sky/releases")
	if msg := text(page.doc.Find(`[data-testid="flash"]`)); !strings.Contains(msg, "Published release 1 to 4 platforms") {
		t.Errorf("flash %q", msg)
	}
	row := page.doc.Find(`[data-testid="release-row"][data-number="1"]`)
	if !strings.Contains(text(row), "Spring launch") || !strings.Contains(text(row), ownerEmail) || row.Find(`[data-testid="live-release"]`).Length() != 1 {
		t.Errorf("history row: %q", text(row))
	}
	if n := row.Find(`[data-testid="snapshot-download"]`).Length(); n != 4 {
		t.Errorf("%d snapshot downloads, want one per platform", n)
	}
	if page.doc.Find(`[data-testid="unpublished-dot"]`).Length() != 0 || page.doc.Find(`[data-testid="no-changes"]`).Length() != 1 {
		t.Errorf("after publishing, the page still shows unpublished changes")
	}

	// A draft edit shows as a change, by field, and in the navigation of every app page.
	setMonthlyPrice(t, ts, app.ID, "11.99")
	page = owner.get("/apps/calm-sky/products")
	if page.doc.Find(`[data-testid="unpublished-dot"]`).Length() != 1 {
		t.Errorf("the navigation does not show the unpublished edit")
	}
	page = owner.get("/apps/calm-sky/releases")
	change := page.doc.Find(`[data-testid="change"]`)
	if change.Length() != 1 || !strings.Contains(text(change), "changed ios/com.example.calmsky.monthly price") {
		t.Errorf("changes: %q", text(change))
	}
	wantRedirect(t, owner.post("/apps/calm-sky/releases", url.Values{"note": {""}}), "/apps/calm-sky/releases")
	if n := releaseCount(t, ts, app.ID); n != 2 {
		t.Errorf("%d releases, want 2", n)
	}
	wantStatus(t, owner.post("/apps/calm-sky/releases", url.Values{"note": {strings.Repeat("n", 501)}}), http.StatusUnprocessableEntity)
}

func TestPublishIsBlockedByErrorsAndShowsWarnings(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	applySDKDemo(t, ts.st)
	ctx := context.Background()
	app, err := ts.st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	// Warnings: a platform none of the paywalls offers a product on, and a live campaign that has ended.
	addPlatform(t, ts, app.ID, "roku", "roku", "Roku")
	ended := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var broken store.Campaign
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		pw, err := tx.Paywall(ctx, app.ID, "quiet")
		if err != nil {
			return err
		}
		c := store.Campaign{AppID: app.ID, Ref: "winter", Name: "Winter", Label: "winter", Status: "live", EndsAt: &ended,
			Variants: []store.CampaignVariant{{Ref: "main", PaywallID: pw.ID, Weight: 100}}}
		if err := tx.CreateCampaign(ctx, &c); err != nil {
			return err
		}
		// An error: a live campaign whose weights cover only 40% of devices.
		broken = store.Campaign{AppID: app.ID, Ref: "broken", Name: "Broken", Label: "broken", Status: "live",
			Variants: []store.CampaignVariant{{Ref: "a", PaywallID: pw.ID, Weight: 40}}}
		return tx.CreateCampaign(ctx, &broken)
	})
	page := owner.get("/apps/calm-sky/releases")
	warnings := text(page.doc.Find(`[data-testid="publish-warning"]`))
	for _, want := range []string{"offers no product on roku", "Campaign winter: its schedule ended 2026-01-01 00:00 UTC"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings %q lack %q", warnings, want)
		}
	}
	errs := page.doc.Find(`[data-testid="publish-error"]`)
	if errs.Length() != 1 || !strings.Contains(text(errs), "Campaign broken: variants: weights add up to 40") {
		t.Errorf("errors: %q", text(errs))
	}
	if _, disabled := page.doc.Find(`[data-testid="publish"]`).Attr("disabled"); !disabled {
		t.Errorf("the publish button is enabled despite an error")
	}
	r := owner.post("/apps/calm-sky/releases", url.Values{"note": {"try"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(text(r.doc.Find(`[data-testid="form-error"]`)), "Nothing was published") {
		t.Errorf("form error %q", text(r.doc.Find(`[data-testid="form-error"]`)))
	}
	if n := releaseCount(t, ts, app.ID); n != 0 {
		t.Errorf("%d releases stored despite the error", n)
	}

	// Fixing the error publishes, warnings and all.
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteCampaign(ctx, broken.ID) })
	wantRedirect(t, owner.post("/apps/calm-sky/releases", url.Values{}), "/apps/calm-sky/releases")
	page = owner.get("/apps/calm-sky/releases")
	if msg := text(page.doc.Find(`[data-testid="flash"]`)); !strings.Contains(msg, "Published release 1 to 5 platforms") || !strings.Contains(msg, "warning") {
		t.Errorf("flash %q", msg)
	}
}

func TestPublishNeedsAnEditor(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	applySDKDemo(t, ts.st)
	app, err := ts.st.AppBySlug(context.Background(), "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	viewer := login(t, ts, "vi@example.com", userPassword)
	page := viewer.get("/apps/calm-sky/releases")
	wantStatus(t, page, http.StatusOK)
	if page.doc.Find(`[data-testid="publish-form"]`).Length() != 0 {
		t.Errorf("a viewer is offered the publish form")
	}
	wantStatus(t, viewer.post("/apps/calm-sky/releases", url.Values{}), http.StatusForbidden)
	wantStatus(t, viewer.post("/apps/calm-sky/releases/1/republish", url.Values{}), http.StatusForbidden)
	if n := releaseCount(t, ts, app.ID); n != 0 {
		t.Fatalf("a viewer published")
	}
	editor := login(t, ts, "ed@example.com", userPassword)
	wantRedirect(t, editor.post("/apps/calm-sky/releases", url.Values{}), "/apps/calm-sky/releases")
	if n := releaseCount(t, ts, app.ID); n != 1 {
		t.Errorf("the editor's publish stored %d releases", n)
	}
	log, err := ts.st.AuditLog(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != "published" || log[0].Entity != "release" || log[0].Ref != "1" || log[0].UserEmail != "ed@example.com" {
		t.Errorf("audit %+v", log)
	}
}

func TestReleaseRepublishRollsBackAsANewRelease(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	applySDKDemo(t, ts.st)
	ctx := context.Background()
	app, err := ts.st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, owner.post("/apps/calm-sky/releases", url.Values{"note": {"first"}}), "/apps/calm-sky/releases")
	setMonthlyPrice(t, ts, app.ID, "19.99")
	wantRedirect(t, owner.post("/apps/calm-sky/releases", url.Values{"note": {"pricier"}}), "/apps/calm-sky/releases")

	page := owner.get("/apps/calm-sky/releases")
	if page.doc.Find(`[data-testid="release-row"][data-number="1"] [data-testid="republish"]`).Length() != 1 ||
		page.doc.Find(`[data-testid="release-row"][data-number="2"] [data-testid="republish"]`).Length() != 0 {
		t.Errorf("republish is offered on the wrong rows")
	}
	wantRedirect(t, owner.post("/apps/calm-sky/releases/1/republish", url.Values{}), "/apps/calm-sky/releases")
	rel, err := ts.st.Release(ctx, app.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if rel.RepublishedFrom != 1 || !strings.Contains(rel.Note, "Republished release 1") {
		t.Errorf("release 3: %+v", rel)
	}
	ios, err := ts.st.Platform(ctx, app.ID, "ios")
	if err != nil {
		t.Fatal(err)
	}
	sn, err := ts.st.Snapshot(ctx, rel.ID, ios.ID)
	if err != nil {
		t.Fatal(err)
	}
	doc := decodeSnapshot(t, sn.Body)
	for _, p := range doc.Products {
		if p.SKU == "com.example.calmsky.monthly" && p.Price != "9.99" {
			t.Errorf("release 3 sells monthly at %s, want release 1's 9.99", p.Price)
		}
	}
	if doc.Release != 3 {
		t.Errorf("the republished snapshot says release %d", doc.Release)
	}
	// The drafts stay as they were, so they now differ from what is live.
	page = owner.get("/apps/calm-sky/releases")
	if !strings.Contains(text(page.doc.Find(`[data-testid="release-row"][data-number="3"]`)), "Same content as release 1") ||
		page.doc.Find(`[data-testid="unpublished-dot"]`).Length() != 1 {
		t.Errorf("after the rollback the page shows: %q", text(page.doc.Find(`[data-testid="release-table"]`)))
	}
	wantStatus(t, owner.post("/apps/calm-sky/releases/9/republish", url.Values{}), http.StatusNotFound)
}

func TestReleaseSnapshotDownload(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	applySDKDemo(t, ts.st)
	wantRedirect(t, owner.post("/apps/calm-sky/releases", url.Values{}), "/apps/calm-sky/releases")
	r := owner.get("/apps/calm-sky/releases/1/snapshots/android")
	wantStatus(t, r, http.StatusOK)
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="calm-sky-android-release-1.json"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	doc := decodeSnapshot(t, []byte(r.body))
	if doc.Platform.Ref != "android" || doc.Release != 1 {
		t.Errorf("downloaded the snapshot of %s release %d", doc.Platform.Ref, doc.Release)
	}
	wantStatus(t, owner.get("/apps/calm-sky/releases/1/snapshots/nope"), http.StatusNotFound)
	wantStatus(t, owner.get("/apps/calm-sky/releases/2/snapshots/android"), http.StatusNotFound)
}

// applySDKDemo loads the demo app (four platforms, paywalls, campaigns) into st.
func applySDKDemo(t testing.TB, st *store.Store) {
	t.Helper()
	if _, err := catalog.ApplyDemo(context.Background(), st, "test"); err != nil {
		t.Fatal(err)
	}
}

func decodeSnapshot(t *testing.T, body []byte) snapshot.Document {
	t.Helper()
	doc, err := snapshot.Decode(body)
	if err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return doc
}
