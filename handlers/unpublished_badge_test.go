package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"nami/store"
)

// badge reports whether an app page shows the "unpublished" badge in its navigation.
func badge(t *testing.T, c *client, path string) bool {
	t.Helper()
	page := c.get(path)
	wantStatus(t, page, http.StatusOK)
	return page.doc.Find(`[data-testid="unpublished-dot"]`).Length() == 1
}

func wantBadge(t *testing.T, c *client, when string, want bool) {
	t.Helper()
	for _, path := range []string{demoPath + "/platforms", demoPath + "/releases"} {
		if got := badge(t, c, path); got != want {
			t.Errorf("%s: %s shows the unpublished badge: %v, want %v", when, path, got, want)
		}
	}
}

// setPrice changes a product's price in the drafts through the store, without TouchApp: the
// draft generation is kept by the database, whoever writes.
func setPrice(t *testing.T, ts *testServer, appID int64, price string) {
	t.Helper()
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		pr, err := tx.Product(ctx, appID, "ios", "com.example.calmsky.monthly")
		if err != nil {
			return err
		}
		pr.Price = price
		return tx.UpdateProduct(ctx, &pr)
	})
}

func TestUnpublishedBadgeFollowsEditsPublishesRestoresAndRepublishes(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	a := loadDemo(t, ts)
	wantBadge(t, owner, "before the first release", true)

	publishNow := func(note string) {
		t.Helper()
		wantRedirect(t, owner.post(demoPath+"/releases", url.Values{"note": {note}}), demoPath+"/releases")
	}
	publishNow("first")
	wantBadge(t, owner, "after publishing", false)

	// An edit through the editor shows; publishing it clears the badge.
	savePaywallTitle(t, owner, "spring", "Second title")
	wantBadge(t, owner, "after a paywall edit", true)
	publishNow("second") // release 2
	wantBadge(t, owner, "after publishing the edit", false)

	// An edit in the store (as apply or any other writer), then its undo: equal content again.
	setPrice(t, ts, a.ID, "12.99")
	wantBadge(t, owner, "after a price change", true)
	setPrice(t, ts, a.ID, "9.99")
	wantBadge(t, owner, "after the price is changed back", false)

	// A no-op save of the paywall (same content, new version) is no change to publish.
	savePaywallTitle(t, owner, "spring", "Second title")
	wantBadge(t, owner, "after a save that changes nothing", false)

	// Restoring version 1 of the paywall (the released title before release 2) is a change.
	r := owner.get(demoPath + "/paywalls/spring/history")
	wantStatus(t, r, http.StatusOK)
	action, form := restoreForm(t, r, 1)
	wantRedirect(t, owner.post(action, form), demoPath+"/paywalls/spring/history")
	wantBadge(t, owner, "after restoring version 1", true)
	publishNow("restored") // release 3: the title of release 1 again
	wantBadge(t, owner, "after publishing the restore", false)

	// Republishing release 2 makes the live content differ from the drafts (release 3's).
	wantRedirect(t, owner.post(demoPath+"/releases/2/republish", url.Values{}), demoPath+"/releases")
	wantBadge(t, owner, "after republishing release 2", true)
	// Republishing release 3 (the drafts' content) again: nothing differs.
	wantRedirect(t, owner.post(demoPath+"/releases/3/republish", url.Values{}), demoPath+"/releases")
	wantBadge(t, owner, "after republishing release 3", false)

	if n := releaseCount(t, ts, a.ID); n != 5 {
		t.Errorf("%d releases, want 5", n)
	}
}

func TestDraftGenerationCountsEveryCatalogWrite(t *testing.T) {
	ts := newTestServer(t)
	a := loadDemo(t, ts)
	ctx := context.Background()
	gen := func() int64 {
		t.Helper()
		app, err := ts.st.AppBySlug(ctx, "calm-sky")
		if err != nil {
			t.Fatal(err)
		}
		return app.DraftGeneration
	}
	before := gen()
	if before == 0 {
		t.Fatal("applying the demo did not count as a change to the drafts")
	}
	// TouchApp (updated_at only) and an audit entry are no change of the catalog.
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.TouchApp(ctx, a.ID) })
	if g := gen(); g != before {
		t.Errorf("TouchApp moved the draft generation from %d to %d", before, g)
	}
	setPrice(t, ts, a.ID, "12.99")
	if g := gen(); g <= before {
		t.Errorf("a product update left the draft generation at %d", g)
	}
}
