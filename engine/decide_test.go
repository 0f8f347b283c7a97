package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestSchedule(t *testing.T) {
	tests := []struct {
		name       string
		starts     *time.Time
		ends       *time.Time
		want       bool
		wantReason string
	}{
		{"open both ends", nil, nil, true, ""},
		{"starts now (inclusive)", timePtr(now), nil, true, ""},
		{"started earlier", timePtr(now.Add(-time.Hour)), nil, true, ""},
		{"starts a nanosecond later", timePtr(now.Add(time.Nanosecond)), nil, false, "starts 2026-06-01T12:00:00.000000001Z, not yet"},
		{"starts later", timePtr(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)), nil, false, "starts 2026-12-01T00:00:00Z, not yet"},
		{"starts later in another zone", timePtr(time.Date(2026, 12, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600))), nil, false, "starts 2026-12-01T00:00:00Z, not yet"},
		{"ends now (exclusive)", nil, timePtr(now), false, "ended 2026-06-01T12:00:00Z"},
		{"ends a nanosecond later", nil, timePtr(now.Add(time.Nanosecond)), true, ""},
		{"ended earlier", nil, timePtr(now.Add(-time.Hour)), false, "ended 2026-06-01T11:00:00Z"},
		{"inside window", timePtr(now.Add(-time.Hour)), timePtr(now.Add(time.Hour)), true, ""},
		{"empty window", timePtr(now), timePtr(now), false, "ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := liveCampaign("c", 1)
			c.StartsAt, c.EndsAt = tt.starts, tt.ends
			d := Decide([]Campaign{c}, "onboarding", Device{ID: "dev-1"}, now)
			if (d.Campaign != nil) != tt.want {
				t.Fatalf("chosen = %v, want %v (trace %+v)", d.Campaign != nil, tt.want, d.Trace)
			}
			step := d.Trace[0]
			if step.InSchedule != tt.want {
				t.Errorf("in_schedule = %v, want %v", step.InSchedule, tt.want)
			}
			if !tt.want && !strings.Contains(step.Reason, tt.wantReason) {
				t.Errorf("reason = %q, want it to contain %q", step.Reason, tt.wantReason)
			}
		})
	}
}

func TestPriority(t *testing.T) {
	tests := []struct {
		name      string
		campaigns []Campaign
		want      string
		wantOrder []string
	}{
		{"highest priority wins", []Campaign{liveCampaign("low", 1), liveCampaign("high", 5), liveCampaign("mid", 3)}, "high", []string{"high", "mid", "low"}},
		{"negative priorities", []Campaign{liveCampaign("a", -5), liveCampaign("b", -1)}, "b", []string{"b", "a"}},
		{"tie goes to smaller ref", []Campaign{liveCampaign("b-camp", 2), liveCampaign("a-camp", 2)}, "a-camp", []string{"a-camp", "b-camp"}},
		{"byte order, not numeric", []Campaign{liveCampaign("a9", 0), liveCampaign("a10", 0)}, "a10", []string{"a10", "a9"}},
		{"byte order of - and _", []Campaign{liveCampaign("a_1", 0), liveCampaign("a-2", 0)}, "a-2", []string{"a-2", "a_1"}},
		{"byte order upper before lower", []Campaign{liveCampaign("a", 0), liveCampaign("B", 0)}, "B", []string{"B", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.campaigns, "onboarding", Device{ID: "dev-1"}, now)
			if got := chosenRef(d); got != tt.want {
				t.Errorf("chosen %q, want %q", got, tt.want)
			}
			var order []string
			for _, s := range d.Trace {
				order = append(order, s.Ref)
			}
			if strings.Join(order, ",") != strings.Join(tt.wantOrder, ",") {
				t.Errorf("trace order %v, want %v", order, tt.wantOrder)
			}
		})
	}
}

func TestStatusFilter(t *testing.T) {
	for _, status := range []string{StatusDraft, StatusPaused, StatusEnded, "", "LIVE", "Live"} {
		c := liveCampaign("c", 1)
		c.Status = status
		d := Decide([]Campaign{c}, "onboarding", Device{ID: "dev-1"}, now)
		if d.Campaign != nil {
			t.Errorf("status %q: chosen, want skipped", status)
		}
		if s := d.Trace[0]; s.Outcome != OutcomeSkipped || s.Live || !strings.HasPrefix(s.Reason, "status is ") {
			t.Errorf("status %q: trace %+v", status, s)
		}
	}
	paused := liveCampaign("paused", 9)
	paused.Status = StatusPaused
	d := Decide([]Campaign{paused, liveCampaign("live", 1)}, "onboarding", Device{ID: "dev-1"}, now)
	if chosenRef(d) != "live" {
		t.Errorf("chosen %q, want the live campaign below the paused one", chosenRef(d))
	}
	if d.Trace[0].Reason != "status is paused" {
		t.Errorf("reason %q, want \"status is paused\"", d.Trace[0].Reason)
	}
}

func TestLabelFilter(t *testing.T) {
	onboarding := liveCampaign("onboarding-ab", 1)
	def := liveCampaign("default", 1)
	def.Label = ""
	settings := liveCampaign("settings", 1)
	settings.Label = "settings"
	campaigns := []Campaign{onboarding, def, settings}
	tests := []struct {
		label string
		want  string
	}{
		{"onboarding", "onboarding-ab"},
		{"", "default"},
		{"settings", "settings"},
		{"Onboarding", ""}, // labels compare exactly
		{"paywall", ""},    // no fallback to the default placement
	}
	for _, tt := range tests {
		d := Decide(campaigns, tt.label, Device{ID: "dev-1"}, now)
		if got := chosenRef(d); got != tt.want {
			t.Errorf("label %q: chosen %q, want %q", tt.label, got, tt.want)
		}
		wantSteps := 0
		if tt.want != "" {
			wantSteps = 1
		}
		if len(d.Trace) != wantSteps {
			t.Errorf("label %q: %d trace steps, want %d (only campaigns on that label)", tt.label, len(d.Trace), wantSteps)
		}
	}
}

func TestTrace(t *testing.T) {
	paused := liveCampaign("paused", 30)
	paused.Status = StatusPaused
	future := liveCampaign("future", 20)
	future.StartsAt = timePtr(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	canada := liveCampaign("canada", 15)
	canada.Audience = Audience{Conditions: []Condition{{"country", OpEquals, []string{"CA"}}, {"locale", OpExists, nil}}}
	winner := liveCampaign("winner", 10)
	later := liveCampaign("later", 5)
	other := liveCampaign("other-label", 100)
	other.Label = "settings"
	broken := liveCampaign("broken", 40)
	broken.Status = StatusDraft
	broken.EndsAt = timePtr(now)
	broken.Audience = canada.Audience

	d := Decide([]Campaign{later, winner, canada, future, paused, other, broken}, "onboarding",
		Device{ID: "dev-1", Attributes: map[string]string{"country": "US"}}, now)

	want := []struct {
		ref     string
		outcome Outcome
		reason  string
	}{
		{"broken", OutcomeSkipped, "status is draft; ended 2026-06-01T12:00:00Z; audience does not match"},
		{"paused", OutcomeSkipped, "status is paused"},
		{"future", OutcomeSkipped, "starts 2026-12-01T00:00:00Z, not yet"},
		{"canada", OutcomeSkipped, "audience does not match"},
		{"winner", OutcomeChosen, "chosen; this device gets variant "},
		{"later", OutcomeNotReached, "not evaluated: winner (priority 10) was chosen first"},
	}
	if len(d.Trace) != len(want) {
		t.Fatalf("%d steps, want %d: %+v", len(d.Trace), len(want), d.Trace)
	}
	for i, w := range want {
		s := d.Trace[i]
		if s.Ref != w.ref || s.Outcome != w.outcome || !strings.HasPrefix(s.Reason, w.reason) {
			t.Errorf("step %d = %s %s %q, want %s %s %q", i, s.Ref, s.Outcome, s.Reason, w.ref, w.outcome, w.reason)
		}
		if (s.Assignment != nil) != (w.outcome == OutcomeChosen) {
			t.Errorf("step %d: assignment %v, want it only on the chosen campaign", i, s.Assignment)
		}
		if (s.Audience == nil) != (w.outcome == OutcomeNotReached) {
			t.Errorf("step %d: audience trace %v, want it on every evaluated campaign", i, s.Audience)
		}
	}

	conds := d.Trace[3].Audience.Conditions
	wantConds := []ConditionTrace{
		{Attribute: "country", Operator: OpEquals, Values: []string{"CA"}, DeviceValue: "US", Present: true, Result: false},
		{Attribute: "locale", Operator: OpExists, Present: false, Result: false},
	}
	for i, w := range wantConds {
		g := conds[i]
		if g.Attribute != w.Attribute || g.Operator != w.Operator || g.DeviceValue != w.DeviceValue || g.Present != w.Present || g.Result != w.Result {
			t.Errorf("condition %d = %+v, want %+v", i, g, w)
		}
	}

	a := d.Trace[4].Assignment
	if a.HoldoutBucket != refBucket(SaltHoldout, "winner", "dev-1") || a.HoldoutThreshold != 0 || a.Holdout {
		t.Errorf("holdout trace %+v", a)
	}
	if a.VariantBucket == nil || *a.VariantBucket != refBucket(SaltVariant, "winner", "dev-1") || a.Variant != "a" || a.Paywall != "spring" {
		t.Errorf("variant trace %+v", a)
	}
	if len(a.Variants) != 1 || a.Variants[0] != (VariantSlot{Ref: "a", Paywall: "spring", Weight: 100, From: 0, To: 10000, Chosen: true}) {
		t.Errorf("variant slots %+v", a.Variants)
	}
}

func TestTraceJSON(t *testing.T) {
	c := liveCampaign("c", 1)
	c.Audience.Conditions = []Condition{{"language", OpEquals, []string{"de"}}}
	d := Decide([]Campaign{c}, "onboarding", Device{ID: "dev-1", Attributes: map[string]string{"locale": "de-AT"}}, now)
	b, err := json.Marshal(d.Trace)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"ref":"c"`, `"outcome":"chosen"`, `"in_schedule":true`, `"device_value":"de"`, `"derived":true`,
		`"holdout_bucket":`, `"holdout_threshold":0`, `"variant_bucket":`, `"variant":"a"`, `"from":0`, `"to":10000`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("trace JSON lacks %s: %s", key, b)
		}
	}
}

// TestBucketVectorsInDecide pins the design's vectors through Decide: holdout bucket 4150 is held
// out from 42% on, and variant bucket 1950 falls in the first half.
func TestBucketVectorsInDecide(t *testing.T) {
	tests := []struct {
		holdout     int
		wantHoldout bool
		wantVariant string
	}{
		{0, false, "a"},
		{41, false, "a"},
		{42, true, ""},
		{100, true, ""},
	}
	for _, tt := range tests {
		c := Campaign{Ref: "onboarding-ab", Status: StatusLive, HoldoutPercent: tt.holdout,
			Variants: []Variant{{Ref: "a", Paywall: "p", Weight: 20}, {Ref: "b", Paywall: "p", Weight: 80}}}
		d := Decide([]Campaign{c}, "", Device{ID: "dev-1"}, now)
		got := ""
		if d.Variant != nil {
			got = d.Variant.Ref
		}
		if d.Holdout != tt.wantHoldout || got != tt.wantVariant {
			t.Errorf("holdout %d%%: holdout %v variant %q, want %v %q", tt.holdout, d.Holdout, got, tt.wantHoldout, tt.wantVariant)
		}
	}
}

func TestHoldoutAndVariantWalk(t *testing.T) {
	c := Campaign{Ref: "spring-test", Label: "", Status: StatusLive, HoldoutPercent: 10,
		Variants: []Variant{{"a", "pw-a", 50}, {"b", "pw-b", 30}, {"zero", "pw-z", 0}, {"c", "pw-c", 20}}}
	seen := map[string]int{}
	for i := range 400 {
		id := deviceName(i)
		want := ""
		switch hb, vb := refBucket("holdout", c.Ref, id), refBucket("variant", c.Ref, id); {
		case hb < 1000:
			want = "holdout"
		case vb < 5000:
			want = "a"
		case vb < 8000:
			want = "b"
		default:
			want = "c"
		}
		d := Decide([]Campaign{c}, "", Device{ID: id}, now)
		got := "holdout"
		if !d.Holdout {
			if d.Variant == nil {
				t.Fatalf("%s: no variant and not held out", id)
			}
			got = d.Variant.Ref
			if d.Variant.Paywall != "pw-"+got {
				t.Errorf("%s: paywall %s for variant %s", id, d.Variant.Paywall, got)
			}
		} else if d.Variant != nil || d.Trace[0].Assignment.VariantBucket != nil {
			t.Errorf("%s: held out but given a variant", id)
		}
		if got != want {
			t.Errorf("%s: got %s, want %s", id, got, want)
		}
		if d.Campaign == nil || d.Campaign.Ref != c.Ref {
			t.Errorf("%s: campaign %v", id, d.Campaign)
		}
		seen[got]++
	}
	for _, k := range []string{"holdout", "a", "b", "c"} {
		if seen[k] == 0 {
			t.Errorf("no device got %s; pick more devices", k)
		}
	}
}

func TestBrokenWeights(t *testing.T) {
	tests := []struct {
		name     string
		variants []Variant
	}{
		{"no variants", nil},
		{"weights short of 100", []Variant{{"a", "p", 30}, {"b", "p", 30}}},
		{"all zero", []Variant{{"a", "p", 0}}},
		{"negative", []Variant{{"a", "p", -50}, {"b", "p", 20}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Campaign{Ref: "c", Status: StatusLive, Variants: tt.variants}
			misses := 0
			for i := range 200 {
				id := deviceName(i)
				d := Decide([]Campaign{c}, "", Device{ID: id}, now)
				var sum int64
				want := ""
				vb := int64(refBucket(SaltVariant, "c", id))
				for _, v := range tt.variants {
					if sum += int64(v.Weight) * 100; sum > vb {
						want = v.Ref
						break
					}
				}
				got := ""
				if d.Variant != nil {
					got = d.Variant.Ref
				}
				if d.Campaign == nil || d.Holdout || got != want {
					t.Fatalf("%s: campaign %v holdout %v variant %q, want the campaign with variant %q", id, d.Campaign != nil, d.Holdout, got, want)
				}
				if got == "" {
					misses++
					if !strings.Contains(d.Trace[0].Reason, "no paywall") {
						t.Errorf("%s: reason %q", id, d.Trace[0].Reason)
					}
				}
			}
			if misses == 0 {
				t.Error("no device fell outside the weights; the test proves nothing")
			}
		})
	}
}

func TestHoldoutOutOfRange(t *testing.T) {
	for _, tt := range []struct {
		percent int
		want    bool
	}{{-1, false}, {-1 << 62, false}, {101, true}, {1 << 62, true}} {
		c := Campaign{Ref: "c", Status: StatusLive, HoldoutPercent: tt.percent, Variants: []Variant{{"a", "p", 100}}}
		for i := range 50 {
			if d := Decide([]Campaign{c}, "", Device{ID: deviceName(i)}, now); d.Holdout != tt.want {
				t.Fatalf("holdout %d: held out %v, want %v", tt.percent, d.Holdout, tt.want)
			}
		}
	}
}

func TestDecidePointsIntoInput(t *testing.T) {
	campaigns := []Campaign{liveCampaign("x", 1)}
	d := Decide(campaigns, "onboarding", Device{ID: "dev-1"}, now)
	if d.Campaign != &campaigns[0] || d.Variant != &campaigns[0].Variants[0] {
		t.Error("decision does not point into the given campaigns")
	}
	if d := Decide(nil, "", Device{}, now); d.Campaign != nil || d.Variant != nil || d.Holdout || len(d.Trace) != 0 {
		t.Errorf("no campaigns: %+v", d)
	}
}

// TestDistribution checks that the shares of holdout and of each variant, over all devices,
// are within one percentage point of what the weights promise.
func TestDistribution(t *testing.T) {
	c := []Campaign{{Ref: "onboarding-ab", Status: StatusLive, HoldoutPercent: 10,
		Variants: []Variant{{"a", "p", 50}, {"b", "p", 30}, {"c", "p", 20}}}}
	const n = 100000
	counts := map[string]int{}
	for i := range n {
		d := Decide(c, "", Device{ID: deviceName(i)}, now)
		switch {
		case d.Holdout:
			counts["holdout"]++
		case d.Variant != nil:
			counts[d.Variant.Ref]++
		default:
			t.Fatalf("%s: neither held out nor given a variant", deviceName(i))
		}
	}
	for key, want := range map[string]float64{"holdout": 0.10, "a": 0.45, "b": 0.27, "c": 0.18} {
		got := float64(counts[key]) / n
		if got < want-0.01 || got > want+0.01 {
			t.Errorf("share of %s = %.4f, want %.2f ± 0.01", key, got, want)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	var campaigns []Campaign
	for i := range 20 {
		c := liveCampaign(deviceName(i), i%5)
		if i%2 == 0 {
			c.Label = "settings"
		}
		c.HoldoutPercent = 10
		c.Audience = Audience{Match: MatchAll, Conditions: []Condition{
			{"country", OpIn, []string{"US", "CA", "GB", "DE"}},
			{"app_version", OpGreaterOrEqual, []string{"2.5"}},
			{"days_since_install", OpLessThan, []string{"30"}},
			{"language", OpNotEquals, []string{"fr"}},
		}}
		if i > 10 {
			c.Audience.Conditions[0].Values = []string{"JP"}
		}
		c.Variants = []Variant{{"a", "p", 50}, {"b", "p", 50}}
		campaigns = append(campaigns, c)
	}
	dev := Device{ID: "dev-42", Attributes: map[string]string{
		"platform": "apple", "country": "JP", "app_version": "2.10.1", "days_since_install": "3", "locale": "ja-JP",
	}}
	b.ReportAllocs()
	for b.Loop() {
		Decide(campaigns, "onboarding", dev, now)
	}
}

// TestBucketBoundaries checks the strict comparisons of the holdout and the variant walk at
// buckets that sit exactly on a boundary: a bucket equal to holdout_percent*100 is not held out,
// and a running sum equal to the bucket does not choose its variant.
func TestBucketBoundaries(t *testing.T) {
	const ref = "edge"
	var holdoutID, variantID string
	var holdoutBucket, variantBucket uint64
	for i := 0; holdoutID == "" || variantID == ""; i++ {
		id := deviceName(i)
		if hb := refBucket(SaltHoldout, ref, id); holdoutID == "" && hb%100 == 0 && hb > 0 {
			holdoutID, holdoutBucket = id, hb
		}
		if vb := refBucket(SaltVariant, ref, id); variantID == "" && vb%100 == 0 && vb > 0 {
			variantID, variantBucket = id, vb
		}
	}
	k := int(holdoutBucket / 100)
	for _, tt := range []struct {
		percent int
		want    bool
	}{{k, false}, {k + 1, true}} {
		c := Campaign{Ref: ref, Status: StatusLive, HoldoutPercent: tt.percent, Variants: []Variant{{"a", "p", 100}}}
		if d := Decide([]Campaign{c}, "", Device{ID: holdoutID}, now); d.Holdout != tt.want {
			t.Errorf("holdout bucket %d, holdout %d%%: held out %v, want %v", holdoutBucket, tt.percent, d.Holdout, tt.want)
		}
	}
	k = int(variantBucket / 100)
	c := Campaign{Ref: ref, Status: StatusLive, Variants: []Variant{{"below", "p", k}, {"at", "p", 100 - k}}}
	d := Decide([]Campaign{c}, "", Device{ID: variantID}, now)
	if d.Variant == nil || d.Variant.Ref != "at" {
		t.Errorf("variant bucket %d with the first variant ending at %d: got %v, want variant \"at\"", variantBucket, k*100, d.Variant)
	}
}
