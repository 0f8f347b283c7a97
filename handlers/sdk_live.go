package handlers

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

// liveEntry is one platform and, once its app has published, the snapshot it is served, with
// everything a request needs prepared when it was loaded: headers, decisions' inputs and
// the JSON fragments of resolve's answer.
type liveEntry struct {
	platformID int64
	releaseID  int64
	key        string
	store      string // the platform's store code: the "platform" attribute of decisions
	published  bool

	release    int
	body, gzip []byte
	etag       string
	gzipETag   string
	// Header values, allocated once and shared by every response (net/http only reads them).
	etagHeader, gzipETagHeader, lengthHeader, gzipLengthHeader []string

	doc       snapshot.Document
	campaigns []engine.Campaign // what engine.Decide takes, built once per load
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

// newLiveEntry prepares a published snapshot for serving.
func newLiveEntry(lp store.LivePlatform, sn store.Snapshot) (*liveEntry, error) {
	e := &liveEntry{platformID: lp.PlatformID, releaseID: lp.ReleaseID, key: lp.Key, store: lp.Store, published: true}
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
	e.release, e.doc = doc.Release, doc
	e.body, e.gzip, e.etag, e.gzipETag = enc.Body, enc.Gzip, enc.ETag, enc.GzipETag
	e.etagHeader, e.gzipETagHeader = []string{e.etag}, []string{e.gzipETag}
	e.lengthHeader = []string{strconv.Itoa(len(e.body))}
	e.gzipLengthHeader = []string{strconv.Itoa(len(e.gzip))}

	e.campaigns = doc.Campaigns
	e.answers = make([]campaignAnswer, len(doc.Campaigns))
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
		e.answers[i] = a
	}
	e.paywalls = make(map[string]*livePaywall, len(doc.Paywalls))
	for _, pw := range doc.Paywalls {
		b, err := encodeJSON(pw)
		if err != nil {
			return nil, err
		}
		e.paywalls[pw.Ref] = &livePaywall{doc: pw, json: b, locales: pw.Locales()}
	}
	e.products = make(map[string]snapshot.Product, len(doc.Products))
	for _, p := range doc.Products {
		e.products[p.SKU] = p
	}
	return e, nil
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
func (s *SDK) Refresh(ctx context.Context) error {
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

// entryFor builds the entry of one platform, reusing prev when it serves the same release and
// keeping prev when the database offers an older release than prev serves (releases only grow,
// so that would be a stale read). A newer release without a snapshot for the platform (a
// republished release from before the platform existed) is taken: the platform is unpublished.
func (s *SDK) entryFor(ctx context.Context, lp store.LivePlatform, prev *liveEntry) (*liveEntry, error) {
	if prev != nil && prev.published && (lp.ReleaseID < prev.releaseID || lp.Published && lp.Release < prev.release) {
		s.log.Warn("sdk: kept the newer release a platform serves", "platform", lp.PlatformID, "serving", prev.release, "offered", lp.Release)
		return withKey(prev, lp.Key), nil
	}
	if !lp.Published {
		return &liveEntry{platformID: lp.PlatformID, key: lp.Key, store: lp.Store}, nil
	}
	if prev != nil && prev.published && prev.releaseID == lp.ReleaseID && prev.store == lp.Store {
		return withKey(prev, lp.Key), nil
	}
	sn, err := s.store.Snapshot(ctx, lp.ReleaseID, lp.PlatformID)
	if err != nil {
		return nil, err
	}
	return newLiveEntry(lp, sn)
}

// withKey returns e itself if its key is key, or a copy under the new key (a rotated key).
func withKey(e *liveEntry, key string) *liveEntry {
	if e.key == key {
		return e
	}
	return &liveEntry{platformID: e.platformID, releaseID: e.releaseID, key: key, store: e.store, published: e.published,
		release: e.release, body: e.body, gzip: e.gzip, etag: e.etag, gzipETag: e.gzipETag,
		etagHeader: e.etagHeader, gzipETagHeader: e.gzipETagHeader, lengthHeader: e.lengthHeader, gzipLengthHeader: e.gzipLengthHeader,
		doc: e.doc, campaigns: e.campaigns, answers: e.answers, paywalls: e.paywalls, products: e.products}
}
