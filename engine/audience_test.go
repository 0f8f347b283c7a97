package engine

import (
	"strings"
	"testing"
)

func TestOperators(t *testing.T) {
	us := map[string]string{"country": "us", "days_since_install": "5", "custom.plan": ""}
	tests := []struct {
		name   string
		cond   Condition
		attrs  map[string]string
		want   bool
		noteIn string
	}{
		{"equals ignores case", Condition{"country", OpEquals, []string{"US"}}, us, true, ""},
		{"equals other", Condition{"country", OpEquals, []string{"CA"}}, us, false, ""},
		{"equals uses first value only", Condition{"country", OpEquals, []string{"CA", "US"}}, us, false, ""},
		{"equals unicode folding", Condition{"custom.city", OpEquals, []string{"zürich"}}, map[string]string{"custom.city": "ZÜRICH"}, true, ""},
		{"equals empty value", Condition{"custom.plan", OpEquals, []string{""}}, us, true, ""},
		{"equals without value", Condition{"country", OpEquals, nil}, us, false, "no value"},
		{"equals is text not number", Condition{"days_since_install", OpEquals, []string{"5.0"}}, us, false, ""},
		{"not_equals other", Condition{"country", OpNotEquals, []string{"CA"}}, us, true, ""},
		{"not_equals same ignoring case", Condition{"country", OpNotEquals, []string{"US"}}, us, false, ""},
		{"not_equals without value", Condition{"country", OpNotEquals, nil}, us, false, "no value"},
		{"in listed", Condition{"country", OpIn, []string{"CA", "US"}}, us, true, ""},
		{"in not listed", Condition{"country", OpIn, []string{"CA", "DE"}}, us, false, ""},
		{"in empty list", Condition{"country", OpIn, nil}, us, false, ""},
		{"not_in not listed", Condition{"country", OpNotIn, []string{"CA", "DE"}}, us, true, ""},
		{"not_in listed", Condition{"country", OpNotIn, []string{"ca", "Us"}}, us, false, ""},
		{"not_in empty list", Condition{"country", OpNotIn, nil}, us, true, ""},
		{"greater_than above", Condition{"days_since_install", OpGreaterThan, []string{"3"}}, us, true, ""},
		{"greater_than equal", Condition{"days_since_install", OpGreaterThan, []string{"5"}}, us, false, ""},
		{"greater_or_equal equal", Condition{"days_since_install", OpGreaterOrEqual, []string{"5.0"}}, us, true, ""},
		{"greater_or_equal below", Condition{"days_since_install", OpGreaterOrEqual, []string{"5.5"}}, us, false, ""},
		{"less_than below", Condition{"days_since_install", OpLessThan, []string{"10"}}, us, true, ""},
		{"less_than equal", Condition{"days_since_install", OpLessThan, []string{"5"}}, us, false, ""},
		{"less_or_equal equal", Condition{"days_since_install", OpLessOrEqual, []string{"5"}}, us, true, ""},
		{"less_or_equal above", Condition{"days_since_install", OpLessOrEqual, []string{"4.99"}}, us, false, ""},
		{"numbers compare as numbers not text", Condition{"days_since_install", OpGreaterThan, []string{"10"}}, map[string]string{"days_since_install": "9"}, false, ""},
		{"number with exponent", Condition{"days_since_install", OpGreaterThan, []string{"99"}}, map[string]string{"days_since_install": "1e2"}, true, ""},
		{"negative number", Condition{"days_since_install", OpLessThan, []string{"0"}}, map[string]string{"days_since_install": "-1"}, true, ""},
		{"device value not a number", Condition{"days_since_install", OpGreaterThan, []string{"1"}}, map[string]string{"days_since_install": "abc"}, false, `device value "abc" is not a number`},
		{"spaces are not a number", Condition{"days_since_install", OpGreaterThan, []string{"1"}}, map[string]string{"days_since_install": " 3"}, false, "not a number"},
		{"hex is not a number", Condition{"days_since_install", OpGreaterThan, []string{"1"}}, map[string]string{"days_since_install": "0x10"}, false, "not a number"},
		{"infinity is not a number", Condition{"days_since_install", OpGreaterThan, []string{"1"}}, map[string]string{"days_since_install": "Inf"}, false, "not a number"},
		{"out of range is not a number", Condition{"days_since_install", OpGreaterThan, []string{"1"}}, map[string]string{"days_since_install": "1e400"}, false, "not a number"},
		{"condition value not a number", Condition{"days_since_install", OpLessThan, []string{"x"}}, us, false, `condition value "x" is not a number`},
		{"numeric without value", Condition{"days_since_install", OpLessThan, nil}, us, false, "no value"},
		{"custom compares as number", Condition{"custom.level", OpGreaterOrEqual, []string{"3"}}, map[string]string{"custom.level": "12"}, true, ""},
		{"exists", Condition{"country", OpExists, nil}, us, true, ""},
		{"exists with empty value", Condition{"custom.plan", OpExists, nil}, us, true, ""},
		{"exists missing", Condition{"locale", OpExists, nil}, us, false, ""},
		{"not_exists missing", Condition{"locale", OpNotExists, nil}, us, true, ""},
		{"not_exists present", Condition{"country", OpNotExists, nil}, us, false, ""},
		{"unknown operator", Condition{"country", "contains", []string{"U"}}, us, false, `unknown operator "contains"`},
		{"unknown operator missing attribute", Condition{"locale", "contains", []string{"U"}}, us, false, "unknown operator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := evalCondition(tt.cond, Device{ID: "d", Attributes: tt.attrs})
			if got.Result != tt.want {
				t.Errorf("result = %v, want %v (trace %+v)", got.Result, tt.want, got)
			}
			if tt.noteIn == "" && got.Note != "" || !strings.Contains(got.Note, tt.noteIn) {
				t.Errorf("note = %q, want it to contain %q", got.Note, tt.noteIn)
			}
		})
	}
}

// TestMissingAttribute checks that an attribute the device did not send makes every operator
// false except not_exists.
func TestMissingAttribute(t *testing.T) {
	values := map[ValueCount][]string{ValuesNone: nil, ValuesOne: {"1"}, ValuesMany: {"1", "2"}}
	for _, dev := range []Device{{ID: "d"}, {ID: "d", Attributes: map[string]string{"other": "1"}}} {
		for _, op := range Operators {
			got := evalCondition(Condition{"custom.x", op.Name, values[op.Values]}, dev)
			want := op.Name == OpNotExists
			if got.Result != want || got.Present {
				t.Errorf("%s on a missing attribute: result %v present %v, want result %v", op.Name, got.Result, got.Present, want)
			}
			if !want && op.Name != OpExists && got.Note != "not sent" {
				t.Errorf("%s on a missing attribute: note %q, want \"not sent\"", op.Name, got.Note)
			}
		}
	}
}

func TestAttributes(t *testing.T) {
	dev := Device{ID: "d", Attributes: map[string]string{
		"platform":           "apple",
		"app_version":        "2.10.0",
		"os_version":         "17.4",
		"locale":             "de-AT",
		"country":            "AT",
		"form_factor":        "tablet",
		"days_since_install": "12",
		"custom.plan":        "Gold",
	}}
	tests := []struct {
		cond Condition
		want bool
	}{
		{Condition{"platform", OpEquals, []string{"APPLE"}}, true},
		{Condition{"platform", OpIn, []string{"google", "amazon"}}, false},
		{Condition{"app_version", OpGreaterThan, []string{"2.9"}}, true},
		{Condition{"app_version", OpLessThan, []string{"2.9"}}, false},
		{Condition{"os_version", OpGreaterOrEqual, []string{"17.4.0"}}, true},
		{Condition{"os_version", OpLessThan, []string{"17.4"}}, false},
		{Condition{"locale", OpEquals, []string{"de-at"}}, true},
		{Condition{"locale", OpEquals, []string{"de"}}, false},
		{Condition{"language", OpEquals, []string{"de"}}, true},
		{Condition{"language", OpIn, []string{"en", "fr"}}, false},
		{Condition{"country", OpNotIn, []string{"DE", "CH"}}, true},
		{Condition{"country", OpEquals, []string{"DE"}}, false},
		{Condition{"form_factor", OpEquals, []string{"tablet"}}, true},
		{Condition{"form_factor", OpNotEquals, []string{"tablet"}}, false},
		{Condition{"days_since_install", OpGreaterOrEqual, []string{"7"}}, true},
		{Condition{"days_since_install", OpLessThan, []string{"7"}}, false},
		{Condition{"custom.plan", OpEquals, []string{"gold"}}, true},
		{Condition{"custom.plan", OpEquals, []string{"silver"}}, false},
		{Condition{"custom.missing", OpNotExists, nil}, true},
	}
	for _, tt := range tests {
		if got := evalCondition(tt.cond, dev); got.Result != tt.want {
			t.Errorf("%s %s %v: got %v, want %v (%+v)", tt.cond.Attribute, tt.cond.Operator, tt.cond.Values, got.Result, tt.want, got)
		}
	}
	// Every built-in attribute is covered above, so a new one cannot slip in untested.
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.cond.Attribute] = true
	}
	for _, a := range Attributes {
		if !covered[a.Name] {
			t.Errorf("attribute %s has no test", a.Name)
		}
	}
}

func TestVersionComparison(t *testing.T) {
	tests := []struct {
		device, value string
		want          int // sign of device compared with value
	}{
		{"2.10", "2.9", 1},
		{"2.9", "2.10", -1},
		{"2.5", "2.5.0", 0},
		{"2.5.0.0", "2.5", 0},
		{"2.5.1", "2.5", 1},
		{"10", "9.9.9", 1},
		{"02.05", "2.5", 0},
		{"0", "0.0.0", 0},
		{"99999999999999999999999.1", "99999999999999999999998.9", 1},
		{"1.18446744073709551616", "1.18446744073709551615", 1},
	}
	ops := []struct {
		op   string
		want func(int) bool
	}{
		{OpGreaterThan, func(s int) bool { return s > 0 }},
		{OpGreaterOrEqual, func(s int) bool { return s >= 0 }},
		{OpLessThan, func(s int) bool { return s < 0 }},
		{OpLessOrEqual, func(s int) bool { return s <= 0 }},
	}
	for _, tt := range tests {
		for _, attr := range []string{AttrAppVersion, AttrOSVersion} {
			for _, o := range ops {
				c := Condition{attr, o.op, []string{tt.value}}
				got := evalCondition(c, Device{Attributes: map[string]string{attr: tt.device}})
				if got.Result != o.want(tt.want) {
					t.Errorf("%s %s %s %s = %v, want %v", attr, tt.device, o.op, tt.value, got.Result, o.want(tt.want))
				}
			}
		}
	}
}

func TestVersionNotParsed(t *testing.T) {
	for _, v := range []string{"", "2.5-beta", "v2.5", "2..5", "2.5.", ".5", " 2.5", "2,5", "2.5 (120)"} {
		for _, op := range []string{OpGreaterThan, OpGreaterOrEqual, OpLessThan, OpLessOrEqual} {
			got := evalCondition(Condition{AttrAppVersion, op, []string{"1"}}, Device{Attributes: map[string]string{AttrAppVersion: v}})
			if got.Result || !strings.Contains(got.Note, "is not a version") {
				t.Errorf("app_version %q %s 1: result %v note %q, want false and a note", v, op, got.Result, got.Note)
			}
		}
	}
	got := evalCondition(Condition{AttrOSVersion, OpLessThan, []string{"17.x"}}, Device{Attributes: map[string]string{AttrOSVersion: "16"}})
	if got.Result || !strings.Contains(got.Note, `condition value "17.x" is not a version`) {
		t.Errorf("bad condition version: result %v note %q", got.Result, got.Note)
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		name        string
		attrs       map[string]string
		wantValue   string
		wantPresent bool
		wantDerived bool
	}{
		{"from locale", map[string]string{"locale": "de-AT"}, "de", true, true},
		{"lowercased", map[string]string{"locale": "DE-at"}, "de", true, true},
		{"locale without region", map[string]string{"locale": "FR"}, "fr", true, true},
		{"underscore locale", map[string]string{"locale": "pt_BR"}, "pt", true, true},
		{"script subtag", map[string]string{"locale": "zh-Hant-TW"}, "zh", true, true},
		{"sent wins over locale", map[string]string{"locale": "de-AT", "language": "FR"}, "FR", true, false},
		{"sent empty", map[string]string{"locale": "de-AT", "language": ""}, "", true, false},
		{"no locale", map[string]string{"country": "AT"}, "", false, false},
		{"empty locale", map[string]string{"locale": ""}, "", false, false},
		{"locale without language", map[string]string{"locale": "-AT"}, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dev := Device{Attributes: tt.attrs}
			v, present, derived := lookup(dev, AttrLanguage)
			if v != tt.wantValue || present != tt.wantPresent || derived != tt.wantDerived {
				t.Errorf("lookup = %q, %v, %v; want %q, %v, %v", v, present, derived, tt.wantValue, tt.wantPresent, tt.wantDerived)
			}
			got := evalCondition(Condition{AttrLanguage, OpNotExists, nil}, dev)
			if got.Result == tt.wantPresent {
				t.Errorf("language not_exists = %v, want %v", got.Result, !tt.wantPresent)
			}
		})
	}
}

func TestAudienceMatch(t *testing.T) {
	dev := Device{Attributes: map[string]string{"country": "US", "locale": "en-US"}}
	yes := Condition{"country", OpEquals, []string{"US"}}
	no := Condition{"country", OpEquals, []string{"CA"}}
	tests := []struct {
		name string
		a    Audience
		want bool
	}{
		{"no conditions", Audience{}, true},
		{"no conditions any", Audience{Match: MatchAny}, true},
		{"no conditions unknown match", Audience{Match: "most"}, true},
		{"all true", Audience{Match: MatchAll, Conditions: []Condition{yes, yes}}, true},
		{"all one false", Audience{Match: MatchAll, Conditions: []Condition{yes, no}}, false},
		{"empty match is all", Audience{Conditions: []Condition{yes, no}}, false},
		{"empty match all true", Audience{Conditions: []Condition{yes}}, true},
		{"any one true", Audience{Match: MatchAny, Conditions: []Condition{no, yes}}, true},
		{"any none true", Audience{Match: MatchAny, Conditions: []Condition{no, no}}, false},
		{"unknown match", Audience{Match: "most", Conditions: []Condition{yes}}, false},
		{"match is case sensitive", Audience{Match: "ALL", Conditions: []Condition{yes}}, false},
	}
	for _, tt := range tests {
		got := evalAudience(tt.a, dev)
		if got.Matched != tt.want {
			t.Errorf("%s: matched = %v, want %v", tt.name, got.Matched, tt.want)
		}
		if len(got.Conditions) != len(tt.a.Conditions) {
			t.Errorf("%s: %d condition traces, want %d", tt.name, len(got.Conditions), len(tt.a.Conditions))
		}
	}
}
