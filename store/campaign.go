package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"nami/engine"
)

// CampaignVariant is one arm of a campaign: a paywall shown to a weight (whole percent) of devices.
type CampaignVariant struct {
	Ref         string
	PaywallID   int64
	PaywallRef  string // filled by queries
	PaywallName string // filled by queries
	Weight      int
}

// Campaign is the rules for when and how paywalls are shown at one placement label.
type Campaign struct {
	ID             int64
	AppID          int64
	Ref            string
	Name           string
	Label          string
	Status         string
	Priority       int
	StartsAt       *time.Time
	EndsAt         *time.Time
	HoldoutPercent int
	Audience       engine.Audience
	Variants       []CampaignVariant
	Version        int
	UpdatedAt      time.Time
}

// Rules turns the campaign into the engine's plain value.
func (c Campaign) Rules() engine.Campaign {
	out := engine.Campaign{Ref: c.Ref, Name: c.Name, Label: c.Label, Status: c.Status, Priority: c.Priority,
		StartsAt: c.StartsAt, EndsAt: c.EndsAt, HoldoutPercent: c.HoldoutPercent, Audience: c.Audience}
	for _, v := range c.Variants {
		out.Variants = append(out.Variants, engine.Variant{Ref: v.Ref, Paywall: v.PaywallRef, Weight: v.Weight})
	}
	return out
}

// Campaigns loads every campaign of an app with its variants, by label then priority (highest first) then ref.
func (s Reader) Campaigns(ctx context.Context, appID int64) ([]Campaign, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT id, app_id, ref, name, label, status, priority, starts_at, ends_at, holdout_percent,
		audience, version, updated_at FROM campaigns WHERE app_id = ? ORDER BY label, priority DESC, ref`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.Campaigns: %w", err)
	}
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store.Campaigns: %w", err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.Campaigns: %w", err)
	}
	// Every campaign's variants in one query, not one per campaign.
	byID := make(map[int64]*Campaign, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	rows, err = s.q.QueryContext(ctx, `SELECT v.campaign_id, v.ref, v.paywall_id, w.ref, w.name, v.weight FROM campaign_variants v
		JOIN campaigns c ON c.id = v.campaign_id JOIN paywalls w ON w.id = v.paywall_id
		WHERE c.app_id = ? ORDER BY v.campaign_id, v.position`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.Campaigns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v CampaignVariant
		if err := rows.Scan(&id, &v.Ref, &v.PaywallID, &v.PaywallRef, &v.PaywallName, &v.Weight); err != nil {
			return nil, fmt.Errorf("store.Campaigns: %w", err)
		}
		if c := byID[id]; c != nil {
			c.Variants = append(c.Variants, v)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.Campaigns: %w", err)
	}
	return out, nil
}

// Campaign loads one of an app's campaigns by ref.
func (s Reader) Campaign(ctx context.Context, appID int64, ref string) (Campaign, error) {
	c, err := scanCampaign(s.q.QueryRowContext(ctx, `SELECT id, app_id, ref, name, label, status, priority, starts_at, ends_at,
		holdout_percent, audience, version, updated_at FROM campaigns WHERE app_id = ? AND ref = ?`, appID, ref))
	if err != nil {
		return c, fmt.Errorf("store.Campaign %q: %w", ref, err)
	}
	if err := s.loadVariants(ctx, &c); err != nil {
		return c, fmt.Errorf("store.Campaign %q: %w", ref, err)
	}
	return c, nil
}

func scanCampaign(row interface{ Scan(...any) error }) (Campaign, error) {
	var c Campaign
	var starts, ends sql.NullString
	var audience, updated string
	err := row.Scan(&c.ID, &c.AppID, &c.Ref, &c.Name, &c.Label, &c.Status, &c.Priority, &starts, &ends, &c.HoldoutPercent,
		&audience, &c.Version, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, err
	}
	if c.StartsAt, err = scanNullTime(starts); err != nil {
		return c, err
	}
	if c.EndsAt, err = scanNullTime(ends); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(audience), &c.Audience); err != nil {
		return c, fmt.Errorf("audience of %q: %w", c.Ref, err)
	}
	c.UpdatedAt, err = parseTime(updated)
	return c, err
}

func (s Reader) loadVariants(ctx context.Context, c *Campaign) error {
	rows, err := s.q.QueryContext(ctx, `SELECT v.ref, v.paywall_id, w.ref, w.name, v.weight FROM campaign_variants v
		JOIN paywalls w ON w.id = v.paywall_id WHERE v.campaign_id = ? ORDER BY v.position`, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	c.Variants = nil
	for rows.Next() {
		var v CampaignVariant
		if err := rows.Scan(&v.Ref, &v.PaywallID, &v.PaywallRef, &v.PaywallName, &v.Weight); err != nil {
			return err
		}
		c.Variants = append(c.Variants, v)
	}
	return rows.Err()
}

func audienceJSON(a engine.Audience) (string, error) {
	if a.Match == "" {
		a.Match = engine.MatchAll
	}
	if a.Conditions == nil {
		a.Conditions = []engine.Condition{}
	}
	b, err := json.Marshal(a)
	return string(b), err
}

// CreateCampaign inserts c with its variants; a taken ref is ErrConflict.
func (t *Tx) CreateCampaign(ctx context.Context, c *Campaign) error {
	aud, err := audienceJSON(c.Audience)
	if err != nil {
		return fmt.Errorf("store.CreateCampaign: %w", err)
	}
	c.Version, c.UpdatedAt = 1, t.now
	res, err := t.tx.ExecContext(ctx, `INSERT INTO campaigns (app_id, ref, name, label, status, priority, starts_at, ends_at,
		holdout_percent, audience, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.AppID, c.Ref, c.Name, c.Label, c.Status, c.Priority, nullTime(c.StartsAt), nullTime(c.EndsAt), c.HoldoutPercent, aud, formatTime(t.now))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store.CreateCampaign %q: %w", c.Ref, ErrConflict)
		}
		return fmt.Errorf("store.CreateCampaign: %w", err)
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if err := t.writeVariants(ctx, c); err != nil {
		return err
	}
	return t.recordCampaign(ctx, c)
}

// UpdateCampaign replaces c and its variants if its Version is current; stale or taken ref: ErrConflict.
func (t *Tx) UpdateCampaign(ctx context.Context, c *Campaign) error {
	aud, err := audienceJSON(c.Audience)
	if err != nil {
		return fmt.Errorf("store.UpdateCampaign: %w", err)
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE campaigns SET ref = ?, name = ?, label = ?, status = ?, priority = ?, starts_at = ?, ends_at = ?,
		holdout_percent = ?, audience = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		c.Ref, c.Name, c.Label, c.Status, c.Priority, nullTime(c.StartsAt), nullTime(c.EndsAt), c.HoldoutPercent, aud, formatTime(t.now),
		c.ID, c.Version)
	if err := affectedOne(res, err, true); err != nil {
		return fmt.Errorf("store.UpdateCampaign %q: %w", c.Ref, err)
	}
	c.Version++
	c.UpdatedAt = t.now
	if err := t.writeVariants(ctx, c); err != nil {
		return err
	}
	return t.recordCampaign(ctx, c)
}

func (t *Tx) writeVariants(ctx context.Context, c *Campaign) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM campaign_variants WHERE campaign_id = ?`, c.ID); err != nil {
		return fmt.Errorf("store.writeVariants: %w", err)
	}
	for i, v := range c.Variants {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO campaign_variants (campaign_id, position, ref, paywall_id, weight) VALUES (?, ?, ?, ?, ?)`,
			c.ID, i, v.Ref, v.PaywallID, v.Weight); err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("store.writeVariants %q: %w", v.Ref, ErrConflict)
			}
			return fmt.Errorf("store.writeVariants %q: %w", v.Ref, err)
		}
	}
	return nil
}

// DeleteCampaign removes a campaign and its variants.
func (t *Tx) DeleteCampaign(ctx context.Context, id int64) error {
	if err := t.forgetVersions(ctx, EntityCampaign, "campaigns", id); err != nil {
		return err
	}
	res, err := t.tx.ExecContext(ctx, `DELETE FROM campaigns WHERE id = ?`, id)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.DeleteCampaign: %w", err)
	}
	return nil
}
