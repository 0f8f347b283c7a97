package engine

import "strings"

// Attribute names a condition can test. Any "custom.<name>" attribute is allowed too.
const (
	AttrPlatform         = "platform"
	AttrAppVersion       = "app_version"
	AttrOSVersion        = "os_version"
	AttrLocale           = "locale"
	AttrLanguage         = "language"
	AttrCountry          = "country"
	AttrFormFactor       = "form_factor"
	AttrDaysSinceInstall = "days_since_install"
)

// CustomPrefix starts the name of an app-defined attribute, such as "custom.plan".
const CustomPrefix = "custom."

// Operator names a condition can use.
const (
	OpEquals         = "equals"
	OpNotEquals      = "not_equals"
	OpIn             = "in"
	OpNotIn          = "not_in"
	OpGreaterThan    = "greater_than"
	OpGreaterOrEqual = "greater_or_equal"
	OpLessThan       = "less_than"
	OpLessOrEqual    = "less_or_equal"
	OpExists         = "exists"
	OpNotExists      = "not_exists"
)

// ValueKind says how an attribute's values compare.
type ValueKind string

// Value kinds: text compares ignoring case; numbers and versions also order.
const (
	KindText    ValueKind = "text"
	KindNumber  ValueKind = "number"
	KindVersion ValueKind = "version"
	// KindCustom is text that numeric operators may also compare as numbers.
	KindCustom ValueKind = "custom"
)

// AttributeInfo describes a built-in attribute for the campaign builder's dropdowns.
type AttributeInfo struct {
	Name  string    `json:"name"`
	Label string    `json:"label"`
	Kind  ValueKind `json:"kind"`
	Help  string    `json:"help"`
}

// Attributes lists the built-in attributes in the order a form shows them; any custom.<name>
// attribute is allowed as well. Treat it as read-only.
var Attributes = []AttributeInfo{
	{AttrPlatform, "Store platform", KindText, "apple, google, amazon, roku or web; set from the SDK key"},
	{AttrAppVersion, "App version", KindVersion, "dotted version, e.g. 2.5.1"},
	{AttrOSVersion, "OS version", KindVersion, "dotted version, e.g. 17.4"},
	{AttrLocale, "Locale", KindText, "BCP 47, e.g. de-AT"},
	{AttrLanguage, "Language", KindText, "e.g. de; taken from the locale when the app does not send it"},
	{AttrCountry, "Country", KindText, "ISO 3166-1 alpha-2, e.g. US"},
	{AttrFormFactor, "Form factor", KindText, "phone, tablet, tv or desktop"},
	{AttrDaysSinceInstall, "Days since install", KindNumber, "a number, e.g. 3"},
}

// ValueCount says how many values an operator takes.
type ValueCount string

// Value counts.
const (
	ValuesNone ValueCount = "none"
	ValuesOne  ValueCount = "one"
	ValuesMany ValueCount = "many" // one or more
)

// OperatorInfo describes an operator for the campaign builder's dropdowns and summaries.
type OperatorInfo struct {
	Name    string     `json:"name"`
	Label   string     `json:"label"`
	Symbol  string     `json:"symbol"` // as used by SummarizeAudience
	Values  ValueCount `json:"values"`
	Ordered bool       `json:"ordered"` // compares numbers or versions
}

// Operators lists the operators in the order a form shows them. Treat it as read-only.
var Operators = []OperatorInfo{
	{OpEquals, "equals", "=", ValuesOne, false},
	{OpNotEquals, "does not equal", "≠", ValuesOne, false},
	{OpIn, "is one of", "in", ValuesMany, false},
	{OpNotIn, "is not one of", "not in", ValuesMany, false},
	{OpGreaterThan, "is greater than", ">", ValuesOne, true},
	{OpGreaterOrEqual, "is at least", "≥", ValuesOne, true},
	{OpLessThan, "is less than", "<", ValuesOne, true},
	{OpLessOrEqual, "is at most", "≤", ValuesOne, true},
	{OpExists, "is set", "is set", ValuesNone, false},
	{OpNotExists, "is not set", "is not set", ValuesNone, false},
}

// LookupOperator returns the description of a known operator.
func LookupOperator(name string) (OperatorInfo, bool) {
	for _, op := range Operators {
		if op.Name == name {
			return op, true
		}
	}
	return OperatorInfo{}, false
}

// LookupAttribute returns the description of a built-in attribute or of a valid custom.<name> attribute.
func LookupAttribute(name string) (AttributeInfo, bool) {
	for _, a := range Attributes {
		if a.Name == name {
			return a, true
		}
	}
	if custom, ok := strings.CutPrefix(name, CustomPrefix); ok && validCustomName(custom) {
		return AttributeInfo{Name: name, Label: "Custom: " + custom, Kind: KindCustom, Help: "a value the app sends"}, true
	}
	return AttributeInfo{}, false
}

// validCustomName reports whether s is 1 to 64 ASCII letters, digits, "_", "-" or ".".
func validCustomName(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// ValidRef reports whether s is a ref: 1 to 64 lowercase letters, digits, "-" and "_".
func ValidRef(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
