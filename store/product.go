package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Product is an in-app purchase as set up in one store, on one of the app's platforms.
type Product struct {
	ID           int64
	PlatformID   int64
	PlatformRef  string // filled by queries, for display and the catalog file
	Store        string // the platform's store code, filled by queries
	SKU          string
	Name         string
	Kind         string // subscription, non_consumable, consumable
	Price        string // decimal string, e.g. "9.99"
	Currency     string // ISO 4217
	Period       string // ISO 8601 billing period for subscriptions
	Trial        string // optional ISO 8601 free trial
	Entitlements []string
	Version      int
}

const productColumns = `pr.id, pr.platform_id, p.ref, p.store, pr.sku, pr.name, pr.kind, pr.price, pr.currency, pr.period, pr.trial, pr.version,
	coalesce((SELECT group_concat(ref, ' ') FROM (SELECT e.ref FROM product_entitlements pe JOIN entitlements e ON e.id = pe.entitlement_id
		WHERE pe.product_id = pr.id ORDER BY e.ref)), '')`

func scanProduct(row interface{ Scan(...any) error }) (Product, error) {
	var pr Product
	var ents string
	err := row.Scan(&pr.ID, &pr.PlatformID, &pr.PlatformRef, &pr.Store, &pr.SKU, &pr.Name, &pr.Kind, &pr.Price, &pr.Currency,
		&pr.Period, &pr.Trial, &pr.Version, &ents)
	if errors.Is(err, sql.ErrNoRows) {
		return pr, ErrNotFound
	}
	pr.Entitlements = strings.Fields(ents)
	return pr, err
}

// Products lists an app's products, by platform then sku.
func (s Reader) Products(ctx context.Context, appID int64) ([]Product, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+productColumns+` FROM products pr
		JOIN app_platforms p ON p.id = pr.platform_id JOIN store_platforms sp ON sp.code = p.store
		WHERE p.app_id = ? ORDER BY sp.position, p.ref, pr.sku`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.Products: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		pr, err := scanProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("store.Products: %w", err)
		}
		out = append(out, pr)
	}
	return out, rows.Err()
}

// Product finds a product by its platform ref and sku within an app.
func (s Reader) Product(ctx context.Context, appID int64, platformRef, sku string) (Product, error) {
	pr, err := scanProduct(s.q.QueryRowContext(ctx, `SELECT `+productColumns+` FROM products pr
		JOIN app_platforms p ON p.id = pr.platform_id WHERE p.app_id = ? AND p.ref = ? AND pr.sku = ?`, appID, platformRef, sku))
	if err != nil {
		return pr, fmt.Errorf("store.Product %s/%s: %w", platformRef, sku, err)
	}
	return pr, nil
}

// ProductByID finds a product by id, within an app.
func (s Reader) ProductByID(ctx context.Context, appID, id int64) (Product, error) {
	pr, err := scanProduct(s.q.QueryRowContext(ctx, `SELECT `+productColumns+` FROM products pr
		JOIN app_platforms p ON p.id = pr.platform_id WHERE p.app_id = ? AND pr.id = ?`, appID, id))
	if err != nil {
		return pr, fmt.Errorf("store.ProductByID %d: %w", id, err)
	}
	return pr, nil
}

// CreateProduct inserts pr and its entitlement grants (refs of the platform's app).
func (t *Tx) CreateProduct(ctx context.Context, pr *Product) error {
	pr.Version = 1
	res, err := t.tx.ExecContext(ctx, `INSERT INTO products (platform_id, sku, name, kind, price, currency, period, trial)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, pr.PlatformID, pr.SKU, pr.Name, pr.Kind, pr.Price, pr.Currency, pr.Period, pr.Trial)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store.CreateProduct %q: %w", pr.SKU, ErrConflict)
		}
		return fmt.Errorf("store.CreateProduct: %w", err)
	}
	if pr.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return t.setGrants(ctx, pr)
}

// UpdateProduct saves pr if its Version is current; stale or taken sku: ErrConflict.
func (t *Tx) UpdateProduct(ctx context.Context, pr *Product) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE products SET platform_id = ?, sku = ?, name = ?, kind = ?, price = ?, currency = ?,
		period = ?, trial = ?, version = version + 1 WHERE id = ? AND version = ?`,
		pr.PlatformID, pr.SKU, pr.Name, pr.Kind, pr.Price, pr.Currency, pr.Period, pr.Trial, pr.ID, pr.Version)
	if err := affectedOne(res, err, true); err != nil {
		return fmt.Errorf("store.UpdateProduct %q: %w", pr.SKU, err)
	}
	pr.Version++
	return t.setGrants(ctx, pr)
}

func (t *Tx) setGrants(ctx context.Context, pr *Product) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM product_entitlements WHERE product_id = ?`, pr.ID); err != nil {
		return fmt.Errorf("store.setGrants: %w", err)
	}
	for _, ref := range pr.Entitlements {
		res, err := t.tx.ExecContext(ctx, `INSERT INTO product_entitlements (product_id, entitlement_id)
			SELECT ?, e.id FROM entitlements e JOIN app_platforms p ON p.app_id = e.app_id WHERE p.id = ? AND e.ref = ?`,
			pr.ID, pr.PlatformID, ref)
		if err := affectedOne(res, err, false); err != nil {
			return fmt.Errorf("store.setGrants entitlement %q: %w", ref, err)
		}
	}
	return nil
}

// DeleteProduct removes a product; paywalls stop offering it.
func (t *Tx) DeleteProduct(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM products WHERE id = ?`, id)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.DeleteProduct: %w", err)
	}
	return nil
}
