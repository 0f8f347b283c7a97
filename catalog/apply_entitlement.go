package catalog

import (
	"context"

	"nami/store"
)

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
