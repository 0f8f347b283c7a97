package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"time"
)

// OrphanImageGrace is how long an image nothing references is kept: an image uploaded into an
// editor whose paywall was then not saved with it, or replaced since, survives a day.
const OrphanImageGrace = 24 * time.Hour

// imageUnreferenced is the condition, on images i, that no draft paywall shows the image and no
// release's snapshot ("/images/<hash>") or saved paywall version (history, which "restore" may
// bring back) names it.
const imageUnreferenced = `NOT EXISTS (SELECT 1 FROM paywalls p WHERE p.hero_image = i.hash)
	AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE instr(CAST(s.body AS TEXT), i.hash) > 0)
	AND NOT EXISTS (SELECT 1 FROM entity_versions v WHERE v.entity = 'paywall' AND instr(v.body, i.hash) > 0)`

// catalogImage finds the images of a release's catalog file, which holds them as data URIs.
var catalogImage = regexp.MustCompile(`"data:image/[A-Za-z0-9.+-]+;base64,([A-Za-z0-9+/=]+)"`)

// DeleteOrphanImages deletes the images created before createdBefore that no draft paywall, no
// release (its snapshots or the catalog file it was published from) and no saved paywall
// version references, and says how many it deleted. Serve runs it hourly with a day's grace
// (OrphanImageGrace), so that an image uploaded but not yet saved with its paywall survives.
func (s *Store) DeleteOrphanImages(ctx context.Context, createdBefore time.Time) (int, error) {
	cutoff := formatTime(createdBefore)
	rows, err := s.r.QueryContext(ctx, `SELECT i.hash FROM images i WHERE julianday(i.created_at) < julianday(?) AND `+imageUnreferenced, cutoff)
	if err != nil {
		return 0, fmt.Errorf("store.DeleteOrphanImages: %w", err)
	}
	var candidates []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store.DeleteOrphanImages: %w", err)
		}
		candidates = append(candidates, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store.DeleteOrphanImages: %w", err)
	}
	if len(candidates) == 0 {
		return 0, nil
	}
	inCatalogs, err := s.catalogImages(ctx)
	if err != nil {
		return 0, err
	}
	deleted := 0
	for _, h := range candidates {
		if inCatalogs[h] {
			continue
		}
		// Checked again in the write transaction: a save since the scan may have used the image.
		res, err := s.w.ExecContext(ctx, `DELETE FROM images AS i WHERE i.hash = ? AND julianday(i.created_at) < julianday(?) AND `+imageUnreferenced, h, cutoff)
		if err != nil {
			return deleted, fmt.Errorf("store.DeleteOrphanImages: %w", err)
		}
		n, _ := res.RowsAffected()
		deleted += int(n)
	}
	return deleted, nil
}

// catalogImages returns the hashes of the images in every release's catalog file.
func (s *Store) catalogImages(ctx context.Context) (map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT catalog FROM releases`)
	if err != nil {
		return nil, fmt.Errorf("store.DeleteOrphanImages: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("store.DeleteOrphanImages: %w", err)
		}
		for _, m := range catalogImage.FindAllSubmatch(body, -1) {
			data, err := base64.StdEncoding.DecodeString(string(m[1]))
			if err != nil {
				continue
			}
			out[ImageHash(data)] = true
		}
	}
	return out, rows.Err()
}
