package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"nami/store"
)

// openStore opens a fresh database in the test's temporary directory, migrated by the real
// migrations, and returns it with its path.
func openStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nami.db")
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	return s, path
}

// rawDB opens the file directly, for checks the store's API does not offer (schema_version,
// swept sessions). It is closed when the test ends.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// count runs a SELECT count(*) query against db.
func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// inTx runs fn in a write transaction and fails the test if it fails.
func inTx(t *testing.T, s *store.Store, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := s.InTx(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

func createApp(t *testing.T, s *store.Store, slug, name string) store.App {
	t.Helper()
	a := store.App{Slug: slug, Name: name}
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateApp(ctx, &a) })
	return a
}

func createPlatform(t *testing.T, s *store.Store, appID int64, ref, storeCode string) store.AppPlatform {
	t.Helper()
	p := store.AppPlatform{AppID: appID, Ref: ref, Store: storeCode, Name: ref + " platform", Environment: "production"}
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePlatform(ctx, &p) })
	return p
}

func createEntitlement(t *testing.T, s *store.Store, appID int64, ref string) store.Entitlement {
	t.Helper()
	e := store.Entitlement{AppID: appID, Ref: ref, Name: ref + " access"}
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateEntitlement(ctx, &e) })
	return e
}

func createProduct(t *testing.T, s *store.Store, platformID int64, sku string, grants ...string) store.Product {
	t.Helper()
	pr := store.Product{PlatformID: platformID, SKU: sku, Name: sku, Kind: "subscription", Price: "9.99",
		Currency: "USD", Period: "P1M", Trial: "P1W", Entitlements: grants}
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateProduct(ctx, &pr) })
	return pr
}
