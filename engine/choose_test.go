package engine

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// sameChoice fails unless Choose with a precomputed order makes Decide's decision.
func sameChoice(t *testing.T, campaigns []Campaign, o Order, label string, dev Device, now time.Time) {
	t.Helper()
	d := Decide(campaigns, label, dev, now)
	c := Choose(campaigns, o, label, dev, now)
	want := Choice{Campaign: -1, Variant: -1, Holdout: d.Holdout}
	for i := range campaigns {
		if d.Campaign == &campaigns[i] {
			want.Campaign = i
			for j := range campaigns[i].Variants {
				if d.Variant == &campaigns[i].Variants[j] {
					want.Variant = j
				}
			}
		}
	}
	if c != want {
		t.Fatalf("label %q device %+v: Choose = %+v, Decide = %+v (trace %+v)", label, dev, c, want, d.Trace)
	}
}

// TestChooseAgreesWithDecide draws random campaigns (ties of priority, equal refs, every
// operator and match, schedules around now, broken weights) and devices, and checks that the
// traceless path with an order computed once decides exactly as Decide does.
func TestChooseAgreesWithDecide(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	labels := []string{"onboarding", "settings", ""}
	statuses := []string{StatusLive, StatusLive, StatusLive, StatusPaused, StatusDraft, ""}
	matches := []string{MatchAll, MatchAny, "", "odd"}
	ops := []string{OpEquals, OpNotEquals, OpIn, OpNotIn, OpGreaterThan, OpGreaterOrEqual, OpLessThan, OpLessOrEqual,
		OpExists, OpNotExists, "bogus"}
	attrs := []string{AttrCountry, AttrLanguage, AttrAppVersion, AttrDaysSinceInstall, "custom.tier"}
	values := []string{"US", "us", "de", "2.10", "2.9.1", "3", "-1.5e2", "abc", ""}
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	for round := range 300 {
		campaigns := make([]Campaign, r.IntN(25))
		for i := range campaigns {
			c := Campaign{Ref: "c" + strconv.Itoa(r.IntN(12)), Label: pick(labels), Status: pick(statuses),
				Priority: r.IntN(4), HoldoutPercent: r.IntN(30) - 5, Audience: Audience{Match: pick(matches)}}
			if r.IntN(4) == 0 {
				c.StartsAt = timePtr(now.Add(time.Duration(r.IntN(3)-1) * time.Hour))
			}
			if r.IntN(4) == 0 {
				c.EndsAt = timePtr(now.Add(time.Duration(r.IntN(3)-1) * time.Hour))
			}
			for range r.IntN(4) {
				cond := Condition{Attribute: pick(attrs), Operator: pick(ops)}
				for range r.IntN(3) {
					cond.Values = append(cond.Values, pick(values))
				}
				c.Audience.Conditions = append(c.Audience.Conditions, cond)
			}
			for v := range r.IntN(3) + 1 {
				c.Variants = append(c.Variants, Variant{Ref: "v" + strconv.Itoa(v), Paywall: "p", Weight: r.IntN(70)})
			}
			campaigns[i] = c
		}
		o := NewOrder(campaigns)
		for d := range 40 {
			dev := Device{ID: "dev-" + strconv.Itoa(round*100+d), Attributes: map[string]string{}}
			for _, a := range attrs {
				if r.IntN(2) == 0 {
					dev.Attributes[a] = pick(values)
				}
			}
			if r.IntN(2) == 0 {
				dev.Attributes[AttrLocale] = pick([]string{"de-AT", "EN_us", "", "-x"})
			}
			sameChoice(t, campaigns, o, pick(labels), dev, now)
			sameChoice(t, campaigns, o, "nowhere", dev, now)
		}
	}
}

// TestOrderLabel checks the precomputed order: priority descending, then ref ascending.
func TestOrderLabel(t *testing.T) {
	campaigns := []Campaign{liveCampaign("b", 1), liveCampaign("a", 1), liveCampaign("c", 5), {Ref: "x", Label: "settings"}}
	got := NewOrder(campaigns).Label("onboarding")
	if want := []int{2, 1, 0}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("order %v, want %v", got, want)
	}
	if NewOrder(campaigns).Label("none") != nil {
		t.Fatal("an unknown label has an order")
	}
}
