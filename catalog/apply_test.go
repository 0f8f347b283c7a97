package catalog

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"nami/store"
)

func TestDemoApplies(t *testing.T) {
	if problems := Validate(demo(t)); problems != nil {
		t.Fatalf("Validate(Demo):\n%v", problems)
	}
	s, _ := openStore(t)
	res := mustApply(t, s, demo(t))
	// 1 app + 4 platforms + 2 entitlements + 8 products + 3 paywalls + 3 campaigns.
	if want := (Result{App: "calm-sky", Created: 22}); res != want {
		t.Errorf("Result = %+v, want %+v", res, want)
	}
	log, err := s.AuditLog(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 {
		t.Fatalf("audit log has %d entries, want 1: %+v", len(log), log)
	}
	e := log[0]
	if e.UserEmail != "tester@example.com" || e.AppSlug != "calm-sky" || e.Action != "applied" ||
		e.Entity != "catalog" || e.Detail != "22 created, 0 updated, 0 deleted" {
		t.Errorf("audit entry = %+v", e)
	}
}

func TestApplyExportRoundTrip(t *testing.T) {
	t.Run("demo", func(t *testing.T) {
		s, path := openStore(t)
		mustApply(t, s, demo(t))
		got := mustExport(t, s, "calm-sky")
		assertSameCatalog(t, got, demo(t))
		before := dumpDB(t, path, "audit_log")
		if res := mustApply(t, s, got); res != (Result{App: "calm-sky"}) {
			t.Errorf("applying the export changed something: %+v", res)
		}
		if after := dumpDB(t, path, "audit_log"); after != before {
			t.Errorf("applying the export changed the database")
		}
	})
	t.Run("unsorted, optional fields empty, generated key", func(t *testing.T) {
		f := &File{
			Format: Format,
			App:    AppDoc{Slug: "tiny", Name: "Tiny & Co"},
			Platforms: []PlatformDoc{
				{Ref: "web", Store: "web", Name: "Web", Environment: "sandbox"},
				{Ref: "android", Store: "google", Name: "Android", Environment: "production", Key: "pk_0123456789abcdefXYZ_"},
			},
			Entitlements: []EntitlementDoc{{Ref: "pro", Name: "Pro"}, {Ref: "ads-free", Name: "No ads", Description: "Hides ads"}},
			Products: []ProductDoc{
				{Platform: "web", SKU: "coins-100", Name: "100 coins", Kind: "consumable", Price: "0.99", Currency: "USD"},
				{Platform: "android", SKU: "pro.yearly", Name: "Pro", Kind: "subscription", Price: "20", Currency: "GBP",
					Period: "P1Y", Entitlements: []string{"pro", "ads-free"}},
				{Platform: "android", SKU: "ads", Name: "No ads", Kind: "non_consumable", Price: "2.50", Currency: "GBP",
					Entitlements: []string{"ads-free"}},
			},
			Paywalls: []PaywallDoc{
				{Ref: "z-last", Name: "Bare", Template: "minimal", DefaultLocale: "pt-BR",
					Theme: ThemeDoc{Accent: "#abcdef", Background: "#FFFFFF", Text: "#000000"},
					Copy:  map[string]CopyDoc{"pt-BR": {}}},
				{Ref: "coins", Name: "Coins & more", Template: "cards", DefaultLocale: "en",
					Theme: ThemeDoc{Accent: "#111111", Background: "#222222", Text: "#333333"},
					Copy:  map[string]CopyDoc{"en": {Title: "<Coins>", Body: "1 < 2 & **bold**"}, "en-GB": {CTA: "Buy"}},
					Products: []PaywallProductDoc{{Platform: "web", SKU: "coins-100", Badge: "Best value"},
						{Platform: "android", SKU: "pro.yearly", Highlighted: true}, {Platform: "android", SKU: "ads"}}},
			},
			Campaigns: []CampaignDoc{
				{Ref: "zz", Name: "Everyone", Status: "ended", Priority: -1, Audience: AudienceDoc{}, // match left empty
					Variants: []VariantDoc{{Ref: "only", Paywall: "z-last", Weight: 100}}},
				{Ref: "aa", Name: "Returning", Label: "home.banner", Status: "draft", StartsAt: ptr("2027-01-01T09:30:00.25Z"),
					Audience: AudienceDoc{Match: "any", Conditions: []ConditionDoc{
						{Attribute: "days_since_install", Operator: "greater_than", Values: []string{"7"}},
						{Attribute: "custom.plan", Operator: "exists"}, // values absent
						{Attribute: "country", Operator: "not_in", Values: []string{"FR", "DE"}}}},
					Variants: []VariantDoc{{Ref: "x", Paywall: "coins", Weight: 0}, {Ref: "y", Paywall: "z-last", Weight: 100}}},
			},
		}
		s, _ := openStore(t)
		mustApply(t, s, f)
		got := mustExport(t, s, "tiny")
		generated := got.Platforms[1].Key // web sorts after android
		if !keyPattern.MatchString(generated) {
			t.Fatalf("generated key %q has the wrong shape", generated)
		}
		f.Platforms[0].Key = generated
		assertSameCatalog(t, got, f)
		if res := mustApply(t, s, got); res != (Result{App: "tiny"}) {
			t.Errorf("applying the export changed something: %+v", res)
		}
	})
}

func TestExportWritesEmptyLists(t *testing.T) {
	s, _ := openStore(t)
	mustApply(t, s, &File{Format: Format, App: AppDoc{Slug: "empty", Name: "Empty"}})
	f, err := Export(context.Background(), s.Reader, "empty")
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := Encode(&buf, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"platforms": []`, `"entitlements": []`, `"products": []`, `"paywalls": []`, `"campaigns": []`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("export lacks %s:\n%s", want, buf.String())
		}
	}
}

func TestExportUnknownApp(t *testing.T) {
	s, _ := openStore(t)
	if _, err := Export(context.Background(), s.Reader, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Export(nope) = %v, want ErrNotFound", err)
	}
}

func TestApplyTwiceIsIdempotent(t *testing.T) {
	s, path := openStore(t)
	mustApply(t, s, demo(t))
	before := dumpDB(t, path, "audit_log")
	if res := mustApply(t, s, demo(t)); res != (Result{App: "calm-sky"}) {
		t.Errorf("second apply: %+v, want nothing changed", res)
	}
	// Not even a version or a timestamp moves.
	if after := dumpDB(t, path, "audit_log"); after != before {
		t.Errorf("second apply changed the database\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestApplyChanges(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	mustApply(t, s, demo(t))
	app, err := s.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	iosBefore, err := s.Platform(ctx, app.ID, "ios")
	if err != nil {
		t.Fatal(err)
	}

	f := demo(t)
	f.App.Name = "Calm Sky Premium" // 1 updated
	f.Platforms = slices.DeleteFunc(f.Platforms, func(p PlatformDoc) bool { return p.Ref == "android-test" })
	f.Platforms = append(f.Platforms, PlatformDoc{Ref: "fire", Store: "amazon", Name: "Fire tablets", Environment: "production"}) // 1 created
	for i := range f.Platforms {
		if f.Platforms[i].Ref == "web" {
			f.Platforms[i].Name = "Web checkout" // 1 updated
		}
	}
	f.Entitlements = slices.DeleteFunc(f.Entitlements, func(e EntitlementDoc) bool { return e.Ref == "offline" })
	f.Products = slices.DeleteFunc(f.Products, func(p ProductDoc) bool { return p.Platform == "android-test" })
	for i := range f.Paywalls { // 3 updated: they no longer offer the android-test product
		f.Paywalls[i].Products = slices.DeleteFunc(f.Paywalls[i].Products, func(p PaywallProductDoc) bool { return p.Platform == "android-test" })
	}
	for i := range f.Products {
		p := &f.Products[i]
		if p.Platform == "ios" && p.SKU == "com.example.calmsky.monthly" {
			p.Price = "10.99" // 1 updated
		}
		if slices.Contains(p.Entitlements, "offline") {
			p.Entitlements = []string{"premium"} // 4 updated: they no longer grant offline
		}
	}
	f.Products = append(f.Products,
		ProductDoc{Platform: "android", SKU: "calmsky_lifetime", Name: "Lifetime", Kind: "non_consumable",
			Price: "149.99", Currency: "USD", Entitlements: []string{"premium"}}, // 1 created
		ProductDoc{Platform: "fire", SKU: "calmsky.monthly", Name: "Premium Monthly", Kind: "subscription",
			Price: "9.99", Currency: "USD", Period: "P1M", Entitlements: []string{"premium"}}, // 1 created
	)
	// Deleted: the android-test platform, its product and the offline entitlement.
	res := mustApply(t, s, f)
	if want := (Result{App: "calm-sky", Created: 3, Updated: 10, Deleted: 3}); res != want {
		t.Errorf("Result = %+v, want %+v", res, want)
	}

	got := mustExport(t, s, "calm-sky")
	for i, p := range f.Platforms {
		if p.Ref == "fire" {
			f.Platforms[i].Key = got.Platforms[slices.IndexFunc(got.Platforms, func(p PlatformDoc) bool { return p.Ref == "fire" })].Key
		}
	}
	assertSameCatalog(t, got, f)

	iosAfter, err := s.Platform(ctx, app.ID, "ios")
	if err != nil {
		t.Fatal(err)
	}
	if iosAfter.ID != iosBefore.ID || iosAfter.Version != iosBefore.Version {
		t.Errorf("unchanged platform ios was rewritten: %+v -> %+v", iosBefore, iosAfter)
	}
	log, err := s.AuditLog(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if log[0].Detail != "3 created, 10 updated, 3 deleted" {
		t.Errorf("audit detail = %q", log[0].Detail)
	}
}

func TestApplyMovesKeysWithinTheApp(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	mustApply(t, s, demo(t))

	f := demo(t)
	keys := map[string]string{}
	for _, p := range f.Platforms {
		keys[p.Ref] = p.Key
	}
	for i := range f.Platforms {
		switch p := &f.Platforms[i]; p.Ref {
		case "ios":
			p.Ref = "iphone" // a renamed ref keeps the key apps in the wild hold
		case "android":
			p.Key = keys["web"]
		case "web":
			p.Key = keys["android"]
		}
	}
	for i := range f.Products {
		if f.Products[i].Platform == "ios" {
			f.Products[i].Platform = "iphone"
		}
	}
	for _, p := range f.Paywalls {
		for j := range p.Products {
			if p.Products[j].Platform == "ios" {
				p.Products[j].Platform = "iphone"
			}
		}
	}
	res := mustApply(t, s, f)
	// iphone and its 3 products created; android, web and the 3 paywalls (offering the iphone
	// products now) updated; ios and its 3 products deleted.
	if want := (Result{App: "calm-sky", Created: 4, Updated: 5, Deleted: 4}); res != want {
		t.Errorf("Result = %+v, want %+v", res, want)
	}
	for ref, key := range map[string]string{"iphone": keys["ios"], "android": keys["web"], "web": keys["android"]} {
		p, err := s.PlatformByKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if p.Ref != ref {
			t.Errorf("key %s belongs to %q, want %q", key, p.Ref, ref)
		}
	}
	assertSameCatalog(t, mustExport(t, s, "calm-sky"), f)
}

func TestFailedApplyReportsEveryProblemAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	other := func() *File {
		return &File{
			Format: Format,
			App:    AppDoc{Slug: "other", Name: "Other"},
			Platforms: []PlatformDoc{
				{Ref: "ios", Store: "apple", Name: "iOS", Environment: "production", Key: "pk_other_app_ios_key_0001"},
			},
		}
	}
	tests := []struct {
		name  string
		file  func(t *testing.T) *File
		paths []string
	}{
		{
			name: "problems in the catalog sections",
			file: func(t *testing.T) *File {
				f := demo(t)
				f.App.Name = "Renamed"
				f.Platforms[1].Store = "windows"
				f.Products[2].Platform = "windows" // the android-test product every paywall offers
				f.Products[4].Currency = "usd"
				return f
			},
			paths: []string{"platforms[1].store", "products[2].platform", "products[4].currency",
				"paywalls[0].products[4]", "paywalls[1].products[4]", "paywalls[2].products[5]"},
		},
		{
			name: "problems in paywalls and campaigns",
			file: func(t *testing.T) *File {
				f := demo(t)
				f.App.Name = "Renamed"
				paywallAt(t, f, "spring").Template = "fancy"
				paywallAt(t, f, "quiet").Theme.Accent = "#12345"
				paywallAt(t, f, "spring").HeroImage = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="
				paywallAt(t, f, "yearly-focus").Products[0].SKU = "x"
				paywallAt(t, f, "quiet").DefaultLocale = "de"
				campaignAt(t, f, "onboarding-ab").Variants[1].Weight = 40
				campaignAt(t, f, "default").Variants[0].Paywall = "gone"
				campaignAt(t, f, "black-friday").EndsAt = ptr("2026-11-20T00:00:00Z")
				campaignAt(t, f, "onboarding-ab").Audience.Conditions[0].Operator = "like"
				return f
			},
			paths: []string{
				"paywalls[0].default_locale", "paywalls[0].theme.accent", // quiet
				"paywalls[1].template", "paywalls[1].hero_image", // spring
				"paywalls[2].products[0]",                                               // yearly-focus
				"campaigns[0].ends_at",                                                  // black-friday
				"campaigns[1].variants[0].paywall",                                      // default
				"campaigns[2].audience.conditions[0].operator", "campaigns[2].variants", // onboarding-ab
			},
		},
		{
			name: "a new app's key held by another app",
			file: func(t *testing.T) *File {
				f := demo(t)
				f.App = AppDoc{Slug: "third", Name: "Third"}
				f.Platforms[0].Key = "pk_third_app_fresh_key_01"
				f.Platforms[2].Key = other().Platforms[0].Key
				f.Platforms[3].Key = demo(t).Platforms[3].Key
				return f
			},
			paths: []string{"platforms[1].key", "platforms[2].key", "platforms[3].key"},
		},
		{
			name: "an existing app's change with a key held by another app",
			file: func(t *testing.T) *File {
				f := demo(t)
				f.App.Name = "Renamed" // written before the key check, so the rollback matters
				f.Entitlements = f.Entitlements[1:]
				f.Platforms[3].Key = other().Platforms[0].Key
				for i := range f.Products {
					f.Products[i].Entitlements = []string{"premium"}
				}
				return f
			},
			paths: []string{"platforms[3].key"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := openStore(t)
			mustApply(t, s, demo(t))
			mustApply(t, s, other())
			dumpBefore := dumpDB(t, path)
			exportBefore := mustExport(t, s, "calm-sky")

			f := tt.file(t)
			res, err := Apply(ctx, s, f, "tester@example.com")
			if got := problemPaths(t, err); !slices.Equal(got, tt.paths) {
				t.Errorf("problem paths = %q, want %q\n%v", got, tt.paths, err)
			}
			if res != (Result{App: f.App.Slug}) {
				t.Errorf("a failed apply counted changes: %+v", res)
			}
			if dumpAfter := dumpDB(t, path); dumpAfter != dumpBefore {
				t.Errorf("a failed apply changed the database\nbefore:\n%s\nafter:\n%s", dumpBefore, dumpAfter)
			}
			assertSameCatalog(t, mustExport(t, s, "calm-sky"), exportBefore)
		})
	}
}

func TestApplyKeyClashMessage(t *testing.T) {
	s, _ := openStore(t)
	mustApply(t, s, demo(t))
	f := demo(t)
	f.App = AppDoc{Slug: "copycat", Name: "Copycat"}
	_, err := Apply(context.Background(), s, f, "tester@example.com")
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 4 || lines[0] != "platforms[0].key: key is used by another platform" {
		t.Errorf("error = %q", err)
	}
	if _, err := s.AppBySlug(context.Background(), "copycat"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the failed apply left app copycat behind: %v", err)
	}
}

// A dark palette is stored beside the light one, exported only where there is one, and comes back
// unchanged; dropping it from the file removes it.
func TestDarkPaletteRoundTrip(t *testing.T) {
	f := &File{Format: Format, App: AppDoc{Slug: "night", Name: "Night"},
		Paywalls: []PaywallDoc{
			{Ref: "evening", Name: "With dark", Template: "hero", DefaultLocale: "en",
				Theme: ThemeDoc{Accent: "#7C3AED", Background: "#FFFFFF", Text: "#1E1B4B",
					Dark: &PaletteDoc{Accent: "#A78BFA", Background: "#120E24", Text: "#edE9FE"}},
				Copy: map[string]CopyDoc{"en": {Title: "Hi", CTA: "Go"}}},
			{Ref: "light", Name: "Light only", Template: "cards", DefaultLocale: "en",
				Theme: ThemeDoc{Accent: "#0F766E", Background: "#F0FDFA", Text: "#134E4A"},
				Copy:  map[string]CopyDoc{"en": {Title: "Hi", CTA: "Go"}}},
		}}
	s, path := openStore(t)
	mustApply(t, s, f)
	app, err := s.AppBySlug(context.Background(), "night")
	if err != nil {
		t.Fatal(err)
	}
	pw, err := s.Paywall(context.Background(), app.ID, "evening")
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.Palette{Accent: "#A78BFA", Background: "#120E24", Text: "#edE9FE"}); pw.Theme.Dark != want {
		t.Errorf("stored dark palette %+v, want %+v", pw.Theme.Dark, want)
	}
	got := mustExport(t, s, "night")
	assertSameCatalog(t, got, f)
	var buf strings.Builder
	if err := Encode(&buf, got); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `"dark": {`); n != 1 {
		t.Errorf(`the export has %d "dark" palettes, want 1 (none for the light-only paywall):\n%s`, n, buf.String())
	}
	before := dumpDB(t, path, "audit_log")
	if res := mustApply(t, s, got); res != (Result{App: "night"}) {
		t.Errorf("applying the export changed something: %+v", res)
	}
	if after := dumpDB(t, path, "audit_log"); after != before {
		t.Errorf("applying the export changed the database")
	}

	got.Paywalls[0].Theme.Dark = nil
	if res := mustApply(t, s, got); res != (Result{App: "night", Updated: 1}) {
		t.Errorf("dropping the dark palette: %+v, want 1 updated", res)
	}
	if again := mustExport(t, s, "night"); again.Paywalls[0].Theme.Dark != nil {
		t.Errorf("the dark palette survived its removal: %+v", again.Paywalls[0].Theme.Dark)
	}
}

// "sdk": true marks a paywall for snapshots without a live campaign; it survives apply and
// export, an export without changes applies as nothing, and clearing it is an update.
func TestSDKMarkRoundTrip(t *testing.T) {
	f := &File{Format: Format, App: AppDoc{Slug: "byref", Name: "By ref"},
		Paywalls: []PaywallDoc{
			{Ref: "opened", Name: "Opened by ref", Template: "hero", DefaultLocale: "en", SDK: true,
				Theme: ThemeDoc{Accent: "#7C3AED", Background: "#FFFFFF", Text: "#1E1B4B"},
				Copy:  map[string]CopyDoc{"en": {Title: "Hi", CTA: "Go"}}},
			{Ref: "plain", Name: "Plain", Template: "cards", DefaultLocale: "en",
				Theme: ThemeDoc{Accent: "#0F766E", Background: "#F0FDFA", Text: "#134E4A"},
				Copy:  map[string]CopyDoc{"en": {Title: "Hi", CTA: "Go"}}},
		}}
	parsed, err := Parse(strings.NewReader(`{"format":"nami.catalog/v1","app":{"slug":"byref","name":"By ref"},"platforms":[],
		"entitlements":[],"products":[],"paywalls":[{"ref":"opened","name":"Opened by ref","template":"hero","default_locale":"en",
		"sdk":true,"theme":{"accent":"#7C3AED","background":"#FFFFFF","text":"#1E1B4B"},"copy":{"en":{"title":"Hi","subtitle":"",
		"body":"","cta":"Go","footer":""}},"products":[]}],"campaigns":[]}`))
	if err != nil || !parsed.Paywalls[0].SDK {
		t.Fatalf("Parse: %v, sdk %v", err, err == nil && parsed.Paywalls[0].SDK)
	}
	if _, err := Parse(strings.NewReader(`{"format":"nami.catalog/v1","app":{"slug":"x","name":"x"},"paywalls":[{"sdk":"yes"}]}`)); err == nil ||
		!strings.Contains(err.Error(), "paywalls[0].sdk") {
		t.Errorf(`Parse of "sdk": "yes": %v, want a problem at paywalls[0].sdk`, err)
	}
	s, path := openStore(t)
	mustApply(t, s, f)
	app, err := s.AppBySlug(context.Background(), "byref")
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]bool{"opened": true, "plain": false} {
		pw, err := s.Paywall(context.Background(), app.ID, ref)
		if err != nil || pw.SDK != want {
			t.Errorf("stored %s: sdk %v (%v), want %v", ref, pw.SDK, err, want)
		}
	}
	got := mustExport(t, s, "byref")
	assertSameCatalog(t, got, f)
	var buf strings.Builder
	if err := Encode(&buf, got); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `"sdk": true`); n != 1 || strings.Contains(buf.String(), `"sdk": false`) {
		t.Errorf(`the export has %d "sdk": true, want 1 and no false:\n%s`, n, buf.String())
	}
	before := dumpDB(t, path, "audit_log")
	if res := mustApply(t, s, got); res != (Result{App: "byref"}) {
		t.Errorf("applying the export changed something: %+v", res)
	}
	if after := dumpDB(t, path, "audit_log"); after != before {
		t.Errorf("applying the export changed the database")
	}
	got.Paywalls[0].SDK = false
	if res := mustApply(t, s, got); res != (Result{App: "byref", Updated: 1}) {
		t.Errorf("clearing sdk: %+v, want 1 updated", res)
	}
	if again := mustExport(t, s, "byref"); again.Paywalls[0].SDK {
		t.Error("the sdk mark survived its removal")
	}
	vers, err := s.Versions(context.Background(), app.ID, store.EntityPaywall, "opened")
	if err != nil || len(vers) != 2 {
		t.Fatalf("versions %d (%v), want 2", len(vers), err)
	}
	newest, err := vers[0].Paywall()
	if err != nil {
		t.Fatal(err)
	}
	oldest, err := vers[1].Paywall()
	if err != nil || newest.SDK || !oldest.SDK {
		t.Errorf("history bodies: newest sdk %v, oldest sdk %v (%v); want false then true", newest.SDK, oldest.SDK, err)
	}
}
