package sdkapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nami/publish"
	"nami/sdkapi"
	"nami/store"
)

// TestSDKReadersSeeWholeReleasesThatNeverGoBack hammers config from several readers while
// releases are published, half by this server and half by "another process" (a second Store on
// the file) that only the poller notices. Every answer must be one whole release: its body
// hashes to its ETag, and the ETag is the one stored for the release number the body names.
// No reader may ever see a release number lower than one it saw before.
func TestSDKReadersSeeWholeReleasesThatNeverGoBack(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.PollInterval = 5 * time.Millisecond
	env.sdk.Start()
	env.publishApp("calm-sky")
	other, err := store.Open(context.Background(), env.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	const releases = 12
	ctx := context.Background()
	app, err := env.st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	ios := platformID(t, env.st, demoIOS)

	var stop atomic.Bool
	var answers atomic.Int64
	var wg sync.WaitGroup
	type seen struct {
		release int
		etag    string
	}
	results := make([][]seen, 6)
	for r := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := 0
			for !stop.Load() {
				a := env.do("GET", configPath(demoIOS), "")
				if a.status != http.StatusOK {
					t.Errorf("reader %d: status %d", r, a.status)
					return
				}
				sum := sha256.Sum256(a.body)
				if etag := `"` + hex.EncodeToString(sum[:]) + `"`; etag != a.header.Get("ETag") {
					t.Errorf("reader %d: the body does not hash to its ETag: a torn answer", r)
					return
				}
				doc := decodeSnapshot(t, a.body)
				if doc.Release < last {
					t.Errorf("reader %d: release %d after %d", r, doc.Release, last)
					return
				}
				last = doc.Release
				results[r] = append(results[r], seen{doc.Release, a.header.Get("ETag")})
				answers.Add(1)
			}
		}()
	}

	for i := 2; i <= releases; i++ {
		// Each release changes what iOS devices see: the monthly price.
		err := env.st.InTx(ctx, func(tx *store.Tx) error {
			pr, err := tx.Product(ctx, app.ID, "ios", "com.example.calmsky.monthly")
			if err != nil {
				return err
			}
			pr.Price = fmt.Sprintf("%d.99", i)
			return tx.UpdateProduct(ctx, &pr)
		})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			env.publishApp("calm-sky")
		} else if _, err := publish.Publish(ctx, other, "calm-sky", "cli", ""); err != nil {
			t.Fatal(err)
		}
		time.Sleep(15 * time.Millisecond)
	}
	deadline := time.Now().Add(time.Second)
	for {
		if n, _ := env.sdk.Release(demoIOS); n == releases || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	stop.Store(true)
	wg.Wait()

	stored := map[int]string{}
	list, err := env.st.Releases(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range list {
		sn, err := env.st.Snapshot(ctx, rel.ID, ios)
		if err != nil {
			t.Fatal(err)
		}
		stored[rel.Number] = sn.ETag
	}
	distinct := map[int]bool{}
	for r, rs := range results {
		for _, s := range rs {
			if stored[s.release] != s.etag {
				t.Fatalf("reader %d got release %d with ETag %s; release %d's snapshot is %s", r, s.release, s.etag, s.release, stored[s.release])
			}
			distinct[s.release] = true
		}
		if len(rs) > 0 && rs[len(rs)-1].release != releases {
			t.Errorf("reader %d ended on release %d, want %d", r, rs[len(rs)-1].release, releases)
		}
	}
	t.Logf("%d answers covering %d releases", answers.Load(), len(distinct))
	if len(distinct) < 3 {
		t.Errorf("readers saw only %d releases; the test did not overlap reads and publishes", len(distinct))
	}
}

// TestSnapshotExportEqualsWhatTheAPIServes checks that `nami export-snapshots` writes, for every
// platform, the bytes the SDK API serves, gzip form included, and the images they name.
func TestSnapshotExportEqualsWhatTheAPIServes(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")
	dir := t.TempDir()
	n, err := publish.ExportSnapshots(context.Background(), env.st.Reader, dir)
	if err != nil {
		t.Fatal(err)
	}
	if n.Snapshots != 4 || n.Images != 1 {
		t.Errorf("exported %+v, want 4 snapshots and 1 image", n)
	}
	for _, key := range []string{demoIOS, demoAndroid, demoWeb, "pk_4xdqy6xfjgjfra6oiaum8mons6gjjhs0"} {
		file, err := os.ReadFile(dir + configPath(key))
		if err != nil {
			t.Fatal(err)
		}
		if served := env.do("GET", configPath(key), ""); string(served.body) != string(file) {
			t.Errorf("%s: the exported config differs from the served one", key)
		}
		gz, err := os.ReadFile(dir + configPath(key) + ".gz")
		if err != nil {
			t.Fatal(err)
		}
		if served := env.do("GET", configPath(key), "", "Accept-Encoding", "gzip"); string(served.body) != string(gz) {
			t.Errorf("%s: the exported config.gz differs from the served gzip answer", key)
		}
		doc := decodeSnapshot(t, file)
		for _, pw := range doc.Paywalls {
			if pw.HeroImage == nil {
				continue
			}
			img, err := os.ReadFile(dir + *pw.HeroImage)
			if err != nil {
				t.Errorf("%s: paywall %s's image: %v", key, pw.Ref, err)
			} else if served := env.do("GET", *pw.HeroImage, ""); string(served.body) != string(img) {
				t.Errorf("%s: the exported image differs from the served one", key)
			}
		}
	}
}
