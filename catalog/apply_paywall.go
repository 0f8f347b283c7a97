package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"nami/offer"
	"nami/store"
)

// upsertPaywalls runs after upsertProducts, so that every product a paywall offers has an id,
// and fills paywallIDs for upsertCampaigns.
func (a *applier) upsertPaywalls(ctx context.Context) error {
	products, err := a.tx.Products(ctx, a.app.ID)
	if err != nil {
		return err
	}
	productIDs := make(map[string]int64, len(products))
	for _, p := range products {
		productIDs[productKey(p.PlatformRef, p.SKU)] = p.ID
	}
	current, err := a.tx.Paywalls(ctx, a.app.ID)
	if err != nil {
		return err
	}
	byRef := make(map[string]store.Paywall, len(current))
	for _, p := range current {
		byRef[p.Ref] = p
	}
	a.paywallIDs = make(map[string]int64, len(a.file.Paywalls))
	for i, doc := range a.file.Paywalls {
		want, image, err := a.paywall(doc, productIDs)
		if err != nil {
			return fmt.Errorf("paywalls[%d]: %w", i, err)
		}
		cur, ok := byRef[doc.Ref]
		switch {
		case !ok:
			if err := a.putImage(ctx, image); err != nil {
				return err
			}
			if err := a.tx.CreatePaywall(ctx, &want); err != nil {
				return err
			}
			a.res.Created++
		case samePaywall(cur, want):
			want.ID = cur.ID
		default:
			if err := a.putImage(ctx, image); err != nil {
				return err
			}
			want.ID, want.Version = cur.ID, cur.Version
			if err := a.tx.UpdatePaywall(ctx, &want); err != nil {
				return err
			}
			a.res.Updated++
		}
		a.paywallIDs[doc.Ref] = want.ID
	}
	return nil
}

// paywall builds the stored form of doc: copy sorted by locale, products resolved to their ids,
// and the hero image (nil when there is none) addressed by its hash.
func (a *applier) paywall(doc PaywallDoc, productIDs map[string]int64) (store.Paywall, *store.Image, error) {
	p := store.Paywall{AppID: a.app.ID, Ref: doc.Ref, Name: doc.Name, Template: doc.Template, DefaultLocale: doc.DefaultLocale,
		Theme: storeTheme(doc.Theme), SDK: doc.SDK, UpdatedBy: a.actor}
	for locale, c := range doc.Copy {
		p.Copy = append(p.Copy, store.Copy{Locale: locale, Title: c.Title, Subtitle: c.Subtitle, Body: c.Body, CTA: c.CTA, Footer: c.Footer})
	}
	slices.SortFunc(p.Copy, func(x, y store.Copy) int { return strings.Compare(x.Locale, y.Locale) })
	for _, pp := range doc.Products {
		id, ok := productIDs[productKey(pp.Platform, pp.SKU)]
		if !ok { // Validate makes sure of it
			return p, nil, fmt.Errorf("product %s/%s not found", pp.Platform, pp.SKU)
		}
		p.Products = append(p.Products, store.PaywallProduct{ProductID: id, PlatformRef: pp.Platform, SKU: pp.SKU,
			Badge: pp.Badge, Highlighted: pp.Highlighted})
	}
	if doc.HeroImage == "" {
		return p, nil, nil
	}
	data, info, err := offer.ParseDataURI(doc.HeroImage)
	if err != nil { // Validate makes sure of it
		return p, nil, fmt.Errorf("hero_image: %w", err)
	}
	p.HeroImage = store.ImageHash(data)
	return p, &store.Image{ContentType: info.ContentType, Width: info.Width, Height: info.Height, Data: data}, nil
}

// storeTheme is a theme as stored: a dark palette only when the file has one.
func storeTheme(t ThemeDoc) store.Theme {
	out := store.Theme{Accent: t.Accent, Background: t.Background, Text: t.Text}
	if t.Dark != nil {
		out.Dark = store.Palette{Accent: t.Dark.Accent, Background: t.Dark.Background, Text: t.Dark.Text}
	}
	return out
}

// putImage stores img unless it is nil; an image already stored is left as it is. Images are
// never deleted here: published releases may still show them.
func (a *applier) putImage(ctx context.Context, img *store.Image) error {
	if img == nil {
		return nil
	}
	return a.tx.PutImage(ctx, img)
}

// samePaywall compares what a catalog file says about a paywall: copy, products in order and
// the image's hash included.
func samePaywall(x, y store.Paywall) bool {
	return x.Name == y.Name && x.Template == y.Template && x.DefaultLocale == y.DefaultLocale && x.Theme == y.Theme &&
		x.HeroImage == y.HeroImage && x.SDK == y.SDK && slices.Equal(x.Copy, y.Copy) &&
		slices.EqualFunc(x.Products, y.Products, func(p, q store.PaywallProduct) bool {
			return p.ProductID == q.ProductID && p.Badge == q.Badge && p.Highlighted == q.Highlighted
		})
}

func (a *applier) prunePaywalls(ctx context.Context) error {
	named := make(map[string]bool, len(a.file.Paywalls))
	for _, doc := range a.file.Paywalls {
		named[doc.Ref] = true
	}
	current, err := a.tx.Paywalls(ctx, a.app.ID)
	if err != nil {
		return err
	}
	for _, p := range current {
		if named[p.Ref] {
			continue
		}
		// pruneCampaigns ran first and every campaign the file keeps shows only paywalls the
		// file names, so no campaign still uses p.
		if err := a.tx.DeletePaywall(ctx, p.ID); err != nil {
			return err
		}
		a.res.Deleted++
	}
	return nil
}
