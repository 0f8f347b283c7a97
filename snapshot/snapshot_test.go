package snapshot_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"nami/catalog"
	"nami/offer"
	"nami/snapshot"
	"nami/store"
)

func demoFile(t *testing.T) *catalog.File {
	t.Helper()
	f, err := catalog.Parse(bytes.NewReader(catalog.Demo))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var publishedAt = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func compile(t *testing.T, f *catalog.File, platform string) snapshot.Document {
	t.Helper()
	doc, err := snapshot.Compile(f, platform, 7, publishedAt)
	if err != nil {
		t.Fatalf("Compile %s: %v", platform, err)
	}
	return doc
}

func TestSnapshotCompileKeepsOnlyThePlatformsProducts(t *testing.T) {
	doc := compile(t, demoFile(t), "android")
	if doc.Format != snapshot.Format || doc.Release != 7 || !doc.PublishedAt.Equal(publishedAt) || doc.App.Slug != "calm-sky" ||
		doc.Platform != (snapshot.Platform{Ref: "android", Store: "google", Name: "Android", BundleID: "com.example.calmsky", Environment: "production"}) {
		t.Errorf("head: %+v %+v %+v", doc.Release, doc.App, doc.Platform)
	}
	want := []snapshot.Product{
		{SKU: "calmsky_premium_monthly", Name: "Premium Monthly", Kind: "subscription", Price: "9.99", Currency: "USD", Period: "P1M", Trial: "P1W", Entitlements: []string{"premium"}},
		{SKU: "calmsky_premium_yearly", Name: "Premium Yearly", Kind: "subscription", Price: "59.99", Currency: "USD", Period: "P1Y", Trial: "P2W", Entitlements: []string{"offline", "premium"}},
	}
	if len(doc.Products) != 2 || !slices.EqualFunc(doc.Products, want, func(a, b snapshot.Product) bool {
		return a.SKU == b.SKU && a.Price == b.Price && a.Trial == b.Trial && slices.Equal(a.Entitlements, b.Entitlements)
	}) {
		t.Errorf("products %+v", doc.Products)
	}
	if len(doc.Entitlements) != 2 || doc.Entitlements[0].Ref != "offline" {
		t.Errorf("entitlements %+v", doc.Entitlements)
	}
	for _, pw := range doc.Paywalls {
		var skus []string
		for _, pp := range pw.Products {
			skus = append(skus, pp.SKU)
		}
		if pw.Ref == "spring" && !slices.Equal(skus, []string{"calmsky_premium_yearly", "calmsky_premium_monthly"}) {
			t.Errorf("spring offers %v on android, want yearly then monthly, in the paywall's order", skus)
		}
	}
}

func TestSnapshotCompileKeepsOnlyLiveCampaigns(t *testing.T) {
	doc := compile(t, demoFile(t), "ios")
	var refs []string
	for _, c := range doc.Campaigns {
		refs = append(refs, c.Ref)
		if c.Audience.Match == "" || c.Audience.Conditions == nil || c.Variants == nil {
			t.Errorf("campaign %s has an unset match or a null list", c.Ref)
		}
	}
	if !slices.Equal(refs, []string{"default", "onboarding-ab", "upgrade-prompt"}) {
		t.Errorf("campaigns %v, want the live default, onboarding-ab and upgrade-prompt (not the paused black-friday)", refs)
	}
	ab := doc.Campaigns[1]
	if ab.HoldoutPercent != 10 || len(ab.Variants) != 2 || ab.Variants[1].Paywall != "yearly-focus" || ab.Audience.Conditions[0].Attribute != "country" {
		t.Errorf("onboarding-ab: %+v", ab)
	}
}

func TestSnapshotCompileKeepsCopyAsMarkdownAndImages(t *testing.T) {
	f := demoFile(t)
	f.Paywalls[0].Copy["en"] = catalog.CopyDoc{Title: "T", Body: "**Bold** <script>alert(1)</script> [x](javascript:alert(1))", Footer: "[Terms](https://example.com/t)"}
	doc := compile(t, f, "web")
	var quiet, spring snapshot.Paywall
	for _, pw := range doc.Paywalls {
		switch pw.Ref {
		case "quiet":
			quiet = pw
		case "spring":
			spring = pw
		}
	}
	// Each locale's copy once, as the Markdown written: SDKs render it (docs/sdk-api.md).
	en := quiet.Copy["en"]
	if en.Title != "T" || en.Body != f.Paywalls[0].Copy["en"].Body || en.Footer != "[Terms](https://example.com/t)" || en.TokenValues != nil {
		t.Errorf("copy: %+v", en)
	}
	b, err := snapshot.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{`"body_html"`, `"footer_html"`, "<p>"} {
		if bytes.Contains(b, []byte(gone)) {
			t.Errorf("the snapshot has %s: copy must be there once, as Markdown", gone)
		}
	}
	if quiet.HeroImage != nil {
		t.Errorf("quiet has no image, got %q", *quiet.HeroImage)
	}
	data, _, err := offer.ParseDataURI(f.Paywalls[slices.IndexFunc(f.Paywalls, func(p catalog.PaywallDoc) bool { return p.Ref == "spring" })].HeroImage)
	if err != nil {
		t.Fatal(err)
	}
	if spring.HeroImage == nil || *spring.HeroImage != "/images/"+store.ImageHash(data) {
		t.Errorf("spring's image URL %v, want the stored image's /images/%s", spring.HeroImage, store.ImageHash(data))
	}
}

func TestSnapshotEncodingIsDeterministicWithStrongETags(t *testing.T) {
	f := demoFile(t)
	a, err := snapshot.Encode(compile(t, f, "ios"))
	if err != nil {
		t.Fatal(err)
	}
	for range 5 { // maps (copy by locale) must not change the bytes
		b, err := snapshot.Encode(compile(t, demoFile(t), "ios"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("the same catalog compiled to different bytes")
		}
	}
	if bytes.HasSuffix(a, []byte("\n")) || !bytes.Contains(a, []byte("**")) {
		t.Errorf("the body ends in a newline or lacks the copy's Markdown")
	}
	enc, err := snapshot.Pack(a)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(a)
	if enc.ETag != `"`+hex.EncodeToString(sum[:])+`"` || enc.GzipETag == enc.ETag || !strings.HasPrefix(enc.GzipETag, `"`) || !strings.HasSuffix(enc.GzipETag, `"`) {
		t.Errorf("ETags %s %s", enc.ETag, enc.GzipETag)
	}
	zr, err := gzip.NewReader(bytes.NewReader(enc.Gzip))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, a) {
		t.Errorf("the gzip form does not hold the body (%v)", err)
	}
	again, err := snapshot.Pack(a)
	if err != nil || !bytes.Equal(again.Gzip, enc.Gzip) {
		t.Errorf("packing twice gave different gzip bytes")
	}
	doc, err := snapshot.Decode(a)
	if err != nil || doc.Release != 7 {
		t.Errorf("Decode: %v %d", err, doc.Release)
	}
	if _, err := snapshot.Decode([]byte(`{"format":"other"}`)); err == nil {
		t.Errorf("Decode accepted another format")
	}
}

func TestSnapshotCompileRefusesAnUnknownPlatform(t *testing.T) {
	if _, err := snapshot.Compile(demoFile(t), "windows", 1, publishedAt); err == nil {
		t.Fatal("compiled a platform the catalog does not have")
	}
}

// Snapshots carry both palettes: "dark" is the dark one, or null for a paywall without one.
func TestSnapshotCarriesTheDarkPalette(t *testing.T) {
	f := demoFile(t)
	i := slices.IndexFunc(f.Paywalls, func(p catalog.PaywallDoc) bool { return p.Ref == "quiet" })
	f.Paywalls[i].Theme.Dark = nil
	doc := compile(t, f, "ios")
	for _, pw := range doc.Paywalls {
		switch pw.Ref {
		case "quiet":
			if pw.Theme.Dark != nil {
				t.Errorf("quiet has no dark palette, got %+v", pw.Theme.Dark)
			}
		case "spring":
			want := snapshot.Palette{Accent: "#A78BFA", Background: "#120E24", Text: "#EDE9FE"}
			if pw.Theme.Dark == nil || *pw.Theme.Dark != want || pw.Theme.Accent != "#7C3AED" {
				t.Errorf("spring's theme %+v (dark %+v), want the demo's light and dark palettes", pw.Theme, pw.Theme.Dark)
			}
		}
	}
	b, err := snapshot.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	raw := string(b)
	for _, want := range []string{
		`"theme":{"accent":"#334155","background":"#F8FAFC","text":"#0F172A","dark":null}`,
		`"theme":{"accent":"#7C3AED","background":"#FFFFFF","text":"#1E1B4B","dark":{"accent":"#A78BFA","background":"#120E24","text":"#EDE9FE"}}`,
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("snapshot lacks %s", want)
		}
	}
}

// paywallRefs lists the refs of a document's paywalls, in its order.
func paywallRefs(doc snapshot.Document) []string {
	var refs []string
	for _, pw := range doc.Paywalls {
		refs = append(refs, pw.Ref)
	}
	return refs
}

// A snapshot carries what devices use: every paywall a live campaign shows and every paywall
// marked for SDK use, and nothing else (issue 14).
func TestSnapshotLeavesOutUnusedPaywalls(t *testing.T) {
	f := demoFile(t)
	base := f.Paywalls[0]
	add := func(ref string, sdk bool) {
		pw := base
		pw.Ref, pw.Name, pw.SDK = ref, ref, sdk
		f.Paywalls = append(f.Paywalls, pw)
	}
	add("unused", false)
	add("paused-only", false)
	add("by-ref", true)
	add("by-ref-and-live", true)
	for i := range f.Campaigns {
		switch f.Campaigns[i].Ref {
		case "black-friday": // paused
			f.Campaigns[i].Variants[0].Paywall = "paused-only"
		case "default": // live
			f.Campaigns[i].Variants = append(f.Campaigns[i].Variants, catalog.VariantDoc{Ref: "z", Paywall: "by-ref-and-live", Weight: 0})
		}
	}
	if problems := catalog.Validate(f); len(problems) > 0 {
		t.Fatal(problems)
	}
	for _, platform := range []string{"ios", "android", "web"} {
		doc := compile(t, f, platform)
		want := []string{"by-ref", "by-ref-and-live", "quiet", "spring", "yearly-focus"}
		if got := paywallRefs(doc); !slices.Equal(got, want) {
			t.Errorf("%s: paywalls %v, want %v", platform, got, want)
		}
		have := map[string]bool{}
		for _, pw := range doc.Paywalls {
			have[pw.Ref] = true
		}
		for _, c := range doc.Campaigns {
			for _, v := range c.Variants {
				if !have[v.Paywall] {
					t.Errorf("%s: live campaign %s shows %s, which the snapshot lacks", platform, c.Ref, v.Paywall)
				}
			}
		}
	}
	// A paused campaign's paywall comes back once the campaign is live.
	for i := range f.Campaigns {
		if f.Campaigns[i].Ref == "black-friday" {
			f.Campaigns[i].Status = "live"
		}
	}
	if got := paywallRefs(compile(t, f, "ios")); !slices.Contains(got, "paused-only") || slices.Contains(got, "unused") {
		t.Errorf("paywalls %v, want paused-only (now live) and not unused", got)
	}
	if shown := snapshot.ShownPaywalls(f); len(shown) != 6 || shown["unused"] {
		t.Errorf("ShownPaywalls %v", shown)
	}
}

// Tokens in copy keep their values per product beside the Markdown (docs/sdk-api.md, "Tokens in copy").
func TestSnapshotCopyKeepsTokenValues(t *testing.T) {
	f := demoFile(t)
	f.Paywalls[0].Copy["en"] = catalog.CopyDoc{Title: "Only {{product.price}}", Body: "**{{product.name}}**"}
	doc := compile(t, f, "ios")
	i := slices.IndexFunc(doc.Paywalls, func(p snapshot.Paywall) bool { return p.Ref == f.Paywalls[0].Ref })
	en := doc.Paywalls[i].Copy["en"]
	if en.Title != "Only {{product.price}}" || en.Body != "**{{product.name}}**" || len(en.TokenValues) == 0 {
		t.Fatalf("copy %+v", en)
	}
	for sku, values := range en.TokenValues {
		if values["price"] == "" {
			t.Errorf("%s has no price value: %v", sku, values)
		}
	}
}
