package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"nami/store"
)

// Result counts what an apply changed, over every kind of entity, the app included.
// A row that the file leaves as it was is not counted.
type Result struct {
	App     string // the app's slug
	Created int
	Updated int
	Deleted int
}

// String returns the counts as "3 created, 1 updated, 0 deleted", the form the audit log keeps.
func (r Result) String() string {
	return fmt.Sprintf("%d created, %d updated, %d deleted", r.Created, r.Updated, r.Deleted)
}

// Apply makes the drafts of the app that f names equal to f, in one transaction: it creates
// what is new, updates what changed, deletes what the file no longer names, and records one
// audit entry for actor (an email). The file is validated first. Every problem, whether found
// in the file or only in the database (a key that another platform holds), comes back as
// Problems, and then nothing is written.
func Apply(ctx context.Context, s *store.Store, f *File, actor string) (Result, error) {
	if problems := Validate(f); len(problems) > 0 {
		return Result{App: f.App.Slug}, problems
	}
	var res Result
	err := s.InTx(ctx, func(tx *store.Tx) error {
		a := &applier{tx: tx, file: f, actor: actor, res: Result{App: f.App.Slug}}
		if err := a.apply(ctx); err != nil {
			return err
		}
		res = a.res
		return nil
	})
	if problems, ok := err.(Problems); ok {
		return Result{App: f.App.Slug}, problems
	}
	if err != nil {
		return Result{App: f.App.Slug}, fmt.Errorf("catalog.Apply %s: %w", f.App.Slug, err)
	}
	return res, nil
}

// applier carries one apply's transaction and what its steps learn along the way.
type applier struct {
	tx          *store.Tx
	file        *File
	actor       string
	app         store.App
	platformIDs map[string]int64 // by ref, filled by upsertPlatforms for upsertProducts
	res         Result
}

func (a *applier) apply(ctx context.Context) error {
	steps := []func(context.Context) error{
		a.upsertApp,
		a.upsertPlatforms,
		a.upsertEntitlements,
		a.upsertProducts,
		// Deletions run dependents first, so that no row goes by a cascade uncounted.
		a.pruneProducts,
		a.pruneEntitlements,
		a.prunePlatforms,
		a.audit,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) upsertApp(ctx context.Context) error {
	doc := a.file.App
	app, err := a.tx.AppBySlug(ctx, doc.Slug)
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.app = store.App{Slug: doc.Slug, Name: doc.Name}
		if err := a.tx.CreateApp(ctx, &a.app); err != nil {
			return err
		}
		a.res.Created++
		return nil
	case err != nil:
		return err
	}
	a.app = app
	if app.Name == doc.Name {
		return nil
	}
	a.app.Name = doc.Name
	if err := a.tx.UpdateApp(ctx, &a.app); err != nil {
		return err
	}
	a.res.Updated++
	return nil
}

func (a *applier) upsertPlatforms(ctx context.Context) error {
	current, err := a.tx.Platforms(ctx, a.app.ID)
	if err != nil {
		return err
	}
	byRef := make(map[string]*store.AppPlatform, len(current))
	for i := range current {
		byRef[current[i].Ref] = &current[i]
	}
	if err := a.claimKeys(ctx, byRef); err != nil {
		return err
	}
	a.platformIDs = make(map[string]int64, len(a.file.Platforms))
	for _, doc := range a.file.Platforms {
		want := store.AppPlatform{AppID: a.app.ID, Ref: doc.Ref, Store: doc.Store, Name: doc.Name,
			BundleID: doc.BundleID, Environment: doc.Environment, Key: doc.Key}
		cur, ok := byRef[doc.Ref]
		if !ok {
			if err := a.tx.CreatePlatform(ctx, &want); err != nil { // generates a key when the file has none
				return err
			}
			a.platformIDs[doc.Ref] = want.ID
			a.res.Created++
			continue
		}
		a.platformIDs[doc.Ref] = cur.ID
		if want.Key == "" {
			want.Key = cur.Key
		}
		if samePlatform(*cur, want) {
			continue
		}
		want.ID, want.Version = cur.ID, cur.Version
		if err := a.tx.UpdatePlatform(ctx, &want); err != nil {
			return err
		}
		a.res.Updated++
	}
	return nil
}

// claimKeys checks that every key the file gives is free for its platform. A key held by
// another of this app's platforms that the file drops or re-keys is not taken: that holder is
// moved to a temporary key first, so keys can move between platforms (a renamed ref keeps its
// key, two platforms swap keys). A key held anywhere else is a problem.
func (a *applier) claimKeys(ctx context.Context, byRef map[string]*store.AppPlatform) error {
	var problems Problems
	var holders []*store.AppPlatform
	for i, doc := range a.file.Platforms {
		if doc.Key == "" {
			continue
		}
		holder, err := a.tx.PlatformByKey(ctx, doc.Key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return err
		case holder.AppID == a.app.ID && holder.Ref == doc.Ref:
			continue
		case holder.AppID == a.app.ID && a.releasesKey(holder):
			holders = append(holders, byRef[holder.Ref])
			continue
		}
		problems = append(problems, Problem{Path: fmt.Sprintf("platforms[%d].key", i), Message: "key is used by another platform"})
	}
	if len(problems) > 0 {
		return problems
	}
	for _, p := range holders {
		p.Key = store.NewKey()
		if err := a.tx.UpdatePlatform(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// releasesKey reports whether the file takes p's current key away from it: it drops p, or
// gives p another key.
func (a *applier) releasesKey(p store.AppPlatform) bool {
	for _, doc := range a.file.Platforms {
		if doc.Ref == p.Ref {
			return doc.Key != "" && doc.Key != p.Key
		}
	}
	return true
}

func samePlatform(x, y store.AppPlatform) bool {
	return x.Store == y.Store && x.Name == y.Name && x.BundleID == y.BundleID &&
		x.Environment == y.Environment && x.Key == y.Key
}

func (a *applier) upsertEntitlements(ctx context.Context) error {
	current, err := a.tx.Entitlements(ctx, a.app.ID)
	if err != nil {
		return err
	}
	byRef := make(map[string]store.Entitlement, len(current))
	for _, e := range current {
		byRef[e.Ref] = e
	}
	for _, doc := range a.file.Entitlements {
		want := store.Entitlement{AppID: a.app.ID, Ref: doc.Ref, Name: doc.Name, Description: doc.Description}
		cur, ok := byRef[doc.Ref]
		switch {
		case !ok:
			if err := a.tx.CreateEntitlement(ctx, &want); err != nil {
				return err
			}
			a.res.Created++
		case cur.Name != want.Name || cur.Description != want.Description:
			want.ID, want.Version = cur.ID, cur.Version
			if err := a.tx.UpdateEntitlement(ctx, &want); err != nil {
				return err
			}
			a.res.Updated++
		}
	}
	return nil
}

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

func (a *applier) pruneEntitlements(ctx context.Context) error {
	named := make(map[string]bool, len(a.file.Entitlements))
	for _, doc := range a.file.Entitlements {
		named[doc.Ref] = true
	}
	current, err := a.tx.Entitlements(ctx, a.app.ID)
	if err != nil {
		return err
	}
	for _, e := range current {
		if named[e.Ref] {
			continue
		}
		if err := a.tx.DeleteEntitlement(ctx, e.ID); err != nil {
			return err
		}
		a.res.Deleted++
	}
	return nil
}

func (a *applier) prunePlatforms(ctx context.Context) error {
	named := make(map[string]bool, len(a.file.Platforms))
	for _, doc := range a.file.Platforms {
		named[doc.Ref] = true
	}
	current, err := a.tx.Platforms(ctx, a.app.ID)
	if err != nil {
		return err
	}
	for _, p := range current {
		if named[p.Ref] {
			continue
		}
		if err := a.tx.DeletePlatform(ctx, p.ID); err != nil {
			return err
		}
		a.res.Deleted++
	}
	return nil
}

// audit marks the drafts as changed when they were, and records the apply either way.
func (a *applier) audit(ctx context.Context) error {
	if a.res.Created+a.res.Updated+a.res.Deleted > 0 {
		if err := a.tx.TouchApp(ctx, a.app.ID); err != nil {
			return err
		}
	}
	return a.tx.Audit(ctx, store.AuditEntry{UserEmail: a.actor, AppSlug: a.app.Slug, Action: "applied",
		Entity: "catalog", Detail: a.res.String()})
}
