package engine

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// validCampaign is the catalog file's example campaign.
func validCampaign() Campaign {
	return Campaign{
		Ref: "onboarding-test", Name: "Onboarding A/B", Label: "onboarding", Status: StatusLive, Priority: 10,
		Audience: Audience{Match: MatchAll, Conditions: []Condition{{"country", OpIn, []string{"US", "CA"}}}},
		Variants: []Variant{{"a", "spring", 50}, {"b", "spring", 50}},
	}
}

func TestValidateCampaignValid(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Campaign)
	}{
		{"example", func(*Campaign) {}},
		{"draft with negative priority", func(c *Campaign) { c.Status, c.Priority = StatusDraft, -3 }},
		{"holdout bounds", func(c *Campaign) { c.HoldoutPercent = 100 }},
		{"schedule", func(c *Campaign) {
			c.StartsAt, c.EndsAt = timePtr(now), timePtr(now.Add(time.Second))
		}},
		{"open schedule end", func(c *Campaign) { c.EndsAt = timePtr(now) }},
		{"empty match and no conditions", func(c *Campaign) { c.Audience = Audience{} }},
		{"every operator", func(c *Campaign) {
			c.Audience = Audience{Match: MatchAny, Conditions: []Condition{
				{"platform", OpEquals, []string{"apple"}},
				{"country", OpNotEquals, []string{"US"}},
				{"locale", OpIn, []string{"de-AT", "de-DE"}},
				{"language", OpNotIn, []string{"fr"}},
				{"app_version", OpGreaterThan, []string{"2.10.1"}},
				{"os_version", OpGreaterOrEqual, []string{"17"}},
				{"days_since_install", OpLessThan, []string{"7.5"}},
				{"custom.level", OpLessOrEqual, []string{"-3"}},
				{"form_factor", OpExists, nil},
				{"custom.A_b-c.d", OpNotExists, []string{}},
				{"custom." + strings.Repeat("z", 64), OpExists, nil},
				{"days_since_install", OpEquals, []string{"3"}},
			}}
		}},
		{"one variant with zero-weight siblings", func(c *Campaign) {
			c.Variants = []Variant{{"only", "p", 100}, {"off_1", "p", 0}}
		}},
	}
	for _, tt := range tests {
		c := validCampaign()
		tt.change(&c)
		if errs := ValidateCampaign(c); errs != nil {
			t.Errorf("%s: %v", tt.name, errs)
		}
	}
}

func TestValidateCampaignErrors(t *testing.T) {
	cond := func(attr, op string, values ...string) func(*Campaign) {
		return func(c *Campaign) { c.Audience.Conditions = []Condition{{attr, op, values}} }
	}
	tests := []struct {
		name   string
		change func(*Campaign)
		want   []FieldError
	}{
		{"bad ref", func(c *Campaign) { c.Ref = "Spring Test" }, []FieldError{
			{"ref", "the ref must be 1 to 64 lowercase letters, digits, - or _"}}},
		{"no status", func(c *Campaign) { c.Status = "" }, []FieldError{
			{"status", "choose a status: draft, live, paused or ended"}}},
		{"unknown status", func(c *Campaign) { c.Status = "Live" }, []FieldError{
			{"status", `status "Live" is not one of draft, live, paused or ended`}}},
		{"holdout above 100", func(c *Campaign) { c.HoldoutPercent = 101 }, []FieldError{
			{"holdout_percent", "the holdout is 101%; it must be between 0 and 100"}}},
		{"holdout negative", func(c *Campaign) { c.HoldoutPercent = -1 }, []FieldError{
			{"holdout_percent", "the holdout is -1%; it must be between 0 and 100"}}},
		{"ends before start", func(c *Campaign) { c.StartsAt, c.EndsAt = timePtr(now), timePtr(now.Add(-time.Hour)) }, []FieldError{
			{"ends_at", "the end (2026-06-01T11:00:00Z) must be after the start (2026-06-01T12:00:00Z)"}}},
		{"ends at start", func(c *Campaign) { c.StartsAt, c.EndsAt = timePtr(now), timePtr(now) }, []FieldError{
			{"ends_at", "the end (2026-06-01T12:00:00Z) must be after the start (2026-06-01T12:00:00Z)"}}},
		{"bad match", func(c *Campaign) { c.Audience.Match = "every" }, []FieldError{
			{"audience.match", `match "every" must be "all" or "any"`}}},
		{"no attribute", cond("", OpExists), []FieldError{
			{"audience.conditions[0].attribute", "choose an attribute"}}},
		{"unknown attribute", cond("city", OpEquals, "Paris"), []FieldError{
			{"audience.conditions[0].attribute", `unknown attribute "city"; use one of platform, app_version, os_version, locale, language, country, form_factor, days_since_install, or custom.<name>`}}},
		{"custom without name", cond("custom.", OpExists), []FieldError{
			{"audience.conditions[0].attribute", `custom attribute "custom.": the name after "custom." must be 1 to 64 letters, digits, _, - or .`}}},
		{"custom with space", cond("custom.my plan", OpExists), []FieldError{
			{"audience.conditions[0].attribute", `custom attribute "custom.my plan": the name after "custom." must be 1 to 64 letters, digits, _, - or .`}}},
		{"custom too long", cond("custom."+strings.Repeat("a", 65), OpExists), []FieldError{
			{"audience.conditions[0].attribute", `custom attribute "custom.` + strings.Repeat("a", 65) + `": the name after "custom." must be 1 to 64 letters, digits, _, - or .`}}},
		{"no operator", cond("country", "", "US"), []FieldError{
			{"audience.conditions[0].operator", "choose an operator"}}},
		{"unknown operator", cond("country", "contains", "US"), []FieldError{
			{"audience.conditions[0].operator", `unknown operator "contains"`}}},
		{"in without values", cond("country", OpIn), []FieldError{
			{"audience.conditions[0].values", `"is one of" needs at least one value`}}},
		{"not_in without values", cond("country", OpNotIn), []FieldError{
			{"audience.conditions[0].values", `"is not one of" needs at least one value`}}},
		{"equals two values", cond("country", OpEquals, "US", "CA"), []FieldError{
			{"audience.conditions[0].values", `"equals" needs exactly one value, not 2`}}},
		{"not_equals no value", cond("country", OpNotEquals), []FieldError{
			{"audience.conditions[0].values", `"does not equal" needs exactly one value, not 0`}}},
		{"exists with value", cond("country", OpExists, "US"), []FieldError{
			{"audience.conditions[0].values", `"is set" takes no values; remove them`}}},
		{"not_exists with value", cond("custom.x", OpNotExists, "1"), []FieldError{
			{"audience.conditions[0].values", `"is not set" takes no values; remove them`}}},
		{"numeric without value", cond("days_since_install", OpGreaterThan), []FieldError{
			{"audience.conditions[0].values", `"is greater than" needs exactly one value, not 0`}}},
		{"numeric not a number", cond("days_since_install", OpLessThan, "a week"), []FieldError{
			{"audience.conditions[0].values[0]", `"a week" is not a number; write digits, e.g. 7 or 2.5`}}},
		{"custom numeric not a number", cond("custom.level", OpGreaterOrEqual, "1,5"), []FieldError{
			{"audience.conditions[0].values[0]", `"1,5" is not a number; write digits, e.g. 7 or 2.5`}}},
		{"version not a version", cond("app_version", OpGreaterOrEqual, "2.5-beta"), []FieldError{
			{"audience.conditions[0].values[0]", `"2.5-beta" is not a version; write numbers separated by dots, e.g. 2.5 or 2.5.1`}}},
		{"version with exponent", cond("os_version", OpLessThan, "1e3"), []FieldError{
			{"audience.conditions[0].values[0]", `"1e3" is not a version; write numbers separated by dots, e.g. 2.5 or 2.5.1`}}},
		{"numeric on text attribute", cond("country", OpGreaterThan, "5"), []FieldError{
			{"audience.conditions[0].operator", `country is text, so "is greater than" does not apply; use equals, does not equal, is one of or is not one of`}}},
		{"no variants", func(c *Campaign) { c.Variants = nil }, []FieldError{
			{"variants", "add at least one variant"}}},
		{"weights short", func(c *Campaign) { c.Variants[1].Weight = 40 }, []FieldError{
			{"variants", "weights add up to 90; they must add up to 100"}}},
		{"weight out of range", func(c *Campaign) {
			c.Variants = []Variant{{"a", "p", 150}, {"b", "p", -50}}
		}, []FieldError{
			{"variants[0].weight", "the weight is 150%; it must be between 0 and 100"},
			{"variants[1].weight", "the weight is -50%; it must be between 0 and 100"}}},
		{"bad variant ref", func(c *Campaign) { c.Variants[1].Ref = "B" }, []FieldError{
			{"variants[1].ref", "the variant ref must be 1 to 64 lowercase letters, digits, - or _"}}},
		{"empty variant ref", func(c *Campaign) { c.Variants[0].Ref = "" }, []FieldError{
			{"variants[0].ref", "the variant ref must be 1 to 64 lowercase letters, digits, - or _"}}},
		{"duplicate variant ref", func(c *Campaign) { c.Variants[1].Ref = "a" }, []FieldError{
			{"variants[1].ref", `variant ref "a" is used twice; each variant needs its own`}}},
		{"variant named holdout", func(c *Campaign) { c.Variants[1].Ref = "holdout" }, []FieldError{
			{"variants[1].ref", `"holdout" names the held-out devices in results; give the variant another ref`}}},
		{"no paywall", func(c *Campaign) { c.Variants[0].Paywall = "" }, []FieldError{
			{"variants[0].paywall", "choose a paywall"}}},
		{"several problems in field order", func(c *Campaign) {
			c.Status = "running"
			c.Audience.Conditions = append(c.Audience.Conditions, Condition{"locale", OpEquals, nil})
			c.Variants[0].Weight = 10
		}, []FieldError{
			{"status", `status "running" is not one of draft, live, paused or ended`},
			{"audience.conditions[1].values", `"equals" needs exactly one value, not 0`},
			{"variants", "weights add up to 60; they must add up to 100"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCampaign()
			tt.change(&c)
			if got := ValidateCampaign(c); !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestFieldErrorError(t *testing.T) {
	e := FieldError{Path: "variants[1].weight", Message: "the weight is 150%; it must be between 0 and 100"}
	if got := e.Error(); got != "variants[1].weight: the weight is 150%; it must be between 0 and 100" {
		t.Errorf("Error() = %q", got)
	}
}

func TestVocabulary(t *testing.T) {
	for _, a := range Attributes {
		if got, ok := LookupAttribute(a.Name); !ok || got != a || a.Label == "" {
			t.Errorf("attribute %s: lookup %v %v", a.Name, got, ok)
		}
	}
	for _, op := range Operators {
		if got, ok := LookupOperator(op.Name); !ok || got != op || op.Label == "" || op.Symbol == "" {
			t.Errorf("operator %s: lookup %v %v", op.Name, got, ok)
		}
	}
	if a, ok := LookupAttribute("custom.plan"); !ok || a.Kind != KindCustom {
		t.Errorf("custom.plan: %v %v", a, ok)
	}
	for _, name := range []string{"custom.", "custom", "Country", "custom.a b"} {
		if _, ok := LookupAttribute(name); ok {
			t.Errorf("attribute %q is known, want unknown", name)
		}
	}
	for _, ref := range []string{"a", "spring-2026_b", strings.Repeat("a", 64)} {
		if !ValidRef(ref) {
			t.Errorf("ValidRef(%q) = false", ref)
		}
	}
	for _, ref := range []string{"", "A", "a b", "é", strings.Repeat("a", 65)} {
		if ValidRef(ref) {
			t.Errorf("ValidRef(%q) = true", ref)
		}
	}
}
