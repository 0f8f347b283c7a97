package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// StorePlatform is a marketplace that processes payments (apple, google, amazon, roku, web).
type StorePlatform struct {
	Code string
	Name string
}

// AppPlatform is an app's presence on one store, with the public SDK key apps use.
type AppPlatform struct {
	ID          int64
	AppID       int64
	Ref         string
	Store       string
	Name        string
	BundleID    string
	Environment string // production or sandbox
	Key         string
	Version     int
	Products    int // count, filled by list queries
}

// StorePlatforms lists the seeded store catalog in display order.
func (s Reader) StorePlatforms(ctx context.Context) ([]StorePlatform, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT code, name FROM store_platforms ORDER BY position`)
	if err != nil {
		return nil, fmt.Errorf("store.StorePlatforms: %w", err)
	}
	defer rows.Close()
	var out []StorePlatform
	for rows.Next() {
		var p StorePlatform
		if err := rows.Scan(&p.Code, &p.Name); err != nil {
			return nil, fmt.Errorf("store.StorePlatforms: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

const platformColumns = `p.id, p.app_id, p.ref, p.store, p.name, p.bundle_id, p.environment, p.sdk_key, p.version,
	(SELECT count(*) FROM products pr WHERE pr.platform_id = p.id)`

func scanPlatform(row interface{ Scan(...any) error }) (AppPlatform, error) {
	var p AppPlatform
	err := row.Scan(&p.ID, &p.AppID, &p.Ref, &p.Store, &p.Name, &p.BundleID, &p.Environment, &p.Key, &p.Version, &p.Products)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// Platforms lists an app's platforms by store then ref.
func (s Reader) Platforms(ctx context.Context, appID int64) ([]AppPlatform, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+platformColumns+` FROM app_platforms p
		JOIN store_platforms sp ON sp.code = p.store WHERE p.app_id = ? ORDER BY sp.position, p.ref`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.Platforms: %w", err)
	}
	defer rows.Close()
	var out []AppPlatform
	for rows.Next() {
		p, err := scanPlatform(rows)
		if err != nil {
			return nil, fmt.Errorf("store.Platforms: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Platform finds one of an app's platforms by ref.
func (s Reader) Platform(ctx context.Context, appID int64, ref string) (AppPlatform, error) {
	p, err := scanPlatform(s.q.QueryRowContext(ctx, `SELECT `+platformColumns+` FROM app_platforms p WHERE p.app_id = ? AND p.ref = ?`, appID, ref))
	if err != nil {
		return p, fmt.Errorf("store.Platform %q: %w", ref, err)
	}
	return p, nil
}

// PlatformByKey finds a platform by its SDK key, across all apps.
func (s Reader) PlatformByKey(ctx context.Context, key string) (AppPlatform, error) {
	p, err := scanPlatform(s.q.QueryRowContext(ctx, `SELECT `+platformColumns+` FROM app_platforms p WHERE p.sdk_key = ?`, key))
	if err != nil {
		return p, fmt.Errorf("store.PlatformByKey: %w", err)
	}
	return p, nil
}

// NewKey makes a fresh public SDK key: "pk_" and 32 random characters.
func NewKey() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("store.NewKey: %v", err)) // crypto/rand never fails on supported systems
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "pk_" + string(b)
}

// CreatePlatform inserts p, generating a key when it has none. A taken ref or key is ErrConflict.
func (t *Tx) CreatePlatform(ctx context.Context, p *AppPlatform) error {
	if p.Key == "" {
		p.Key = NewKey()
	}
	p.Version = 1
	res, err := t.tx.ExecContext(ctx, `INSERT INTO app_platforms (app_id, ref, store, name, bundle_id, environment, sdk_key)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p.AppID, p.Ref, p.Store, p.Name, p.BundleID, p.Environment, p.Key)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store.CreatePlatform %q: %w", p.Ref, ErrConflict)
		}
		return fmt.Errorf("store.CreatePlatform: %w", err)
	}
	p.ID, err = res.LastInsertId()
	return err
}

// UpdatePlatform saves p if its Version is current, then bumps it. Stale or taken key: ErrConflict.
func (t *Tx) UpdatePlatform(ctx context.Context, p *AppPlatform) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE app_platforms SET ref = ?, store = ?, name = ?, bundle_id = ?, environment = ?, sdk_key = ?,
		version = version + 1 WHERE id = ? AND version = ?`, p.Ref, p.Store, p.Name, p.BundleID, p.Environment, p.Key, p.ID, p.Version)
	if err := affectedOne(res, err, true); err != nil {
		return fmt.Errorf("store.UpdatePlatform %q: %w", p.Ref, err)
	}
	p.Version++
	return nil
}

// DeletePlatform removes a platform and its products.
func (t *Tx) DeletePlatform(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM app_platforms WHERE id = ?`, id)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.DeletePlatform: %w", err)
	}
	return nil
}
