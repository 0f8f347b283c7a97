package main

import (
	"bytes"
	"context"
	"testing"

	"nami/catalog"
	"nami/store"
)

// `nami apply` records a version of each paywall and campaign it saves, by "cli".
func TestApplyCommandRecordsVersions(t *testing.T) {
	db := tempDB(t)
	mustCLI(t, "", "apply", "--db", db, "-f", writeFile(t, "catalog.json", catalog.Demo))
	changed := bytes.Replace(catalog.Demo, []byte("Sleep better this spring"), []byte("Sleep deeper this spring"), 1)
	if bytes.Equal(changed, catalog.Demo) {
		t.Fatal("the demo's spring title moved; update the test")
	}
	mustCLI(t, "", "apply", "--db", db, "-f", writeFile(t, "changed.json", changed))

	s := openDB(t, db)
	ctx := context.Background()
	a, err := s.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := s.Versions(ctx, a.ID, store.EntityPaywall, "spring")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Version != 2 || vs[0].UserEmail != "cli" || vs[1].UserEmail != "cli" {
		t.Fatalf("spring's versions after two applies: %+v", vs)
	}
	if b, err := vs[0].Paywall(); err != nil || b.Copy[1].Title != "Sleep deeper this spring" {
		t.Errorf("version 2: %+v, %v", b, err)
	}
	if vs, _ := s.Versions(ctx, a.ID, store.EntityCampaign, "default"); len(vs) != 1 {
		t.Errorf("the unchanged campaign default has %d versions, want 1", len(vs))
	}
}
