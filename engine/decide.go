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
func Decide(campaigns []Campaign, label string, dev Device, now time.Time) Decision {
	order := make([]int, 0, len(campaigns))
	for i := range campaigns {
		if campaigns[i].Label == label {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(campaigns[b].Priority, campaigns[a].Priority); c != 0 {
			return c
		}
		return strings.Compare(campaigns[a].Ref, campaigns[b].Ref)
	})

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
