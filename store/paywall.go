package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Theme is a paywall's three colours, each "#RRGGBB", and the palette it has for a dark
// appearance, zero when it has none.
type Theme struct {
	Accent     string  `json:"accent"`
	Background string  `json:"background"`
	Text       string  `json:"text"`
	Dark       Palette `json:"dark,omitzero"`
}

// Palette is the three colours of a paywall's dark appearance, each "#RRGGBB".
type Palette struct {
	Accent     string `json:"accent"`
	Background string `json:"background"`
	Text       string `json:"text"`
}

// HasDark reports whether the theme has a dark palette.
func (t Theme) HasDark() bool { return t.Dark != Palette{} }

// Copy is a paywall's text in one locale; Body and Footer are Markdown.
type Copy struct {
	Locale   string
	Title    string
	Subtitle string
	Body     string
	CTA      string
	Footer   string
}

// PaywallProduct is one product a paywall offers, in order.
type PaywallProduct struct {
	ProductID   int64
	PlatformRef string
	SKU         string
	Badge       string
	Highlighted bool
}

// Paywall is the visual offer: copy per locale, imagery, a theme and the products to buy.
type Paywall struct {
	ID            int64
	AppID         int64
	Ref           string
	Name          string
	Template      string
	DefaultLocale string
	Theme         Theme
	HeroImage     string // image hash, or "" for none
	Copy          []Copy // sorted by locale
	Products      []PaywallProduct
	// SDK marks the paywall for SDK use: snapshots carry it even when no live campaign shows it.
	SDK       bool
	Version   int
	UpdatedAt time.Time
	UpdatedBy string
}

// CopyFor returns the copy of a locale and whether there is one.
func (p Paywall) CopyFor(locale string) (Copy, bool) {
	for _, c := range p.Copy {
		if c.Locale == locale {
			return c, true
		}
	}
	return Copy{}, false
}

// Locales lists the locales the paywall has copy for.
func (p Paywall) Locales() []string {
	out := make([]string, len(p.Copy))
	for i, c := range p.Copy {
		out[i] = c.Locale
	}
	return out
}

// PaywallSummary is a paywall as the list shows it.
type PaywallSummary struct {
	Ref, Name, Template, DefaultLocale string
	HeroImage                          string
	Accent                             string
	Locales                            int
	Products                           int
	Campaigns                          []string // names of the campaigns that use it
	UpdatedAt                          time.Time
	UpdatedBy                          string
}

// PaywallSummaries lists an app's paywalls by name.
func (s Reader) PaywallSummaries(ctx context.Context, appID int64) ([]PaywallSummary, error) {
	return s.paywallSummaries(ctx, ` WHERE w.app_id = ? ORDER BY w.name COLLATE NOCASE, w.ref`, appID)
}

// paywallColumns are the columns scanPaywall reads, in its order.
const paywallColumns = `id, app_id, ref, name, template, default_locale, accent, background, text_color,
		dark_accent, dark_background, dark_text_color, hero_image, sdk,
		version, updated_at, updated_by`

// scanPaywall reads a paywall's own row (paywallColumns), without its copy and products.
func scanPaywall(row interface{ Scan(...any) error }) (Paywall, error) {
	var p Paywall
	var hero sql.NullString
	var updated string
	var dark [3]sql.NullString
	err := row.Scan(&p.ID, &p.AppID, &p.Ref, &p.Name, &p.Template, &p.DefaultLocale, &p.Theme.Accent, &p.Theme.Background, &p.Theme.Text,
		&dark[0], &dark[1], &dark[2], &hero, &p.SDK, &p.Version, &updated, &p.UpdatedBy)
	if err != nil {
		return p, err
	}
	p.HeroImage = hero.String
	p.Theme.Dark = Palette{Accent: dark[0].String, Background: dark[1].String, Text: dark[2].String}
	p.UpdatedAt, err = parseTime(updated)
	return p, err
}

// Paywall loads one of an app's paywalls with its copy and products.
func (s Reader) Paywall(ctx context.Context, appID int64, ref string) (Paywall, error) {
	p, err := scanPaywall(s.q.QueryRowContext(ctx, `SELECT `+paywallColumns+` FROM paywalls WHERE app_id = ? AND ref = ?`, appID, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("store.Paywall %q: %w", ref, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("store.Paywall %q: %w", ref, err)
	}
	if err := s.loadPaywallChildren(ctx, &p); err != nil {
		return p, fmt.Errorf("store.Paywall %q: %w", ref, err)
	}
	return p, nil
}

// Paywalls loads every paywall of an app, complete, by ref: three queries (paywalls, their copy,
// their products) whatever the number of paywalls.
func (s Reader) Paywalls(ctx context.Context, appID int64) ([]Paywall, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+paywallColumns+` FROM paywalls WHERE app_id = ? ORDER BY ref`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.Paywalls: %w", err)
	}
	var out []Paywall
	for rows.Next() {
		p, err := scanPaywall(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store.Paywalls: %w", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.Paywalls: %w", err)
	}
	byID := make(map[int64]*Paywall, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	rows, err = s.q.QueryContext(ctx, `SELECT c.paywall_id, c.locale, c.title, c.subtitle, c.body, c.cta, c.footer FROM paywall_copy c
		JOIN paywalls w ON w.id = c.paywall_id WHERE w.app_id = ? ORDER BY c.paywall_id, c.locale`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.Paywalls: %w", err)
	}
	for rows.Next() {
		var id int64
		var c Copy
		if err := rows.Scan(&id, &c.Locale, &c.Title, &c.Subtitle, &c.Body, &c.CTA, &c.Footer); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store.Paywalls: %w", err)
		}
		if p := byID[id]; p != nil {
			p.Copy = append(p.Copy, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.Paywalls: %w", err)
	}
	rows, err = s.q.QueryContext(ctx, `SELECT pp.paywall_id, pp.product_id, pl.ref, pr.sku, pp.badge, pp.highlighted FROM paywall_products pp
		JOIN paywalls w ON w.id = pp.paywall_id
		JOIN products pr ON pr.id = pp.product_id JOIN app_platforms pl ON pl.id = pr.platform_id
		WHERE w.app_id = ? ORDER BY pp.paywall_id, pp.position`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.Paywalls: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var pp PaywallProduct
		if err := rows.Scan(&id, &pp.ProductID, &pp.PlatformRef, &pp.SKU, &pp.Badge, &pp.Highlighted); err != nil {
			return nil, fmt.Errorf("store.Paywalls: %w", err)
		}
		if p := byID[id]; p != nil {
			p.Products = append(p.Products, pp)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.Paywalls: %w", err)
	}
	if out == nil {
		out = []Paywall{}
	}
	return out, nil
}

func (s Reader) loadPaywallChildren(ctx context.Context, p *Paywall) error {
	rows, err := s.q.QueryContext(ctx, `SELECT locale, title, subtitle, body, cta, footer FROM paywall_copy WHERE paywall_id = ? ORDER BY locale`, p.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c Copy
		if err := rows.Scan(&c.Locale, &c.Title, &c.Subtitle, &c.Body, &c.CTA, &c.Footer); err != nil {
			rows.Close()
			return err
		}
		p.Copy = append(p.Copy, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.q.QueryContext(ctx, `SELECT pp.product_id, pl.ref, pr.sku, pp.badge, pp.highlighted FROM paywall_products pp
		JOIN products pr ON pr.id = pp.product_id JOIN app_platforms pl ON pl.id = pr.platform_id
		WHERE pp.paywall_id = ? ORDER BY pp.position`, p.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pp PaywallProduct
		if err := rows.Scan(&pp.ProductID, &pp.PlatformRef, &pp.SKU, &pp.Badge, &pp.Highlighted); err != nil {
			return err
		}
		p.Products = append(p.Products, pp)
	}
	return rows.Err()
}

// CreatePaywall inserts p with its copy and products; a taken ref is ErrConflict.
func (t *Tx) CreatePaywall(ctx context.Context, p *Paywall) error {
	p.Version, p.UpdatedAt = 1, t.now
	res, err := t.tx.ExecContext(ctx, `INSERT INTO paywalls (app_id, ref, name, template, default_locale, accent, background, text_color,
		dark_accent, dark_background, dark_text_color, hero_image, sdk, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.AppID, p.Ref, p.Name, p.Template, p.DefaultLocale, p.Theme.Accent, p.Theme.Background, p.Theme.Text,
		nullString(p.Theme.Dark.Accent), nullString(p.Theme.Dark.Background), nullString(p.Theme.Dark.Text), nullString(p.HeroImage),
		p.SDK, formatTime(t.now), p.UpdatedBy)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store.CreatePaywall %q: %w", p.Ref, ErrConflict)
		}
		return fmt.Errorf("store.CreatePaywall: %w", err)
	}
	if p.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if err := t.writePaywallChildren(ctx, p); err != nil {
		return err
	}
	return t.recordPaywall(ctx, p)
}

// UpdatePaywall replaces p's fields, copy and products if its Version is current, then bumps it.
// A stale Version or a taken ref is ErrConflict.
func (t *Tx) UpdatePaywall(ctx context.Context, p *Paywall) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE paywalls SET ref = ?, name = ?, template = ?, default_locale = ?, accent = ?, background = ?,
		text_color = ?, dark_accent = ?, dark_background = ?, dark_text_color = ?, hero_image = ?, sdk = ?, version = version + 1,
		updated_at = ?, updated_by = ? WHERE id = ? AND version = ?`,
		p.Ref, p.Name, p.Template, p.DefaultLocale, p.Theme.Accent, p.Theme.Background, p.Theme.Text,
		nullString(p.Theme.Dark.Accent), nullString(p.Theme.Dark.Background), nullString(p.Theme.Dark.Text), nullString(p.HeroImage),
		p.SDK, formatTime(t.now), p.UpdatedBy, p.ID, p.Version)
	if err := affectedOne(res, err, true); err != nil {
		return fmt.Errorf("store.UpdatePaywall %q: %w", p.Ref, err)
	}
	p.Version++
	p.UpdatedAt = t.now
	if err := t.writePaywallChildren(ctx, p); err != nil {
		return err
	}
	return t.recordPaywall(ctx, p)
}

func (t *Tx) writePaywallChildren(ctx context.Context, p *Paywall) error {
	for _, q := range []string{`DELETE FROM paywall_copy WHERE paywall_id = ?`, `DELETE FROM paywall_products WHERE paywall_id = ?`} {
		if _, err := t.tx.ExecContext(ctx, q, p.ID); err != nil {
			return fmt.Errorf("store.writePaywallChildren: %w", err)
		}
	}
	for _, c := range p.Copy {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO paywall_copy (paywall_id, locale, title, subtitle, body, cta, footer) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.ID, c.Locale, c.Title, c.Subtitle, c.Body, c.CTA, c.Footer); err != nil {
			return fmt.Errorf("store.writePaywallChildren copy %q: %w", c.Locale, err)
		}
	}
	for i, pp := range p.Products {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO paywall_products (paywall_id, position, product_id, badge, highlighted) VALUES (?, ?, ?, ?, ?)`,
			p.ID, i, pp.ProductID, pp.Badge, pp.Highlighted); err != nil {
			return fmt.Errorf("store.writePaywallChildren product %d: %w", i, err)
		}
	}
	return nil
}

// PaywallCampaigns names the campaigns whose variants show the paywall.
func (s Reader) PaywallCampaigns(ctx context.Context, paywallID int64) ([]string, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT DISTINCT c.name FROM campaign_variants v JOIN campaigns c ON c.id = v.campaign_id
		WHERE v.paywall_id = ? ORDER BY c.name`, paywallID)
	if err != nil {
		return nil, fmt.Errorf("store.PaywallCampaigns: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store.PaywallCampaigns: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// ErrInUse is returned when deleting something that others still refer to.
var ErrInUse = errors.New("in use")

// DeletePaywall removes a paywall; one still used by a campaign is ErrInUse.
func (t *Tx) DeletePaywall(ctx context.Context, id int64) error {
	used, err := t.PaywallCampaigns(ctx, id)
	if err != nil {
		return err
	}
	if len(used) > 0 {
		return fmt.Errorf("store.DeletePaywall: used by %s: %w", strings.Join(used, ", "), ErrInUse)
	}
	if err := t.forgetVersions(ctx, EntityPaywall, "paywalls", id); err != nil {
		return err
	}
	res, err := t.tx.ExecContext(ctx, `DELETE FROM paywalls WHERE id = ?`, id)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.DeletePaywall: %w", err)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
