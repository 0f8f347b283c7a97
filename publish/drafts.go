package publish

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"nami/catalog"
	"nami/store"
)

// Drafts caches, for a running server, what the app pages ask on every request: whether an
// app's drafts differ from its last release, and what changed. Both follow from two numbers
// the store keeps on write: the app's draft generation (bumped by triggers on every write of
// the catalog's rows, in the writing transaction) and the last release's id. When the last
// release was published from the current generation, the drafts are the release and nothing
// is compiled; otherwise the drafts are exported and compared once per (generation, release)
// and the answer kept, so a change costs one export and one diff, not one per page. Because the
// key is read from the database, writes from another process (`nami apply`, `nami publish`)
// are seen at once. A nil *Drafts caches nothing.
type Drafts struct {
	mu       sync.Mutex
	apps     map[int64]*draftState        // by app id
	releases map[releaseKey]*catalog.File // parsed release catalogs (releases never change)
}

// draftState is the drafts of one app at one generation, compared with one release.
type draftState struct {
	created    time.Time // the app's creation: an app deleted and made again may get the same id
	generation int64
	releaseID  int64 // 0 before the first release
	draft      *catalog.File
	last       lastRelease
	changes    []Change

	// The last Check of draft: it holds from checkedAt until validUntil (the first schedule end
	// after checkedAt, the only thing Check reads the time for), under mu.
	checked               bool
	checkedAt, validUntil time.Time
	errs, warnings        []Issue
}

// check is Check(s.draft, now), from the cache while now is in the span where it cannot differ.
func (d *Drafts) check(s *draftState, now time.Time) (errs, warnings []Issue) {
	if d != nil {
		d.mu.Lock()
		ok := s.checked && !now.Before(s.checkedAt) && now.Before(s.validUntil)
		errs, warnings = s.errs, s.warnings
		d.mu.Unlock()
		if ok {
			return errs, warnings
		}
	}
	errs, warnings = Check(s.draft, now)
	if d != nil {
		until := nextScheduleEnd(s.draft, now)
		d.mu.Lock()
		s.checked, s.checkedAt, s.validUntil, s.errs, s.warnings = true, now, until, errs, warnings
		d.mu.Unlock()
	}
	return errs, warnings
}

// nextScheduleEnd is the earliest campaign end after now (far in the future when there is none):
// Check's answer depends on the time only through "has this campaign's schedule ended".
func nextScheduleEnd(f *catalog.File, now time.Time) time.Time {
	until := now.AddDate(100, 0, 0)
	for _, c := range f.Campaigns {
		if c.EndsAt == nil {
			continue
		}
		end, err := time.Parse(time.RFC3339Nano, *c.EndsAt)
		if err != nil {
			return now // unreadable: do not cache
		}
		if end.After(now) && end.Before(until) {
			until = end
		}
	}
	return until
}

// maxCached bounds the apps (and release catalogs) kept; beyond it an arbitrary entry goes.
const maxCached = 32

// NewDrafts returns an empty cache.
func NewDrafts() *Drafts {
	return &Drafts{apps: map[int64]*draftState{}, releases: map[releaseKey]*catalog.File{}}
}

// Unpublished reports whether the drafts of app differ from its last release (before the first
// release: whether the app has anything to publish). app must be fresh from the store (its
// DraftGeneration is the key).
func (d *Drafts) Unpublished(ctx context.Context, st *store.Store, app store.App) (bool, error) {
	rel, err := st.LastRelease(ctx, app.ID)
	switch {
	case err == nil && rel.DraftGeneration == app.DraftGeneration:
		return false, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return false, fmt.Errorf("publish.Unpublished: %w", err)
	}
	s, err := d.state(ctx, st, app.Slug)
	if err != nil {
		return false, fmt.Errorf("publish.Unpublished: %w", err)
	}
	return len(s.changes) > 0, nil
}

// Prepare works out the plan for the app with the given slug at now, as the package's Prepare,
// from the cached diff when the drafts and the last release are the ones it was computed for.
func (d *Drafts) Prepare(ctx context.Context, st *store.Store, slug string, now time.Time) (Plan, error) {
	s, err := d.state(ctx, st, slug)
	if err != nil {
		return Plan{}, fmt.Errorf("publish.Prepare: %w", err)
	}
	p := Plan{Changes: s.changes, Last: s.last.release}
	p.Errors, p.Warnings = d.check(s, now)
	return p, nil
}

// state returns the app's drafts and their diff from the last release, from the cache when the
// generation and the release are the same, else computed in one read transaction and cached.
func (d *Drafts) state(ctx context.Context, st *store.Store, slug string) (*draftState, error) {
	var out *draftState
	err := st.InReadTx(ctx, func(r store.Reader) error {
		app, err := r.AppBySlug(ctx, slug)
		if err != nil {
			return err
		}
		rel, err := r.LastRelease(ctx, app.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if s := d.lookup(app, rel.ID); s != nil {
			out = s
			return nil
		}
		s := &draftState{created: app.CreatedAt, generation: app.DraftGeneration, releaseID: rel.ID}
		if s.draft, err = catalog.Export(ctx, r, slug); err != nil {
			return err
		}
		if rel.ID != 0 {
			f, err := d.releaseCatalog(ctx, r, rel)
			if err != nil {
				return err
			}
			s.last = lastRelease{release: &rel, file: f}
		}
		s.changes = Diff(s.last.file, s.draft)
		d.keep(app.ID, s)
		out = s
		return nil
	})
	return out, err
}

func (d *Drafts) lookup(app store.App, releaseID int64) *draftState {
	if s := d.draftAt(app); s != nil && s.releaseID == releaseID {
		return s
	}
	return nil
}

func (d *Drafts) keep(appID int64, s *draftState) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.apps[appID]; !ok && len(d.apps) >= maxCached {
		for k := range d.apps {
			delete(d.apps, k)
			break
		}
	}
	d.apps[appID] = s
}

// draftAt returns the cached drafts of the app if they are at generation, for Publish to skip
// the export (and a check it already made); the files are never modified once cached.
func (d *Drafts) draftAt(app store.App) *draftState {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if s := d.apps[app.ID]; s != nil && s.generation == app.DraftGeneration && s.created.Equal(app.CreatedAt) {
		return s
	}
	return nil
}

// ReleaseCatalog returns the catalog file a release was published from, parsed once per
// release (releases never change). The file is shared: callers must not modify it.
func (d *Drafts) ReleaseCatalog(ctx context.Context, r store.Reader, rel store.Release) (*catalog.File, error) {
	return d.releaseCatalog(ctx, r, rel)
}

// releaseKey names a release for the cache. SQLite reuses the highest row id after a delete, so a
// release of a deleted app and a later release of another app can share an id: the app, number
// and time tell them apart.
type releaseKey struct {
	id, appID, created int64 // created: Unix nanoseconds
	number             int
}

func keyOf(rel store.Release) releaseKey {
	return releaseKey{id: rel.ID, appID: rel.AppID, number: rel.Number, created: rel.CreatedAt.UnixNano()}
}

// releaseCatalog parses a release's catalog once; releases are immutable.
func (d *Drafts) releaseCatalog(ctx context.Context, r store.Reader, rel store.Release) (*catalog.File, error) {
	if d != nil {
		d.mu.Lock()
		f := d.releases[keyOf(rel)]
		d.mu.Unlock()
		if f != nil {
			return f, nil
		}
	}
	f, err := releaseCatalog(ctx, r, rel)
	if err != nil || d == nil {
		return f, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.putRelease(rel, f)
	return f, nil
}

// putRelease keeps a parsed release catalog, dropping an arbitrary one past maxCached; d.mu is held.
func (d *Drafts) putRelease(rel store.Release, f *catalog.File) {
	if _, ok := d.releases[keyOf(rel)]; !ok && len(d.releases) >= maxCached {
		for k := range d.releases {
			delete(d.releases, k)
			break
		}
	}
	d.releases[keyOf(rel)] = f
}
