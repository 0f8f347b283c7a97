package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Decision is which campaign and variant a device gets on a label, and why.
type Decision struct {
	// Campaign is the chosen campaign, pointing into the slice given to Decide; nil when none.
	Campaign *Campaign
	// Variant is the chosen variant of Campaign; nil when there is no campaign, the device is
	// held out, or the weights do not cover the device's bucket.
	Variant *Variant
	// Holdout is true when the chosen campaign holds the device out: no paywall is shown.
	Holdout bool
	// Trace has one step per campaign on the label, in the order evaluated (priority desc, ref asc).
	Trace []TraceStep
}

// Decide chooses the campaign and variant for a device on a placement label at time now,
// following DESIGN.md section 5 exactly; see the package documentation.
//
// Decide builds the trace the simulator shows; a server answering many devices prepares the
// order once with NewOrder and calls Choose, which makes the same decision without a trace.
func Decide(campaigns []Campaign, label string, dev Device, now time.Time) Decision {
	order := labelOrder(campaigns, label)
	d := Decision{Trace: make([]TraceStep, 0, len(order))}
	for _, i := range order {
		c := &campaigns[i]
		step := TraceStep{Ref: c.Ref, Name: c.Name, Priority: c.Priority, Status: c.Status}
		if d.Campaign != nil {
			step.Outcome = OutcomeNotReached
			step.Reason = fmt.Sprintf("not evaluated: %s (priority %d) was chosen first", d.Campaign.Ref, d.Campaign.Priority)
			d.Trace = append(d.Trace, step)
			continue
		}
		if failed := checkCandidate(c, dev, now, &step); len(failed) > 0 {
			step.Outcome = OutcomeSkipped
			step.Reason = strings.Join(failed, "; ")
			d.Trace = append(d.Trace, step)
			continue
		}
		step.Outcome = OutcomeChosen
		d.Campaign = c
		d.Variant, d.Holdout, step.Assignment, step.Reason = assign(c, dev.ID)
		d.Trace = append(d.Trace, step)
	}
	return d
}

// labelOrder is the indices of the campaigns on label in the order Decide evaluates them:
// priority descending, then ref ascending in byte order (stable for equal refs).
func labelOrder(campaigns []Campaign, label string) []int {
	order := make([]int, 0, len(campaigns))
	for i := range campaigns {
		if campaigns[i].Label == label {
			order = append(order, i)
		}
	}
	sortOrder(campaigns, order)
	return order
}

func sortOrder(campaigns []Campaign, order []int) {
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(campaigns[b].Priority, campaigns[a].Priority); c != 0 {
			return c
		}
		return strings.Compare(campaigns[a].Ref, campaigns[b].Ref)
	})
}

// Order is the evaluation order of every label of a slice of campaigns, computed once (when a
// release is loaded) so that Choose neither filters nor sorts per request. It holds indices
// into the slice given to NewOrder and is only valid with that slice, unchanged.
type Order struct {
	byLabel map[string][]int
}

// NewOrder groups campaigns by label, each group in Decide's order.
func NewOrder(campaigns []Campaign) Order {
	o := Order{byLabel: map[string][]int{}}
	for i := range campaigns {
		o.byLabel[campaigns[i].Label] = append(o.byLabel[campaigns[i].Label], i)
	}
	for _, order := range o.byLabel {
		sortOrder(campaigns, order)
	}
	return o
}

// Label returns the indices of the campaigns on label, in evaluation order; nil when none.
// Callers must not modify it.
func (o Order) Label(label string) []int { return o.byLabel[label] }

// Choice is Decide's decision as indices: Campaign indexes the campaigns given to NewOrder (-1
// when none is chosen), Variant indexes that campaign's Variants (-1 when there is none: held
// out, or the weights do not cover the device's bucket).
type Choice struct {
	Campaign int
	Variant  int
	Holdout  bool
}

// Choose makes the decision Decide makes for campaigns (the slice given to NewOrder for o) and
// the same label, device and time, without building a trace: the first candidate in o's order
// wins, and the same holdout and variant walk place the device.
func Choose(campaigns []Campaign, o Order, label string, dev Device, now time.Time) Choice {
	for _, i := range o.byLabel[label] {
		c := &campaigns[i]
		if !isCandidate(c, dev, now) {
			continue
		}
		v, holdout := Place(c, dev.ID)
		return Choice{Campaign: i, Variant: v, Holdout: holdout}
	}
	return Choice{Campaign: -1, Variant: -1}
}

// isCandidate is checkCandidate's verdict without its record: live, in schedule, audience matched.
func isCandidate(c *Campaign, dev Device, now time.Time) bool {
	if c.Status != StatusLive {
		return false
	}
	if c.StartsAt != nil && now.Before(*c.StartsAt) || c.EndsAt != nil && !now.Before(*c.EndsAt) {
		return false
	}
	return audienceMatches(c.Audience, dev)
}

// checkCandidate runs the three candidate checks, records them in step, and returns the failed
// ones in plain English.
func checkCandidate(c *Campaign, dev Device, now time.Time, step *TraceStep) []string {
	var failed []string
	step.Live = c.Status == StatusLive
	if !step.Live {
		if c.Status == "" {
			failed = append(failed, "status is not set")
		} else {
			failed = append(failed, "status is "+c.Status)
		}
	}
	step.InSchedule = true
	if c.StartsAt != nil && now.Before(*c.StartsAt) {
		step.InSchedule = false
		failed = append(failed, "starts "+formatTime(*c.StartsAt)+", not yet")
	}
	if c.EndsAt != nil && !now.Before(*c.EndsAt) {
		step.InSchedule = false
		failed = append(failed, "ended "+formatTime(*c.EndsAt))
	}
	audience := evalAudience(c.Audience, dev)
	step.Audience = &audience
	if !audience.Matched {
		failed = append(failed, "audience does not match")
	}
	return failed
}

// assign applies the holdout and then the variant walk of the chosen campaign. The reason says it
// in the marketer's words ("this device is in the 10% holdout"); the buckets behind it are in the
// returned AssignmentTrace.
func assign(c *Campaign, deviceID string) (*Variant, bool, *AssignmentTrace, string) {
	t := &AssignmentTrace{
		HoldoutBucket:    Bucket(SaltHoldout, c.Ref, deviceID),
		HoldoutThreshold: holdoutThreshold(c),
	}
	holdout := fmt.Sprintf("the %d%% holdout", t.HoldoutThreshold/100)
	if t.HoldoutBucket < uint64(t.HoldoutThreshold) {
		t.Holdout = true
		return nil, true, t, "chosen; this device is in " + holdout + ", so no paywall is shown"
	}

	bucket := Bucket(SaltVariant, c.Ref, deviceID)
	t.VariantBucket = &bucket
	t.Variants = make([]VariantSlot, len(c.Variants))
	var sum int64
	for i, v := range c.Variants {
		from := sum
		sum += int64(v.Weight) * 100
		t.Variants[i] = VariantSlot{Ref: v.Ref, Paywall: v.Paywall, Weight: v.Weight, From: from, To: sum}
	}
	chosen := variantAt(c.Variants, bucket)

	reason := "chosen; this device "
	if t.HoldoutThreshold > 0 {
		reason += "is not in " + holdout + " and "
	}
	if chosen < 0 {
		return nil, false, t, reason + fmt.Sprintf("falls outside the variants: their weights add up to %d%%, so no paywall is shown", sum/100)
	}
	slot := &t.Variants[chosen]
	slot.Chosen = true
	t.Variant, t.Paywall = slot.Ref, slot.Paywall
	return &c.Variants[chosen], false, t, reason + fmt.Sprintf("gets variant %s (%d%% of the split), paywall %s", slot.Ref, slot.Weight, slot.Paywall)
}

// holdoutThreshold is holdout_percent*100 limited to 0..10000: buckets below it are held out.
// Limiting it keeps bucket < threshold exact for any int without overflow.
func holdoutThreshold(c *Campaign) int {
	return min(max(c.HoldoutPercent, 0), 100) * 100
}

// variantAt walks the variants in order and returns the index of the first whose cumulative
// weight*100 is above bucket, or -1 when the weights do not cover it.
func variantAt(variants []Variant, bucket uint64) int {
	var sum int64
	for i, v := range variants {
		if sum += int64(v.Weight) * 100; sum > int64(bucket) {
			return i
		}
	}
	return -1
}

// Place is the assignment Decide makes once c is the chosen campaign, without the trace: whether
// c holds the device out and, when it does not, the index in c.Variants of the device's variant
// (-1 when the weights do not cover its bucket). It is for counting many devices quickly (the
// simulator's split); Decide gives the same answer for every device.
func Place(c *Campaign, deviceID string) (variant int, holdout bool) {
	if Bucket(SaltHoldout, c.Ref, deviceID) < uint64(holdoutThreshold(c)) {
		return -1, true
	}
	return variantAt(c.Variants, Bucket(SaltVariant, c.Ref, deviceID)), false
}

// formatTime writes a schedule bound for a reason, in UTC like the catalog file.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
