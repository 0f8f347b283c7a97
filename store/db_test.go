package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"nami/store"
)

// migrationFiles lists the numbers of the migrations/*.sql files on disk.
func migrationFiles(t *testing.T) []int {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("..", "migrations", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no migrations/*.sql files found")
	}
	var nums []int
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			t.Fatalf("migration %s has no number: %v", name, err)
		}
		nums = append(nums, n)
	}
	slices.Sort(nums)
	return nums
}

func TestMigrationsApplyOnce(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	a := createApp(t, s, "calm-sky", "Calm Sky")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Opening the same file again must neither re-run a migration (which would fail on
	// CREATE TABLE, or wipe the seeded rows) nor lose data.
	s2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopening a migrated database: %v", err)
	}
	defer s2.Close()
	if got, err := s2.AppBySlug(ctx, "calm-sky"); err != nil || got.ID != a.ID {
		t.Errorf("after reopening, AppBySlug = %+v, %v; want the app created before", got, err)
	}

	db := rawDB(t, path)
	want := migrationFiles(t)
	if n := count(t, db, `SELECT count(*) FROM schema_version`); n != len(want) {
		t.Errorf("schema_version has %d rows, want %d (one per migrations/*.sql file)", n, len(want))
	}
	rows, err := db.Query(`SELECT version FROM schema_version ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, want) {
		t.Errorf("schema_version versions = %v, want %v", got, want)
	}
	if n := count(t, db, `SELECT count(*) FROM store_platforms`); n != 5 {
		t.Errorf("store_platforms has %d rows after reopening, want 5 (seeded once)", n)
	}
}

func TestStorePlatformsSeeded(t *testing.T) {
	s, _ := openStore(t)
	list, err := s.StorePlatforms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range list {
		codes = append(codes, p.Code)
		if p.Name == "" {
			t.Errorf("store %q has no display name", p.Code)
		}
	}
	if want := []string{"apple", "google", "amazon", "roku", "web"}; !slices.Equal(codes, want) {
		t.Errorf("store platforms = %v, want %v", codes, want)
	}
}

func TestInTxRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx *store.Tx) error {
		a := store.App{Slug: "doomed", Name: "Doomed"}
		if err := tx.CreateApp(ctx, &a); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("InTx returned %v, want the function's error", err)
	}
	if _, err := s.AppBySlug(ctx, "doomed"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the app written before the error survived the rollback: %v", err)
	}
}

func TestBackupWritesAnOpenableCopy(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	a := createApp(t, s, "calm-sky", "Calm Sky")
	p := createPlatform(t, s, a.ID, "ios", "apple")
	createEntitlement(t, s, a.ID, "premium")
	createProduct(t, s, p.ID, "calmsky.monthly", "premium")
	u := store.User{Email: "ada@example.com", Name: "Ada", Role: store.RoleOwner, PasswordHash: "x"}
	inTx(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateUser(ctx, &u) })

	target := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, target); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	// The live database keeps working after a backup.
	createApp(t, s, "after-backup", "After backup")

	b, err := store.Open(ctx, target)
	if err != nil {
		t.Fatalf("opening the backup: %v", err)
	}
	defer b.Close()
	wantApps, err := s.AppSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotApps, err := b.AppSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(gotApps) != 1 || len(wantApps) != 2 {
		t.Fatalf("backup has %d apps, live has %d; want 1 and 2", len(gotApps), len(wantApps))
	}
	if !reflect.DeepEqual(gotApps[0], wantApps[0]) && !reflect.DeepEqual(gotApps[0], wantApps[1]) {
		t.Errorf("backup app = %+v, want one of %+v", gotApps[0], wantApps)
	}
	gp, _ := b.Platforms(ctx, a.ID)
	wp, _ := s.Platforms(ctx, a.ID)
	if !reflect.DeepEqual(gp, wp) || len(gp) != 1 {
		t.Errorf("backup platforms = %+v, want %+v", gp, wp)
	}
	gpr, _ := b.Products(ctx, a.ID)
	wpr, _ := s.Products(ctx, a.ID)
	if !reflect.DeepEqual(gpr, wpr) || len(gpr) != 1 || !slices.Equal(gpr[0].Entitlements, []string{"premium"}) {
		t.Errorf("backup products = %+v, want %+v", gpr, wpr)
	}
	if got, err := b.UserByEmail(ctx, "ada@example.com"); err != nil || got.Role != store.RoleOwner {
		t.Errorf("backup user = %+v, %v", got, err)
	}

	// A backup never overwrites an existing file.
	if err := s.Backup(ctx, target); err == nil {
		t.Error("Backup over an existing file succeeded; want an error")
	}
	if fi, err := os.Stat(target); err != nil || fi.Size() == 0 {
		t.Errorf("backup file: %v, %v", fi, err)
	}
}
