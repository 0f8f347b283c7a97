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
	for _, lp := range live {
		if !lp.Published {
			continue
		}
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
	return out, nil
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
