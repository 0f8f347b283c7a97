package engine

import (
	"testing"
	"time"
)

// FuzzDecide checks that no input panics Decide, ValidateCampaign or SummarizeAudience, and that
// every decision keeps the invariants the SDK API relies on.
func FuzzDecide(f *testing.F) {
	f.Add("dev-1", "onboarding", "onboarding", "live", "all", "country", "in", "US", "us", 10, 1, 50, 50, int64(-1), int64(1))
	f.Add("", "", "", "paused", "any", "app_version", "greater_than", "2.9", "2.10", 0, -3, 100, 0, int64(0), int64(0))
	f.Add("x", "a", "b", "live", "", "language", "equals", "de", "", 100, 0, 0, 0, int64(5), int64(-5))
	f.Add("d", "", "", "live", "all", "days_since_install", "less_or_equal", "1e400", "-0", -7, 1<<40, -1<<62, 1<<62, int64(1<<62), int64(-1<<62))
	f.Fuzz(func(t *testing.T, deviceID, label, campaignLabel, status, match, attribute, operator, value, deviceValue string,
		holdout, priority, w1, w2 int, startOffset, endOffset int64) {
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		starts, ends := now.Add(time.Duration(startOffset)), now.Add(time.Duration(endOffset))
		cond := Condition{Attribute: attribute, Operator: operator, Values: []string{value}}
		campaigns := []Campaign{
			{
				Ref: "fuzz", Label: campaignLabel, Status: status, Priority: priority, HoldoutPercent: holdout,
				StartsAt: &starts, EndsAt: &ends,
				Audience: Audience{Match: match, Conditions: []Condition{cond, {attribute, operator, nil}}},
				Variants: []Variant{{"a", "p", w1}, {"b", "p", w2}},
			},
			{Ref: deviceID, Label: label, Status: StatusLive, Priority: -priority, HoldoutPercent: holdout,
				Audience: Audience{Match: match, Conditions: []Condition{cond}}, Variants: []Variant{{"c", "p", w1}}},
			{Ref: "empty", Label: label, Status: status},
		}
		dev := Device{ID: deviceID, Attributes: map[string]string{attribute: deviceValue, "locale": deviceValue}}

		d := Decide(campaigns, label, dev, now)
		sameChoice(t, campaigns, NewOrder(campaigns), label, dev, now)

		onLabel := 0
		for _, c := range campaigns {
			if c.Label == label {
				onLabel++
			}
		}
		if len(d.Trace) != onLabel {
			t.Fatalf("%d trace steps for %d campaigns on the label", len(d.Trace), onLabel)
		}
		chosen := 0
		for _, s := range d.Trace {
			if s.Outcome == OutcomeChosen {
				chosen++
			}
		}
		if (chosen == 1) != (d.Campaign != nil) || chosen > 1 {
			t.Fatalf("%d chosen steps, campaign %v", chosen, d.Campaign)
		}
		if d.Campaign != nil {
			c := d.Campaign
			if c.Status != StatusLive || c.Label != label {
				t.Fatalf("chose %+v", c)
			}
			if c.StartsAt != nil && now.Before(*c.StartsAt) || c.EndsAt != nil && !now.Before(*c.EndsAt) {
				t.Fatalf("chose a campaign outside its schedule: %+v", c)
			}
		}
		if d.Holdout && (d.Campaign == nil || d.Variant != nil) {
			t.Fatalf("held out with campaign %v variant %v", d.Campaign, d.Variant)
		}
		if d.Variant != nil {
			if d.Campaign == nil || d.Holdout {
				t.Fatalf("variant without a campaign or while held out")
			}
			found := false
			for i := range d.Campaign.Variants {
				found = found || &d.Campaign.Variants[i] == d.Variant
			}
			if !found {
				t.Fatalf("variant %v is not one of the campaign's", d.Variant)
			}
		}
		for i := range campaigns {
			errs := ValidateCampaign(campaigns[i])
			if d.Campaign == &campaigns[i] && errs == nil && !d.Holdout && d.Variant == nil {
				t.Fatalf("a valid campaign gave no variant: %+v", campaigns[i])
			}
			_ = SummarizeAudience(campaigns[i].Audience)
		}
	})
}
