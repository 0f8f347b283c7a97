package publish_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"nami/catalog"
	"nami/publish"
	"nami/snapshot"
	"nami/store"
)

func demoFile(t testing.TB) *catalog.File {
	t.Helper()
	f, err := catalog.Parse(bytes.NewReader(catalog.Demo))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func openDemo(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "nami.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := catalog.Apply(context.Background(), st, demoFile(t), "test"); err != nil {
		t.Fatal(err)
	}
	return st
}

func messages(issues []publish.Issue) string {
	var out []string
	for _, i := range issues {
		out = append(out, i.String())
	}
	return strings.Join(out, "\n")
}

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func TestPublishCheckFindsErrorsAndWarnings(t *testing.T) {
	f := demoFile(t)
	if errs, warnings := publish.Check(f, now); len(errs) > 0 || len(warnings) > 0 {
		t.Fatalf("the demo has issues:\n%s\n%s", messages(errs), messages(warnings))
	}
	ended := "2026-05-01T00:00:00Z"
	f.Platforms = append(f.Platforms, catalog.PlatformDoc{Ref: "roku", Store: "roku", Name: "Roku", Environment: "production"})
	f.Campaigns = append(f.Campaigns,
		catalog.CampaignDoc{Ref: "gone", Name: "Gone", Label: "gone", Status: "live", Audience: catalog.AudienceDoc{Match: "all"},
			Variants: []catalog.VariantDoc{{Ref: "a", Paywall: "deleted-paywall", Weight: 100}}},
		catalog.CampaignDoc{Ref: "over", Name: "Over", Label: "over", Status: "live", EndsAt: &ended, Audience: catalog.AudienceDoc{Match: "all"},
			Variants: []catalog.VariantDoc{{Ref: "a", Paywall: "quiet", Weight: 100}}},
		// Paused campaigns are not published, so their problems do not count.
		catalog.CampaignDoc{Ref: "paused", Name: "Paused", Status: "paused", Audience: catalog.AudienceDoc{Match: "all"},
			Variants: []catalog.VariantDoc{{Ref: "a", Paywall: "deleted-paywall", Weight: 30}}})
	errs, warnings := publish.Check(f, now)
	if got := messages(errs); got != `campaign gone: variant a shows the paywall "deleted-paywall", which does not exist` {
		t.Errorf("errors:\n%s", got)
	}
	got := messages(warnings)
	for _, want := range []string{
		"campaign default: its paywall quiet (variant main) offers no product on roku",
		"campaign onboarding-ab: its paywall spring (variant a) offers no product on roku",
		"campaign onboarding-ab: its paywall yearly-focus (variant b) offers no product on roku",
		"campaign over: its schedule ended 2026-05-01 00:00 UTC",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "paused") || strings.Contains(got, "black-friday") {
		t.Errorf("warnings about campaigns that are not live:\n%s", got)
	}

	empty := &catalog.File{App: catalog.AppDoc{Slug: "empty"}}
	if errs, _ := publish.Check(empty, now); len(errs) != 1 || errs[0].Entity != "app" {
		t.Errorf("an app without platforms: %s", messages(errs))
	}
}

func TestPublishDiffByEntityAndField(t *testing.T) {
	old, draft := demoFile(t), demoFile(t)
	if d := publish.Diff(old, draft); len(d) != 0 {
		t.Fatalf("the same file differs: %+v", d)
	}
	draft.App.Name = "Calm Sky 2"
	draft.Platforms[0].Key = "pk_rotatedrotatedrotated0" // keys are not part of a release
	draft.Products[0].Price = "1.99"
	draft.Products[0].Trial = ""
	draft.Paywalls = draft.Paywalls[1:]
	draft.Campaigns = append(draft.Campaigns, catalog.CampaignDoc{Ref: "new", Name: "New", Status: "draft"})
	got := publish.Diff(old, draft)
	want := []publish.Change{
		{Entity: "app", Ref: "calm-sky", Kind: publish.Changed, Fields: []string{"name"}},
		{Entity: "product", Ref: "android/calmsky_premium_monthly", Kind: publish.Changed, Fields: []string{"price", "trial"}},
		{Entity: "paywall", Ref: "quiet", Kind: publish.Removed},
		{Entity: "campaign", Ref: "new", Kind: publish.Added},
	}
	if !slices.EqualFunc(got, want, func(a, b publish.Change) bool {
		return a.Entity == b.Entity && a.Ref == b.Ref && a.Kind == b.Kind && slices.Equal(a.Fields, b.Fields)
	}) {
		t.Errorf("Diff:\n got %+v\nwant %+v", got, want)
	}
	first := publish.Diff(nil, old)
	if len(first) != len(old.Platforms)+len(old.Entitlements)+len(old.Products)+len(old.Paywalls)+len(old.Campaigns) {
		t.Errorf("before the first release, %d changes", len(first))
	}
	for _, c := range first {
		if c.Kind != publish.Added {
			t.Errorf("before the first release: %+v", c)
		}
	}
}

func TestPublishNumbersReleasesAndStoresOneSnapshotPerPlatform(t *testing.T) {
	st := openDemo(t)
	ctx := context.Background()
	unpublished, err := publish.Unpublished(ctx, st.Reader, "calm-sky")
	if err != nil || !unpublished {
		t.Errorf("before the first release: unpublished %v (%v)", unpublished, err)
	}
	res, err := publish.Publish(ctx, st, "calm-sky", "ann@example.com", "first")
	if err != nil {
		t.Fatal(err)
	}
	if res.Release.Number != 1 || res.Release.CreatedBy != "ann@example.com" || res.Release.Note != "first" ||
		!slices.Equal(res.Release.Platforms, []string{"android", "android-test", "ios", "web"}) {
		t.Errorf("release %+v", res.Release)
	}
	if unpublished, err := publish.Unpublished(ctx, st.Reader, "calm-sky"); err != nil || unpublished {
		t.Errorf("right after publishing: unpublished %v (%v)", unpublished, err)
	}
	app, err := st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	// Touched drafts are compared in full: an edit undone again is not a change, a price is.
	for _, price := range []string{"9.99", "8.99"} {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			pr, err := tx.Product(ctx, app.ID, "ios", "com.example.calmsky.monthly")
			if err != nil {
				return err
			}
			pr.Price = price
			if err := tx.UpdateProduct(ctx, &pr); err != nil {
				return err
			}
			return tx.TouchApp(ctx, app.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if unpublished, err := publish.Unpublished(ctx, st.Reader, "calm-sky"); err != nil || unpublished != (price == "8.99") {
			t.Errorf("drafts with the monthly price at %s: unpublished %v (%v)", price, unpublished, err)
		}
	}
	ios, err := st.Platform(ctx, app.ID, "ios")
	if err != nil {
		t.Fatal(err)
	}
	sn, err := st.Snapshot(ctx, res.Release.ID, ios.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sn.ETag != snapshot.ETag(sn.Body) || len(sn.Gzip) == 0 {
		t.Errorf("stored snapshot: ETag %s, %d gzip bytes", sn.ETag, len(sn.Gzip))
	}
	doc, err := snapshot.Decode(sn.Body)
	if err != nil || doc.Release != 1 || doc.Platform.Ref != "ios" || !doc.PublishedAt.Equal(res.Release.CreatedAt) {
		t.Errorf("snapshot: %v %+v", err, doc.Platform)
	}

	// Concurrent publishers (the web and the CLI) get consecutive numbers.
	var wg sync.WaitGroup
	numbers := make([]int, 6)
	for i := range numbers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := publish.Publish(ctx, st, "calm-sky", "x", "")
			if err != nil {
				t.Error(err)
				return
			}
			numbers[i] = r.Release.Number
		}()
	}
	wg.Wait()
	slices.Sort(numbers)
	if !slices.Equal(numbers, []int{2, 3, 4, 5, 6, 7}) {
		t.Errorf("numbers %v", numbers)
	}
}

func TestPublishBlockedStoresNothing(t *testing.T) {
	st := openDemo(t)
	ctx := context.Background()
	app, err := st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		pw, err := tx.Paywall(ctx, app.ID, "quiet")
		if err != nil {
			return err
		}
		c := store.Campaign{AppID: app.ID, Ref: "half", Name: "Half", Status: "live",
			Variants: []store.CampaignVariant{{Ref: "a", PaywallID: pw.ID, Weight: 50}}}
		return tx.CreateCampaign(ctx, &c)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = publish.Publish(ctx, st, "calm-sky", "x", "")
	var blocked *publish.Blocked
	if !errors.As(err, &blocked) || !strings.Contains(err.Error(), "campaign half") {
		t.Fatalf("err %v, want Blocked naming campaign half", err)
	}
	if list, err := st.Releases(ctx, app.ID); err != nil || len(list) != 0 {
		t.Errorf("%d releases after a blocked publish (%v)", len(list), err)
	}
	if _, err := publish.Publish(ctx, st, "no-such-app", "x", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown app: %v", err)
	}
}

func TestPublishRepublishWarnsAboutPlatformsAddedSince(t *testing.T) {
	st := openDemo(t)
	ctx := context.Background()
	if _, err := publish.Publish(ctx, st, "calm-sky", "x", "one"); err != nil {
		t.Fatal(err)
	}
	app, err := st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		p := store.AppPlatform{AppID: app.ID, Ref: "roku", Store: "roku", Name: "Roku", Environment: "production"}
		return tx.CreatePlatform(ctx, &p)
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := publish.Republish(ctx, st, "calm-sky", 1, "y")
	if err != nil {
		t.Fatal(err)
	}
	if res.Release.Number != 2 || res.Release.RepublishedFrom != 1 || slices.Contains(res.Release.Platforms, "roku") {
		t.Errorf("release %+v", res.Release)
	}
	if got := messages(res.Warnings); !strings.Contains(got, "platform roku: it did not exist in release 1") {
		t.Errorf("warnings %q", got)
	}
	if _, err := publish.Republish(ctx, st, "calm-sky", 9, "y"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("republishing an unknown release: %v", err)
	}
}
