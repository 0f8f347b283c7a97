package catalog

import (
	"context"
	"slices"

	"nami/store"
)

// productKey identifies a product within an app: its platform's ref and its sku.
func productKey(platformRef, sku string) string { return platformRef + "\x00" + sku }

func (a *applier) upsertProducts(ctx context.Context) error {
	current, err := a.tx.Products(ctx, a.app.ID)
	if err != nil {
		return err
	}
	byKey := make(map[string]store.Product, len(current))
	for _, p := range current {
		byKey[productKey(p.PlatformRef, p.SKU)] = p
	}
	for _, doc := range a.file.Products {
		want := store.Product{PlatformID: a.platformIDs[doc.Platform], SKU: doc.SKU, Name: doc.Name, Kind: doc.Kind,
			Price: doc.Price, Currency: doc.Currency, Period: doc.Period, Trial: doc.Trial,
			Entitlements: slices.Sorted(slices.Values(doc.Entitlements))}
		cur, ok := byKey[productKey(doc.Platform, doc.SKU)]
		if !ok {
			if err := a.tx.CreateProduct(ctx, &want); err != nil {
				return err
			}
			a.res.Created++
			continue
		}
		if sameProduct(cur, want) {
			continue
		}
		want.ID, want.Version = cur.ID, cur.Version
		if err := a.tx.UpdateProduct(ctx, &want); err != nil {
			return err
		}
		a.res.Updated++
	}
	return nil
}

// sameProduct compares what a catalog file says about a product, grants included.
func sameProduct(x, y store.Product) bool {
	return x.Name == y.Name && x.Kind == y.Kind && x.Price == y.Price && x.Currency == y.Currency &&
		x.Period == y.Period && x.Trial == y.Trial &&
		slices.Equal(slices.Sorted(slices.Values(x.Entitlements)), slices.Sorted(slices.Values(y.Entitlements)))
}

func (a *applier) pruneProducts(ctx context.Context) error {
	named := make(map[string]bool, len(a.file.Products))
	for _, doc := range a.file.Products {
		named[productKey(doc.Platform, doc.SKU)] = true
	}
	current, err := a.tx.Products(ctx, a.app.ID)
	if err != nil {
		return err
	}
	for _, p := range current {
		if named[productKey(p.PlatformRef, p.SKU)] {
			continue
		}
		if err := a.tx.DeleteProduct(ctx, p.ID); err != nil {
			return err
		}
		a.res.Deleted++
	}
	return nil
}
