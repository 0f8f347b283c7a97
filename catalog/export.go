package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"nami/offer"
	"nami/store"
)

// Export returns the drafts of the app with the given slug as a catalog file, in a stable order:
// platforms, entitlements, paywalls and campaigns by ref, products by platform ref then sku,
// each product's entitlements sorted; a paywall's products and a campaign's conditions and
// variants keep their order. Pass a transaction's Reader for a view consistent across the sections.
// An unknown slug is an error wrapping store.ErrNotFound.
func Export(ctx context.Context, r store.Reader, slug string) (*File, error) {
	app, err := r.AppBySlug(ctx, slug)
	if err != nil {
		return nil, fmt.Errorf("catalog.Export: %w", err)
	}
	platforms, err := r.Platforms(ctx, app.ID)
	if err != nil {
		return nil, fmt.Errorf("catalog.Export %s: %w", slug, err)
	}
	entitlements, err := r.Entitlements(ctx, app.ID)
	if err != nil {
		return nil, fmt.Errorf("catalog.Export %s: %w", slug, err)
	}
	products, err := r.Products(ctx, app.ID)
	if err != nil {
		return nil, fmt.Errorf("catalog.Export %s: %w", slug, err)
	}
	f := &File{
		Format:       Format,
		App:          AppDoc{Slug: app.Slug, Name: app.Name},
		Platforms:    make([]PlatformDoc, 0, len(platforms)),
		Entitlements: make([]EntitlementDoc, 0, len(entitlements)),
		Products:     make([]ProductDoc, 0, len(products)),
	}
	for _, p := range platforms {
		f.Platforms = append(f.Platforms, PlatformDoc{Ref: p.Ref, Store: p.Store, Name: p.Name,
			BundleID: p.BundleID, Environment: p.Environment, Key: p.Key})
	}
	for _, e := range entitlements {
		f.Entitlements = append(f.Entitlements, EntitlementDoc{Ref: e.Ref, Name: e.Name, Description: e.Description})
	}
	for _, p := range products {
		grants := append([]string{}, p.Entitlements...)
		slices.Sort(grants)
		f.Products = append(f.Products, ProductDoc{Platform: p.PlatformRef, SKU: p.SKU, Name: p.Name, Kind: p.Kind,
			Price: p.Price, Currency: p.Currency, Period: p.Period, Trial: p.Trial, Entitlements: grants})
	}
	if f.Paywalls, err = exportPaywalls(ctx, r, app.ID); err != nil {
		return nil, fmt.Errorf("catalog.Export %s: %w", slug, err)
	}
	if f.Campaigns, err = exportCampaigns(ctx, r, app.ID); err != nil {
		return nil, fmt.Errorf("catalog.Export %s: %w", slug, err)
	}
	sortFile(f)
	return f, nil
}

// ExportTheme is a stored theme as the catalog file writes it: "dark" only when it has a dark palette.
func ExportTheme(t store.Theme) ThemeDoc {
	out := ThemeDoc{Accent: t.Accent, Background: t.Background, Text: t.Text}
	if t.HasDark() {
		out.Dark = &PaletteDoc{Accent: t.Dark.Accent, Background: t.Dark.Background, Text: t.Dark.Text}
	}
	return out
}

// exportPaywalls writes each paywall with its products in their order and its hero image as
// a data URI of the stored bytes, so that applying the export stores the same image.
func exportPaywalls(ctx context.Context, r store.Reader, appID int64) ([]PaywallDoc, error) {
	paywalls, err := r.Paywalls(ctx, appID)
	if err != nil {
		return nil, err
	}
	out := make([]PaywallDoc, 0, len(paywalls))
	for _, p := range paywalls {
		doc := PaywallDoc{Ref: p.Ref, Name: p.Name, Template: p.Template, DefaultLocale: p.DefaultLocale, SDK: p.SDK,
			Theme:    ExportTheme(p.Theme),
			Copy:     make(map[string]CopyDoc, len(p.Copy)),
			Products: make([]PaywallProductDoc, 0, len(p.Products))}
		if p.HeroImage != "" {
			img, err := r.Image(ctx, p.HeroImage)
			if err != nil {
				return nil, fmt.Errorf("hero image of paywall %q: %w", p.Ref, err)
			}
			doc.HeroImage = offer.DataURI(img.ContentType, img.Data)
		}
		for _, c := range p.Copy {
			doc.Copy[c.Locale] = CopyDoc{Title: c.Title, Subtitle: c.Subtitle, Body: c.Body, CTA: c.CTA, Footer: c.Footer}
		}
		for _, pp := range p.Products {
			doc.Products = append(doc.Products, PaywallProductDoc{Platform: pp.PlatformRef, SKU: pp.SKU, Badge: pp.Badge,
				Highlighted: pp.Highlighted})
		}
		out = append(out, doc)
	}
	return out, nil
}

// exportCampaigns writes each campaign with its times in RFC 3339 UTC (null when open), its
// match spelled out, and its conditions and variants in their order.
func exportCampaigns(ctx context.Context, r store.Reader, appID int64) ([]CampaignDoc, error) {
	campaigns, err := r.Campaigns(ctx, appID)
	if err != nil {
		return nil, err
	}
	out := make([]CampaignDoc, 0, len(campaigns))
	for _, c := range campaigns {
		aud := normalAudience(c.Audience)
		doc := CampaignDoc{Ref: c.Ref, Name: c.Name, Label: c.Label, Status: c.Status, Priority: c.Priority,
			StartsAt: formatTime(c.StartsAt), EndsAt: formatTime(c.EndsAt), HoldoutPercent: c.HoldoutPercent,
			Audience: AudienceDoc{Match: aud.Match, Conditions: make([]ConditionDoc, 0, len(aud.Conditions))},
			Variants: make([]VariantDoc, 0, len(c.Variants))}
		for _, cond := range aud.Conditions {
			doc.Audience.Conditions = append(doc.Audience.Conditions, ConditionDoc{Attribute: cond.Attribute,
				Operator: cond.Operator, Values: cond.Values})
		}
		for _, v := range c.Variants {
			doc.Variants = append(doc.Variants, VariantDoc{Ref: v.Ref, Paywall: v.PaywallRef, Weight: v.Weight})
		}
		out = append(out, doc)
	}
	return out, nil
}

// formatTime writes an optional time as RFC 3339 in UTC, e.g. "2026-12-01T00:00:00Z", keeping
// any fraction of a second.
func formatTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

// sortFile puts f's sections in the order Export writes them.
func sortFile(f *File) {
	slices.SortFunc(f.Platforms, func(x, y PlatformDoc) int { return cmp.Compare(x.Ref, y.Ref) })
	slices.SortFunc(f.Entitlements, func(x, y EntitlementDoc) int { return cmp.Compare(x.Ref, y.Ref) })
	slices.SortFunc(f.Products, func(x, y ProductDoc) int {
		return cmp.Or(cmp.Compare(x.Platform, y.Platform), cmp.Compare(x.SKU, y.SKU))
	})
	slices.SortFunc(f.Paywalls, func(x, y PaywallDoc) int { return cmp.Compare(x.Ref, y.Ref) })
	slices.SortFunc(f.Campaigns, func(x, y CampaignDoc) int { return cmp.Compare(x.Ref, y.Ref) })
}
