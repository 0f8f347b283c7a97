package sdkapi_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"nami/publish"
	"nami/sdkapi"
	"nami/store"
)

// TestSnapshotExportDropsRotatedKeys checks that exporting again after a key rotation removes the
// old key's config, as the API stops serving it, and leaves files it did not write alone.
func TestSnapshotExportDropsRotatedKeys(t *testing.T) {
	ctx := context.Background()
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")
	dir := t.TempDir()
	if _, err := publish.ExportSnapshots(ctx, env.st.Reader, dir); err != nil {
		t.Fatal(err)
	}
	stranger := filepath.Join(dir, "sdk", "v1", "platforms", demoWeb, "notes.txt")
	if err := os.WriteFile(stranger, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	app, err := env.st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	var fresh []string
	for _, ref := range []string{"ios", "web"} {
		p, err := env.st.Platform(ctx, app.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		p.Key = store.NewKey()
		fresh = append(fresh, p.Key)
		if err := env.st.InTx(ctx, func(tx *store.Tx) error { return tx.UpdatePlatform(ctx, &p) }); err != nil {
			t.Fatal(err)
		}
	}
	n, err := publish.ExportSnapshots(ctx, env.st.Reader, dir)
	if err != nil {
		t.Fatal(err)
	}
	if n.Removed != 2 {
		t.Errorf("removed %d stale configs, want 2 (the old iOS and web keys)", n.Removed)
	}
	for _, old := range []string{demoIOS, demoWeb} {
		if _, err := os.Stat(dir + configPath(old)); !os.IsNotExist(err) {
			t.Errorf("the rotated key %s still has a config in the export (err %v)", old, err)
		}
	}
	for _, key := range fresh {
		if _, err := os.Stat(dir + configPath(key)); err != nil {
			t.Errorf("the new key's config is missing: %v", err)
		}
	}
	if _, err := os.Stat(stranger); err != nil {
		t.Errorf("a file the export did not write was removed: %v", err)
	}
	if _, err := os.Stat(dir + configPath(demoAndroid)); err != nil {
		t.Errorf("an unchanged key's config is gone: %v", err)
	}
}
