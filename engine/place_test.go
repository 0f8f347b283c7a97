package engine

import (
	"fmt"
	"strings"
	"testing"
)

// TestPlaceAgreesWithDecide checks that the simulator's fast split gives every device the
// holdout and variant Decide gives it, including weights that do not cover every bucket.
func TestPlaceAgreesWithDecide(t *testing.T) {
	for _, tt := range []struct {
		holdout int
		weights []int
	}{
		{10, []int{50, 50}},
		{0, []int{100}},
		{25, []int{20, 30, 50}},
		{0, []int{30, 30}}, // 40% of the buckets are not covered
		{100, []int{100}},
		{-5, []int{0, 100}}, // an out-of-range holdout is limited like Decide limits it
	} {
		c := liveCampaign("split", 1)
		c.HoldoutPercent = tt.holdout
		c.Variants = nil
		for i, w := range tt.weights {
			c.Variants = append(c.Variants, Variant{Ref: fmt.Sprintf("v%d", i), Paywall: "p", Weight: w})
		}
		for i := range 5000 {
			id := deviceName(i)
			d := Decide([]Campaign{c}, c.Label, Device{ID: id}, now)
			variant, holdout := Place(&c, id)
			if holdout != d.Holdout {
				t.Fatalf("holdout %d%% weights %v, %s: Place holdout %v, Decide %v", tt.holdout, tt.weights, id, holdout, d.Holdout)
			}
			want := -1
			if d.Variant != nil {
				want = int(d.Variant.Ref[1] - '0')
			}
			if variant != want {
				t.Fatalf("holdout %d%% weights %v, %s: Place variant %d, Decide %v", tt.holdout, tt.weights, id, variant, d.Variant)
			}
		}
	}
}

// TestTraceSaysTheHoldoutInTheMarketersWords checks the chosen step's reason: "in the 10%
// holdout" or "not in the 10% holdout", with the buckets only in the assignment trace.
func TestTraceSaysTheHoldoutInTheMarketersWords(t *testing.T) {
	c := liveCampaign("onboarding-ab", 1)
	c.HoldoutPercent = 10
	c.Variants = []Variant{{Ref: "a", Paywall: "spring", Weight: 50}, {Ref: "b", Paywall: "yearly-focus", Weight: 50}}
	var sawIn, sawOut bool
	for i := 0; i < 200 && !(sawIn && sawOut); i++ {
		d := Decide([]Campaign{c}, c.Label, Device{ID: deviceName(i)}, now)
		step := d.Trace[0]
		a := step.Assignment
		if a == nil || a.HoldoutThreshold != 1000 {
			t.Fatalf("assignment %+v, want the threshold 1000 kept in the trace", a)
		}
		if strings.Contains(step.Reason, "bucket") {
			t.Errorf("reason %q speaks of buckets; they belong in the details", step.Reason)
		}
		if d.Holdout {
			sawIn = true
			if want := "chosen; this device is in the 10% holdout, so no paywall is shown"; step.Reason != want {
				t.Errorf("held out (bucket %d): reason %q, want %q", a.HoldoutBucket, step.Reason, want)
			}
			continue
		}
		sawOut = true
		want := fmt.Sprintf("chosen; this device is not in the 10%% holdout and gets variant %s (50%% of the split), paywall %s",
			d.Variant.Ref, d.Variant.Paywall)
		if step.Reason != want {
			t.Errorf("bucket %d: reason %q, want %q", a.HoldoutBucket, step.Reason, want)
		}
		if a.HoldoutBucket < 1000 || a.VariantBucket == nil {
			t.Errorf("not held out with holdout bucket %d and variant bucket %v", a.HoldoutBucket, a.VariantBucket)
		}
	}
	if !sawIn || !sawOut {
		t.Fatalf("200 devices did not cover both sides of the holdout (in %v, out %v)", sawIn, sawOut)
	}

	// Without a holdout the reason does not mention one.
	c.HoldoutPercent = 0
	d := Decide([]Campaign{c}, c.Label, Device{ID: "dev-1"}, now)
	if r := d.Trace[0].Reason; strings.Contains(r, "holdout") || !strings.HasPrefix(r, "chosen; this device gets variant ") {
		t.Errorf("without a holdout the reason is %q", r)
	}
}
