package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"nami/store"
)

// TestDeleteOrphanImagesKeepsWhatIsReferencedOrRecent stores images referenced in every way
// (a draft paywall, a release's snapshot, a release's catalog file, a saved paywall version)
// and unreferenced ones older and younger than the grace, and checks that only the old
// unreferenced one is deleted.
func TestDeleteOrphanImagesKeepsWhatIsReferencedOrRecent(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	old := now.Add(-2 * store.OrphanImageGrace)
	img := func(name string) *store.Image {
		return &store.Image{ContentType: "image/png", Width: 1, Height: 1, Data: []byte("pixels of " + name)}
	}
	orphan, recent, draft, inSnapshot, inCatalog, inHistory := img("orphan"), img("recent"), img("draft"), img("snapshot"), img("catalog"), img("history")

	a := createApp(t, s, "calm", "Calm")
	pl := createPlatform(t, s, a.ID, "ios", "apple")
	s.Now = func() time.Time { return old }
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error {
		for _, im := range []*store.Image{orphan, draft, inSnapshot, inCatalog, inHistory} {
			if err := tx.PutImage(ctx, im); err != nil {
				return err
			}
		}
		// A paywall saved first with one image, then with another: the first stays in its history.
		pw := store.Paywall{AppID: a.ID, Ref: "spring", Name: "Spring", Template: "classic", DefaultLocale: "en", HeroImage: inHistory.Hash}
		if err := tx.CreatePaywall(ctx, &pw); err != nil {
			return err
		}
		pw.HeroImage = draft.Hash
		if err := tx.UpdatePaywall(ctx, &pw); err != nil {
			return err
		}
		rel := store.Release{AppID: a.ID, CreatedBy: "ann@example.com"}
		catalog := `{"paywalls":[{"ref":"old","hero_image":"data:image/png;base64,` + base64.StdEncoding.EncodeToString(inCatalog.Data) + `"}]}`
		if err := tx.CreateRelease(ctx, &rel, []byte(catalog)); err != nil {
			return err
		}
		return tx.PutSnapshot(ctx, store.Snapshot{ReleaseID: rel.ID, PlatformID: pl.ID,
			Body: []byte(`{"release":1,"paywalls":[{"ref":"old","hero_image":"/images/` + inSnapshot.Hash + `"}]}`)})
	})
	s.Now = func() time.Time { return now.Add(-time.Hour) }
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.PutImage(ctx, recent) })

	n, err := s.DeleteOrphanImages(ctx, now.Add(-store.OrphanImageGrace))
	if err != nil {
		t.Fatalf("DeleteOrphanImages: %v", err)
	}
	if n != 1 {
		t.Errorf("DeleteOrphanImages deleted %d images, want 1 (the old unreferenced one)", n)
	}
	for name, im := range map[string]*store.Image{"orphan": orphan, "recent": recent, "draft": draft, "snapshot": inSnapshot, "catalog": inCatalog, "history": inHistory} {
		_, err := s.Image(ctx, im.Hash)
		gone := errors.Is(err, store.ErrNotFound)
		if err != nil && !gone {
			t.Fatalf("Image(%s): %v", name, err)
		}
		if want := name == "orphan"; gone != want {
			t.Errorf("image %s deleted = %v, want %v", name, gone, want)
		}
	}

	// A second run finds nothing more; the recent image goes once it is past the grace.
	if n, err := s.DeleteOrphanImages(ctx, now.Add(-store.OrphanImageGrace)); err != nil || n != 0 {
		t.Errorf("second run: %d, %v; want 0", n, err)
	}
	if n, err := s.DeleteOrphanImages(ctx, now.Add(store.OrphanImageGrace)); err != nil || n != 1 {
		t.Errorf("a day later: %d, %v; want the recent image deleted", n, err)
	}
}
