package engine

import (
	"strconv"
	"time"
)

func deviceName(i int) string {
	return "dev-" + strconv.Itoa(i)
}

func timePtr(t time.Time) *time.Time {
	return &t
}

// liveCampaign is a live campaign on label "onboarding" that everyone matches, with one variant.
func liveCampaign(ref string, priority int) Campaign {
	return Campaign{
		Ref:      ref,
		Name:     "Campaign " + ref,
		Label:    "onboarding",
		Status:   StatusLive,
		Priority: priority,
		Variants: []Variant{{Ref: "a", Paywall: "spring", Weight: 100}},
	}
}

// chosenRef returns the ref of the chosen campaign, or "" when none.
func chosenRef(d Decision) string {
	if d.Campaign == nil {
		return ""
	}
	return d.Campaign.Ref
}
