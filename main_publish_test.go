package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nami/catalog"
	"nami/sdkapi"
)

func TestPublishCommandPrintsTheReleaseNumber(t *testing.T) {
	db := tempDB(t)
	mustCLI(t, "", "apply", "--db", db, "-f", writeFile(t, "demo.json", catalog.Demo))
	if out := mustCLI(t, "", "publish", "--db", db, "--app", "calm-sky", "--note", "first"); out != "1\n" {
		t.Errorf("first publish printed %q, want 1", out)
	}
	if out := mustCLI(t, "", "publish", "--db", db, "--app", "calm-sky"); out != "2\n" {
		t.Errorf("second publish printed %q, want 2", out)
	}
	if _, _, err := cli(t, "", "publish", "--db", db); err == nil || !strings.Contains(err.Error(), "usage: nami publish --app SLUG") {
		t.Errorf("publish without --app: %v", err)
	}
	if _, _, err := cli(t, "", "publish", "--db", db, "--app", "nope"); err == nil {
		t.Errorf("publishing an unknown app succeeded")
	}
	st := openDB(t, db)
	app, err := st.AppBySlug(context.Background(), "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	rel, err := st.Release(context.Background(), app.ID, 1)
	if err != nil || rel.Note != "first" || rel.CreatedBy != "cli" {
		t.Errorf("release 1: %+v (%v)", rel, err)
	}
}

func TestPublishCommandRefusesPaywallCopyErrorsAndPrintsWarnings(t *testing.T) {
	db := tempDB(t)
	f, err := catalog.Parse(bytes.NewReader(catalog.Demo))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range f.Paywalls {
		if p.Ref != "spring" {
			continue
		}
		en, de := p.Copy["en"], p.Copy["de"]
		en.CTA, de.Subtitle = "", ""
		f.Paywalls[i].Copy["en"], f.Paywalls[i].Copy["de"] = en, de
	}
	body, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	mustCLI(t, "", "apply", "--db", db, "-f", writeFile(t, "spring.json", body))
	out, errOut, err := cli(t, "", "publish", "--db", db, "--app", "calm-sky")
	const wantErr = `Paywall "Spring offer": the English call to action is empty; write one before publishing.`
	if err == nil || !strings.Contains(err.Error(), "nothing was published") || !strings.Contains(err.Error(), wantErr) {
		t.Errorf("publish error %v, want one naming %q", err, wantErr)
	}
	if out != "" {
		t.Errorf("a refused publish printed %q", out)
	}
	const wantWarning = `warning: Paywall "Spring offer": the German copy has no subtitle, which the English copy has; devices set to German show none.`
	if !strings.Contains(errOut, wantWarning) {
		t.Errorf("stderr %q lacks %q", errOut, wantWarning)
	}
	st := openDB(t, db)
	app, err := st.AppBySlug(context.Background(), "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	if list, err := st.Releases(context.Background(), app.ID); err != nil || len(list) != 0 {
		t.Errorf("%d releases after a refused publish (%v)", len(list), err)
	}
}

func TestExportSnapshotsCommandWritesWhatTheAPIServes(t *testing.T) {
	db := tempDB(t)
	mustCLI(t, "", "apply", "--db", db, "-f", writeFile(t, "demo.json", catalog.Demo))
	dir := filepath.Join(t.TempDir(), "cdn")
	if out := mustCLI(t, "", "export-snapshots", "--db", db, "--dir", dir); out != "wrote 0 snapshots and 0 images to "+dir+"\n" {
		t.Errorf("before publishing: %q", out)
	}
	mustCLI(t, "", "publish", "--db", db, "--app", "calm-sky")
	if out := mustCLI(t, "", "export-snapshots", "--db", db, "--dir", dir); out != "wrote 4 snapshots and 1 images to "+dir+"\n" {
		t.Errorf("export printed %q", out)
	}

	st := openDB(t, db)
	sdk, err := sdkapi.New(context.Background(), st, slog.New(slog.NewTextHandler(io.Discard, nil)), sdkapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sdk.Close(context.Background())
	srv := httptest.NewServer(sdk)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	files := 0
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if strings.HasPrefix(filepath.Base(path), ".") {
			t.Errorf("a temporary file was left behind: %s", rel)
		}
		if !strings.HasPrefix(rel, "sdk"+string(filepath.Separator)) {
			return nil
		}
		files++
		urlPath := "/" + filepath.ToSlash(strings.TrimSuffix(rel, ".gz"))
		req, err := http.NewRequest("GET", srv.URL+urlPath, nil)
		if err != nil {
			return err
		}
		if strings.HasSuffix(rel, ".gz") {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		served, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		written, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK || string(served) != string(written) {
			t.Errorf("%s: the API answers %d with other bytes than the file", rel, res.StatusCode)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != 8 {
		t.Errorf("%d config files, want config and config.gz for 4 platforms", files)
	}
}
