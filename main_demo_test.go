package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"nami/store"
)

// TestDemoIsLoadedAndPublishedOnce checks what `make run` promises: a fresh database gets the demo
// app as release 1, and a second start changes nothing.
func TestDemoIsLoadedAndPublishedOnce(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "nami.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for range 2 {
		if err := loadDemo(ctx, st, log); err != nil {
			t.Fatalf("loadDemo: %v", err)
		}
	}
	apps, err := st.AppSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1 || apps[0].Slug != "calm-sky" {
		t.Fatalf("apps after two starts = %+v, want only calm-sky", apps)
	}
	if apps[0].LastRelease != 1 {
		t.Errorf("last release = %d, want 1 (the demo is published once)", apps[0].LastRelease)
	}
	rels, err := st.Releases(ctx, apps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 1 || rels[0].Note != "Demo catalog" {
		t.Errorf("releases = %+v, want one with the note %q", rels, "Demo catalog")
	}
}
