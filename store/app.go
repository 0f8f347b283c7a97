package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// App is one product across all its store platforms.
type App struct {
	ID        int64
	Slug      string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	// DraftGeneration counts the changes to the app's drafts: triggers bump it on every write of
	// a row the catalog file is made of (migration 014), so equal numbers mean equal drafts.
	DraftGeneration int64
}

// AppSummary is an app with the counts the app list shows.
type AppSummary struct {
	App
	Platforms     int
	Entitlements  int
	Products      int
	Paywalls      int
	Campaigns     int
	LiveCampaigns int
	LastRelease   int
}

const appColumns = `a.id, a.slug, a.name, a.created_at, a.updated_at, a.draft_generation`

func scanApp(row interface{ Scan(...any) error }, extra ...any) (App, error) {
	var a App
	var created, updated string
	if err := row.Scan(append([]any{&a.ID, &a.Slug, &a.Name, &created, &updated, &a.DraftGeneration}, extra...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, ErrNotFound
		}
		return a, err
	}
	var err1, err2 error
	a.CreatedAt, err1 = parseTime(created)
	a.UpdatedAt, err2 = parseTime(updated)
	return a, errors.Join(err1, err2)
}

// AppBySlug finds an app by its slug.
func (s Reader) AppBySlug(ctx context.Context, slug string) (App, error) {
	a, err := scanApp(s.q.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps a WHERE a.slug = ?`, slug))
	if err != nil {
		return a, fmt.Errorf("store.AppBySlug %q: %w", slug, err)
	}
	return a, nil
}

// AppLink is an app's slug and name, for the app switcher.
type AppLink struct {
	Slug, Name string
}

// AppLinks lists every app's slug and name by name: one cheap query, without the counts of
// AppSummaries, for pages that show other apps only as links.
func (s Reader) AppLinks(ctx context.Context) ([]AppLink, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT slug, name FROM apps ORDER BY name COLLATE NOCASE, slug`)
	if err != nil {
		return nil, fmt.Errorf("store.AppLinks: %w", err)
	}
	defer rows.Close()
	var out []AppLink
	for rows.Next() {
		var l AppLink
		if err := rows.Scan(&l.Slug, &l.Name); err != nil {
			return nil, fmt.Errorf("store.AppLinks: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// AppSummaries lists every app by name, with counts.
func (s Reader) AppSummaries(ctx context.Context) ([]AppSummary, error) {
	out, err := s.appSummaries(ctx, "", nil)
	if err != nil {
		return nil, fmt.Errorf("store.AppSummaries: %w", err)
	}
	return out, nil
}

// AppSummary returns one app's counts.
func (s Reader) AppSummary(ctx context.Context, slug string) (AppSummary, error) {
	out, err := s.appSummaries(ctx, "WHERE a.slug = ?", []any{slug})
	switch {
	case err != nil:
		return AppSummary{}, fmt.Errorf("store.AppSummary %q: %w", slug, err)
	case len(out) == 0:
		return AppSummary{}, fmt.Errorf("store.AppSummary %q: %w", slug, ErrNotFound)
	}
	return out[0], nil
}

func (s Reader) appSummaries(ctx context.Context, where string, args []any) ([]AppSummary, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+appColumns+`,
		(SELECT count(*) FROM app_platforms p WHERE p.app_id = a.id),
		(SELECT count(*) FROM entitlements e WHERE e.app_id = a.id),
		(SELECT count(*) FROM products pr JOIN app_platforms p ON p.id = pr.platform_id WHERE p.app_id = a.id),
		(SELECT count(*) FROM paywalls w WHERE w.app_id = a.id),
		(SELECT count(*) FROM campaigns c WHERE c.app_id = a.id),
		(SELECT count(*) FROM campaigns c WHERE c.app_id = a.id AND c.status = 'live'),
		(SELECT coalesce(max(number), 0) FROM releases r WHERE r.app_id = a.id)
		FROM apps a `+where+` ORDER BY a.name COLLATE NOCASE, a.slug`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AppSummary
	for rows.Next() {
		var sum AppSummary
		sum.App, err = scanApp(rows, &sum.Platforms, &sum.Entitlements, &sum.Products, &sum.Paywalls, &sum.Campaigns, &sum.LiveCampaigns, &sum.LastRelease)
		if err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	return out, rows.Err()
}

// CreateApp inserts a; a taken slug is ErrConflict.
func (t *Tx) CreateApp(ctx context.Context, a *App) error {
	a.CreatedAt, a.UpdatedAt = t.now, t.now
	res, err := t.tx.ExecContext(ctx, `INSERT INTO apps (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		a.Slug, a.Name, formatTime(t.now), formatTime(t.now))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store.CreateApp %q: %w", a.Slug, ErrConflict)
		}
		return fmt.Errorf("store.CreateApp: %w", err)
	}
	a.ID, err = res.LastInsertId()
	return err
}

// UpdateApp renames an app.
func (t *Tx) UpdateApp(ctx context.Context, a *App) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE apps SET name = ?, updated_at = ? WHERE id = ?`, a.Name, formatTime(t.now), a.ID)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.UpdateApp: %w", err)
	}
	return nil
}

// TouchApp marks the app's drafts as changed now.
func (t *Tx) TouchApp(ctx context.Context, appID int64) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE apps SET updated_at = ? WHERE id = ?`, formatTime(t.now), appID); err != nil {
		return fmt.Errorf("store.TouchApp: %w", err)
	}
	return nil
}

// DeleteApp removes an app and everything it owns.
func (t *Tx) DeleteApp(ctx context.Context, appID int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM apps WHERE id = ?`, appID)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.DeleteApp: %w", err)
	}
	return nil
}
