package catalog

import (
	"context"
	"errors"
	"fmt"

	"nami/store"
)

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
