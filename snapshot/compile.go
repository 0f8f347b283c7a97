package snapshot

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"nami/catalog"
	"nami/engine"
	"nami/offer"
	"nami/store"
	"nami/urls"
)

// Compile builds the document that the platform with ref platformRef sees when f, an app's
// catalog file, is published as release number release at publishedAt. Only live campaigns are
// included, and only the paywalls devices can be shown: those a variant of a live campaign
// shows and those marked for SDK use (PaywallDoc.SDK, opened by ref), each with only this
// platform's products.
func Compile(f *catalog.File, platformRef string, release int, publishedAt time.Time) (Document, error) {
	i := slices.IndexFunc(f.Platforms, func(p catalog.PlatformDoc) bool { return p.Ref == platformRef })
	if i < 0 {
		return Document{}, fmt.Errorf("snapshot.Compile: the catalog has no platform %q", platformRef)
	}
	pl := f.Platforms[i]
	doc := Document{
		Format:       Format,
		Release:      release,
		PublishedAt:  publishedAt.UTC(),
		App:          App{Slug: f.App.Slug, Name: f.App.Name},
		Platform:     Platform{Ref: pl.Ref, Store: pl.Store, Name: pl.Name, BundleID: pl.BundleID, Environment: pl.Environment},
		Entitlements: make([]Entitlement, 0, len(f.Entitlements)),
		Products:     []Product{},
		Paywalls:     make([]Paywall, 0, len(f.Paywalls)),
		Campaigns:    []engine.Campaign{},
	}
	for _, e := range f.Entitlements {
		doc.Entitlements = append(doc.Entitlements, Entitlement{Ref: e.Ref, Name: e.Name, Description: e.Description})
	}
	slices.SortFunc(doc.Entitlements, func(x, y Entitlement) int { return cmp.Compare(x.Ref, y.Ref) })

	skus := map[string]bool{}
	for _, p := range f.Products {
		if p.Platform != platformRef {
			continue
		}
		grants := append([]string{}, p.Entitlements...)
		slices.Sort(grants)
		doc.Products = append(doc.Products, Product{SKU: p.SKU, Name: p.Name, Kind: p.Kind, Price: p.Price,
			Currency: p.Currency, Period: p.Period, Trial: p.Trial, Entitlements: grants})
		skus[p.SKU] = true
	}
	slices.SortFunc(doc.Products, func(x, y Product) int { return cmp.Compare(x.SKU, y.SKU) })

	shown := ShownPaywalls(f)
	for _, pw := range f.Paywalls {
		if !shown[pw.Ref] {
			continue
		}
		p, err := compilePaywall(pw, platformRef, skus)
		if err != nil {
			return Document{}, fmt.Errorf("snapshot.Compile: paywall %q: %w", pw.Ref, err)
		}
		addTokenValues(&p, pw, doc.Products)
		doc.Paywalls = append(doc.Paywalls, p)
	}
	slices.SortFunc(doc.Paywalls, func(x, y Paywall) int { return cmp.Compare(x.Ref, y.Ref) })

	for _, c := range f.Campaigns {
		if c.Status != engine.StatusLive {
			continue
		}
		rules, err := Rules(c)
		if err != nil {
			return Document{}, fmt.Errorf("snapshot.Compile: campaign %q: %w", c.Ref, err)
		}
		doc.Campaigns = append(doc.Campaigns, rules)
	}
	slices.SortFunc(doc.Campaigns, func(x, y engine.Campaign) int { return cmp.Compare(x.Ref, y.Ref) })
	return doc, nil
}

// ShownPaywalls is the set of refs of the paywalls a snapshot of f carries: every paywall a
// variant of a live campaign shows, and every paywall marked for SDK use.
func ShownPaywalls(f *catalog.File) map[string]bool {
	shown := make(map[string]bool, len(f.Paywalls))
	for _, c := range f.Campaigns {
		if c.Status != engine.StatusLive {
			continue
		}
		for _, v := range c.Variants {
			shown[v.Paywall] = true
		}
	}
	for _, pw := range f.Paywalls {
		if pw.SDK {
			shown[pw.Ref] = true
		}
	}
	return shown
}

// compilePaywall keeps a paywall's copy as the Markdown the marketer wrote, turns its image into
// the image's URL and keeps only the platform's products (skus), in the paywall's order.
func compilePaywall(pw catalog.PaywallDoc, platformRef string, skus map[string]bool) (Paywall, error) {
	p := Paywall{Ref: pw.Ref, Name: pw.Name, Template: pw.Template, DefaultLocale: pw.DefaultLocale,
		Theme:    Theme{Accent: pw.Theme.Accent, Background: pw.Theme.Background, Text: pw.Theme.Text},
		Copy:     make(map[string]Copy, len(pw.Copy)),
		Products: []PaywallProduct{}}
	if d := pw.Theme.Dark; d != nil {
		p.Theme.Dark = &Palette{Accent: d.Accent, Background: d.Background, Text: d.Text}
	}
	if pw.HeroImage != "" {
		data, _, err := offer.ParseDataURI(pw.HeroImage)
		if err != nil {
			return p, fmt.Errorf("hero_image: %w", err)
		}
		// Apply stores images under the SHA-256 of their bytes, so this is the stored image's URL.
		u := urls.Image(store.ImageHash(data))
		p.HeroImage = &u
	}
	for locale, c := range pw.Copy {
		p.Copy[locale] = Copy{Title: c.Title, Subtitle: c.Subtitle, Body: c.Body, CTA: c.CTA, Footer: c.Footer}
	}
	for _, pp := range pw.Products {
		if pp.Platform == platformRef && skus[pp.SKU] {
			p.Products = append(p.Products, PaywallProduct{SKU: pp.SKU, Badge: pp.Badge, Highlighted: pp.Highlighted})
		}
	}
	return p, nil
}

// Rules turns a campaign of the catalog file into the engine's value: times parsed, an empty
// match spelled "all", and no nil lists, so that the JSON an SDK reads has no nulls in them.
func Rules(c catalog.CampaignDoc) (engine.Campaign, error) {
	out := engine.Campaign{Ref: c.Ref, Name: c.Name, Label: c.Label, Status: c.Status, Priority: c.Priority,
		HoldoutPercent: c.HoldoutPercent,
		Audience:       engine.Audience{Match: c.Audience.Match, Conditions: make([]engine.Condition, 0, len(c.Audience.Conditions))},
		Variants:       make([]engine.Variant, 0, len(c.Variants))}
	if out.Audience.Match == "" {
		out.Audience.Match = engine.MatchAll
	}
	var err error
	if out.StartsAt, err = parseTime(c.StartsAt); err != nil {
		return out, fmt.Errorf("starts_at: %w", err)
	}
	if out.EndsAt, err = parseTime(c.EndsAt); err != nil {
		return out, fmt.Errorf("ends_at: %w", err)
	}
	for _, cond := range c.Audience.Conditions {
		values := append([]string{}, cond.Values...)
		out.Audience.Conditions = append(out.Audience.Conditions, engine.Condition{Attribute: cond.Attribute,
			Operator: cond.Operator, Values: values})
	}
	for _, v := range c.Variants {
		out.Variants = append(out.Variants, engine.Variant{Ref: v.Ref, Paywall: v.Paywall, Weight: v.Weight})
	}
	return out, nil
}

func parseTime(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return nil, err
	}
	t = t.UTC()
	return &t, nil
}
