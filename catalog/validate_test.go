package catalog

import (
	"encoding/json"
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
	}
}

func msg(err error) string { return err.Error() }

func TestValidateAcceptsValidFiles(t *testing.T) {
	tests := map[string]func(f *File){
		"as is":                           func(f *File) {},
		"no sections":                     func(f *File) { f.Platforms, f.Entitlements, f.Products = nil, nil, nil },
		"empty paywalls and campaigns":    func(f *File) { f.Paywalls, f.Campaigns = []json.RawMessage{}, []json.RawMessage{} },
		"key of 16 characters":            func(f *File) { f.Platforms[1].Key = "pk_" + strings.Repeat("a", 16) },
		"key of 64 characters":            func(f *File) { f.Platforms[1].Key = "pk_" + strings.Repeat("Z_9", 21) + "x" },
		"same sku on two platforms":       func(f *File) { f.Products[1].SKU = "monthly" },
		"sku of 200 characters":           func(f *File) { f.Products[0].SKU = strings.Repeat("é", 200) },
		"two platforms on one store":      func(f *File) { f.Platforms[1].Store = "apple" },
		"product without entitlements":    func(f *File) { f.Products[0].Entitlements = nil },
		"subscription without a trial":    func(f *File) { f.Products[0].Trial = "" },
		"entitlement without description": func(f *File) { f.Entitlements[0].Description = "" },
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

		{"platform ref", func(f *File) { f.Platforms[1].Ref = "we b"; f.Products[1].Platform = "we b" }, "platforms[1].ref", msg(offer.CheckRef("we b"))},
		{"platform ref twice", func(f *File) { f.Platforms[1].Ref = "ios"; f.Products[1].Platform = "ios" }, "platforms[1].ref", `ref "ios" is already used by platforms[0].ref`},
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

		{"product platform unknown", func(f *File) { f.Products[1].Platform = "windows" }, "products[1].platform", `unknown platform "windows"`},
		{"product platform missing", func(f *File) { f.Products[0].Platform = "" }, "products[0].platform", "platform is required; the ref of one of the file's platforms"},
		{"sku missing", func(f *File) { f.Products[0].SKU = "" }, "products[0].sku", "sku is required"},
		{"sku too long", func(f *File) { f.Products[0].SKU = strings.Repeat("s", 201) }, "products[0].sku", "sku is longer than 200 characters"},
		{"sku with a space", func(f *File) { f.Products[0].SKU = "calm monthly" }, "products[0].sku", "sku must not contain spaces"},
		{"sku with a tab", func(f *File) { f.Products[0].SKU = "monthly\t" }, "products[0].sku", "sku must not contain spaces"},
		{"sku twice on a platform", func(f *File) { f.Products[1].Platform = "ios"; f.Products[1].SKU = "monthly" }, "products[1].sku", `sku "monthly" is already used on platform "ios" by products[0]`},
		{"product name", func(f *File) { f.Products[1].Name = "" }, "products[1].name", "name is required"},
		{"kind", func(f *File) { f.Products[1].Kind = "rental" }, "products[1].kind", msg(offer.CheckKind("rental"))},
		{"price", func(f *File) { f.Products[0].Price = "9,99" }, "products[0].price", msg(offer.CheckPrice("9,99"))},
		{"price missing", func(f *File) { f.Products[0].Price = "" }, "products[0].price", msg(offer.CheckPrice(""))},
		{"currency", func(f *File) { f.Products[0].Currency = "usd" }, "products[0].currency", msg(offer.CheckCurrency("usd"))},
		{"period missing", func(f *File) { f.Products[0].Period = "" }, "products[0].period", msg(offer.CheckPeriod("subscription", ""))},
		{"period unknown", func(f *File) { f.Products[0].Period = "P2M" }, "products[0].period", msg(offer.CheckPeriod("subscription", "P2M"))},
		{"period on a one-time purchase", func(f *File) { f.Products[1].Period = "P1M" }, "products[1].period", msg(offer.CheckPeriod("non_consumable", "P1M"))},
		{"trial", func(f *File) { f.Products[0].Trial = "P1Y" }, "products[0].trial", msg(offer.CheckTrial("subscription", "P1Y"))},
		{"trial on a one-time purchase", func(f *File) { f.Products[1].Trial = "P1W" }, "products[1].trial", msg(offer.CheckTrial("non_consumable", "P1W"))},
		{"grant unknown", func(f *File) { f.Products[1].Entitlements = []string{"premium", "vip"} }, "products[1].entitlements[1]", `unknown entitlement "vip"`},
		{"grant twice", func(f *File) { f.Products[1].Entitlements = []string{"offline", "premium", "offline"} }, "products[1].entitlements[2]", `entitlement "offline" is listed twice`},

		{"paywalls", func(f *File) { f.Paywalls = []json.RawMessage{json.RawMessage(`{"ref":"spring"}`)} }, "paywalls", "not supported yet"},
		{"campaigns", func(f *File) { f.Campaigns = []json.RawMessage{json.RawMessage(`{}`)} }, "campaigns", "not supported yet"},
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
	f.Products[0].Platform = "android"
	f.Products[0].Price = "free"
	f.Entitlements[0].Name = ""
	f.Paywalls = []json.RawMessage{json.RawMessage(`{}`)}
	want := "platforms[1].ref: " + msg(offer.CheckRef("Web")) + "\n" +
		"entitlements[0].name: name is required\n" +
		`products[0].platform: unknown platform "android"` + "\n" +
		"products[0].price: " + msg(offer.CheckPrice("free")) + "\n" +
		"paywalls: not supported yet"
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
