package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"nami/results"
	"nami/store"
)

// exposureAt is an exposure of device to campaign c in arm (a variant, or "" for the holdout).
func exposureAt(id, device, arm string, at time.Time) store.Event {
	return store.Event{PlatformID: 1, ID: id, Type: "exposure", DeviceID: device, Campaign: "c", Variant: arm, Holdout: arm == "",
		OccurredAt: at, ReceivedAt: at}
}

func commit(t *testing.T, s *store.Store, evs ...store.Event) {
	t.Helper()
	if _, err := s.CommitEvents(context.Background(), [][]store.Event{evs}); err != nil {
		t.Fatal(err)
	}
}

// cohorts folds what is pending and reads campaign c's arms over November 2026.
func cohorts(t *testing.T, s *store.Store) map[string]results.CohortDay {
	t.Helper()
	ctx := context.Background()
	if err := s.AggregateAll(ctx); err != nil {
		t.Fatal(err)
	}
	days, _, err := s.CampaignCohorts(ctx, []int64{1}, "c", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]results.CohortDay{}
	for _, d := range days {
		sum := out[d.Arm]
		sum.Arm = d.Arm
		sum.Exposed += d.Exposed
		sum.Multiple += d.Multiple
		sum.Impressions += d.Impressions
		sum.Conversions += d.Conversions
		out[d.Arm] = sum
	}
	return out
}

// The same exposures folded in any order and in any batches give the same arms: the earliest
// exposure decides, a second arm marks the device multiple.
func TestFoldIsOrderIndependent(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC) }
	evs := []store.Event{
		exposureAt("1", "d1", "a", day(2)),
		exposureAt("2", "d1", "b", day(3)),
		exposureAt("3", "d2", "b", day(4)),
		exposureAt("4", "d2", "b", day(5)),
		exposureAt("5", "d3", "", day(6)),
		exposureAt("6", "d3", "a", day(1)),
	}
	want := map[string]results.CohortDay{
		"a":       {Arm: "a", Exposed: 2, Multiple: 2}, // d1 (a then b), d3 (a on the 1st, then held out)
		"b":       {Arm: "b", Exposed: 1},              // d2
		"holdout": {},
	}
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {1, 3, 5, 0, 2, 4}} {
		for _, split := range []int{1, 3, 6} {
			t.Run(fmt.Sprintf("order %v in batches of %d", order, split), func(t *testing.T) {
				s, _ := openStore(t)
				for i := 0; i < len(order); i += split {
					var batch []store.Event
					for _, k := range order[i:min(i+split, len(order))] {
						batch = append(batch, evs[k])
					}
					commit(t, s, batch...)
					if err := s.AggregateAll(context.Background()); err != nil { // fold between batches too
						t.Fatal(err)
					}
				}
				got := cohorts(t, s)
				for arm, w := range want {
					if g := got[arm]; g.Exposed != w.Exposed || g.Multiple != w.Multiple {
						t.Errorf("arm %s: %d exposed, %d multiple; want %d and %d", arm, g.Exposed, g.Multiple, w.Exposed, w.Multiple)
					}
				}
			})
		}
	}
}

// Each event is folded once: a retried batch adds nothing, folding again adds nothing, and an
// impression that arrives before its device's exposure still counts for the arm.
func TestFoldCountsEachEventOnce(t *testing.T) {
	s, _ := openStore(t)
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	imp := store.Event{PlatformID: 1, ID: "i1", Type: "impression", DeviceID: "d1", Campaign: "c", Variant: "a", Paywall: "p",
		OccurredAt: at.Add(time.Minute), ReceivedAt: at}
	buy := store.Event{PlatformID: 1, ID: "p1", Type: "purchase", DeviceID: "d1", SKU: "s", Revenue: "9.99", Currency: "USD",
		OccurredAt: at.Add(time.Hour), ReceivedAt: at}
	commit(t, s, imp, buy)
	commit(t, s, imp, buy) // a retry
	if got := cohorts(t, s); got["a"].Exposed != 0 {
		t.Fatalf("a device with no exposure yet is exposed: %+v", got["a"])
	}
	commit(t, s, exposureAt("x1", "d1", "a", at))
	if err := s.AggregateAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := cohorts(t, s) // folds again: nothing is pending
	if a := got["a"]; a.Exposed != 1 || a.Impressions != 1 || a.Conversions != 1 {
		t.Errorf("arm a = %+v, want 1 exposed, 1 impression, 1 conversion", a)
	}
	an, err := s.AppAnalytics(context.Background(), []int64{1}, store.DayOf(at), store.DayOf(at))
	if err != nil {
		t.Fatal(err)
	}
	if an.Total.Impressions != 1 || an.Total.Viewers != 1 || an.Total.Purchases != 1 || an.Total.Revenue["USD"] != 99900 || an.Total.Exposures != 1 {
		t.Errorf("analytics of the day = %+v", an.Total)
	}
	if asOf, pending, err := s.AnalyticsAsOf(context.Background()); err != nil || asOf.IsZero() || pending != 0 {
		t.Errorf("AnalyticsAsOf = %v, %d pending, %v", asOf, pending, err)
	}
}

// Events stored before the aggregates existed (or while they lag) are folded by the background
// fold; retention deletes only events already folded, and never the newest event, so that
// event ids keep growing past the fold's cursor. Once caught up, commits fold in their own
// transaction.
func TestBacklogFoldAndRetention(t *testing.T) {
	s, path := openStore(t)
	old := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	db := rawDB(t, path)
	for i, d := range []string{"d1", "d2", "d3"} {
		// As migration 008 left events recorded before the aggregates: stored, not folded.
		if _, err := db.Exec(`INSERT INTO events (platform_id, event_id, type, device_id, campaign, variant, occurred_at, received_at)
			VALUES (1, ?, 'exposure', ?, 'c', 'a', ?, ?)`, fmt.Sprint("legacy-", i), d, old.Format(time.RFC3339Nano), old.Format(time.RFC3339Nano)); err != nil {
			t.Fatal(err)
		}
	}
	// A commit behind a backlog leaves its events to the background fold too.
	commit(t, s, exposureAt("4", "d4", "b", old.Add(time.Minute)))
	if _, pending, err := s.AnalyticsAsOf(ctx); err != nil || pending != 4 {
		t.Fatalf("%d events pending (%v), want 4", pending, err)
	}
	if n, err := s.AggregateEvents(ctx, 2); err != nil || n != 2 {
		t.Fatalf("folded %d (%v), want 2", n, err)
	}
	n, err := s.DeleteEventsReceivedBefore(ctx, old.Add(time.Hour), 100)
	if err != nil || n != 2 {
		t.Fatalf("deleted %d (%v), want the 2 folded events", n, err)
	}
	if err := s.AggregateAll(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err = s.DeleteEventsReceivedBefore(ctx, old.Add(time.Hour), 100); err != nil || n != 1 {
		t.Fatalf("deleted %d (%v), want 1: d3's, not d4's, the newest", n, err)
	}
	// Caught up: this commit is folded by its own transaction.
	commit(t, s, exposureAt("5", "d5", "b", old.Add(2*time.Minute)))
	if _, pending, err := s.AnalyticsAsOf(ctx); err != nil || pending != 0 {
		t.Fatalf("%d events pending after a caught-up commit (%v), want 0", pending, err)
	}
	days, _, err := s.CampaignCohorts(ctx, []int64{1}, "c", old.Add(-time.Hour), old.Add(time.Hour), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	exposed := map[string]int64{}
	for _, d := range days {
		exposed[d.Arm] += d.Exposed
	}
	if exposed["a"] != 3 || exposed["b"] != 2 {
		t.Errorf("after retention: exposed %v, want a 3 (d1–d3), b 2 (d4, d5)", exposed)
	}
}

// A retried batch folded in the commit's own transaction adds only its new events: the ones
// already stored are read back by id, not guessed.
func TestInlineFoldWithDuplicates(t *testing.T) {
	s, _ := openStore(t)
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	commit(t, s, exposureAt("1", "d1", "a", at), exposureAt("2", "d2", "a", at))
	commit(t, s, exposureAt("2", "d2", "a", at), exposureAt("3", "d3", "b", at), exposureAt("1", "d1", "a", at))
	if _, pending, err := s.AnalyticsAsOf(context.Background()); err != nil || pending != 0 {
		t.Fatalf("%d events left to the background fold (%v), want none", pending, err)
	}
	got := cohorts(t, s)
	if got["a"].Exposed != 2 || got["b"].Exposed != 1 {
		t.Errorf("arms %+v, want a 2 and b 1", got)
	}
}
