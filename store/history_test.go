package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"nami/engine"
	"nami/store"
)

// canonical re-encodes JSON with sorted keys, so two bodies compare by content.
func canonical(t *testing.T, data []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// historyFixture stores a paywall (two locales, an image, two products) and a campaign (a schedule,
// an audience, two variants), then saves the paywall again as ann@example.com.
func historyFixture(t *testing.T, s *store.Store) (store.App, store.Paywall, store.Campaign) {
	t.Helper()
	a := createApp(t, s, "calm", "Calm")
	ios := createPlatform(t, s, a.ID, "ios", "apple")
	monthly := createProduct(t, s, ios.ID, "calm.monthly")
	yearly := createProduct(t, s, ios.ID, "calm.yearly")
	img := store.Image{ContentType: "image/png", Width: 1, Height: 1, Data: []byte("png")}
	pw := store.Paywall{AppID: a.ID, Ref: "spring", Name: "Spring", Template: "hero", DefaultLocale: "en",
		Theme: store.Theme{Accent: "#111111", Background: "#ffffff", Text: "#000000"}, UpdatedBy: "setup@example.com",
		Copy:     []store.Copy{{Locale: "de", Title: "Besser schlafen", CTA: "Los"}, {Locale: "en", Title: "Sleep better", Body: "Line 1\nLine \"2\"", CTA: "Go"}},
		Products: []store.PaywallProduct{{ProductID: yearly.ID, Badge: "Best value", Highlighted: true}, {ProductID: monthly.ID}}}
	other := pw
	other.Ref, other.Name, other.Products = "quiet", "Quiet", nil
	start := time.Date(2026, 3, 1, 9, 30, 0, 250_000_000, time.UTC)
	cp := store.Campaign{AppID: a.ID, Ref: "ab", Name: "A/B", Label: "onboarding", Status: "live", Priority: 5, StartsAt: &start,
		HoldoutPercent: 10, Audience: engine.Audience{Match: "any", Conditions: []engine.Condition{{Attribute: "country", Operator: "in", Values: []string{"US", "CA"}}}}}
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.PutImage(ctx, &img); err != nil {
			return err
		}
		pw.HeroImage = img.Hash
		if err := tx.CreatePaywall(ctx, &pw); err != nil {
			return err
		}
		if err := tx.CreatePaywall(ctx, &other); err != nil {
			return err
		}
		cp.Variants = []store.CampaignVariant{{Ref: "a", PaywallID: pw.ID, Weight: 50}, {Ref: "b", PaywallID: other.ID, Weight: 50}}
		return tx.CreateCampaign(ctx, &cp)
	})
	ctx := store.WithActor(context.Background(), "ann@example.com")
	pw.Name = "Spring sale"
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdatePaywall(ctx, &pw) }); err != nil {
		t.Fatal(err)
	}
	return a, pw, cp
}

func TestEverySaveRecordsAVersion(t *testing.T) {
	s, _ := openStore(t)
	a, pw, cp := historyFixture(t, s)
	ctx := context.Background()

	vs, err := s.Versions(ctx, a.ID, store.EntityPaywall, pw.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 {
		t.Fatalf("versions %+v", vs)
	}
	// Without an actor on the context the paywall's updated_by is recorded; with one, the actor.
	if vs[1].UserEmail != "setup@example.com" || vs[0].UserEmail != "ann@example.com" {
		t.Errorf("saved by %q then %q", vs[1].UserEmail, vs[0].UserEmail)
	}
	b, err := vs[0].Paywall()
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "Spring sale" || b.HeroImage != pw.HeroImage || len(b.Copy) != 2 || b.Copy[1].Body != "Line 1\nLine \"2\"" ||
		len(b.Products) != 2 || b.Products[0] != (store.PaywallProductBody{Platform: "ios", SKU: "calm.yearly", Badge: "Best value", Highlighted: true}) {
		t.Errorf("version 2 keeps %+v", b)
	}
	cv, err := s.Version(ctx, a.ID, store.EntityCampaign, cp.Ref, 1)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := cv.Campaign()
	if err != nil {
		t.Fatal(err)
	}
	if cv.UserEmail != "" || cb.StartsAt == nil || !cb.StartsAt.Equal(*cp.StartsAt) || cb.EndsAt != nil ||
		len(cb.Variants) != 2 || cb.Variants[1] != (store.VariantBody{Ref: "b", Paywall: "quiet", Weight: 50}) {
		t.Errorf("campaign version 1: %+v by %q", cb, cv.UserEmail)
	}
	if _, err := s.Version(ctx, a.ID, store.EntityCampaign, cp.Ref, 2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unsaved version: %v", err)
	}

	// A stale update records nothing.
	stale := pw
	stale.Version = 1
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdatePaywall(ctx, &stale) }); !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale update: %v", err)
	}
	if vs, _ := s.Versions(ctx, a.ID, store.EntityPaywall, pw.Ref); len(vs) != 2 {
		t.Errorf("%d versions after a stale update", len(vs))
	}

	// Deleting forgets the history; a new paywall with the ref starts again at 1.
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.DeleteCampaign(ctx, cp.ID); err != nil {
			return err
		}
		return tx.DeletePaywall(ctx, pw.ID)
	})
	for _, e := range []struct{ entity, ref string }{{store.EntityPaywall, pw.Ref}, {store.EntityCampaign, cp.Ref}} {
		if vs, _ := s.Versions(ctx, a.ID, e.entity, e.ref); len(vs) != 0 {
			t.Errorf("deleted %s %s keeps %d versions", e.entity, e.ref, len(vs))
		}
	}
	if vs, _ := s.Versions(ctx, a.ID, store.EntityPaywall, "quiet"); len(vs) != 1 {
		t.Errorf("the other paywall keeps %d versions, want 1", len(vs))
	}
	again := pw
	again.ID, again.Products = 0, nil
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePaywall(ctx, &again) })
	if vs, _ := s.Versions(ctx, a.ID, store.EntityPaywall, pw.Ref); len(vs) != 1 || vs[0].Version != 1 {
		t.Errorf("the new paywall's versions: %+v", vs)
	}
}

// The migration keeps the current version of every paywall and campaign that exists before it
// runs, in the same JSON the store writes.
func TestMigrationBackfillsTheCurrentVersions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nami.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a, pw, cp := historyFixture(t, s)
	want := map[string]store.EntityVersion{}
	for _, e := range []struct{ entity, ref string }{{store.EntityPaywall, pw.Ref}, {store.EntityPaywall, "quiet"}, {store.EntityCampaign, cp.Ref}} {
		vs, err := s.Versions(ctx, a.ID, e.entity, e.ref)
		if err != nil {
			t.Fatal(err)
		}
		want[e.entity+" "+e.ref] = vs[0]
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Back to the schema before 010, as a database made by an older nami.
	db := rawDB(t, path)
	for _, q := range []string{`DROP TABLE entity_versions`, `DELETE FROM schema_version WHERE version = 10`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for key, w := range want {
		vs, err := s.Versions(ctx, a.ID, w.Entity, w.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 1 {
			t.Fatalf("%s: %d versions after the backfill, want 1", key, len(vs))
		}
		got := vs[0]
		wantBy := "setup@example.com" // the paywall's updated_by (ann saved through a Tx whose actor was not stored on the row)
		if w.Entity == store.EntityCampaign {
			wantBy = "" // campaigns keep no author
		}
		if got.Version != w.Version || !got.SavedAt.Equal(w.SavedAt) || got.UserEmail != wantBy {
			t.Errorf("%s: backfilled version %d at %s by %q, want %d at %s by %q", key, got.Version, got.SavedAt, got.UserEmail, w.Version, w.SavedAt, wantBy)
		}
		if g, ww := canonical(t, got.Body), canonical(t, w.Body); g != ww {
			t.Errorf("%s: backfilled body\n got: %s\nwant: %s", key, g, ww)
		}
	}
	// The bodies decode into the store's types (highlighted as a boolean, times as times).
	vs, _ := s.Versions(ctx, a.ID, store.EntityPaywall, pw.Ref)
	if b, err := vs[0].Paywall(); err != nil || !b.Products[0].Highlighted {
		t.Errorf("backfilled paywall body %+v, %v", b, err)
	}
	vs, _ = s.Versions(ctx, a.ID, store.EntityCampaign, cp.Ref)
	if b, err := vs[0].Campaign(); err != nil || b.StartsAt == nil || !b.StartsAt.Equal(*cp.StartsAt) {
		t.Errorf("backfilled campaign body %+v, %v", b, err)
	}
}
