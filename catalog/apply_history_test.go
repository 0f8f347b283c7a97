package catalog

import (
	"context"
	"strings"
	"testing"

	"nami/store"
)

// `nami apply` records a version of every paywall and campaign it creates or changes, by the
// actor it is given, and none of those it leaves as they are.
func TestApplyRecordsVersions(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	mustApply(t, s, demo(t))
	a, err := s.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	versions := func(entity, ref string) []store.EntityVersion {
		t.Helper()
		vs, err := s.Versions(ctx, a.ID, entity, ref)
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	f := demo(t)
	for _, p := range f.Paywalls {
		if vs := versions(store.EntityPaywall, p.Ref); len(vs) != 1 || vs[0].Version != 1 || vs[0].UserEmail != "tester@example.com" {
			t.Errorf("paywall %s: versions %+v", p.Ref, vs)
		}
	}
	for _, c := range f.Campaigns {
		if vs := versions(store.EntityCampaign, c.Ref); len(vs) != 1 || vs[0].Version != 1 || vs[0].UserEmail != "tester@example.com" {
			t.Errorf("campaign %s: versions %+v", c.Ref, vs)
		}
	}

	// Applying the same file again records nothing: the history table is in the dump.
	before := dumpDB(t, path, "audit_log")
	if !strings.Contains(before, "entity_versions (7 rows)") {
		t.Errorf("the dump lacks the 7 versions (3 paywalls, 4 campaigns)")
	}
	mustApply(t, s, demo(t))
	if after := dumpDB(t, path, "audit_log"); after != before {
		t.Error("applying the same file changed the history")
	}

	// A change to one paywall and one campaign records their version 2, and only theirs.
	cp := campaignAt(t, f, "onboarding-ab")
	cp.HoldoutPercent = 0
	pw := paywallAt(t, f, "spring")
	en := pw.Copy["en"]
	en.Title = "Sleep better this summer"
	pw.Copy["en"] = en
	if _, err := Apply(ctx, s, f, "cli"); err != nil {
		t.Fatal(err)
	}
	vs := versions(store.EntityPaywall, "spring")
	if len(vs) != 2 || vs[0].Version != 2 || vs[0].UserEmail != "cli" {
		t.Fatalf("spring: versions %+v", vs)
	}
	body, err := vs[0].Paywall()
	if err != nil {
		t.Fatal(err)
	}
	if got := body.Copy[1]; got.Locale != "en" || got.Title != "Sleep better this summer" {
		t.Errorf("spring version 2 keeps %+v", got)
	}
	if vs := versions(store.EntityCampaign, "onboarding-ab"); len(vs) != 2 || vs[0].UserEmail != "cli" {
		t.Errorf("onboarding-ab: versions %+v", vs)
	}
	if vs := versions(store.EntityPaywall, "quiet"); len(vs) != 1 {
		t.Errorf("quiet, unchanged, has %d versions", len(vs))
	}
}
