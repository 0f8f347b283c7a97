package catalog

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"

	"nami/offer"
)

// validFile is a small valid catalog for validation cases to break one rule at a time.
func validFile() *File {
	return &File{
		Format: Format,
		App:    AppDoc{Slug: "calm-sky", Name: "Calm Sky"},
		Platforms: []PlatformDoc{
			{Ref: "ios", Store: "apple", Name: "iOS", Environment: "production", Key: "pk_ios_0123456789abcdef"},
			{Ref: "web", Store: "web", Name: "Web", Environment: "sandbox"},
		},
		Entitlements: []EntitlementDoc{{Ref: "premium", Name: "Premium"}, {Ref: "offline", Name: "Offline"}},
		Products: []ProductDoc{
			{Platform: "ios", SKU: "monthly", Name: "Monthly", Kind: "subscription", Price: "9.99", Currency: "USD",
				Period: "P1M", Trial: "P1W", Entitlements: []string{"premium"}},
			{Platform: "web", SKU: "lifetime", Name: "Lifetime", Kind: "non_consumable", Price: "99", Currency: "EUR",
				Entitlements: []string{"premium", "offline"}},
		},
		Paywalls: []PaywallDoc{
			{Ref: "spring", Name: "Spring", Template: "hero", DefaultLocale: "en",
				Theme:     ThemeDoc{Accent: "#6D28D9", Background: "#FFFFFF", Text: "#111827"},
				HeroImage: offer.DataURI("image/png", pngImage(4, 3, color.NRGBA{R: 200, G: 180, B: 250, A: 255})),
				Copy: map[string]CopyDoc{
					"en": {Title: "Sleep better", Body: "**Unlimited** sessions", CTA: "Start free trial", Footer: "Cancel anytime."},
					"de": {Title: "Besser schlafen", CTA: "Gratis testen"},
				},
				Products: []PaywallProductDoc{{Platform: "ios", SKU: "monthly", Badge: "Popular", Highlighted: true},
					{Platform: "web", SKU: "lifetime"}}},
			{Ref: "plain", Name: "Plain", Template: "minimal", DefaultLocale: "en",
				Theme:    ThemeDoc{Accent: "#000000", Background: "#ffffff", Text: "#333333"},
				Copy:     map[string]CopyDoc{"en": {Title: "Go premium"}},
				Products: []PaywallProductDoc{{Platform: "web", SKU: "lifetime"}}},
		},
		Campaigns: []CampaignDoc{
			{Ref: "onboarding", Name: "Onboarding", Label: "onboarding", Status: "live", Priority: 10,
				StartsAt: ptr("2026-11-27T00:00:00Z"), EndsAt: ptr("2026-12-01T00:00:00Z"), HoldoutPercent: 10,
				Audience: AudienceDoc{Match: "all", Conditions: []ConditionDoc{{Attribute: "country", Operator: "in", Values: []string{"US", "CA"}}}},
				Variants: []VariantDoc{{Ref: "a", Paywall: "spring", Weight: 50}, {Ref: "b", Paywall: "plain", Weight: 50}}},
			{Ref: "default", Name: "Default", Status: "live",
				Variants: []VariantDoc{{Ref: "main", Paywall: "plain", Weight: 100}}},
		},
	}
}

// noOffers drops the paywalls and campaigns, for cases about the products they would name.
func noOffers(f *File) { f.Paywalls, f.Campaigns = nil, nil }

func msg(err error) string { return err.Error() }

// uriMsg is the message offer.ParseDataURI gives for uri.
func uriMsg(uri string) string {
	_, _, err := offer.ParseDataURI(uri)
	return err.Error()
}

func TestValidateAcceptsValidFiles(t *testing.T) {
	tests := map[string]func(f *File){
		"as is":                        func(f *File) {},
		"empty paywalls and campaigns": func(f *File) { f.Paywalls, f.Campaigns = []PaywallDoc{}, []CampaignDoc{} },
		"no sections at all": func(f *File) {
			f.Platforms, f.Entitlements, f.Products, f.Paywalls, f.Campaigns = nil, nil, nil, nil, nil
		},
		"key of 16 characters": func(f *File) { f.Platforms[1].Key = "pk_" + strings.Repeat("a", 16) },
		"key of 64 characters": func(f *File) { f.Platforms[1].Key = "pk_" + strings.Repeat("Z_9", 21) + "x" },
		"same sku on two platforms": func(f *File) {
			f.Products[1].SKU = "monthly"
			f.Paywalls[0].Products[1].SKU, f.Paywalls[1].Products[0].SKU = "monthly", "monthly"
		},
		"sku of 200 characters": func(f *File) {
			f.Products[0].SKU = strings.Repeat("s", 200)
			f.Paywalls[0].Products[0].SKU = f.Products[0].SKU
		},
		"sku with every kind of character": func(f *File) { f.Products[1].SKU = "Calm.Sky-life_time.2"; noOffers(f) },
		"paywall without image":            func(f *File) { f.Paywalls[0].HeroImage = "" },
		"paywall without products":         func(f *File) { f.Paywalls[1].Products = nil },
		"jpeg image declared as image/jpg": func(f *File) {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2)), nil); err != nil {
				panic(err)
			}
			f.Paywalls[0].HeroImage = offer.DataURI("image/jpg", buf.Bytes())
		},
		"badge of 40 characters":          func(f *File) { f.Paywalls[0].Products[0].Badge = strings.Repeat("é", 40) },
		"one product on two paywalls":     func(f *File) { f.Paywalls[1].Products = f.Paywalls[0].Products },
		"locale with a region and script": func(f *File) { f.Paywalls[0].Copy["zh-Hant-TW"] = CopyDoc{Title: "好眠"} },
		"default locale with a region": func(f *File) {
			f.Paywalls[1].Copy = map[string]CopyDoc{"en-GB": {}}
			f.Paywalls[1].DefaultLocale = "en-GB"
		},
		"label with dots and digits":       func(f *File) { f.Campaigns[0].Label = "home.banner-2_b" },
		"label of 64 characters":           func(f *File) { f.Campaigns[0].Label = strings.Repeat("l", 64) },
		"open schedule":                    func(f *File) { f.Campaigns[0].StartsAt, f.Campaigns[0].EndsAt = nil, nil },
		"only a start":                     func(f *File) { f.Campaigns[0].EndsAt = nil },
		"times with offsets and fractions": func(f *File) { f.Campaigns[0].StartsAt = ptr("2026-11-27T01:00:00.5+01:00") },
		"match any":                        func(f *File) { f.Campaigns[0].Audience.Match = "any" },
		"match left empty":                 func(f *File) { f.Campaigns[0].Audience.Match = "" },
		"no conditions":                    func(f *File) { f.Campaigns[0].Audience.Conditions = nil },
		"one paywall in two variants":      func(f *File) { f.Campaigns[0].Variants[1].Paywall = "spring" },
		"a weight of 0":                    func(f *File) { f.Campaigns[0].Variants[0].Weight, f.Campaigns[0].Variants[1].Weight = 0, 100 },
		"negative priority":                func(f *File) { f.Campaigns[1].Priority = -5 },
		"two platforms on one store":       func(f *File) { f.Platforms[1].Store = "apple" },
		"product without entitlements":     func(f *File) { f.Products[0].Entitlements = nil },
		"subscription without a trial":     func(f *File) { f.Products[0].Trial = "" },
		"entitlement without description":  func(f *File) { f.Entitlements[0].Description = "" },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			f := validFile()
			change(f)
			if problems := Validate(f); problems != nil {
				t.Errorf("Validate:\n%v", problems)
			}
		})
	}
}

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name    string
		change  func(f *File)
		path    string
		message string
	}{
		{"format missing", func(f *File) { f.Format = "" }, "format", `format is required; this version reads "nami.catalog/v1"`},
		{"format unknown", func(f *File) { f.Format = "nami.catalog/v2" }, "format", `unknown format "nami.catalog/v2"; this version reads "nami.catalog/v1"`},
		{"app slug", func(f *File) { f.App.Slug = "Calm Sky" }, "app.slug", msg(offer.CheckRef("Calm Sky"))},
		{"app slug missing", func(f *File) { f.App.Slug = "" }, "app.slug", msg(offer.CheckRef(""))},
		{"app name", func(f *File) { f.App.Name = " " }, "app.name", "name is required"},

		{"platform ref", func(f *File) { f.Platforms[1].Ref = "we b"; f.Products[1].Platform = "we b"; noOffers(f) }, "platforms[1].ref", msg(offer.CheckRef("we b"))},
		{"platform ref twice", func(f *File) { f.Platforms[1].Ref = "ios"; f.Products[1].Platform = "ios"; noOffers(f) }, "platforms[1].ref", `ref "ios" is already used by platforms[0].ref`},
		{"store unknown", func(f *File) { f.Platforms[1].Store = "windows" }, "platforms[1].store", `unknown store "windows"`},
		{"store missing", func(f *File) { f.Platforms[0].Store = "" }, "platforms[0].store", "store is required; one of apple, google, amazon, roku, web"},
		{"store in capitals", func(f *File) { f.Platforms[0].Store = "Apple" }, "platforms[0].store", `unknown store "Apple"`},
		{"platform name", func(f *File) { f.Platforms[1].Name = "" }, "platforms[1].name", "name is required"},
		{"environment missing", func(f *File) { f.Platforms[1].Environment = "" }, "platforms[1].environment", "environment is required; production or sandbox"},
		{"environment unknown", func(f *File) { f.Platforms[1].Environment = "staging" }, "platforms[1].environment", `unknown environment "staging"; use production or sandbox`},
		{"key too short", func(f *File) { f.Platforms[1].Key = "pk_" + strings.Repeat("a", 15) }, "platforms[1].key", `key must be "pk_" followed by 16 to 64 letters, digits or _`},
		{"key too long", func(f *File) { f.Platforms[1].Key = "pk_" + strings.Repeat("a", 65) }, "platforms[1].key", `key must be "pk_" followed by 16 to 64 letters, digits or _`},
		{"key prefix", func(f *File) { f.Platforms[1].Key = "sk_" + strings.Repeat("a", 32) }, "platforms[1].key", `key must be "pk_" followed by 16 to 64 letters, digits or _`},
		{"key character", func(f *File) { f.Platforms[1].Key = "pk_" + strings.Repeat("a", 31) + "-" }, "platforms[1].key", `key must be "pk_" followed by 16 to 64 letters, digits or _`},
		{"key twice", func(f *File) { f.Platforms[1].Key = f.Platforms[0].Key }, "platforms[1].key", `key "pk_ios_0123456789abcdef" is already used by platforms[0].key`},

		{"entitlement ref", func(f *File) { f.Entitlements[1].Ref = "Offline!"; f.Products[1].Entitlements[1] = "Offline!" }, "entitlements[1].ref", msg(offer.CheckRef("Offline!"))},
		{"entitlement ref twice", func(f *File) { f.Entitlements[1].Ref = "premium"; f.Products[1].Entitlements = []string{"premium"} }, "entitlements[1].ref", `ref "premium" is already used by entitlements[0].ref`},
		{"entitlement name", func(f *File) { f.Entitlements[0].Name = "" }, "entitlements[0].name", "name is required"},

		{"product platform unknown", func(f *File) { f.Products[1].Platform = "windows"; noOffers(f) }, "products[1].platform", `unknown platform "windows"`},
		{"product platform missing", func(f *File) { f.Products[0].Platform = ""; noOffers(f) }, "products[0].platform", "platform is required; the ref of one of the file's platforms"},
		{"sku missing", func(f *File) { f.Products[0].SKU = ""; noOffers(f) }, "products[0].sku", msg(offer.CheckSKU(""))},
		{"sku too long", func(f *File) { f.Products[0].SKU = strings.Repeat("s", 201); noOffers(f) }, "products[0].sku", msg(offer.CheckSKU(strings.Repeat("s", 201)))},
		{"sku with a space", func(f *File) { f.Products[0].SKU = "calm monthly"; noOffers(f) }, "products[0].sku", msg(offer.CheckSKU("calm monthly"))},
		{"sku with a tab", func(f *File) { f.Products[0].SKU = "monthly\t"; noOffers(f) }, "products[0].sku", msg(offer.CheckSKU("monthly\t"))},
		{"sku with an accent", func(f *File) { f.Products[0].SKU = "café"; noOffers(f) }, "products[0].sku", msg(offer.CheckSKU("café"))},
		{"sku twice on a platform", func(f *File) { f.Products[1].Platform = "ios"; f.Products[1].SKU = "monthly"; noOffers(f) }, "products[1].sku", `sku "monthly" is already used on platform "ios" by products[0]`},
		{"product name", func(f *File) { f.Products[1].Name = "" }, "products[1].name", "name is required"},
		{"kind", func(f *File) { f.Products[1].Kind = "rental" }, "products[1].kind", msg(offer.CheckKind("rental"))},
		{"price", func(f *File) { f.Products[0].Price = "9,99" }, "products[0].price", msg(offer.CheckPrice("9,99"))},
		{"price missing", func(f *File) { f.Products[0].Price = "" }, "products[0].price", msg(offer.CheckPrice(""))},
		{"currency", func(f *File) { f.Products[0].Currency = "usd" }, "products[0].currency", msg(offer.CheckCurrency("usd"))},
		{"period missing", func(f *File) { f.Products[0].Period = "" }, "products[0].period", msg(offer.CheckPeriod("subscription", ""))},
		{"period unknown", func(f *File) { f.Products[0].Period = "P5W" }, "products[0].period", msg(offer.CheckPeriod("subscription", "P5W"))},
		{"period on a one-time purchase", func(f *File) { f.Products[1].Period = "P1M" }, "products[1].period", msg(offer.CheckPeriod("non_consumable", "P1M"))},
		{"trial", func(f *File) { f.Products[0].Trial = "P1Y" }, "products[0].trial", msg(offer.CheckTrial("subscription", "P1Y"))},
		{"trial on a one-time purchase", func(f *File) { f.Products[1].Trial = "P1W" }, "products[1].trial", msg(offer.CheckTrial("non_consumable", "P1W"))},
		{"grant unknown", func(f *File) { f.Products[1].Entitlements = []string{"premium", "vip"} }, "products[1].entitlements[1]", `unknown entitlement "vip"`},
		{"grant twice", func(f *File) { f.Products[1].Entitlements = []string{"offline", "premium", "offline"} }, "products[1].entitlements[2]", `entitlement "offline" is listed twice`},

		{"paywall ref", func(f *File) { f.Paywalls[1].Ref = "Plain"; f.Campaigns = nil }, "paywalls[1].ref", msg(offer.CheckRef("Plain"))},
		{"paywall ref twice", func(f *File) { f.Paywalls[1].Ref = "spring"; f.Campaigns = nil }, "paywalls[1].ref", `ref "spring" is already used by paywalls[0].ref`},
		{"paywall name", func(f *File) { f.Paywalls[0].Name = "  " }, "paywalls[0].name", "name is required"},
		{"template missing", func(f *File) { f.Paywalls[0].Template = "" }, "paywalls[0].template", "template is required; use hero, cards or minimal"},
		{"template unknown", func(f *File) { f.Paywalls[0].Template = "fancy" }, "paywalls[0].template", `unknown template "fancy"; use hero, cards or minimal`},
		{"template in capitals", func(f *File) { f.Paywalls[1].Template = "Minimal" }, "paywalls[1].template", `unknown template "Minimal"; use hero, cards or minimal`},
		{"default locale missing", func(f *File) { f.Paywalls[0].DefaultLocale = "" }, "paywalls[0].default_locale", "default_locale is required; one of the locales of copy"},
		{"default locale without copy", func(f *File) { f.Paywalls[1].DefaultLocale = "de" }, "paywalls[1].default_locale", `no copy for "de"`},
		{"default locale in another case", func(f *File) { f.Paywalls[1].DefaultLocale = "EN" }, "paywalls[1].default_locale", `no copy for "EN"`},
		{"no copy at all", func(f *File) { f.Paywalls[1].Copy = nil }, "paywalls[1].default_locale", `no copy for "en"`},
		{"accent", func(f *File) { f.Paywalls[0].Theme.Accent = "purple" }, "paywalls[0].theme.accent", msg(offer.CheckColor("purple"))},
		{"background without #", func(f *File) { f.Paywalls[0].Theme.Background = "FFFFFF" }, "paywalls[0].theme.background", msg(offer.CheckColor("FFFFFF"))},
		{"text colour missing", func(f *File) { f.Paywalls[1].Theme.Text = "" }, "paywalls[1].theme.text", msg(offer.CheckColor(""))},
		{"dark text colour", func(f *File) {
			f.Paywalls[1].Theme.Dark = &PaletteDoc{Accent: "#A78BFA", Background: "#120E24", Text: "tan"}
		}, "paywalls[1].theme.dark.text", msg(offer.CheckColor("tan"))},
		{"dark accent in short form", func(f *File) {
			f.Paywalls[0].Theme.Dark = &PaletteDoc{Accent: "#fff", Background: "#120E24", Text: "#EDE9FE"}
		}, "paywalls[0].theme.dark.accent", msg(offer.CheckColor("#fff"))},
		{"dark palette left empty", func(f *File) { f.Paywalls[0].Theme.Dark = &PaletteDoc{Accent: "#A78BFA", Text: "#EDE9FE"} },
			"paywalls[0].theme.dark.background", msg(offer.CheckColor(""))},
		{"svg image", func(f *File) { f.Paywalls[0].HeroImage = "data:image/svg+xml;base64,PHN2Zy8+" }, "paywalls[0].hero_image",
			uriMsg("data:image/svg+xml;base64,PHN2Zy8+")},
		{"svg disguised as png", func(f *File) { f.Paywalls[0].HeroImage = "data:image/png;base64,PHN2Zy8+" }, "paywalls[0].hero_image",
			uriMsg("data:image/png;base64,PHN2Zy8+")},
		{"image by url", func(f *File) { f.Paywalls[0].HeroImage = "https://example.com/a.png" }, "paywalls[0].hero_image",
			uriMsg("https://example.com/a.png")},
		{"image over 5 MB", func(f *File) {
			f.Paywalls[0].HeroImage = "data:image/png;base64," + strings.Repeat("A", base64.StdEncoding.EncodedLen(offer.MaxImageBytes)+4)
		}, "paywalls[0].hero_image", uriMsg("data:image/png;base64," + strings.Repeat("A", base64.StdEncoding.EncodedLen(offer.MaxImageBytes)+4))},
		{"copy locale with an underscore", func(f *File) { f.Paywalls[0].Copy["en_US"] = CopyDoc{} }, "paywalls[0].copy.en_US", msg(offer.CheckLocale("en_US"))},
		{"copy locale unknown", func(f *File) { f.Paywalls[0].Copy["english"] = CopyDoc{} }, "paywalls[0].copy.english", msg(offer.CheckLocale("english"))},
		{"copy locale twice", func(f *File) { f.Paywalls[0].Copy["EN"] = CopyDoc{} }, "paywalls[0].copy.en", `locale "en" is already used by paywalls[0].copy.EN`},
		{"paywall product unknown sku", func(f *File) { f.Paywalls[1].Products[0].SKU = "x"; f.Paywalls[1].Products[0].Platform = "ios" },
			"paywalls[1].products[0]", `unknown sku "x" on platform "ios"`},
		{"paywall product on the wrong platform", func(f *File) { f.Paywalls[0].Products[1].Platform = "ios" },
			"paywalls[0].products[1]", `unknown sku "lifetime" on platform "ios"`},
		{"paywall product unknown platform", func(f *File) { f.Paywalls[0].Products[0].Platform = "android" },
			"paywalls[0].products[0].platform", `unknown platform "android"`},
		{"paywall product platform missing", func(f *File) { f.Paywalls[0].Products[0].Platform = "" },
			"paywalls[0].products[0].platform", "platform is required; the ref of one of the file's platforms"},
		{"paywall product sku missing", func(f *File) { f.Paywalls[0].Products[0].SKU = "" }, "paywalls[0].products[0].sku", "sku is required"},
		{"paywall product twice", func(f *File) {
			f.Paywalls[0].Products = append(f.Paywalls[0].Products, PaywallProductDoc{Platform: "ios", SKU: "monthly"})
		},
			"paywalls[0].products[2]", `sku "monthly" on platform "ios" is already listed by paywalls[0].products[0]`},
		{"badge too long", func(f *File) { f.Paywalls[0].Products[1].Badge = strings.Repeat("b", 41) }, "paywalls[0].products[1].badge", "badge is 41 characters; use at most 40"},
		{"paywall product naming a bad product", func(f *File) { f.Products[0].SKU = "calm monthly"; f.Paywalls[0].Products[0].SKU = "calm monthly" },
			"products[0].sku", msg(offer.CheckSKU("calm monthly"))},

		{"campaign ref", func(f *File) { f.Campaigns[0].Ref = "On boarding" }, "campaigns[0].ref", "the ref must be 1 to 64 lowercase letters, digits, - or _"},
		{"campaign ref twice", func(f *File) { f.Campaigns[1].Ref = "onboarding" }, "campaigns[1].ref", `ref "onboarding" is already used by campaigns[0].ref`},
		{"campaign name", func(f *File) { f.Campaigns[1].Name = "" }, "campaigns[1].name", "name is required"},
		{"label with a space", func(f *File) { f.Campaigns[0].Label = "on boarding" }, "campaigns[0].label",
			`label "on boarding" must be 1 to 64 lowercase letters, digits, -, _ or . (or empty for the default placement)`},
		{"label in capitals", func(f *File) { f.Campaigns[0].Label = "Onboarding" }, "campaigns[0].label",
			`label "Onboarding" must be 1 to 64 lowercase letters, digits, -, _ or . (or empty for the default placement)`},
		{"label too long", func(f *File) { f.Campaigns[0].Label = strings.Repeat("l", 65) }, "campaigns[0].label",
			`label "` + strings.Repeat("l", 65) + `" must be 1 to 64 lowercase letters, digits, -, _ or . (or empty for the default placement)`},
		{"status missing", func(f *File) { f.Campaigns[1].Status = "" }, "campaigns[1].status", "choose a status: draft, live, paused or ended"},
		{"status unknown", func(f *File) { f.Campaigns[1].Status = "running" }, "campaigns[1].status", `status "running" is not one of draft, live, paused or ended`},
		{"start without a time", func(f *File) { f.Campaigns[0].StartsAt = ptr("2026-11-27") }, "campaigns[0].starts_at", "not an RFC 3339 time"},
		{"end empty", func(f *File) { f.Campaigns[0].EndsAt = ptr("") }, "campaigns[0].ends_at", "not an RFC 3339 time"},
		{"end without a zone", func(f *File) { f.Campaigns[0].EndsAt = ptr("2026-12-01T00:00:00") }, "campaigns[0].ends_at", "not an RFC 3339 time"},
		{"end before start", func(f *File) { f.Campaigns[0].EndsAt = ptr("2026-11-01T00:00:00Z") }, "campaigns[0].ends_at",
			"the end (2026-11-01T00:00:00Z) must be after the start (2026-11-27T00:00:00Z)"},
		{"end at the start", func(f *File) { f.Campaigns[0].EndsAt = ptr("2026-11-27T01:00:00+01:00") }, "campaigns[0].ends_at",
			"the end (2026-11-27T00:00:00Z) must be after the start (2026-11-27T00:00:00Z)"},
		{"holdout over 100", func(f *File) { f.Campaigns[0].HoldoutPercent = 101 }, "campaigns[0].holdout_percent", "the holdout is 101%; it must be between 0 and 100"},
		{"match unknown", func(f *File) { f.Campaigns[0].Audience.Match = "none" }, "campaigns[0].audience.match", `match "none" must be "all" or "any"`},
		{"operator unknown", func(f *File) { f.Campaigns[0].Audience.Conditions[0].Operator = "like" }, "campaigns[0].audience.conditions[0].operator", `unknown operator "like"`},
		{"values missing", func(f *File) { f.Campaigns[0].Audience.Conditions[0].Values = nil }, "campaigns[0].audience.conditions[0].values", `"is one of" needs at least one value`},
		{"no variants", func(f *File) { f.Campaigns[1].Variants = nil }, "campaigns[1].variants", "add at least one variant"},
		{"weights sum to 90", func(f *File) { f.Campaigns[0].Variants[1].Weight = 40 }, "campaigns[0].variants", "weights add up to 90; they must add up to 100"},
		{"variant ref twice", func(f *File) { f.Campaigns[0].Variants[1].Ref = "a" }, "campaigns[0].variants[1].ref", `variant ref "a" is used twice; each variant needs its own`},
		{"variant paywall missing", func(f *File) { f.Campaigns[0].Variants[1].Paywall = "" }, "campaigns[0].variants[1].paywall", "choose a paywall"},
		{"variant paywall unknown", func(f *File) { f.Campaigns[0].Variants[1].Paywall = "x" }, "campaigns[0].variants[1].paywall", `unknown paywall "x"`},
		{"variant naming a bad paywall", func(f *File) {
			f.Paywalls[1].Ref = "Plain"
			f.Campaigns[0].Variants[1].Paywall = "Plain"
			f.Campaigns = f.Campaigns[:1]
		},
			"paywalls[1].ref", msg(offer.CheckRef("Plain"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validFile()
			tt.change(f)
			got := Validate(f)
			want := Problems{{Path: tt.path, Message: tt.message}}
			if len(got) != 1 || got[0] != want[0] {
				t.Errorf("Validate =\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func TestValidateReportsEveryProblemOnce(t *testing.T) {
	f := validFile()
	f.Platforms[1].Ref = "Web" // reported here, and not again where products[1] names it
	f.Products[1].Platform = "Web"
	f.Paywalls[0].Products[1].Platform = "Web" // names products[1] as the file has it: not reported again
	f.Paywalls[1].Products[0].Platform = "Web"
	f.Products[0].Platform = "android"
	f.Products[0].Price = "free"
	f.Entitlements[0].Name = ""
	f.Paywalls[0].Products[0].Platform = "android" // the platform is unknown, not the sku
	f.Paywalls[1].Template = "fancy"
	f.Campaigns[0].Variants = []VariantDoc{{Ref: "b", Paywall: "gone", Weight: 60}, {Ref: "b", Paywall: "", Weight: 30}}
	f.Campaigns[0].Name = ""
	f.Campaigns[0].EndsAt = ptr("soon")
	want := "platforms[1].ref: " + msg(offer.CheckRef("Web")) + "\n" +
		"entitlements[0].name: name is required\n" +
		`products[0].platform: unknown platform "android"` + "\n" +
		"products[0].price: " + msg(offer.CheckPrice("free")) + "\n" +
		`paywalls[0].products[0].platform: unknown platform "android"` + "\n" +
		`paywalls[1].template: unknown template "fancy"; use hero, cards or minimal` + "\n" +
		"campaigns[0].name: name is required\n" +
		"campaigns[0].ends_at: not an RFC 3339 time\n" +
		`campaigns[0].variants[0].paywall: unknown paywall "gone"` + "\n" +
		`campaigns[0].variants[1].ref: variant ref "b" is used twice; each variant needs its own` + "\n" +
		"campaigns[0].variants[1].paywall: choose a paywall\n" +
		"campaigns[0].variants: weights add up to 90; they must add up to 100"
	if got := Validate(f); got.Error() != want {
		t.Errorf("Validate =\n%v\nwant\n%s", got, want)
	}
}

func TestProblemsError(t *testing.T) {
	ps := Problems{{Path: "products[1].platform", Message: `unknown platform "windows"`}, {Message: "the file is broken"}}
	if got, want := ps.Error(), "products[1].platform: unknown platform \"windows\"\nthe file is broken"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
