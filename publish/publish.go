// Package publish turns an app's drafts into releases: it checks them, compiles one snapshot
// per app platform (package snapshot) and stores the release, all in one transaction. The web
// handlers and the command line share it, as they share the static export for CDNs.
package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"nami/catalog"
	"nami/snapshot"
	"nami/store"
)

// Result is a stored release and the warnings that did not block it.
type Result struct {
	Release  store.Release
	Warnings []Issue
}

// Blocked is the error when the drafts have errors; nothing was published. Warnings are what
// Check found besides, for callers to show with the errors.
type Blocked struct {
	Errors   []Issue
	Warnings []Issue
}

// Error lists the errors one per line.
func (b *Blocked) Error() string {
	lines := make([]string, len(b.Errors))
	for i, e := range b.Errors {
		lines[i] = e.String()
	}
	return "nothing was published; fix these first:\n" + strings.Join(lines, "\n")
}

// Publish checks the drafts of the app with the given slug and, if they have no errors, stores
// them as the app's next release with one compiled snapshot per platform, and an audit entry
// for actor. Errors come back as *Blocked.
func Publish(ctx context.Context, st *store.Store, slug, actor, note string) (Result, error) {
	return (*Drafts)(nil).Publish(ctx, st, slug, actor, note)
}

// Publish is the package's Publish, taking the drafts from the cache when they are at the
// app's current draft generation (read in the publishing transaction) rather than exporting
// them again, and leaving the new release in the cache as the drafts' last release.
func (d *Drafts) Publish(ctx context.Context, st *store.Store, slug, actor, note string) (Result, error) {
	var res Result
	var f *catalog.File
	var published store.App
	err := st.InTx(ctx, func(tx *store.Tx) error {
		app, err := tx.AppBySlug(ctx, slug)
		if err != nil {
			return err
		}
		published = app
		check := Check
		if s := d.draftAt(app); s != nil {
			f = s.draft
			check = func(_ *catalog.File, now time.Time) ([]Issue, []Issue) { return d.check(s, now) }
		} else if f, err = catalog.Export(ctx, tx.Reader, slug); err != nil {
			return err
		}
		res.Release = store.Release{AppID: app.ID, Note: note, CreatedBy: actor, DraftGeneration: app.DraftGeneration}
		if res.Warnings, err = storeRelease(ctx, tx, f, &res.Release, st.Now(), check); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: actor, AppSlug: slug, Action: "published", Entity: "release",
			Ref: strconv.Itoa(res.Release.Number), Detail: note})
	})
	if err != nil {
		return Result{}, wrap("Publish", slug, err)
	}
	if d != nil { // the drafts are now the last release: nothing differs
		rel, app := res.Release, published
		d.mu.Lock()
		d.putRelease(rel, f)
		d.mu.Unlock()
		next := &draftState{created: app.CreatedAt, generation: rel.DraftGeneration, releaseID: rel.ID, draft: f,
			last: lastRelease{release: &rel, file: f}}
		if old := d.draftAt(app); old != nil { // the same drafts: keep their check
			d.mu.Lock()
			next.checked, next.checkedAt, next.validUntil, next.errs, next.warnings = old.checked, old.checkedAt, old.validUntil, old.errs, old.warnings
			d.mu.Unlock()
		}
		d.keep(rel.AppID, next)
	}
	return res, nil
}

// Republish publishes the content of an earlier release again as the app's next release: a
// rollback that keeps the history. Platforms deleted since get no snapshot, and platforms added
// since get none either (a warning says so); the drafts stay as they are.
func Republish(ctx context.Context, st *store.Store, slug string, number int, actor string) (Result, error) {
	var res Result
	err := st.InTx(ctx, func(tx *store.Tx) error {
		app, err := tx.AppBySlug(ctx, slug)
		if err != nil {
			return err
		}
		src, err := tx.Release(ctx, app.ID, number)
		if err != nil {
			return err
		}
		f, err := releaseCatalog(ctx, tx.Reader, src)
		if err != nil {
			return err
		}
		res.Release = store.Release{AppID: app.ID, Note: fmt.Sprintf("Republished release %d", number), CreatedBy: actor,
			RepublishedFrom: number, DraftGeneration: -1} // its content is not the drafts'

		if src.Note != "" {
			res.Release.Note += ": " + src.Note
		}
		if res.Warnings, err = storeRelease(ctx, tx, f, &res.Release, st.Now(), Check); err != nil {
			return err
		}
		platforms, err := tx.Platforms(ctx, app.ID)
		if err != nil {
			return err
		}
		for _, p := range platforms {
			if !slices.Contains(res.Release.Platforms, p.Ref) {
				res.Warnings = append(res.Warnings, Issue{Entity: "platform", Ref: p.Ref, Message: fmt.Sprintf(
					"it did not exist in release %d, so it has no config in this release: devices there get not_published", number)})
			}
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: actor, AppSlug: slug, Action: "republished", Entity: "release",
			Ref: strconv.Itoa(res.Release.Number), Detail: fmt.Sprintf("release %d as release %d", number, res.Release.Number)})
	})
	if err != nil {
		return Result{}, wrap("Republish", slug, err)
	}
	return res, nil
}

// storeRelease checks f (with check: Check or its cached answer), then stores it as release r with a snapshot for each of f's platforms that
// still exists, and returns the warnings.
func storeRelease(ctx context.Context, tx *store.Tx, f *catalog.File, r *store.Release, now time.Time,
	check func(*catalog.File, time.Time) ([]Issue, []Issue)) ([]Issue, error) {
	errs, warnings := check(f, now)
	if len(errs) > 0 {
		return nil, &Blocked{Errors: errs, Warnings: warnings}
	}
	platforms, err := tx.Platforms(ctx, r.AppID)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int64, len(platforms))
	for _, p := range platforms {
		ids[p.Ref] = p.ID
	}
	body, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	if err := tx.CreateRelease(ctx, r, body); err != nil {
		return nil, err
	}
	// Each platform's snapshot is compiled, encoded and compressed on its own goroutine (they
	// only read f), then stored in the catalog's order.
	type compiled struct {
		ref string
		id  int64
		enc snapshot.Encoded
		err error
	}
	var out []*compiled
	var wg sync.WaitGroup
	for _, p := range f.Platforms {
		id, ok := ids[p.Ref]
		if !ok {
			continue
		}
		c := &compiled{ref: p.Ref, id: id}
		out = append(out, c)
		wg.Go(func() {
			doc, err := snapshot.Compile(f, c.ref, r.Number, r.CreatedAt)
			if err != nil {
				c.err = err
				return
			}
			body, err := snapshot.Encode(doc)
			if err != nil {
				c.err = err
				return
			}
			c.enc, c.err = snapshot.Pack(body)
		})
	}
	wg.Wait()
	for _, c := range out {
		if c.err != nil {
			return nil, c.err
		}
		if err := tx.PutSnapshot(ctx, store.Snapshot{ReleaseID: r.ID, PlatformID: c.id, Body: c.enc.Body, Gzip: c.enc.Gzip, ETag: c.enc.ETag}); err != nil {
			return nil, err
		}
		r.Platforms = append(r.Platforms, c.ref)
	}
	return warnings, nil
}

// releaseCatalog reads the catalog file a release was published from.
func releaseCatalog(ctx context.Context, r store.Reader, rel store.Release) (*catalog.File, error) {
	body, err := r.ReleaseCatalog(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	var f catalog.File
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, fmt.Errorf("the catalog of release %d: %w", rel.Number, err)
	}
	return &f, nil
}

func wrap(fn, slug string, err error) error {
	var blocked *Blocked
	if errors.As(err, &blocked) {
		return blocked
	}
	return fmt.Errorf("publish.%s %s: %w", fn, slug, err)
}
