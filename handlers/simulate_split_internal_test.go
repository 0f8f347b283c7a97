package handlers

import (
	"strconv"
	"testing"
	"time"

	"nami/engine"
)

// splitRules are campaigns on the label "onboarding": a paused one that would win, an A/B test
// with a 10% holdout for US, CA and GB, and a catch-all whose weights cover only 80%.
func splitRules() []engine.Campaign {
	return []engine.Campaign{
		{Ref: "paused", Name: "Paused", Label: "onboarding", Status: engine.StatusPaused, Priority: 50,
			Variants: []engine.Variant{{Ref: "main", Paywall: "p", Weight: 100}}},
		{Ref: "onboarding-ab", Name: "Onboarding A/B", Label: "onboarding", Status: engine.StatusLive, Priority: 10, HoldoutPercent: 10,
			Audience: engine.Audience{Match: engine.MatchAll, Conditions: []engine.Condition{{Attribute: "country", Operator: "in", Values: []string{"US", "CA", "GB"}}}},
			Variants: []engine.Variant{{Ref: "a", Paywall: "spring", Weight: 50}, {Ref: "b", Paywall: "yearly-focus", Weight: 50}}},
		{Ref: "rest", Name: "Everyone else", Label: "onboarding", Status: engine.StatusLive, Priority: 1, HoldoutPercent: 5,
			Variants: []engine.Variant{{Ref: "x", Paywall: "quiet", Weight: 30}, {Ref: "y", Paywall: "spring", Weight: 50}}},
	}
}

// TestSplitAgreesWithDecide counts the arms with a full engine.Decide per device and checks that
// the split's fast path finds exactly the same counts.
func TestSplitAgreesWithDecide(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	const n = 3000
	for _, country := range []string{"US", "FR", ""} {
		attrs := map[string]string{engine.AttrPlatform: "apple"}
		if country != "" {
			attrs[engine.AttrCountry] = country
		}
		rules := splitRules()
		want := map[string]int{}
		for i := 1; i <= n; i++ {
			d := engine.Decide(rules, "onboarding", engine.Device{ID: "device-" + strconv.Itoa(i), Attributes: attrs}, now)
			switch {
			case d.Campaign == nil:
				want["none"]++
			case d.Holdout:
				want[d.Campaign.Ref+"/holdout"]++
			case d.Variant == nil:
				want[d.Campaign.Ref+"/none"]++
			default:
				want[d.Campaign.Ref+"/"+d.Variant.Ref]++
			}
		}
		res := simulateSplit(rules, "onboarding", attrs, n, now)
		got := map[string]int{}
		var expected float64
		for _, arm := range res.Arms {
			if arm.Devices > 0 {
				got[arm.Key] = arm.Devices
			}
			expected += arm.Expected
		}
		if len(got) != len(want) {
			t.Errorf("country %q: split %v, Decide %v", country, got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("country %q: %s has %d devices in the split, %d by Decide", country, k, got[k], v)
			}
		}
		if expected < 0.999999 || expected > 1.000001 {
			t.Errorf("country %q: the expected shares add up to %v", country, expected)
		}
	}
	// The catch-all's expected shares: 5% held out, then 30% and 50% of the rest, and 20% of the rest uncovered.
	res := simulateSplit(splitRules(), "onboarding", map[string]string{}, 1, now)
	wantExp := map[string]float64{"rest/x": 0.285, "rest/y": 0.475, "rest/holdout": 0.05, "rest/none": 0.19}
	for _, arm := range res.Arms {
		if arm.Expected != wantExp[arm.Key] {
			t.Errorf("%s: expected %v, want %v", arm.Key, arm.Expected, wantExp[arm.Key])
		}
	}
	if len(res.Arms) != len(wantExp) {
		t.Errorf("arms %+v, want %v", res.Arms, wantExp)
	}
}

// BenchmarkSimulateSplit100k is one split of 100,000 devices, the most the simulator allows.
func BenchmarkSimulateSplit100k(b *testing.B) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	rules := splitRules()
	attrs := map[string]string{engine.AttrPlatform: "apple", engine.AttrCountry: "US"}
	for b.Loop() {
		res := simulateSplit(rules, "onboarding", attrs, maxSplitDevices, now)
		if res.Campaign == nil || res.Campaign.Ref != "onboarding-ab" {
			b.Fatalf("the split chose %+v", res.Campaign)
		}
	}
}
