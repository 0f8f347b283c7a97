package store_test

import (
	"context"
	"testing"

	"nami/store"
)

func TestReleaseNumbersArePerAppAndLivePlatformsSeeTheNewest(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	a := createApp(t, s, "calm-sky", "Calm Sky")
	b := createApp(t, s, "other", "Other")
	ios := createPlatform(t, s, a.ID, "ios", "apple")
	web := createPlatform(t, s, a.ID, "web", "web")
	other := createPlatform(t, s, b.ID, "ios", "apple")

	state := func() store.PublishState {
		t.Helper()
		ps, err := s.PublishState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	release := func(appID int64, platforms ...store.AppPlatform) store.Release {
		t.Helper()
		r := store.Release{AppID: appID, CreatedBy: "test"}
		inTx(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.CreateRelease(ctx, &r, []byte(`{}`)); err != nil {
				return err
			}
			for _, p := range platforms {
				if err := tx.PutSnapshot(ctx, store.Snapshot{ReleaseID: r.ID, PlatformID: p.ID, Body: []byte(p.Ref), ETag: `"x"`}); err != nil {
					return err
				}
			}
			return nil
		})
		return r
	}

	before := state()
	r1 := release(a.ID, ios, web)
	r2 := release(a.ID, ios) // web has no snapshot in the newest release
	rb := release(b.ID, other)
	if r1.Number != 1 || r2.Number != 2 || rb.Number != 1 {
		t.Errorf("numbers %d %d %d, want 1 2 1", r1.Number, r2.Number, rb.Number)
	}
	after := state()
	if after == before || after.MaxReleaseID != rb.ID {
		t.Errorf("publishing did not change the fingerprint: %+v -> %+v", before, after)
	}
	live, err := s.LivePlatforms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]store.LivePlatform{}
	for _, lp := range live {
		got[lp.PlatformID] = lp
	}
	if lp := got[ios.ID]; lp.Release != 2 || lp.ReleaseID != r2.ID || !lp.Published || lp.Key != ios.Key {
		t.Errorf("ios: %+v", lp)
	}
	if lp := got[web.ID]; lp.Release != 2 || lp.Published {
		t.Errorf("web: %+v, want release 2 without a snapshot", lp)
	}
	if lp := got[other.ID]; lp.Release != 1 || lp.ReleaseID != rb.ID || !lp.Published {
		t.Errorf("other app: %+v", lp)
	}

	// A rotated key changes the fingerprint, so the SDK API serves the new key.
	ios.Key = store.NewKey()
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePlatform(ctx, &ios) })
	if state() == after {
		t.Errorf("rotating a key did not change the fingerprint")
	}
	last, err := s.LastRelease(ctx, a.ID)
	if err != nil || last.Number != 2 {
		t.Errorf("LastRelease: %+v %v", last, err)
	}
	list, err := s.Releases(ctx, a.ID)
	if err != nil || len(list) != 2 || list[0].Number != 2 || len(list[1].Platforms) != 2 {
		t.Errorf("Releases: %+v %v", list, err)
	}
}
