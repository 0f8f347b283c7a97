package engine

import "time"

// Campaign statuses. Only a live campaign can be chosen.
const (
	StatusDraft  = "draft"
	StatusLive   = "live"
	StatusPaused = "paused"
	StatusEnded  = "ended"
)

// Statuses lists the campaign statuses in the order a form shows them. Treat it as read-only.
var Statuses = []string{StatusDraft, StatusLive, StatusPaused, StatusEnded}

// Audience match modes; an empty match behaves as MatchAll.
const (
	MatchAll = "all"
	MatchAny = "any"
)

// Campaign is the rules for when and how paywalls are shown on one placement label,
// as published in a release or edited as a draft.
type Campaign struct {
	Ref            string     `json:"ref"`
	Name           string     `json:"name"`
	Label          string     `json:"label"`
	Status         string     `json:"status"` // draft, live, paused, ended
	Priority       int        `json:"priority"`
	StartsAt       *time.Time `json:"starts_at"`
	EndsAt         *time.Time `json:"ends_at"`
	HoldoutPercent int        `json:"holdout_percent"`
	Audience       Audience   `json:"audience"`
	Variants       []Variant  `json:"variants"`
}

// Audience says which devices a campaign is for: all or any of its conditions must hold,
// and an audience without conditions matches everyone.
type Audience struct {
	Match      string      `json:"match"` // "all" or "any"; "" behaves as "all"
	Conditions []Condition `json:"conditions"`
}

// Condition is one test of a device attribute, such as "country in US, CA".
type Condition struct {
	Attribute string   `json:"attribute"`
	Operator  string   `json:"operator"`
	Values    []string `json:"values"`
}

// Variant is one paywall a campaign may show, with the whole percent of devices that see it.
type Variant struct {
	Ref     string `json:"ref"`
	Paywall string `json:"paywall"` // paywall ref
	Weight  int    `json:"weight"`  // whole percent
}

// Device is who asks: its id and the attributes it sent, all as strings (the caller converts
// JSON numbers to their decimal text and sets "platform" from the SDK key).
type Device struct {
	ID         string
	Attributes map[string]string
}
