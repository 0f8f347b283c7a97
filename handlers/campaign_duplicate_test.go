package handlers_test

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"nami/engine"
	"nami/store"
)

// wantSameRules fails the test unless the copy has the source's label, priority, schedule,
// holdout, audience and variants, as a draft named "<name> (copy)".
func wantSameRules(t *testing.T, src, cp store.Campaign) {
	t.Helper()
	if cp.Status != engine.StatusDraft || cp.Name != src.Name+" (copy)" || cp.Version != 1 {
		t.Errorf("copy %s: status %q name %q version %d, want a draft named %q at version 1", cp.Ref, cp.Status, cp.Name, cp.Version, src.Name+" (copy)")
	}
	if cp.ID == src.ID || cp.Label != src.Label || cp.Priority != src.Priority || cp.HoldoutPercent != src.HoldoutPercent {
		t.Errorf("copy %s: id %d label %q priority %d holdout %d; source id %d label %q priority %d holdout %d",
			cp.Ref, cp.ID, cp.Label, cp.Priority, cp.HoldoutPercent, src.ID, src.Label, src.Priority, src.HoldoutPercent)
	}
	if !reflect.DeepEqual(cp.StartsAt, src.StartsAt) || !reflect.DeepEqual(cp.EndsAt, src.EndsAt) {
		t.Errorf("copy %s: schedule %v–%v, want %v–%v", cp.Ref, cp.StartsAt, cp.EndsAt, src.StartsAt, src.EndsAt)
	}
	if !reflect.DeepEqual(cp.Audience, src.Audience) {
		t.Errorf("copy %s: audience %+v, want %+v", cp.Ref, cp.Audience, src.Audience)
	}
	if !reflect.DeepEqual(cp.Variants, src.Variants) || len(cp.Variants) == 0 {
		t.Errorf("copy %s: variants %+v, want %+v", cp.Ref, cp.Variants, src.Variants)
	}
}

func TestDuplicateCampaignMakesDraftCopiesUnderFreeRefs(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	src := storedCampaign(t, ts, a.ID, "onboarding-ab")

	for _, want := range []string{"onboarding-ab-copy", "onboarding-ab-copy-2", "onboarding-ab-copy-3"} {
		r := c.post(demoPath+"/campaigns/onboarding-ab/duplicate", nil)
		wantRedirect(t, r, demoPath+"/campaigns/"+want)
		wantSameRules(t, src, storedCampaign(t, ts, a.ID, want))
	}
	// The source is untouched, live as before.
	if after := storedCampaign(t, ts, a.ID, "onboarding-ab"); !reflect.DeepEqual(after, src) {
		t.Errorf("the source changed:\n%+v\nwas\n%+v", after, src)
	}
	// A freed ref is taken again first: delete the first copy and duplicate once more.
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		return tx.DeleteCampaign(ctx, storedCampaign(t, ts, a.ID, "onboarding-ab-copy").ID)
	})
	wantRedirect(t, c.post(demoPath+"/campaigns/onboarding-ab/duplicate", nil), demoPath+"/campaigns/onboarding-ab-copy")

	// A scheduled, paused campaign keeps its schedule and becomes a draft.
	bf := storedCampaign(t, ts, a.ID, "black-friday")
	if bf.StartsAt == nil || bf.EndsAt == nil || bf.Status != "paused" {
		t.Fatalf("the demo's black-friday is %+v; the test wants a scheduled, paused campaign", bf)
	}
	r := c.post(demoPath+"/campaigns/black-friday/duplicate", nil)
	wantRedirect(t, r, demoPath+"/campaigns/black-friday-copy")
	wantSameRules(t, bf, storedCampaign(t, ts, a.ID, "black-friday-copy"))

	// The builder of the copy says what happened.
	b := c.get(r.location())
	wantStatus(t, b, http.StatusOK)
	if f := text(b.doc.Find(`[data-testid="flash"]`)); !strings.Contains(f, "Duplicated Black Friday as the draft Black Friday (copy) (black-friday-copy)") {
		t.Errorf("flash = %q", f)
	}

	// Each copy is in the audit log, newest first.
	entries, err := ts.st.AuditLog(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.Action == "duplicated" {
			got = append(got, e.UserEmail+" "+e.AppSlug+" "+e.Entity+" "+e.Ref)
		}
	}
	want := []string{"black-friday-copy", "onboarding-ab-copy", "onboarding-ab-copy-3", "onboarding-ab-copy-2", "onboarding-ab-copy"}
	for i := range want {
		want[i] = ownerEmail + " calm-sky campaign " + want[i]
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit entries %q, want %q", got, want)
	}
}

func TestDuplicateCampaignKeepsALongRefWithinTheLimit(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	quiet := storedPaywall(t, ts, a.ID, "quiet")
	long := strings.Repeat("x", 60) + "-abc" // 64 characters, the most a ref may have
	longName := strings.Repeat("N", 120)
	addCampaign(t, ts, store.Campaign{AppID: a.ID, Ref: long, Name: longName, Label: "long", Status: "live", Priority: 3,
		Variants: []store.CampaignVariant{{Ref: "a", PaywallID: quiet.ID, Weight: 100}}})

	for _, want := range []string{long[:59] + "-copy", long[:57] + "-copy-2", long[:57] + "-copy-3"} {
		wantRedirect(t, c.post(demoPath+"/campaigns/"+long+"/duplicate", nil), demoPath+"/campaigns/"+want)
		if len(want) != 64 || !engine.ValidRef(want) {
			t.Fatalf("the test's ref %q is not a valid 64-character ref", want)
		}
		cp := storedCampaign(t, ts, a.ID, want)
		if n := len([]rune(cp.Name)); n != 120 || !strings.HasSuffix(cp.Name, " (copy)") {
			t.Errorf("copy name %q (%d characters), want 120 characters ending in (copy)", cp.Name, n)
		}
	}
}

func TestViewerCannotDuplicateACampaign(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	a := loadDemo(t, ts)
	addUser(t, ts, "vi@example.com", "Vi Ewer", store.RoleViewer)
	viewer := login(t, ts, "vi@example.com", userPassword)
	before := exportApp(t, ts, "calm-sky")

	for _, headers := range [][]string{nil, htmx} {
		r := viewer.post(demoPath+"/campaigns/onboarding-ab/duplicate", nil, headers...)
		if r.status != http.StatusForbidden {
			t.Errorf("viewer duplicate (headers %v): status %d, want 403", headers, r.status)
		}
	}
	wantUnchanged(t, ts, "calm-sky", before)
	if campaignStored(t, ts, a.ID, "onboarding-ab-copy") {
		t.Error("the viewer's duplicate was stored")
	}
}

func TestDuplicateUnknownCampaignIs404(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	before := exportApp(t, ts, "calm-sky")
	r := c.post(demoPath+"/campaigns/no-such-campaign/duplicate", nil)
	if r.status != http.StatusNotFound {
		t.Errorf("status %d, want 404", r.status)
	}
	wantUnchanged(t, ts, "calm-sky", before)
}
