package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"nami/catalog"
	"nami/store"
)

// Plan is what publishing an app's drafts now would do: what changed since the last release,
// and what Check found.
type Plan struct {
	Last     *store.Release // nil before the first release
	Changes  []Change
	Errors   []Issue
	Warnings []Issue
}

// Prepare works out the plan for the app with the given slug at now.
func Prepare(ctx context.Context, r store.Reader, slug string, now time.Time) (Plan, error) {
	var p Plan
	draft, last, err := compare(ctx, r, slug)
	if err != nil {
		return p, fmt.Errorf("publish.Prepare: %w", err)
	}
	p.Changes = Diff(last.file, draft)
	p.Errors, p.Warnings = Check(draft, now)
	p.Last = last.release
	return p, nil
}

// Unpublished reports whether the drafts of the app with the given slug differ from its last
// release (before the first release: whether the app has anything to publish).
//
// It first asks the cheap question: every write of the drafts bumps the app's draft generation
// (store triggers), and a release records the generation it was published from, so equal
// numbers mean the drafts are the release. Only otherwise (or after a republish, whose content
// is older than the drafts) does it compare the catalogs; a server keeps that answer in Drafts.
func Unpublished(ctx context.Context, r store.Reader, slug string) (bool, error) {
	app, err := r.AppBySlug(ctx, slug)
	if err != nil {
		return false, fmt.Errorf("publish.Unpublished: %w", err)
	}
	rel, err := r.LastRelease(ctx, app.ID)
	switch {
	case err == nil && rel.DraftGeneration == app.DraftGeneration:
		return false, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return false, fmt.Errorf("publish.Unpublished: %w", err)
	}
	draft, last, err := compare(ctx, r, slug)
	if err != nil {
		return false, fmt.Errorf("publish.Unpublished: %w", err)
	}
	return len(Diff(last.file, draft)) > 0, nil
}

// lastRelease is an app's newest release and its catalog; both nil before the first.
type lastRelease struct {
	release *store.Release
	file    *catalog.File
}

// compare loads the drafts and the last release's catalog.
func compare(ctx context.Context, r store.Reader, slug string) (*catalog.File, lastRelease, error) {
	var last lastRelease
	draft, err := catalog.Export(ctx, r, slug)
	if err != nil {
		return nil, last, err
	}
	app, err := r.AppBySlug(ctx, slug)
	if err != nil {
		return nil, last, err
	}
	rel, err := r.LastRelease(ctx, app.ID)
	if errors.Is(err, store.ErrNotFound) {
		return draft, last, nil
	}
	if err != nil {
		return nil, last, err
	}
	f, err := releaseCatalog(ctx, r, rel)
	if err != nil {
		return nil, last, err
	}
	return draft, lastRelease{release: &rel, file: f}, nil
}

// Next is the number the release published from this plan gets.
func (p Plan) Next() int {
	if p.Last == nil {
		return 1
	}
	return p.Last.Number + 1
}

// summaryNouns name Diff's entity kinds in a summary, singular and plural, in Diff's order.
var summaryNouns = []struct{ entity, one, many string }{
	{"app", "the app name", "the app name"},
	{"platform", "platform", "platforms"},
	{"entitlement", "entitlement", "entitlements"},
	{"product", "product", "products"},
	{"paywall", "paywall", "paywalls"},
	{"campaign", "campaign", "campaigns"},
}

// Summary says in one line what publishing the plan does, for the question before publishing:
// "Publish release 4: 2 paywalls, 1 campaign changed; 1 warning." Before the first release
// it counts what would be published: "Publish release 1: 4 platforms, 3 paywalls."
func (p Plan) Summary() string {
	counts := map[string]int{}
	for _, ch := range p.Changes {
		counts[ch.Entity]++
	}
	var parts []string
	for _, n := range summaryNouns {
		switch c := counts[n.entity]; {
		case c == 0:
		case n.entity == "app":
			parts = append(parts, n.one)
		case c == 1:
			parts = append(parts, "1 "+n.one)
		default:
			parts = append(parts, fmt.Sprintf("%d %s", c, n.many))
		}
	}
	s := fmt.Sprintf("Publish release %d: ", p.Next())
	switch {
	case len(parts) == 0 && p.Last == nil:
		s += "nothing to publish yet"
	case len(parts) == 0:
		s += fmt.Sprintf("nothing changed since release %d", p.Last.Number)
	case p.Last == nil:
		s += strings.Join(parts, ", ")
	default:
		s += strings.Join(parts, ", ") + " changed"
	}
	switch n := len(p.Warnings); n {
	case 0:
	case 1:
		s += "; 1 warning"
	default:
		s += fmt.Sprintf("; %d warnings", n)
	}
	return s + "."
}
