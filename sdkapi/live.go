package sdkapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	"nami/engine"
	"nami/snapshot"
	"nami/store"
)

// liveSet is what the SDK API serves: every platform by SDK key. It is immutable once built;
// a publish builds a new one and swaps the pointer, so a request sees one whole set.
type liveSet struct {
	byKey map[string]*liveEntry
	state store.PublishState
}

// liveEntry is one platform: its key and, once its app has published, the release it is served.
type liveEntry struct {
	platformID int64
	key        string
	rel        *liveRelease // nil until the platform is in a release
}

// liveRelease is one platform's snapshot of a release with everything a request needs prepared
// when it was loaded: headers, the decision engine's input, and the JSON fragments of resolve's
// answer. It never changes; a rotated key gets a new liveEntry pointing at the same liveRelease.
type liveRelease struct {
	releaseID int64
	number    int
	store     string // the platform's store code as published: the "platform" attribute of decisions

	body, gzip []byte
	etag       string
	gzipETag   string
	// Header values, allocated once and shared by every response (net/http only reads them).
	etagHeader, gzipETagHeader, lengthHeader, gzipLengthHeader []string

	campaigns []engine.Campaign // what engine.Choose takes, built once per load
	order     engine.Order      // each label's campaigns in evaluation order, sorted once per load
	answers   []campaignAnswer  // parallel to campaigns
	paywalls  map[string]*livePaywall
	products  map[string]snapshot.Product // by sku

	pages sync.Map // rendered web paywalls by pageKey; bounded by paywalls × locales × devices
}

// campaignAnswer is a campaign's part of a resolve answer, encoded once.
type campaignAnswer struct {
	json     []byte   // {"ref":"...","name":"..."}
	variants [][]byte // each variant's ref as a JSON string, parallel to Variants
}

// livePaywall is a published paywall and its JSON as the snapshot has it.
type livePaywall struct {
	doc     snapshot.Paywall
	json    []byte
	locales []string
}

// newLiveRelease prepares a published snapshot for serving.
func newLiveRelease(releaseID int64, sn store.Snapshot) (*liveRelease, error) {
	doc, err := snapshot.Decode(sn.Body)
	if err != nil {
		return nil, err
	}
	enc := snapshot.Encoded{Body: sn.Body, Gzip: sn.Gzip, ETag: sn.ETag, GzipETag: snapshot.GzipETag(sn.ETag)}
	if len(enc.Gzip) == 0 || enc.ETag == "" {
		if enc, err = snapshot.Pack(sn.Body); err != nil {
			return nil, err
		}
	}
	rel := &liveRelease{releaseID: releaseID, number: doc.Release, store: doc.Platform.Store,
		body: enc.Body, gzip: enc.Gzip, etag: enc.ETag, gzipETag: enc.GzipETag,
		etagHeader: []string{enc.ETag}, gzipETagHeader: []string{enc.GzipETag},
		lengthHeader: []string{strconv.Itoa(len(enc.Body))}, gzipLengthHeader: []string{strconv.Itoa(len(enc.Gzip))},
		campaigns: doc.Campaigns, order: engine.NewOrder(doc.Campaigns), answers: make([]campaignAnswer, len(doc.Campaigns)),
		paywalls: make(map[string]*livePaywall, len(doc.Paywalls)), products: make(map[string]snapshot.Product, len(doc.Products))}
	for i, c := range doc.Campaigns {
		a := campaignAnswer{variants: make([][]byte, len(c.Variants))}
		if a.json, err = encodeJSON(struct {
			Ref  string `json:"ref"`
			Name string `json:"name"`
		}{c.Ref, c.Name}); err != nil {
			return nil, err
		}
		for j, v := range c.Variants {
			if a.variants[j], err = encodeJSON(v.Ref); err != nil {
				return nil, err
			}
		}
		rel.answers[i] = a
	}
	for _, pw := range doc.Paywalls {
		b, err := encodeJSON(pw)
		if err != nil {
			return nil, err
		}
		rel.paywalls[pw.Ref] = &livePaywall{doc: pw, json: b, locales: pw.Locales()}
	}
	for _, p := range doc.Products {
		rel.products[p.SKU] = p
	}
	return rel, nil
}

// encodeJSON encodes v compactly without HTML escaping, as snapshot.Encode does.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Refresh reloads the published snapshots if anything changed since the last load. It never
// moves a platform to an older release than the one it serves, and builds the new set before
// swapping it in, so readers see either the old set or the new one.
func (s *Server) Refresh(ctx context.Context) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	state, err := s.store.PublishState(ctx)
	if err != nil {
		return fmt.Errorf("sdk refresh: %w", err)
	}
	old := s.live.Load()
	if old != nil && old.state == state {
		return nil
	}
	platforms, err := s.store.LivePlatforms(ctx)
	if err != nil {
		return fmt.Errorf("sdk refresh: %w", err)
	}
	previous := map[int64]*liveEntry{}
	if old != nil {
		for _, e := range old.byKey {
			previous[e.platformID] = e
		}
	}
	next := &liveSet{byKey: make(map[string]*liveEntry, len(platforms)), state: state}
	for _, lp := range platforms {
		e, err := s.entryFor(ctx, lp, previous[lp.PlatformID])
		if err != nil {
			return fmt.Errorf("sdk refresh: platform %d: %w", lp.PlatformID, err)
		}
		next.byKey[lp.Key] = e
	}
	s.live.Store(next)
	return nil
}

// entryFor builds the entry of one platform, reusing prev's release when it is the same and
// keeping prev's when the database offers an older release than prev serves (releases only
// grow, so that would be a stale read). A newer release without a snapshot for the platform (a
// republished release from before the platform existed) is taken: the platform is unpublished.
func (s *Server) entryFor(ctx context.Context, lp store.LivePlatform, prev *liveEntry) (*liveEntry, error) {
	e := &liveEntry{platformID: lp.PlatformID, key: lp.Key}
	var old *liveRelease
	if prev != nil {
		old = prev.rel
	}
	switch {
	case old != nil && (lp.ReleaseID < old.releaseID || lp.Published && lp.Release < old.number):
		s.log.Warn("sdk: kept the newer release a platform serves", "platform", lp.PlatformID, "serving", old.number, "offered", lp.Release)
		e.rel = old
	case !lp.Published:
	case old != nil && old.releaseID == lp.ReleaseID:
		e.rel = old
	default:
		sn, err := s.store.Snapshot(ctx, lp.ReleaseID, lp.PlatformID)
		if err != nil {
			return nil, err
		}
		if e.rel, err = newLiveRelease(lp.ReleaseID, sn); err != nil {
			return nil, err
		}
	}
	return e, nil
}
