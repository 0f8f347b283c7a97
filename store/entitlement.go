package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Entitlement is access to a set of features, shared across an app's platforms.
type Entitlement struct {
	ID          int64
	AppID       int64
	Ref         string
	Name        string
	Description string
	Version     int
	Products    int // how many products grant it, filled by list queries
}

const entitlementColumns = `e.id, e.app_id, e.ref, e.name, e.description, e.version,
	(SELECT count(*) FROM product_entitlements pe WHERE pe.entitlement_id = e.id)`

func scanEntitlement(row interface{ Scan(...any) error }) (Entitlement, error) {
	var e Entitlement
	err := row.Scan(&e.ID, &e.AppID, &e.Ref, &e.Name, &e.Description, &e.Version, &e.Products)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

// Entitlements lists an app's entitlements by ref.
func (s Reader) Entitlements(ctx context.Context, appID int64) ([]Entitlement, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+entitlementColumns+` FROM entitlements e WHERE e.app_id = ? ORDER BY e.ref`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.Entitlements: %w", err)
	}
	defer rows.Close()
	var out []Entitlement
	for rows.Next() {
		e, err := scanEntitlement(rows)
		if err != nil {
			return nil, fmt.Errorf("store.Entitlements: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Entitlement finds one of an app's entitlements by ref.
func (s Reader) Entitlement(ctx context.Context, appID int64, ref string) (Entitlement, error) {
	e, err := scanEntitlement(s.q.QueryRowContext(ctx, `SELECT `+entitlementColumns+` FROM entitlements e WHERE e.app_id = ? AND e.ref = ?`, appID, ref))
	if err != nil {
		return e, fmt.Errorf("store.Entitlement %q: %w", ref, err)
	}
	return e, nil
}

// CreateEntitlement inserts e; a taken ref is ErrConflict.
func (t *Tx) CreateEntitlement(ctx context.Context, e *Entitlement) error {
	e.Version = 1
	res, err := t.tx.ExecContext(ctx, `INSERT INTO entitlements (app_id, ref, name, description) VALUES (?, ?, ?, ?)`,
		e.AppID, e.Ref, e.Name, e.Description)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store.CreateEntitlement %q: %w", e.Ref, ErrConflict)
		}
		return fmt.Errorf("store.CreateEntitlement: %w", err)
	}
	e.ID, err = res.LastInsertId()
	return err
}

// UpdateEntitlement saves e if its Version is current; stale or taken ref: ErrConflict.
func (t *Tx) UpdateEntitlement(ctx context.Context, e *Entitlement) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE entitlements SET ref = ?, name = ?, description = ?, version = version + 1
		WHERE id = ? AND version = ?`, e.Ref, e.Name, e.Description, e.ID, e.Version)
	if err := affectedOne(res, err, true); err != nil {
		return fmt.Errorf("store.UpdateEntitlement %q: %w", e.Ref, err)
	}
	e.Version++
	return nil
}

// DeleteEntitlement removes an entitlement; products stop granting it.
func (t *Tx) DeleteEntitlement(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM entitlements WHERE id = ?`, id)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.DeleteEntitlement: %w", err)
	}
	return nil
}
