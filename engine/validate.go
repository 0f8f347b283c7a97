package engine

import (
	"fmt"
	"strings"
	"time"
)

// FieldError is one problem at a path relative to the campaign, e.g. "variants[1].weight"
// or "audience.conditions[0].values", with a message a marketer understands.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error returns "path: message".
func (e FieldError) Error() string {
	return e.Path + ": " + e.Message
}

// Bounds that keep every SDK in agreement: priorities stay exact in a JSON double, and schedule
// years stay within what RFC 3339 can write.
const (
	MaxPriority = 1_000_000_000
	MinYear     = 1970
	MaxYear     = 9998
)

// ValidateCampaign checks a campaign's rules and returns every problem found, in field order;
// nil means the campaign is valid. It does not check that paywall refs exist.
func ValidateCampaign(c Campaign) []FieldError {
	var errs []FieldError
	add := func(path, format string, args ...any) {
		errs = append(errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
	}

	if !ValidRef(c.Ref) {
		add("ref", "the ref must be 1 to 64 lowercase letters, digits, - or _")
	}
	switch c.Status {
	case StatusDraft, StatusLive, StatusPaused, StatusEnded:
	case "":
		add("status", "choose a status: draft, live, paused or ended")
	default:
		add("status", "status %q is not one of draft, live, paused or ended", c.Status)
	}
	if c.Priority < -MaxPriority || c.Priority > MaxPriority {
		add("priority", "the priority is %d; use a whole number between -%d and %d", c.Priority, MaxPriority, MaxPriority)
	}
	if c.HoldoutPercent < 0 || c.HoldoutPercent > 100 {
		add("holdout_percent", "the holdout is %d%%; it must be between 0 and 100", c.HoldoutPercent)
	}
	for _, b := range []struct {
		path string
		t    *time.Time
	}{{"starts_at", c.StartsAt}, {"ends_at", c.EndsAt}} {
		if b.t != nil && (b.t.UTC().Year() < MinYear || b.t.UTC().Year() > MaxYear) {
			add(b.path, "the date %s is out of range; use a year from %d to %d, or leave it empty for no bound", formatTime(*b.t), MinYear, MaxYear)
		}
	}
	if c.StartsAt != nil && c.EndsAt != nil && !c.EndsAt.After(*c.StartsAt) {
		add("ends_at", "the end (%s) must be after the start (%s)", formatTime(*c.EndsAt), formatTime(*c.StartsAt))
	}
	errs = append(errs, validateAudience(c.Audience)...)
	errs = append(errs, validateVariants(c.Variants)...)
	return errs
}

// validateAudience checks the match mode and every condition.
func validateAudience(a Audience) []FieldError {
	var errs []FieldError
	switch a.Match {
	case MatchAll, MatchAny, "":
	default:
		errs = append(errs, FieldError{Path: "audience.match", Message: fmt.Sprintf("match %q must be \"all\" or \"any\"", a.Match)})
	}
	for i, c := range a.Conditions {
		errs = append(errs, validateCondition(fmt.Sprintf("audience.conditions[%d]", i), c)...)
	}
	return errs
}

// validateCondition checks one condition; path is its place, e.g. "audience.conditions[0]".
func validateCondition(path string, c Condition) []FieldError {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Path: path + "." + field, Message: fmt.Sprintf(format, args...)})
	}

	attr, attrOK := LookupAttribute(c.Attribute)
	switch {
	case attrOK:
	case c.Attribute == "":
		add("attribute", "choose an attribute")
	case strings.HasPrefix(c.Attribute, CustomPrefix):
		add("attribute", "custom attribute %q: the name after \"custom.\" must be 1 to 64 letters, digits, _, - or .", c.Attribute)
	default:
		add("attribute", "unknown attribute %q; use one of %s, or custom.<name>", c.Attribute, attributeNames())
	}

	op, opOK := LookupOperator(c.Operator)
	if !opOK {
		if c.Operator == "" {
			add("operator", "choose an operator")
		} else {
			add("operator", "unknown operator %q", c.Operator)
		}
		return errs
	}
	if op.Ordered && attrOK && attr.Kind == KindText {
		add("operator", "%s is text, so %q does not apply; use equals, does not equal, is one of or is not one of", c.Attribute, op.Label)
	}

	n := len(c.Values)
	switch op.Values {
	case ValuesNone:
		if n > 0 {
			add("values", "%q takes no values; remove them", op.Label)
		}
	case ValuesMany:
		if n == 0 {
			add("values", "%q needs at least one value", op.Label)
		}
	case ValuesOne:
		if n != 1 {
			add("values", "%q needs exactly one value, not %d", op.Label, n)
		}
	}
	if op.Ordered && n == 1 {
		v := c.Values[0]
		if isVersionAttribute(c.Attribute) {
			if _, ok := parseVersion(v); !ok {
				add("values[0]", "%q is not a version; write numbers separated by dots, e.g. 2.5 or 2.5.1", v)
			}
		} else if _, ok := parseNumber(v); !ok {
			add("values[0]", "%q is not a number; write digits, e.g. 7 or 2.5", v)
		}
	}
	return errs
}

// validateVariants checks refs, paywalls and weights, and that the weights add up to 100.
// HoldoutArm is what results call the held-out devices, so no variant may take it.
const HoldoutArm = "holdout"

func validateVariants(vs []Variant) []FieldError {
	if len(vs) == 0 {
		return []FieldError{{Path: "variants", Message: "add at least one variant"}}
	}
	var errs []FieldError
	add := func(path, format string, args ...any) {
		errs = append(errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	seen := make(map[string]bool, len(vs))
	total := 0
	for i, v := range vs {
		path := fmt.Sprintf("variants[%d]", i)
		switch {
		case !ValidRef(v.Ref):
			add(path+".ref", "the variant ref must be 1 to 64 lowercase letters, digits, - or _")
		case seen[v.Ref]:
			add(path+".ref", "variant ref %q is used twice; each variant needs its own", v.Ref)
		case v.Ref == HoldoutArm:
			add(path+".ref", "%q names the held-out devices in results; give the variant another ref", v.Ref)
		}
		seen[v.Ref] = true
		if v.Paywall == "" {
			add(path+".paywall", "choose a paywall")
		}
		if v.Weight < 0 || v.Weight > 100 {
			add(path+".weight", "the weight is %d%%; it must be between 0 and 100", v.Weight)
		}
		total += v.Weight
	}
	if total != 100 {
		add("variants", "weights add up to %d; they must add up to 100", total)
	}
	return errs
}

// attributeNames lists the built-in attribute names for messages.
func attributeNames() string {
	names := make([]string, len(Attributes))
	for i, a := range Attributes {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}
