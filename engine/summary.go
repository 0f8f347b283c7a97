package engine

import "strings"

// SummarizeAudience gives a one-line summary of an audience for lists and the builder,
// such as "Everyone" or "country in US, CA and app_version ≥ 2.0".
func SummarizeAudience(a Audience) string {
	if len(a.Conditions) == 0 {
		return "Everyone"
	}
	join := " and "
	if a.Match == MatchAny {
		join = " or "
	}
	parts := make([]string, len(a.Conditions))
	for i, c := range a.Conditions {
		parts[i] = summarizeCondition(c)
	}
	return strings.Join(parts, join)
}

// summarizeCondition writes one condition as "attribute symbol values".
func summarizeCondition(c Condition) string {
	op, ok := LookupOperator(c.Operator)
	if !ok {
		return strings.TrimSpace(c.Attribute + " " + c.Operator + " " + strings.Join(c.Values, ", "))
	}
	if op.Values == ValuesNone {
		return c.Attribute + " " + op.Symbol
	}
	values := strings.Join(c.Values, ", ")
	if values == "" {
		values = "(no value)"
	}
	return c.Attribute + " " + op.Symbol + " " + values
}
