package catalog

import (
	"bytes"
	"context"
	"image/color"
	"slices"
	"strings"
	"testing"

	"nami/offer"
	"nami/store"
)

// TestDemoStoresTheHeroImage checks that the demo's data URI lands in images, content-addressed,
// and that the paywall keeps its hash.
func TestDemoStoresTheHeroImage(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	f := demo(t)
	mustApply(t, s, f)
	data, _, err := offer.ParseDataURI(paywallAt(t, f, "spring").HeroImage)
	if err != nil {
		t.Fatal(err)
	}
	app, err := s.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	spring, err := s.Paywall(ctx, app.ID, "spring")
	if err != nil {
		t.Fatal(err)
	}
	if spring.HeroImage != store.ImageHash(data) {
		t.Errorf("spring.HeroImage = %q, want the hash of the image", spring.HeroImage)
	}
	img, err := s.Image(ctx, spring.HeroImage)
	if err != nil {
		t.Fatal(err)
	}
	if img.ContentType != "image/png" || img.Width != 600 || img.Height != 360 || !bytes.Equal(img.Data, data) {
		t.Errorf("image = %s %dx%d, %d bytes", img.ContentType, img.Width, img.Height, len(img.Data))
	}
	if len(data) > 30<<10 {
		t.Errorf("the demo hero image is %d bytes; keep it small", len(data))
	}
	for _, p := range f.Paywalls {
		platforms := map[string]bool{}
		for _, pp := range p.Products {
			platforms[pp.Platform] = true
		}
		for _, pl := range f.Platforms {
			if !platforms[pl.Ref] {
				t.Errorf("demo paywall %q offers nothing on platform %q", p.Ref, pl.Ref)
			}
		}
	}
}

func TestExportWritesCampaignsInFull(t *testing.T) {
	s, _ := openStore(t)
	mustApply(t, s, demo(t))
	f, err := Export(context.Background(), s.Reader, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := Encode(&buf, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"starts_at": "2026-11-27T00:00:00Z"`, `"ends_at": "2026-12-01T00:00:00Z"`,
		`"starts_at": null`, `"ends_at": null`,
		`"conditions": []`, `"match": "all"`, `"label": ""`,
		`"hero_image": "data:image/png;base64,`, `"subtitle": ""`,
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("export lacks %s", want)
		}
	}
	if strings.Contains(buf.String(), `"hero_image": ""`) {
		t.Errorf("export writes an empty hero_image")
	}
}

func TestApplyPaywallAndCampaignChanges(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	mustApply(t, s, demo(t))
	app, err := s.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	focusBefore, err := s.Paywall(ctx, app.ID, "yearly-focus")
	if err != nil {
		t.Fatal(err)
	}
	winterImage := pngImage(60, 36, color.NRGBA{R: 30, G: 60, B: 120, A: 255})

	// Step 1: every kind of change.
	f := demo(t)
	spring := paywallAt(t, f, "spring")
	de := spring.Copy["de"]
	de.Body = "**Unbegrenzt** meditieren."
	spring.Copy["de"] = de                                                                          // 1 updated
	f.Paywalls = slices.DeleteFunc(f.Paywalls, func(p PaywallDoc) bool { return p.Ref == "quiet" }) // 1 deleted
	f.Paywalls = append(f.Paywalls, PaywallDoc{Ref: "winter", Name: "Winter", Template: "hero", DefaultLocale: "en",
		Theme:     ThemeDoc{Accent: "#1E3A8A", Background: "#EFF6FF", Text: "#0F172A"},
		HeroImage: offer.DataURI("image/png", winterImage),
		Copy:      map[string]CopyDoc{"en": {Title: "Winter calm", Body: "Warm up with *new* sessions.", CTA: "Join"}},
		Products: []PaywallProductDoc{{Platform: "web", SKU: "calmsky-yearly-eur", Badge: "Winter", Highlighted: true},
			{Platform: "ios", SKU: "com.example.calmsky.yearly"}}}) // 1 created
	f.Campaigns = slices.DeleteFunc(f.Campaigns, func(c CampaignDoc) bool { return c.Ref == "black-friday" }) // 1 deleted
	campaignAt(t, f, "default").Variants[0].Paywall = "spring"                                                // 1 updated: quiet can go
	ab := campaignAt(t, f, "onboarding-ab")
	ab.Audience.Conditions = append(ab.Audience.Conditions, ConditionDoc{Attribute: "app_version",
		Operator: "greater_or_equal", Values: []string{"2.5"}}) // 1 updated
	f.Campaigns = append(f.Campaigns, CampaignDoc{Ref: "winter-sale", Name: "Winter sale", Label: "onboarding", Status: "draft",
		Priority: 30, StartsAt: ptr("2026-12-24T18:00:00+01:00"), HoldoutPercent: 5,
		Audience: AudienceDoc{Match: "any", Conditions: []ConditionDoc{{Attribute: "custom.plan", Operator: "not_exists"}}},
		Variants: []VariantDoc{{Ref: "winter", Paywall: "winter", Weight: 70}, {Ref: "focus", Paywall: "yearly-focus", Weight: 30}}}) // 1 created

	if res := mustApply(t, s, f); res != (Result{App: "calm-sky", Created: 2, Updated: 3, Deleted: 2}) {
		t.Errorf("step 1: Result = %+v", res)
	}
	want := normalized(t, f)
	campaignAt(t, want, "winter-sale").StartsAt = ptr("2026-12-24T17:00:00Z") // stored and written in UTC
	assertSameCatalog(t, mustExport(t, s, "calm-sky"), want)

	focusAfter, err := s.Paywall(ctx, app.ID, "yearly-focus")
	if err != nil {
		t.Fatal(err)
	}
	if focusAfter.Version != focusBefore.Version || !focusAfter.UpdatedAt.Equal(focusBefore.UpdatedAt) {
		t.Errorf("unchanged paywall yearly-focus was rewritten: version %d -> %d", focusBefore.Version, focusAfter.Version)
	}
	winter, err := s.Paywall(ctx, app.ID, "winter")
	if err != nil {
		t.Fatal(err)
	}
	if img, err := s.Image(ctx, winter.HeroImage); err != nil || !bytes.Equal(img.Data, winterImage) || img.Width != 60 || img.Height != 36 {
		t.Errorf("winter's image: %v, %s %dx%d", err, img.ContentType, img.Width, img.Height)
	}
	if winter.UpdatedBy != "tester@example.com" {
		t.Errorf("winter.UpdatedBy = %q", winter.UpdatedBy)
	}
	// The same instant written another way is no change.
	if res := mustApply(t, s, f); res != (Result{App: "calm-sky"}) {
		t.Errorf("reapplying step 1: Result = %+v, want nothing changed", res)
	}

	// Step 2: only orders and an image change, each of which is a change.
	focus := paywallAt(t, f, "yearly-focus")
	focus.Products[0], focus.Products[1] = focus.Products[1], focus.Products[0]   // 1 updated
	paywallAt(t, f, "spring").HeroImage = offer.DataURI("image/png", winterImage) // 1 updated
	ab = campaignAt(t, f, "onboarding-ab")
	ab.Variants[0], ab.Variants[1] = ab.Variants[1], ab.Variants[0] // 1 updated
	if res := mustApply(t, s, f); res != (Result{App: "calm-sky", Updated: 3}) {
		t.Errorf("step 2: Result = %+v", res)
	}
	want = normalized(t, f)
	campaignAt(t, want, "winter-sale").StartsAt = ptr("2026-12-24T17:00:00Z")
	assertSameCatalog(t, mustExport(t, s, "calm-sky"), want)

	// Step 3: audience condition order and a cleared image.
	ab = campaignAt(t, f, "onboarding-ab")
	ab.Audience.Conditions[0], ab.Audience.Conditions[1] = ab.Audience.Conditions[1], ab.Audience.Conditions[0] // 1 updated
	paywallAt(t, f, "winter").HeroImage = ""                                                                    // 1 updated
	if res := mustApply(t, s, f); res != (Result{App: "calm-sky", Updated: 2}) {
		t.Errorf("step 3: Result = %+v", res)
	}
	want = normalized(t, f)
	campaignAt(t, want, "winter-sale").StartsAt = ptr("2026-12-24T17:00:00Z")
	assertSameCatalog(t, mustExport(t, s, "calm-sky"), want)
}

func TestApplyDropsPaywallsAndCampaigns(t *testing.T) {
	t.Run("paywalls and campaigns", func(t *testing.T) {
		s, path := openStore(t)
		mustApply(t, s, demo(t))
		f := demo(t)
		f.Paywalls, f.Campaigns = nil, nil
		if res := mustApply(t, s, f); res != (Result{App: "calm-sky", Deleted: 7}) {
			t.Errorf("Result = %+v, want 7 deleted (3 paywalls, 4 campaigns)", res)
		}
		assertSameCatalog(t, mustExport(t, s, "calm-sky"), f)
		dump := dumpDB(t, path)
		for _, want := range []string{"paywalls (0 rows)", "paywall_copy (0 rows)", "paywall_products (0 rows)",
			"campaigns (0 rows)", "campaign_variants (0 rows)", "products (8 rows)",
			"images (1 rows)"} { // kept: a published release may still show it
			if !strings.Contains(dump, want) {
				t.Errorf("database lacks %q", want)
			}
		}
	})
	t.Run("with the products they offer", func(t *testing.T) {
		s, path := openStore(t)
		mustApply(t, s, demo(t))
		f := demo(t)
		f.Paywalls, f.Campaigns, f.Products = nil, nil, nil
		if res := mustApply(t, s, f); res != (Result{App: "calm-sky", Deleted: 15}) {
			t.Errorf("Result = %+v, want 15 deleted (the demo has 4 campaigns)", res)
		}
		if dump := dumpDB(t, path); !strings.Contains(dump, "paywall_products (0 rows)") || !strings.Contains(dump, "products (0 rows)") {
			t.Errorf("rows left behind:\n%s", dump)
		}
	})
	t.Run("a paywall renamed under its campaigns", func(t *testing.T) {
		s, _ := openStore(t)
		mustApply(t, s, demo(t))
		f := demo(t)
		paywallAt(t, f, "yearly-focus").Ref = "focus"
		campaignAt(t, f, "black-friday").Variants[0].Paywall = "focus"
		campaignAt(t, f, "onboarding-ab").Variants[1].Paywall = "focus"
		campaignAt(t, f, "upgrade-prompt").Variants[0].Paywall = "focus"
		// focus created; the three campaigns updated; yearly-focus deleted once nothing shows it.
		if res := mustApply(t, s, f); res != (Result{App: "calm-sky", Created: 1, Updated: 3, Deleted: 1}) {
			t.Errorf("Result = %+v", res)
		}
		assertSameCatalog(t, mustExport(t, s, "calm-sky"), f)
	})
}
