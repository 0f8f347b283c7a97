package publish_test

import (
	"context"
	"testing"
	"time"

	"nami/catalog"
	"nami/publish"
	"nami/store"
)

// SQLite reuses the highest release id once its app is deleted: a republish that takes the id of a
// deleted app's release is compared with its own catalog, not the deleted one the cache held.
func TestDraftsCacheSurvivesAReusedReleaseID(t *testing.T) {
	st := openDemo(t)
	ctx := context.Background()
	other := demoFile(t)
	other.App.Slug, other.App.Name = "other", "Other"
	for i := range other.Platforms {
		other.Platforms[i].Key = ""
	}
	if _, err := catalog.Apply(ctx, st, other, "test"); err != nil {
		t.Fatal(err)
	}
	d := publish.NewDrafts()
	if _, err := publish.Publish(ctx, st, "calm-sky", "cli", ""); err != nil {
		t.Fatal(err)
	}
	gone, err := d.Publish(ctx, st, "other", "web", "") // cached by the server
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.AppBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteApp(ctx, a.ID) }); err != nil {
		t.Fatal(err)
	}
	again, err := publish.Republish(ctx, st, "calm-sky", 1, "cli")
	if err != nil {
		t.Fatal(err)
	}
	if again.Release.ID != gone.Release.ID {
		t.Logf("SQLite did not reuse the id (%d, then %d): the case is not exercised", gone.Release.ID, again.Release.ID)
	}
	app, err := st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	unpublished, err := d.Unpublished(ctx, st, app)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := d.Prepare(ctx, st, "calm-sky", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if unpublished || len(plan.Changes) != 0 {
		t.Errorf("after republishing the same content: unpublished %v with %d changes; want none", unpublished, len(plan.Changes))
	}
}
