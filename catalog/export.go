package catalog

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"nami/store"
)

// Export returns the drafts of the app with the given slug as a catalog file, in a stable order:
// platforms and entitlements by ref, products by platform ref then sku, each product's
// entitlements sorted. Pass a transaction's Reader for a view consistent across the sections.
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
		Paywalls:     []json.RawMessage{},
		Campaigns:    []json.RawMessage{},
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
	sortFile(f)
	return f, nil
}

// sortFile puts f's sections in the order Export writes them.
func sortFile(f *File) {
	slices.SortFunc(f.Platforms, func(x, y PlatformDoc) int { return cmp.Compare(x.Ref, y.Ref) })
	slices.SortFunc(f.Entitlements, func(x, y EntitlementDoc) int { return cmp.Compare(x.Ref, y.Ref) })
	slices.SortFunc(f.Products, func(x, y ProductDoc) int {
		return cmp.Or(cmp.Compare(x.Platform, y.Platform), cmp.Compare(x.SKU, y.SKU))
	})
}
