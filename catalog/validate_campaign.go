package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"nami/engine"
)

// labelPattern is the shape of a placement label; the empty label is the default placement.
var labelPattern = regexp.MustCompile(`^[a-z0-9._-]{1,64}$`)

// campaigns checks the campaigns, with engine.ValidateCampaign for the rules a campaign holds
// on its own and here for what needs the file: unique refs and paywalls that the file names.
func (v *validation) campaigns(docs []CampaignDoc, paywalls map[string]bool) {
	refs := map[string]string{}
	for i, c := range docs {
		at := fmt.Sprintf("campaigns[%d]", i)
		var found Problems // paths relative to the campaign, sorted into field order below
		add := func(path, format string, args ...any) {
			found = append(found, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
		}
		rules := engine.Campaign{Ref: c.Ref, Name: c.Name, Label: c.Label, Status: c.Status, Priority: c.Priority,
			HoldoutPercent: c.HoldoutPercent, Audience: c.Audience.engine()}
		for _, vd := range c.Variants {
			rules.Variants = append(rules.Variants, engine.Variant{Ref: vd.Ref, Paywall: vd.Paywall, Weight: vd.Weight})
		}
		var err error
		if rules.StartsAt, err = parseTime(c.StartsAt); err != nil {
			add("starts_at", "not an RFC 3339 time")
		}
		if rules.EndsAt, err = parseTime(c.EndsAt); err != nil {
			add("ends_at", "not an RFC 3339 time")
		}
		for _, fe := range engine.ValidateCampaign(rules) {
			found = append(found, Problem{Path: fe.Path, Message: fe.Message})
		}
		if engine.ValidRef(c.Ref) {
			if first, ok := refs[c.Ref]; ok {
				add("ref", "ref %q is already used by %s", c.Ref, first)
			} else {
				refs[c.Ref] = at + ".ref"
			}
		}
		if strings.TrimSpace(c.Name) == "" {
			add("name", "name is required")
		}
		if c.Label != "" && !labelPattern.MatchString(c.Label) {
			add("label", "label %q must be 1 to 64 lowercase letters, digits, -, _ or . (or empty for the default placement)", c.Label)
		}
		for j, vd := range c.Variants {
			if vd.Paywall != "" && !paywalls[vd.Paywall] {
				add(fmt.Sprintf("variants[%d].paywall", j), "unknown paywall %q", vd.Paywall)
			}
		}
		slices.SortStableFunc(found, func(x, y Problem) int { return compareCampaignPaths(x.Path, y.Path) })
		for _, p := range found {
			v.add(at+"."+p.Path, "%s", p.Message)
		}
	}
}

// parseTime reads an optional RFC 3339 time; null is no time, and the time is kept in UTC.
func parseTime(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return nil, err
	}
	t = t.UTC()
	return &t, nil
}

// campaignFields and variantFields give the file order of a campaign's and a variant's fields.
var (
	campaignFields = []string{"ref", "name", "label", "status", "priority", "starts_at", "ends_at", "holdout_percent", "audience", "variants"}
	variantFields  = []string{"ref", "paywall", "weight"}
)

// compareCampaignPaths orders two paths within a campaign by field, then by variant and the
// variant's field; the problem about the variants as a whole ("variants") comes after those
// about single variants. Paths it cannot tell apart compare equal, keeping their order.
func compareCampaignPaths(x, y string) int {
	kx, ky := campaignPathKey(x), campaignPathKey(y)
	return slices.Compare(kx[:], ky[:])
}

func campaignPathKey(path string) [3]int {
	head, rest, _ := strings.Cut(path, ".")
	field, index, indexed := strings.Cut(head, "[")
	key := [3]int{slices.Index(campaignFields, field), 0, 0}
	if field != "variants" {
		return key
	}
	if !indexed {
		key[1] = int(^uint(0) >> 1) // the whole list, after every variant
		return key
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(index, "]"))
	key[1] = n
	key[2] = slices.Index(variantFields, rest)
	return key
}

// engine turns the audience into the engine's value, conditions in order.
func (a AudienceDoc) engine() engine.Audience {
	out := engine.Audience{Match: a.Match}
	for _, c := range a.Conditions {
		out.Conditions = append(out.Conditions, engine.Condition{Attribute: c.Attribute, Operator: c.Operator,
			Values: slices.Clone(c.Values)})
	}
	return out
}
