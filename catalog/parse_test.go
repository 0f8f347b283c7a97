package catalog

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseDemo(t *testing.T) {
	f, err := Parse(bytes.NewReader(Demo))
	if err != nil {
		t.Fatal(err)
	}
	if f.App.Slug != "calm-sky" || len(f.Platforms) != 4 || len(f.Entitlements) != 2 || len(f.Products) != 8 ||
		len(f.Paywalls) != 3 || len(f.Campaigns) != 4 {
		t.Errorf("Parse(Demo) = %+v", f)
	}
	spring := f.Paywalls[1]
	if spring.Ref != "spring" || len(spring.Copy) != 2 || !strings.HasPrefix(spring.HeroImage, "data:image/png;base64,") {
		t.Errorf("paywall spring = %+v", spring)
	}
	if c := f.Campaigns[0]; c.Ref != "black-friday" || c.StartsAt == nil || *c.StartsAt != "2026-11-27T00:00:00Z" ||
		f.Campaigns[1].StartsAt != nil {
		t.Errorf("campaigns = %+v", f.Campaigns)
	}
}

func TestParseReportsShapeProblemsWithPaths(t *testing.T) {
	tests := []struct {
		name string
		json string
		want string
	}{
		{"unknown top-level field", `{"format": "nami.catalog/v1", "formats": 1}`, `unknown field "formats"`},
		{"unknown nested field", `{"products": [{"sku": "a"}, {"skuu": "b"}]}`, `products[1]: unknown field "skuu"`},
		{"field in the wrong case", `{"app": {"Slug": "calm-sky"}}`, `app: unknown field "Slug"`},
		{"every unknown field", `{"app": {"slug": "x", "icon": 1}, "platforms": [{"ref": "ios", "team": "t", "os": "x"}]}`,
			"app: unknown field \"icon\"\nplatforms[0]: unknown field \"os\"\nplatforms[0]: unknown field \"team\""},
		{"number for a string", `{"products": [{"price": 9.99}]}`, "products[0].price: expected a string, got a number"},
		{"string for a list", `{"products": [{"entitlements": "premium"}]}`, "products[0].entitlements: expected a list, got a string"},
		{"null for a string", `{"app": {"name": null}}`, "app.name: expected a string, got null"},
		{"object for a list", `{"platforms": {"ref": "ios"}}`, "platforms: expected a list, got an object"},
		{"not an object", `[1, 2]`, "expected an object, got a list"},
		{"unknown copy field", `{"paywalls": [{"copy": {"en": {"title": "a", "titel": "b"}}}]}`, `paywalls[0].copy.en: unknown field "titel"`},
		{"copy not an object", `{"paywalls": [{"copy": {"en": "Sleep better"}}]}`, "paywalls[0].copy.en: expected an object, got a string"},
		{"highlighted as a string", `{"paywalls": [{"products": [{"highlighted": "yes"}]}]}`, "paywalls[0].products[0].highlighted: expected true or false, got a string"},
		{"time as a number", `{"campaigns": [{"starts_at": 1764547200}]}`, "campaigns[0].starts_at: expected a string, got a number"},
		{"fractional weight", `{"campaigns": [{"variants": [{"weight": 33.3}]}]}`, "campaigns[0].variants[0].weight: expected a whole number, got 33.3"},
		{"unknown dark palette field", `{"paywalls": [{"theme": {"dark": {"accent": "#FFFFFF", "txt": "#000000"}}}]}`, `paywalls[0].theme.dark: unknown field "txt"`},
		{"dark palette as a string", `{"paywalls": [{"theme": {"dark": "black"}}]}`, "paywalls[0].theme.dark: expected an object, got a string"},
		{"values as a string", `{"campaigns": [{"audience": {"conditions": [{"values": "US"}]}}]}`, "campaigns[0].audience.conditions[0].values: expected a list, got a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.json))
			if _, ok := err.(Problems); !ok {
				t.Fatalf("Parse error = %v (%T), want Problems", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestParseAcceptsNullLists(t *testing.T) {
	f, err := Parse(strings.NewReader(`{"format": "nami.catalog/v1", "app": {"slug": "a", "name": "A"}, "platforms": null,
		"products": [{"platform": "ios", "sku": "x", "entitlements": null}], "paywalls": [{"copy": null, "products": null, "theme": {"dark": null}}],
		"campaigns": [{"starts_at": null, "ends_at": null, "audience": {"conditions": null}, "variants": null}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Platforms != nil || f.Products[0].Entitlements != nil || len(f.Paywalls) != 1 || f.Paywalls[0].Copy != nil || f.Paywalls[0].Theme.Dark != nil ||
		len(f.Campaigns) != 1 || f.Campaigns[0].StartsAt != nil || f.Campaigns[0].Audience.Conditions != nil {
		t.Errorf("Parse = %+v", f)
	}
}

func TestParseSyntaxErrors(t *testing.T) {
	tests := []struct {
		name string
		json string
		want string
	}{
		{"empty", "", "catalog.Parse: the file is empty"},
		{"only spaces", " \n ", "catalog.Parse: the file is empty"},
		{"cut short", `{"format": "nami.catalog/v1",`, "catalog.Parse: the file ends before the catalog object does"},
		{"bad character", "{\n  \"format\": x\n}", "catalog.Parse: invalid JSON at line 2, column 13: invalid character 'x' looking for beginning of value"},
		{"trailing object", "{}\n{}", "catalog.Parse: unexpected data after the catalog object at line 2, column 1"},
		{"trailing garbage", `{"format": "nami.catalog/v1"} ]`, "catalog.Parse: unexpected data after the catalog object at line 1, column 31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.json))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse error = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestParseAllowsTrailingSpace(t *testing.T) {
	if _, err := Parse(strings.NewReader("{}\n\n")); err != nil {
		t.Errorf("Parse: %v", err)
	}
}
