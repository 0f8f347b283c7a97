package catalog

import (
	"context"
	"errors"
	"fmt"

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
		tx.Actor = actor // recorded with the paywall and campaign versions the apply saves
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
	paywallIDs  map[string]int64 // by ref, filled by upsertPaywalls for upsertCampaigns
	res         Result
}

func (a *applier) apply(ctx context.Context) error {
	steps := []func(context.Context) error{
		a.upsertApp,
		a.upsertPlatforms,
		a.upsertEntitlements,
		a.upsertProducts,
		a.upsertPaywalls,
		a.upsertCampaigns,
		// Deletions run dependents first, so that no row goes by a cascade uncounted and no
		// paywall is still shown by a campaign when it goes.
		a.pruneCampaigns,
		a.prunePaywalls,
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
