package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Release is a published, immutable version of an app's whole configuration. Numbers count
// 1, 2, 3 ... per app.
type Release struct {
	ID              int64
	AppID           int64
	Number          int
	Note            string
	CreatedBy       string
	CreatedAt       time.Time
	RepublishedFrom int // the number of the release this one copied, or 0
	// DraftGeneration is the app's DraftGeneration the release was published from; -1 when
	// unknown (a republished release, or one stored before migration 014).
	DraftGeneration int64
	Platforms       []string // refs of the platforms it has a snapshot for, by ref; filled by Releases
}

// Snapshot is one platform's compiled configuration in a release: the JSON the SDK API serves,
// its gzip form and its ETag.
type Snapshot struct {
	ReleaseID  int64
	PlatformID int64
	Body       []byte
	Gzip       []byte
	ETag       string
}

const releaseColumns = `r.id, r.app_id, r.number, r.note, r.created_by, r.created_at, r.republished_from, r.draft_generation`

func scanRelease(row interface{ Scan(...any) error }, extra ...any) (Release, error) {
	var r Release
	var created string
	err := row.Scan(append([]any{&r.ID, &r.AppID, &r.Number, &r.Note, &r.CreatedBy, &created, &r.RepublishedFrom, &r.DraftGeneration}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, err
	}
	r.CreatedAt, err = parseTime(created)
	return r, err
}

// Releases lists an app's releases, newest first, each with the refs of its snapshots' platforms.
func (s Reader) Releases(ctx context.Context, appID int64) ([]Release, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+releaseColumns+`,
		coalesce((SELECT group_concat(ref, ' ') FROM (SELECT p.ref FROM snapshots sn JOIN app_platforms p ON p.id = sn.platform_id
			WHERE sn.release_id = r.id ORDER BY p.ref)), '')
		FROM releases r WHERE r.app_id = ? ORDER BY r.number DESC`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.Releases: %w", err)
	}
	defer rows.Close()
	var out []Release
	for rows.Next() {
		var refs string
		r, err := scanRelease(rows, &refs)
		if err != nil {
			return nil, fmt.Errorf("store.Releases: %w", err)
		}
		r.Platforms = strings.Fields(refs)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Release finds one of an app's releases by number.
func (s Reader) Release(ctx context.Context, appID int64, number int) (Release, error) {
	r, err := scanRelease(s.q.QueryRowContext(ctx, `SELECT `+releaseColumns+` FROM releases r WHERE r.app_id = ? AND r.number = ?`,
		appID, number))
	if err != nil {
		return r, fmt.Errorf("store.Release %d: %w", number, err)
	}
	return r, nil
}

// LastRelease returns an app's newest release, or ErrNotFound before the first one.
func (s Reader) LastRelease(ctx context.Context, appID int64) (Release, error) {
	r, err := scanRelease(s.q.QueryRowContext(ctx, `SELECT `+releaseColumns+` FROM releases r WHERE r.app_id = ?
		ORDER BY r.number DESC LIMIT 1`, appID))
	if err != nil {
		return r, fmt.Errorf("store.LastRelease: %w", err)
	}
	return r, nil
}

// ReleaseCatalog returns the catalog file (JSON) that a release was published from.
func (s Reader) ReleaseCatalog(ctx context.Context, releaseID int64) ([]byte, error) {
	var body []byte
	err := s.q.QueryRowContext(ctx, `SELECT catalog FROM releases WHERE id = ?`, releaseID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store.ReleaseCatalog: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store.ReleaseCatalog: %w", err)
	}
	return body, nil
}

// Snapshot loads a platform's snapshot in a release.
func (s Reader) Snapshot(ctx context.Context, releaseID, platformID int64) (Snapshot, error) {
	sn := Snapshot{ReleaseID: releaseID, PlatformID: platformID}
	err := s.q.QueryRowContext(ctx, `SELECT body, gzip, etag FROM snapshots WHERE release_id = ? AND platform_id = ?`,
		releaseID, platformID).Scan(&sn.Body, &sn.Gzip, &sn.ETag)
	if errors.Is(err, sql.ErrNoRows) {
		return sn, fmt.Errorf("store.Snapshot: %w", ErrNotFound)
	}
	if err != nil {
		return sn, fmt.Errorf("store.Snapshot: %w", err)
	}
	return sn, nil
}

// CreateRelease numbers r after the app's newest release, stamps it with the transaction's time
// and inserts it with the catalog file it was published from. BEGIN IMMEDIATE makes the
// number race-free: two publishers of the same app get consecutive numbers.
func (t *Tx) CreateRelease(ctx context.Context, r *Release, catalog []byte) error {
	if err := t.tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) + 1 FROM releases WHERE app_id = ?`, r.AppID).
		Scan(&r.Number); err != nil {
		return fmt.Errorf("store.CreateRelease: %w", err)
	}
	created := formatTime(t.now)
	r.CreatedAt, _ = parseTime(created) // as read back, so a release compares equal to itself read from the database
	res, err := t.tx.ExecContext(ctx, `INSERT INTO releases (app_id, number, note, created_by, created_at, catalog, republished_from,
		draft_generation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.AppID, r.Number, r.Note, r.CreatedBy, created, catalog,
		r.RepublishedFrom, r.DraftGeneration)
	if err != nil {
		return fmt.Errorf("store.CreateRelease: %w", err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("store.CreateRelease: %w", err)
	}
	return nil
}

// PutSnapshot stores one platform's compiled snapshot of a release.
func (t *Tx) PutSnapshot(ctx context.Context, sn Snapshot) error {
	gz := sn.Gzip
	if gz == nil {
		gz = []byte{} // the column is NOT NULL; empty means "compress when loading"
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO snapshots (release_id, platform_id, body, gzip, etag) VALUES (?, ?, ?, ?, ?)`,
		sn.ReleaseID, sn.PlatformID, sn.Body, gz, sn.ETag)
	if err != nil {
		return fmt.Errorf("store.PutSnapshot: %w", err)
	}
	return nil
}

// LivePlatform is an app platform as the SDK API sees it: its key, and its app's newest release
// with the id of this platform's snapshot in it (0 when the release has none, or there is no release).
type LivePlatform struct {
	PlatformID int64
	AppID      int64
	Key        string
	ReleaseID  int64 // the app's newest release, 0 before the first
	Release    int   // its number
	Published  bool  // the newest release has a snapshot for this platform
}

// LivePlatforms lists every app platform of the install with its app's newest release, in one
// statement, so the answer is one consistent view of the database.
func (s Reader) LivePlatforms(ctx context.Context) ([]LivePlatform, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT p.id, p.app_id, p.sdk_key, coalesce(r.id, 0), coalesce(r.number, 0),
		EXISTS (SELECT 1 FROM snapshots sn WHERE sn.release_id = r.id AND sn.platform_id = p.id)
		FROM app_platforms p
		LEFT JOIN releases r ON r.app_id = p.app_id AND r.number = (SELECT max(number) FROM releases x WHERE x.app_id = p.app_id)
		ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("store.LivePlatforms: %w", err)
	}
	defer rows.Close()
	var out []LivePlatform
	for rows.Next() {
		var lp LivePlatform
		if err := rows.Scan(&lp.PlatformID, &lp.AppID, &lp.Key, &lp.ReleaseID, &lp.Release, &lp.Published); err != nil {
			return nil, fmt.Errorf("store.LivePlatforms: %w", err)
		}
		out = append(out, lp)
	}
	return out, rows.Err()
}

// PublishState is a cheap fingerprint of what the SDK API serves: it changes when a release is
// published and when a platform is added, edited (a rotated key) or deleted.
type PublishState struct {
	MaxReleaseID     int64
	Platforms        int64
	PlatformVersions int64
	MaxPlatformID    int64
	Generation       int64 // bumped by every platform insert, update and delete
}

// PublishState reads the fingerprint; it is cheap enough to poll twice a second.
func (s Reader) PublishState(ctx context.Context) (PublishState, error) {
	var ps PublishState
	err := s.q.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id), 0) FROM releases),
		count(*), coalesce(sum(version), 0), coalesce(max(id), 0), (SELECT n FROM platform_generation WHERE id = 1)
		FROM app_platforms`).
		Scan(&ps.MaxReleaseID, &ps.Platforms, &ps.PlatformVersions, &ps.MaxPlatformID, &ps.Generation)
	if err != nil {
		return ps, fmt.Errorf("store.PublishState: %w", err)
	}
	return ps, nil
}
