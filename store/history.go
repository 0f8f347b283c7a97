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

// The kinds of entity whose saves are kept in entity_versions.
const (
	EntityPaywall  = "paywall"
	EntityCampaign = "campaign"
)

// actorKey carries the signed-in user's email on a context, for the Tx that context starts.
type actorKey struct{}

// WithActor returns ctx carrying who is changing things (an email): InTx sets it as the Tx's
// Actor, which every saved version records.
func WithActor(ctx context.Context, email string) context.Context {
	return context.WithValue(ctx, actorKey{}, email)
}

// actorFrom is the email WithActor put on ctx, or "".
func actorFrom(ctx context.Context) string {
	s, _ := ctx.Value(actorKey{}).(string)
	return s
}

// PaywallBody is a paywall's content as its history keeps it: no row ids, products by platform
// ref and SKU, copy sorted by locale.
type PaywallBody struct {
	Ref           string               `json:"ref"`
	Name          string               `json:"name"`
	Template      string               `json:"template"`
	DefaultLocale string               `json:"default_locale"`
	Theme         Theme                `json:"theme"`
	HeroImage     string               `json:"hero_image"`
	Copy          []CopyBody           `json:"copy"`
	Products      []PaywallProductBody `json:"products"`
	SDK           bool                 `json:"sdk,omitempty"` // marked for SDK use; absent in versions from before the mark
}

// CopyBody is one locale's copy in a PaywallBody.
type CopyBody struct {
	Locale   string `json:"locale"`
	Title    string `json:"title"`
	Subtitle string `json:"subtitle"`
	Body     string `json:"body"`
	CTA      string `json:"cta"`
	Footer   string `json:"footer"`
}

// PaywallProductBody is one offered product in a PaywallBody.
type PaywallProductBody struct {
	Platform    string `json:"platform"`
	SKU         string `json:"sku"`
	Badge       string `json:"badge"`
	Highlighted bool   `json:"highlighted"`
}

// CampaignBody is a campaign's content as its history keeps it: variants by paywall ref.
type CampaignBody struct {
	Ref            string          `json:"ref"`
	Name           string          `json:"name"`
	Label          string          `json:"label"`
	Status         string          `json:"status"`
	Priority       int             `json:"priority"`
	StartsAt       *time.Time      `json:"starts_at"`
	EndsAt         *time.Time      `json:"ends_at"`
	HoldoutPercent int             `json:"holdout_percent"`
	Audience       engine.Audience `json:"audience"`
	Variants       []VariantBody   `json:"variants"`
}

// VariantBody is one variant in a CampaignBody.
type VariantBody struct {
	Ref     string `json:"ref"`
	Paywall string `json:"paywall"`
	Weight  int    `json:"weight"`
}

// BodyOfPaywall is p's content as its history keeps it.
func BodyOfPaywall(p Paywall) PaywallBody {
	b := PaywallBody{Ref: p.Ref, Name: p.Name, Template: p.Template, DefaultLocale: p.DefaultLocale, Theme: p.Theme,
		HeroImage: p.HeroImage, Copy: []CopyBody{}, Products: []PaywallProductBody{}, SDK: p.SDK}
	for _, c := range p.Copy {
		b.Copy = append(b.Copy, CopyBody{Locale: c.Locale, Title: c.Title, Subtitle: c.Subtitle, Body: c.Body, CTA: c.CTA, Footer: c.Footer})
	}
	for _, pp := range p.Products {
		b.Products = append(b.Products, PaywallProductBody{Platform: pp.PlatformRef, SKU: pp.SKU, Badge: pp.Badge, Highlighted: pp.Highlighted})
	}
	return b
}

// BodyOfCampaign is c's content as its history keeps it; variants need PaywallRef.
func BodyOfCampaign(c Campaign) CampaignBody {
	b := CampaignBody{Ref: c.Ref, Name: c.Name, Label: c.Label, Status: c.Status, Priority: c.Priority, StartsAt: c.StartsAt,
		EndsAt: c.EndsAt, HoldoutPercent: c.HoldoutPercent, Audience: c.Audience, Variants: []VariantBody{}}
	if b.Audience.Match == "" {
		b.Audience.Match = engine.MatchAll
	}
	if b.Audience.Conditions == nil {
		b.Audience.Conditions = []engine.Condition{}
	}
	for _, v := range c.Variants {
		b.Variants = append(b.Variants, VariantBody{Ref: v.Ref, Paywall: v.PaywallRef, Weight: v.Weight})
	}
	return b
}

// EntityVersion is one saved version of a paywall or campaign.
type EntityVersion struct {
	Entity    string // EntityPaywall or EntityCampaign
	Ref       string
	Version   int
	SavedAt   time.Time
	UserEmail string // "" when unknown
	Body      json.RawMessage
}

// Paywall decodes the body of a paywall's version.
func (v EntityVersion) Paywall() (PaywallBody, error) {
	var b PaywallBody
	if err := json.Unmarshal(v.Body, &b); err != nil {
		return b, fmt.Errorf("version %d of paywall %q: %w", v.Version, v.Ref, err)
	}
	return b, nil
}

// Campaign decodes the body of a campaign's version.
func (v EntityVersion) Campaign() (CampaignBody, error) {
	var b CampaignBody
	if err := json.Unmarshal(v.Body, &b); err != nil {
		return b, fmt.Errorf("version %d of campaign %q: %w", v.Version, v.Ref, err)
	}
	return b, nil
}

// Versions lists the saved versions of one paywall or campaign, newest first.
func (s Reader) Versions(ctx context.Context, appID int64, entity, ref string) ([]EntityVersion, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT entity, ref, version, saved_at, user_email, body FROM entity_versions
		WHERE app_id = ? AND entity = ? AND ref = ? ORDER BY version DESC`, appID, entity, ref)
	if err != nil {
		return nil, fmt.Errorf("store.Versions: %w", err)
	}
	defer rows.Close()
	var out []EntityVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("store.Versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Version loads one saved version of a paywall or campaign; ErrNotFound when there is none.
func (s Reader) Version(ctx context.Context, appID int64, entity, ref string, version int) (EntityVersion, error) {
	v, err := scanVersion(s.q.QueryRowContext(ctx, `SELECT entity, ref, version, saved_at, user_email, body FROM entity_versions
		WHERE app_id = ? AND entity = ? AND ref = ? AND version = ?`, appID, entity, ref, version))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("store.Version %s %q %d: %w", entity, ref, version, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("store.Version %s %q %d: %w", entity, ref, version, err)
	}
	return v, nil
}

func scanVersion(row interface{ Scan(...any) error }) (EntityVersion, error) {
	var v EntityVersion
	var saved, body string
	if err := row.Scan(&v.Entity, &v.Ref, &v.Version, &saved, &v.UserEmail, &body); err != nil {
		return v, err
	}
	v.Body = json.RawMessage(body)
	var err error
	v.SavedAt, err = parseTime(saved)
	return v, err
}

// recordPaywall keeps the paywall as just written (read back in the transaction, so products
// carry their platform and SKU whatever the caller filled in) as its version p.Version.
func (t *Tx) recordPaywall(ctx context.Context, p *Paywall) error {
	saved, err := t.Paywall(ctx, p.AppID, p.Ref)
	if err != nil {
		return fmt.Errorf("store.recordPaywall: %w", err)
	}
	who := t.Actor
	if who == "" {
		who = saved.UpdatedBy
	}
	return t.recordVersion(ctx, p.AppID, EntityPaywall, saved.Ref, saved.Version, who, BodyOfPaywall(saved))
}

// recordCampaign keeps the campaign as just written as its version c.Version.
func (t *Tx) recordCampaign(ctx context.Context, c *Campaign) error {
	saved, err := t.Campaign(ctx, c.AppID, c.Ref)
	if err != nil {
		return fmt.Errorf("store.recordCampaign: %w", err)
	}
	return t.recordVersion(ctx, c.AppID, EntityCampaign, saved.Ref, saved.Version, t.Actor, BodyOfCampaign(saved))
}

func (t *Tx) recordVersion(ctx context.Context, appID int64, entity, ref string, version int, who string, body any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("store.recordVersion: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO entity_versions (app_id, entity, ref, version, saved_at, user_email, body)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, appID, entity, ref, version, formatTime(t.now), who, string(data)); err != nil {
		return fmt.Errorf("store.recordVersion %s %q %d: %w", entity, ref, version, err)
	}
	return nil
}

// forgetVersions drops the history of a paywall or campaign that is being deleted, so that a
// new one with the same ref starts its own history at version 1.
func (t *Tx) forgetVersions(ctx context.Context, entity, table string, id int64) error {
	_, err := t.tx.ExecContext(ctx, `DELETE FROM entity_versions WHERE entity = ? AND (app_id, ref) =
		(SELECT app_id, ref FROM `+table+` WHERE id = ?)`, entity, id)
	if err != nil {
		return fmt.Errorf("store.forgetVersions: %w", err)
	}
	return nil
}
