package store_test

import (
	"context"
	"testing"

	"nami/store"
)

// TestPublishStateSeesAReusedPlatformID checks the SDK poller's fingerprint changes when the newest
// platform is deleted and another created in its place: SQLite hands out the same row id again, so
// counts, version sums and the max id all stay equal, and only the generation counter moves.
func TestPublishStateSeesAReusedPlatformID(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	app := createApp(t, s, "calm", "Calm")
	old := createPlatform(t, s, app.ID, "zz", "apple")
	before, err := s.PublishState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DeletePlatform(ctx, old.ID) })
	fresh := createPlatform(t, s, app.ID, "yy", "apple")
	if fresh.ID != old.ID {
		t.Logf("row id was not reused (%d then %d); the check still applies", old.ID, fresh.ID)
	}
	after, err := s.PublishState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after == before {
		t.Fatalf("PublishState did not change after deleting %q and creating %q: %+v", old.Ref, fresh.Ref, after)
	}
	if after.Generation != before.Generation+2 {
		t.Errorf("generation went from %d to %d, want +2 (one delete, one insert)", before.Generation, after.Generation)
	}
}
