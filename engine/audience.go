package engine

import (
	"fmt"
	"strings"
)

// evalAudience evaluates every condition (none is skipped, so the trace is complete).
func evalAudience(a Audience, dev Device) AudienceTrace {
	t := AudienceTrace{Match: a.Match, Conditions: make([]ConditionTrace, len(a.Conditions))}
	all, anyTrue := true, false
	for i, c := range a.Conditions {
		t.Conditions[i] = evalCondition(c, dev)
		all = all && t.Conditions[i].Result
		anyTrue = anyTrue || t.Conditions[i].Result
	}
	switch {
	case len(a.Conditions) == 0:
		t.Matched = true
	case a.Match == MatchAll || a.Match == "":
		t.Matched = all
	case a.Match == MatchAny:
		t.Matched = anyTrue
	}
	return t
}

// audienceMatches is evalAudience's Matched without the trace; conditions have no side
// effects, so stopping at the first that settles the answer gives the same result.
func audienceMatches(a Audience, dev Device) bool {
	if len(a.Conditions) == 0 {
		return true
	}
	switch a.Match {
	case MatchAll, "":
		for _, c := range a.Conditions {
			if !conditionHolds(c, dev) {
				return false
			}
		}
		return true
	case MatchAny:
		for _, c := range a.Conditions {
			if conditionHolds(c, dev) {
				return true
			}
		}
	}
	return false
}

// evalCondition applies one condition to the device's attributes.
func evalCondition(c Condition, dev Device) ConditionTrace {
	value, present, derived := lookup(dev, c.Attribute)
	t := ConditionTrace{
		Attribute:   c.Attribute,
		Operator:    c.Operator,
		Values:      c.Values,
		DeviceValue: value,
		Present:     present,
		Derived:     derived,
	}
	switch c.Operator {
	case OpExists:
		t.Result = present
	case OpNotExists:
		t.Result = !present
	case OpEquals, OpNotEquals, OpIn, OpNotIn, OpGreaterThan, OpGreaterOrEqual, OpLessThan, OpLessOrEqual:
		if !present {
			t.Note = "not sent"
			return t
		}
		t.Result, t.Note = compare(c, value)
	default:
		t.Note = fmt.Sprintf("unknown operator %q", c.Operator)
	}
	return t
}

// conditionHolds is evalCondition's Result without the trace.
func conditionHolds(c Condition, dev Device) bool {
	value, present, _ := lookup(dev, c.Attribute)
	switch c.Operator {
	case OpExists:
		return present
	case OpNotExists:
		return !present
	case OpEquals, OpNotEquals, OpIn, OpNotIn, OpGreaterThan, OpGreaterOrEqual, OpLessThan, OpLessOrEqual:
		if !present {
			return false
		}
		ok, _ := compare(c, value)
		return ok
	}
	return false
}

// compare applies a comparison operator to a value the device sent.
func compare(c Condition, value string) (bool, string) {
	switch c.Operator {
	case OpIn, OpNotIn:
		found := false
		for _, v := range c.Values {
			if strings.EqualFold(value, v) {
				found = true
				break
			}
		}
		return found == (c.Operator == OpIn), ""
	}
	if len(c.Values) == 0 {
		return false, "the condition has no value"
	}
	want := c.Values[0]
	switch c.Operator {
	case OpEquals:
		return strings.EqualFold(value, want), ""
	case OpNotEquals:
		return !strings.EqualFold(value, want), ""
	}
	sign, note := compareOrdered(c.Attribute, value, want)
	if note != "" {
		return false, note
	}
	switch c.Operator {
	case OpGreaterThan:
		return sign > 0, ""
	case OpGreaterOrEqual:
		return sign >= 0, ""
	case OpLessThan:
		return sign < 0, ""
	default: // OpLessOrEqual
		return sign <= 0, ""
	}
}

// compareOrdered compares the device's value with the condition's as versions or numbers; a non-empty
// note says which of them does not parse.
func compareOrdered(attribute, value, want string) (int, string) {
	if isVersionAttribute(attribute) {
		v, ok := parseVersion(value)
		if !ok {
			return 0, fmt.Sprintf("device value %q is not a version (digits separated by dots)", value)
		}
		w, ok := parseVersion(want)
		if !ok {
			return 0, fmt.Sprintf("condition value %q is not a version (digits separated by dots)", want)
		}
		return compareVersions(v, w), ""
	}
	v, ok := parseNumber(value)
	if !ok {
		return 0, fmt.Sprintf("device value %q is not a number", value)
	}
	w, ok := parseNumber(want)
	if !ok {
		return 0, fmt.Sprintf("condition value %q is not a number", want)
	}
	switch {
	case v < w:
		return -1, ""
	case v > w:
		return 1, ""
	}
	return 0, ""
}

// lookup returns the device's value for an attribute, deriving language from locale when the
// device did not send it.
func lookup(dev Device, name string) (value string, present, derived bool) {
	if v, ok := dev.Attributes[name]; ok {
		return v, true, false
	}
	if name != AttrLanguage {
		return "", false, false
	}
	locale, ok := dev.Attributes[AttrLocale]
	if !ok {
		return "", false, false
	}
	if lang := primarySubtag(locale); lang != "" {
		return lang, true, true
	}
	return "", false, false
}

// primarySubtag returns the locale's text before the first "-" or "_", ASCII-lowercased
// ("de-AT" -> "de"; "pt_BR" -> "pt", as iOS and Android spell locales).
func primarySubtag(locale string) string {
	if i := strings.IndexAny(locale, "-_"); i >= 0 {
		locale = locale[:i]
	}
	b := []byte(locale)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}
