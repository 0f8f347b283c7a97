package publish_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nami/publish"
	"nami/store"
)

// TestDraftsFollowWritesAndReleasesOfOtherProcesses checks the cache against what another
// process (the CLI, without the cache) writes: the draft generation and the release it knows are
// read from the database each time, so nothing stale is answered.
func TestDraftsFollowWritesAndReleasesOfOtherProcesses(t *testing.T) {
	st := openDemo(t)
	ctx := context.Background()
	d := publish.NewDrafts()
	app := func() store.App {
		t.Helper()
		a, err := st.AppBySlug(ctx, "calm-sky")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	// changes < 0: some.
	want := func(when string, unpublished bool, changes int) {
		t.Helper()
		got, err := d.Unpublished(ctx, st, app())
		if err != nil {
			t.Fatal(err)
		}
		plan, err := d.Prepare(ctx, st, "calm-sky", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if got != unpublished || changes >= 0 && len(plan.Changes) != changes || changes < 0 && len(plan.Changes) == 0 {
			t.Errorf("%s: unpublished %v with %d changes, want %v with %d", when, got, len(plan.Changes), unpublished, changes)
		}
	}
	setPrice := func(price string) {
		t.Helper()
		err := st.InTx(ctx, func(tx *store.Tx) error {
			pr, err := tx.Product(ctx, app().ID, "ios", "com.example.calmsky.monthly")
			if err != nil {
				return err
			}
			pr.Price = price
			return tx.UpdateProduct(ctx, &pr)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	want("before the first release", true, -1)
	if _, err := publish.Publish(ctx, st, "calm-sky", "cli", ""); err != nil { // another process: no cache
		t.Fatal(err)
	}
	want("after a release by another process", false, 0)
	setPrice("12.99")
	want("after a price change", true, 1)
	want("asked again", true, 1)
	setPrice("9.99")
	want("after the price is back", false, 0)
	setPrice("11.99")
	if _, err := d.Publish(ctx, st, "calm-sky", "ann@example.com", ""); err != nil { // from the cached drafts
		t.Fatal(err)
	}
	want("after publishing the cached drafts", false, 0)
	if _, err := publish.Republish(ctx, st, "calm-sky", 1, "cli"); err != nil {
		t.Fatal(err)
	}
	want("after republishing release 1", true, 1)
}

// BenchmarkUnpublished is the badge's question on every app page with one edit pending: from
// the cache (the generation and release unchanged since the last answer) against a full
// export and diff each time (the package's Unpublished, as before the cache).
func BenchmarkUnpublished(b *testing.B) {
	st := openDemo(b)
	ctx := context.Background()
	if _, err := publish.Publish(ctx, st, "calm-sky", "bench", ""); err != nil {
		b.Fatal(err)
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.AppBySlug(ctx, "calm-sky")
		if err != nil {
			return err
		}
		a.Name = "Calm Sky edited"
		return tx.UpdateApp(ctx, &a)
	})
	if err != nil {
		b.Fatal(err)
	}
	a, err := st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cached", func(b *testing.B) {
		d := publish.NewDrafts()
		for b.Loop() {
			if u, err := d.Unpublished(ctx, st, a); err != nil || !u {
				b.Fatal(u, err)
			}
		}
	})
	b.Run("compare", func(b *testing.B) {
		for b.Loop() {
			if u, err := publish.Unpublished(ctx, st.Reader, "calm-sky"); err != nil || !u {
				b.Fatal(u, err)
			}
		}
	})
}

// TestDraftsCheckFollowsTheClock: the cached check holds only until the next campaign end, when
// "its schedule ended" becomes true.
func TestDraftsCheckFollowsTheClock(t *testing.T) {
	st := openDemo(t)
	ctx := context.Background()
	err := st.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.AppBySlug(ctx, "calm-sky")
		if err != nil {
			return err
		}
		c, err := tx.Campaign(ctx, a.ID, "black-friday") // ends 2026-12-01T00:00:00Z
		if err != nil {
			return err
		}
		c.Status = "live"
		return tx.UpdateCampaign(ctx, &c)
	})
	if err != nil {
		t.Fatal(err)
	}
	d := publish.NewDrafts()
	ended := func(now time.Time) bool {
		t.Helper()
		plan, err := d.Prepare(ctx, st, "calm-sky", now)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range plan.Warnings {
			if w.Ref == "black-friday" && strings.Contains(w.Message, "schedule ended") {
				return true
			}
		}
		return false
	}
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		now  time.Time
		want bool
	}{{end.Add(-time.Hour), false}, {end.Add(-time.Minute), false}, {end, true}, {end.Add(time.Hour), true}, {end.Add(-time.Hour), false}} {
		if got := ended(tc.now); got != tc.want {
			t.Errorf("at %s: schedule ended %v, want %v", tc.now, got, tc.want)
		}
	}
}
