package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"nami/store"
)

// generation reads an app's draft generation.
func generation(t *testing.T, s *store.Store, slug string) int64 {
	t.Helper()
	a, err := s.AppBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return a.DraftGeneration
}

func TestDraftGenerationCountsWritesOfTheCatalogOnly(t *testing.T) {
	s, path := openStore(t)
	a := createApp(t, s, "calm-sky", "Calm Sky")
	createApp(t, s, "other", "Other")
	step := func(what string, changes bool, fn func(ctx context.Context, tx *store.Tx) error) {
		t.Helper()
		before, otherBefore := generation(t, s, "calm-sky"), generation(t, s, "other")
		inTx(t, s, fn)
		after := generation(t, s, "calm-sky")
		if changes && after <= before || !changes && after != before {
			t.Errorf("%s: draft generation %d → %d", what, before, after)
		}
		if g := generation(t, s, "other"); g != otherBefore {
			t.Errorf("%s moved the other app's generation %d → %d", what, otherBefore, g)
		}
	}
	var pl store.AppPlatform
	step("adding a platform", true, func(ctx context.Context, tx *store.Tx) error {
		pl = store.AppPlatform{AppID: a.ID, Ref: "ios", Store: "apple", Name: "iOS", Environment: "production"}
		return tx.CreatePlatform(ctx, &pl)
	})
	step("adding an entitlement", true, func(ctx context.Context, tx *store.Tx) error {
		return tx.CreateEntitlement(ctx, &store.Entitlement{AppID: a.ID, Ref: "premium", Name: "Premium"})
	})
	var pr store.Product
	step("adding a product with a grant", true, func(ctx context.Context, tx *store.Tx) error {
		pr = store.Product{PlatformID: pl.ID, SKU: "monthly", Name: "Monthly", Kind: "subscription", Price: "9.99",
			Currency: "USD", Period: "P1M", Entitlements: []string{"premium"}}
		return tx.CreateProduct(ctx, &pr)
	})
	step("touching the app", false, func(ctx context.Context, tx *store.Tx) error { return tx.TouchApp(ctx, a.ID) })
	step("renaming the app", true, func(ctx context.Context, tx *store.Tx) error {
		a.Name = "Calm Sky 2"
		return tx.UpdateApp(ctx, &a)
	})
	// Rows of the catalog's children, written directly: the triggers see every writer.
	db := rawDB(t, path)
	if _, err := db.Exec(`DELETE FROM product_entitlements`); err != nil {
		t.Fatal(err)
	}
	if g := generation(t, s, "calm-sky"); g == 0 {
		t.Error("no generation after the writes")
	}
	before := generation(t, s, "calm-sky")
	if _, err := db.Exec(`UPDATE products SET price = '10.99'`); err != nil {
		t.Fatal(err)
	}
	if g := generation(t, s, "calm-sky"); g <= before {
		t.Errorf("a price change left the generation at %d", g)
	}
}

func TestCampaignsSeenListsCampaignsWithDevices(t *testing.T) {
	s, path := openStore(t)
	a := createApp(t, s, "calm-sky", "Calm Sky")
	ios := createPlatform(t, s, a.ID, "ios", "apple")
	web := createPlatform(t, s, a.ID, "web", "web")
	db := rawDB(t, path)
	for _, row := range []struct {
		platform int64
		campaign string
		device   string
	}{{ios.ID, "spring", "d1"}, {ios.ID, "spring", "d2"}, {ios.ID, "autumn", "d1"}, {web.ID, "winter", "d3"}} {
		if _, err := db.Exec(`INSERT INTO campaign_devices (platform_id, campaign, device_id, first_at) VALUES (?, ?, ?, 1)`,
			row.platform, row.campaign, row.device); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	for _, tc := range []struct {
		ids  []int64
		want []string
	}{{[]int64{ios.ID}, []string{"autumn", "spring"}}, {[]int64{ios.ID, web.ID}, []string{"autumn", "spring", "winter"}}, {nil, nil}} {
		seen, err := s.CampaignsSeen(ctx, tc.ids)
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Sorted(maps.Keys(seen)); !slices.Equal(got, tc.want) {
			t.Errorf("platforms %v: %v, want %v", tc.ids, got, tc.want)
		}
	}
}
