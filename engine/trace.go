package engine

// Outcome says what became of one campaign while a decision was made.
type Outcome string

// Outcomes of a TraceStep.
const (
	// OutcomeChosen marks the winning campaign (the device may still be held out).
	OutcomeChosen Outcome = "chosen"
	// OutcomeSkipped marks a campaign that was evaluated and is not a candidate.
	OutcomeSkipped Outcome = "skipped"
	// OutcomeNotReached marks a campaign ordered after the winner, so never evaluated.
	OutcomeNotReached Outcome = "not_reached"
)

// TraceStep explains what happened to one campaign on the requested label, for the simulator.
type TraceStep struct {
	Ref      string  `json:"ref"`
	Name     string  `json:"name"`
	Priority int     `json:"priority"`
	Status   string  `json:"status"`
	Outcome  Outcome `json:"outcome"`
	// Reason is one line in plain English: every failed check of a skipped campaign joined
	// by "; ", or how the chosen campaign assigned the device.
	Reason string `json:"reason"`
	// Live, InSchedule and Audience are the three candidate checks; they are all evaluated for
	// chosen and skipped campaigns and left zero for campaigns not reached.
	Live       bool           `json:"live"`
	InSchedule bool           `json:"in_schedule"`
	Audience   *AudienceTrace `json:"audience,omitempty"`
	// Assignment is set for the chosen campaign only.
	Assignment *AssignmentTrace `json:"assignment,omitempty"`
}

// AudienceTrace is how an audience was evaluated for a device.
type AudienceTrace struct {
	Match      string           `json:"match"` // as stored; "" behaves as "all"
	Matched    bool             `json:"matched"`
	Conditions []ConditionTrace `json:"conditions"`
}

// ConditionTrace is how one condition was evaluated for a device.
type ConditionTrace struct {
	Attribute   string   `json:"attribute"`
	Operator    string   `json:"operator"`
	Values      []string `json:"values"`
	DeviceValue string   `json:"device_value"`
	Present     bool     `json:"present"`           // the device sent the attribute (or it was derived)
	Derived     bool     `json:"derived,omitempty"` // language taken from locale
	Result      bool     `json:"result"`
	// Note says why a condition is false for a reason other than the comparison itself,
	// e.g. "not sent" or `device value "abc" is not a number`.
	Note string `json:"note,omitempty"`
}

// AssignmentTrace is how the chosen campaign placed the device: holdout first, then a variant.
type AssignmentTrace struct {
	HoldoutBucket uint64 `json:"holdout_bucket"`
	// HoldoutThreshold is holdout_percent*100 limited to 0..10000; buckets below it are held out.
	HoldoutThreshold int  `json:"holdout_threshold"`
	Holdout          bool `json:"holdout"`
	// VariantBucket and Variants are set only when the device is not held out.
	VariantBucket *uint64       `json:"variant_bucket,omitempty"`
	Variants      []VariantSlot `json:"variants,omitempty"`
	Variant       string        `json:"variant,omitempty"` // chosen variant ref
	Paywall       string        `json:"paywall,omitempty"` // its paywall ref
}

// VariantSlot is the range of variant buckets a variant covers in the walk: From <= bucket < To.
type VariantSlot struct {
	Ref     string `json:"ref"`
	Paywall string `json:"paywall"`
	Weight  int    `json:"weight"`
	From    int64  `json:"from"`
	To      int64  `json:"to"`
	Chosen  bool   `json:"chosen"`
}
