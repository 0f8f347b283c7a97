package store_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"testing"

	"nami/store"
)

func TestApps(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	a := createApp(t, s, "calm-sky", "Calm Sky")
	if a.ID == 0 {
		t.Fatal("CreateApp did not set the id")
	}

	dup := store.App{Slug: "calm-sky", Name: "Another"}
	err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApp(ctx, &dup) })
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateApp with a taken slug = %v, want ErrConflict", err)
	}

	a.Name = "Calm Sky Pro"
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateApp(ctx, &a) })
	got, err := s.AppBySlug(ctx, "calm-sky")
	if err != nil || got.Name != "Calm Sky Pro" {
		t.Errorf("after UpdateApp, AppBySlug = %+v, %v; want the new name", got, err)
	}

	sums, err := s.AppSummaries(ctx)
	if err != nil || len(sums) != 1 || sums[0].Slug != "calm-sky" {
		t.Errorf("AppSummaries = %+v, %v", sums, err)
	}

	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteApp(ctx, a.ID) })
	if _, err := s.AppBySlug(ctx, "calm-sky"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AppBySlug after DeleteApp = %v, want ErrNotFound", err)
	}
	err = s.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteApp(ctx, a.ID) })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting a missing app = %v, want ErrNotFound", err)
	}
}

var keyPattern = regexp.MustCompile(`^pk_[A-Za-z0-9_]{16,64}$`)

func TestPlatforms(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	a := createApp(t, s, "calm-sky", "Calm Sky")
	other := createApp(t, s, "other", "Other")

	p := createPlatform(t, s, a.ID, "ios", "apple")
	if !keyPattern.MatchString(p.Key) || p.Version != 1 {
		t.Errorf("new platform key %q version %d; want a generated pk_ key and version 1", p.Key, p.Version)
	}

	t.Run("taken ref in the same app", func(t *testing.T) {
		dup := store.AppPlatform{AppID: a.ID, Ref: "ios", Store: "google", Name: "Dup", Environment: "production"}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePlatform(ctx, &dup) }); !errors.Is(err, store.ErrConflict) {
			t.Errorf("CreatePlatform with a taken ref = %v, want ErrConflict", err)
		}
	})
	t.Run("same ref in another app", func(t *testing.T) {
		createPlatform(t, s, other.ID, "ios", "apple")
	})
	t.Run("taken key", func(t *testing.T) {
		dup := store.AppPlatform{AppID: other.ID, Ref: "web", Store: "web", Name: "Web", Environment: "sandbox", Key: p.Key}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePlatform(ctx, &dup) }); !errors.Is(err, store.ErrConflict) {
			t.Errorf("CreatePlatform with another platform's key = %v, want ErrConflict", err)
		}
	})

	t.Run("update with the current version", func(t *testing.T) {
		edit := p
		edit.Name, edit.Environment = "iPhone", "sandbox"
		inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePlatform(ctx, &edit) })
		got, err := s.Platform(ctx, a.ID, "ios")
		if err != nil || got.Name != "iPhone" || got.Environment != "sandbox" || got.Version != 2 {
			t.Errorf("after update: %+v, %v; want name iPhone, sandbox, version 2", got, err)
		}
	})

	t.Run("update with a stale version", func(t *testing.T) {
		stale := p // still version 1
		stale.Name = "Lost update"
		err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdatePlatform(ctx, &stale) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("UpdatePlatform with a stale version = %v, want ErrConflict", err)
		}
		if got, _ := s.Platform(ctx, a.ID, "ios"); got.Name != "iPhone" || got.Version != 2 {
			t.Errorf("a stale update changed the row: %+v", got)
		}
	})

	t.Run("update to a taken ref", func(t *testing.T) {
		web := createPlatform(t, s, a.ID, "web", "web")
		web.Ref = "ios"
		err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdatePlatform(ctx, &web) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("renaming to a taken ref = %v, want ErrConflict", err)
		}
	})

	t.Run("list and by key", func(t *testing.T) {
		list, err := s.Platforms(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, x := range list {
			refs = append(refs, x.Ref)
		}
		if !slices.Equal(refs, []string{"ios", "web"}) {
			t.Errorf("Platforms = %v, want [ios web] (store order)", refs)
		}
		got, err := s.PlatformByKey(ctx, p.Key)
		if err != nil || got.ID != p.ID {
			t.Errorf("PlatformByKey = %+v, %v", got, err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DeletePlatform(ctx, p.ID) })
		if _, err := s.Platform(ctx, a.ID, "ios"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Platform after delete = %v, want ErrNotFound", err)
		}
		if _, err := s.PlatformByKey(ctx, p.Key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the deleted platform's key still resolves: %v", err)
		}
	})
}

func TestEntitlements(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	a := createApp(t, s, "calm-sky", "Calm Sky")
	other := createApp(t, s, "other", "Other")
	e := createEntitlement(t, s, a.ID, "premium")
	createEntitlement(t, s, other.ID, "premium") // refs are unique per app only

	dup := store.Entitlement{AppID: a.ID, Ref: "premium", Name: "Dup"}
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateEntitlement(ctx, &dup) }); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateEntitlement with a taken ref = %v, want ErrConflict", err)
	}

	edit := e
	edit.Name, edit.Description = "Premium access", "Everything"
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateEntitlement(ctx, &edit) })
	got, err := s.Entitlement(ctx, a.ID, "premium")
	if err != nil || got.Name != "Premium access" || got.Description != "Everything" || got.Version != 2 {
		t.Errorf("after update: %+v, %v", got, err)
	}

	stale := e // version 1
	stale.Name = "Lost update"
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateEntitlement(ctx, &stale) }); !errors.Is(err, store.ErrConflict) {
		t.Errorf("UpdateEntitlement with a stale version = %v, want ErrConflict", err)
	}
	if got, _ := s.Entitlement(ctx, a.ID, "premium"); got.Name != "Premium access" {
		t.Errorf("a stale update changed the row: %+v", got)
	}

	offline := createEntitlement(t, s, a.ID, "offline")
	offline.Ref = "premium"
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateEntitlement(ctx, &offline) }); !errors.Is(err, store.ErrConflict) {
		t.Errorf("renaming to a taken ref = %v, want ErrConflict", err)
	}

	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteEntitlement(ctx, e.ID) })
	if _, err := s.Entitlement(ctx, a.ID, "premium"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Entitlement after delete = %v, want ErrNotFound", err)
	}
	if list, _ := s.Entitlements(ctx, other.ID); len(list) != 1 {
		t.Errorf("deleting one app's entitlement touched another app's: %+v", list)
	}
}

func TestProducts(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	a := createApp(t, s, "calm-sky", "Calm Sky")
	ios := createPlatform(t, s, a.ID, "ios", "apple")
	android := createPlatform(t, s, a.ID, "android", "google")
	createEntitlement(t, s, a.ID, "premium")
	createEntitlement(t, s, a.ID, "offline")

	pr := createProduct(t, s, ios.ID, "calmsky.monthly", "premium", "offline")
	got, err := s.Product(ctx, a.ID, "ios", "calmsky.monthly")
	if err != nil {
		t.Fatal(err)
	}
	if got.PlatformRef != "ios" || got.Store != "apple" || got.Price != "9.99" || got.Currency != "USD" ||
		got.Period != "P1M" || got.Trial != "P1W" || got.Version != 1 {
		t.Errorf("Product = %+v", got)
	}
	if !slices.Equal(got.Entitlements, []string{"offline", "premium"}) {
		t.Errorf("grants = %v, want [offline premium] (sorted)", got.Entitlements)
	}
	if e, _ := s.Entitlement(ctx, a.ID, "premium"); e.Products != 1 {
		t.Errorf("premium is granted by %d products, want 1", e.Products)
	}

	t.Run("taken sku on the same platform", func(t *testing.T) {
		dup := store.Product{PlatformID: ios.ID, SKU: "calmsky.monthly", Name: "Dup", Kind: "consumable", Price: "1", Currency: "USD"}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateProduct(ctx, &dup) }); !errors.Is(err, store.ErrConflict) {
			t.Errorf("CreateProduct with a taken sku = %v, want ErrConflict", err)
		}
	})
	t.Run("same sku on another platform", func(t *testing.T) {
		createProduct(t, s, android.ID, "calmsky.monthly")
	})
	t.Run("grant of an unknown entitlement", func(t *testing.T) {
		bad := store.Product{PlatformID: ios.ID, SKU: "calmsky.bad", Name: "Bad", Kind: "consumable", Price: "1", Currency: "USD",
			Entitlements: []string{"premium", "nope"}}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateProduct(ctx, &bad) }); err == nil {
			t.Error("CreateProduct granting an unknown entitlement succeeded")
		}
		if _, err := s.Product(ctx, a.ID, "ios", "calmsky.bad"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the failed product was stored: %v", err)
		}
	})
	t.Run("grant of another app's entitlement", func(t *testing.T) {
		other := createApp(t, s, "other", "Other")
		createEntitlement(t, s, other.ID, "vip")
		bad := store.Product{PlatformID: ios.ID, SKU: "calmsky.vip", Name: "VIP", Kind: "consumable", Price: "1", Currency: "USD",
			Entitlements: []string{"vip"}}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateProduct(ctx, &bad) }); err == nil {
			t.Error("CreateProduct granting another app's entitlement succeeded")
		}
	})

	t.Run("update changes fields and grants", func(t *testing.T) {
		edit := pr
		edit.Price, edit.Trial, edit.Entitlements = "12.99", "", []string{"premium"}
		inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateProduct(ctx, &edit) })
		got, err := s.Product(ctx, a.ID, "ios", "calmsky.monthly")
		if err != nil || got.Price != "12.99" || got.Trial != "" || got.Version != 2 || !slices.Equal(got.Entitlements, []string{"premium"}) {
			t.Errorf("after update: %+v, %v", got, err)
		}
	})
	t.Run("update with a stale version", func(t *testing.T) {
		stale := pr // version 1
		stale.Price, stale.Entitlements = "0.99", nil
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateProduct(ctx, &stale) }); !errors.Is(err, store.ErrConflict) {
			t.Errorf("UpdateProduct with a stale version = %v, want ErrConflict", err)
		}
		got, _ := s.Product(ctx, a.ID, "ios", "calmsky.monthly")
		if got.Price != "12.99" || !slices.Equal(got.Entitlements, []string{"premium"}) {
			t.Errorf("a stale update changed the row or its grants: %+v", got)
		}
	})
	t.Run("update to a taken sku", func(t *testing.T) {
		yearly := createProduct(t, s, ios.ID, "calmsky.yearly")
		yearly.SKU = "calmsky.monthly"
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateProduct(ctx, &yearly) }); !errors.Is(err, store.ErrConflict) {
			t.Errorf("renaming to a taken sku = %v, want ErrConflict", err)
		}
	})

	t.Run("deleting an entitlement removes its grants", func(t *testing.T) {
		e, _ := s.Entitlement(ctx, a.ID, "premium")
		inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteEntitlement(ctx, e.ID) })
		got, err := s.Product(ctx, a.ID, "ios", "calmsky.monthly")
		if err != nil || len(got.Entitlements) != 0 {
			t.Errorf("after deleting premium the product = %+v, %v; want no grants", got, err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteProduct(ctx, pr.ID) })
		if _, err := s.Product(ctx, a.ID, "ios", "calmsky.monthly"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Product after delete = %v, want ErrNotFound", err)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteProduct(ctx, pr.ID) }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting a missing product = %v, want ErrNotFound", err)
		}
	})
}

func TestDeletePlatformCascadesToItsProducts(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	a := createApp(t, s, "calm-sky", "Calm Sky")
	ios := createPlatform(t, s, a.ID, "ios", "apple")
	web := createPlatform(t, s, a.ID, "web", "web")
	createEntitlement(t, s, a.ID, "premium")
	createProduct(t, s, ios.ID, "calmsky.monthly", "premium")
	createProduct(t, s, ios.ID, "calmsky.yearly", "premium")
	createProduct(t, s, web.ID, "calmsky-web", "premium")

	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DeletePlatform(ctx, ios.ID) })

	list, err := s.Products(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].SKU != "calmsky-web" {
		t.Errorf("products after deleting ios = %+v; want only calmsky-web", list)
	}
	e, err := s.Entitlement(ctx, a.ID, "premium")
	if err != nil {
		t.Fatalf("the entitlement went with the platform: %v", err)
	}
	if e.Products != 1 {
		t.Errorf("premium is granted by %d products, want 1 (the grants of deleted products go too)", e.Products)
	}
	db := rawDB(t, path)
	if n := count(t, db, `SELECT count(*) FROM products WHERE platform_id = ?`, ios.ID); n != 0 {
		t.Errorf("%d product rows of the deleted platform remain", n)
	}
	if n := count(t, db, `SELECT count(*) FROM product_entitlements`); n != 1 {
		t.Errorf("%d grant rows remain, want 1", n)
	}
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("a fresh database has %d users, %v", n, err)
	}
	u := store.User{Email: "ada@example.com", Name: "Ada", Role: store.RoleOwner, PasswordHash: "h"}
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateUser(ctx, &u) })
	dup := store.User{Email: "ADA@example.com", Name: "Ada again", Role: store.RoleViewer, PasswordHash: "h"}
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &dup) }); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateUser with a taken email (other case) = %v, want ErrConflict", err)
	}
	if got, err := s.UserByEmail(ctx, "Ada@Example.com"); err != nil || got.ID != u.ID {
		t.Errorf("UserByEmail ignoring case = %+v, %v", got, err)
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Errorf("CountUsers = %d, want 1", n)
	}
}
