package publish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"nami/snapshot"
	"nami/store"
	"nami/urls"
)

// Exported counts what ExportSnapshots wrote.
type Exported struct {
	Snapshots int // platforms with a published snapshot
	Images    int
	Removed   int // configs of keys no longer served (rotated or deleted since an earlier export)
}

// ConfigPath is where a platform's config lives under an export directory, the same path the
// SDK API serves it at: DIR/sdk/v1/platforms/{key}/config (and config.gz beside it).
func ConfigPath(dir, key string) string {
	return filepath.Join(dir, "sdk", "v1", "platforms", key, "config")
}

// ExportSnapshots writes every platform's current snapshot under dir, laid out as the SDK API
// serves it, so that any static host or CDN can serve apps while the control center is down:
// the JSON at ConfigPath, its gzip form beside it as config.gz, and the paywalls' images at
// DIR/images/{sha256}, the path the snapshots name them by. Each file is written to a temporary
// name and renamed, so a host serving dir never sees half a file.
func ExportSnapshots(ctx context.Context, r store.Reader, dir string) (Exported, error) {
	var out Exported
	live, err := r.LivePlatforms(ctx)
	if err != nil {
		return out, fmt.Errorf("publish.ExportSnapshots: %w", err)
	}
	images := map[string]bool{}
	written := map[string]bool{}
	for _, lp := range live {
		if !lp.Published {
			continue
		}
		written[lp.Key] = true
		sn, err := r.Snapshot(ctx, lp.ReleaseID, lp.PlatformID)
		if err != nil {
			return out, fmt.Errorf("publish.ExportSnapshots: %w", err)
		}
		path := ConfigPath(dir, lp.Key)
		if err := writeFile(path, sn.Body); err != nil {
			return out, fmt.Errorf("publish.ExportSnapshots: %w", err)
		}
		gz := sn.Gzip
		if len(gz) == 0 { // compiled before gzip forms were stored
			enc, err := snapshot.Pack(sn.Body)
			if err != nil {
				return out, fmt.Errorf("publish.ExportSnapshots: %w", err)
			}
			gz = enc.Gzip
		}
		if err := writeFile(path+".gz", gz); err != nil {
			return out, fmt.Errorf("publish.ExportSnapshots: %w", err)
		}
		out.Snapshots++
		doc, err := snapshot.Decode(sn.Body)
		if err != nil {
			return out, fmt.Errorf("publish.ExportSnapshots: %w", err)
		}
		for _, pw := range doc.Paywalls {
			if pw.HeroImage != nil {
				images[strings.TrimPrefix(*pw.HeroImage, urls.Image(""))] = true
			}
		}
	}
	for hash := range images {
		img, err := r.Image(ctx, hash)
		if err != nil {
			return out, fmt.Errorf("publish.ExportSnapshots: image %s: %w", hash, err)
		}
		if err := writeFile(filepath.Join(dir, "images", hash), img.Data); err != nil {
			return out, fmt.Errorf("publish.ExportSnapshots: %w", err)
		}
		out.Images++
	}
	removed, err := removeStaleConfigs(dir, written)
	out.Removed = removed
	if err != nil {
		return out, fmt.Errorf("publish.ExportSnapshots: %w", err)
	}
	return out, nil
}

// removeStaleConfigs deletes, under DIR/sdk/v1/platforms, the config files of keys the API no
// longer serves, so a static host stops answering for a rotated or deleted key as the API does.
// It removes only the files this export writes (config, config.gz) and then the folder if empty.
func removeStaleConfigs(dir string, keep map[string]bool) (int, error) {
	root := filepath.Join(dir, "sdk", "v1", "platforms")
	entries, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return 0, nil // nothing exported there yet
	}
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, e := range entries {
		if !e.IsDir() || keep[e.Name()] || !strings.HasPrefix(e.Name(), "pk_") {
			continue
		}
		cfg := ConfigPath(dir, e.Name())
		found := false
		for _, f := range []string{cfg, cfg + ".gz"} {
			err := os.Remove(f)
			switch {
			case err == nil:
				found = true
			case !os.IsNotExist(err):
				return removed, err
			}
		}
		if found {
			removed++
		}
		if err := os.Remove(filepath.Dir(cfg)); err != nil && !os.IsNotExist(err) && !isNotEmpty(err) {
			return removed, err
		}
	}
	return removed, nil
}

// isNotEmpty reports whether err says a folder still holds files (someone else's; left alone).
func isNotEmpty(err error) bool {
	return err != nil && strings.Contains(err.Error(), "directory not empty")
}

// writeFile writes data to path through a temporary file in the same directory and a rename.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
