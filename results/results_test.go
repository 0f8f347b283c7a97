package results

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"
)

// z975 is the 97.5% quantile of the standard normal distribution to 16 digits. The
// rounded 1.959964 is 1.5e-8 too large, which moves a half-width of 0.38 by 3e-9: more
// than the 1e-9 these tests allow, so the hand computations use the full value.
const z975 = 1.959963984540054

// checkFloat compares an optional number: want nil means the number must be undefined.
func checkFloat(t *testing.T, what string, got, want *float64, tol float64) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s = %v, want nil", what, *got)
	case want != nil && got == nil:
		t.Errorf("%s = nil, want %.12g", what, *want)
	case want != nil && math.Abs(*got-*want) > tol:
		t.Errorf("%s = %.15g, want %.15g (±%g)", what, *got, *want, tol)
	}
}

func mustCompute(t *testing.T, in Input) Report {
	t.Helper()
	r, err := Compute(in)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return r
}

func armByName(t *testing.T, r Report, name string) Arm {
	t.Helper()
	for _, a := range r.Arms {
		if a.Arm == name {
			return a
		}
	}
	t.Fatalf("no arm %q in %v", name, armNames(r))
	return Arm{}
}

func armNames(r Report) []string {
	var out []string
	for _, a := range r.Arms {
		out = append(out, a.Arm)
	}
	return out
}

// twoArms is a 50/50 campaign with one cohort day per arm.
func twoArms(ca, na, cb, nb int64) Input {
	return Input{
		Shares: []Share{{"a", 50}, {"b", 50}},
		Days:   []CohortDay{{Arm: "a", Exposed: na, Conversions: ca}, {Arm: "b", Exposed: nb, Conversions: cb}},
	}
}

func TestComputeAggregatesArms(t *testing.T) {
	// Two cohort days per published arm, a removed variant (z-old, then c-old: sorted by
	// name after the published arms) and the holdout, which comes last although its share is
	// listed first.
	in := Input{
		Campaign: "onboarding", WindowDays: 7,
		From:   time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC),
		To:     time.Date(2026, 5, 8, 0, 0, 0, 0, time.UTC),
		Shares: []Share{{Holdout, 20}, {"b", 30}, {"a", 50}},
		Days: []CohortDay{
			{Arm: "a", Day: 1, Exposed: 100, Impressions: 150, Viewers: 90, Multiple: 1, Conversions: 7, Trials: 3},
			{Arm: "z-old", Day: 1, Exposed: 10, Impressions: 12, Viewers: 9, Multiple: 0, Conversions: 1, Trials: 0},
			{Arm: "b", Day: 1, Exposed: 200, Impressions: 260, Viewers: 180, Multiple: 2, Conversions: 30, Trials: 5},
			{Arm: Holdout, Day: 1, Exposed: 40, Multiple: 0, Conversions: 2},
			{Arm: "a", Day: 2, Exposed: 150, Impressions: 170, Viewers: 140, Multiple: 3, Conversions: 13, Trials: 4},
			{Arm: "c-old", Day: 2, Exposed: 5, Impressions: 5, Viewers: 5, Multiple: 4, Conversions: 0, Trials: 1},
		},
		Revenue: map[string]map[string]int64{"a": {"USD": 399900, "EUR": 10000}, "gone": {"USD": 1}},
	}
	r := mustCompute(t, in)
	if r.Campaign != "onboarding" || r.WindowDays != 7 || r.From != "2026-05-01T00:00:00Z" || r.To != "2026-05-08T00:00:00Z" {
		t.Errorf("header = %q %d %q %q", r.Campaign, r.WindowDays, r.From, r.To)
	}
	if want := []string{"b", "a", "c-old", "z-old", Holdout}; !slices.Equal(armNames(r), want) {
		t.Fatalf("arms = %v, want %v", armNames(r), want)
	}
	// The baseline defaults to the first variant in published order.
	if r.Baseline != "b" {
		t.Errorf("baseline = %q, want b", r.Baseline)
	}
	// Multiple exposures: 1 + 0 + 2 + 0 + 3 + 4 = 10.
	if r.MultipleExposures != 10 {
		t.Errorf("multiple exposures = %d, want 10", r.MultipleExposures)
	}
	tests := []struct {
		arm                                                string
		exposed, impressions, viewers, conversions, trials int64
		share, rate                                        float64
		revenue                                            map[string]string
	}{
		// a: 100+150 exposed, 150+170 impressions, 90+140 viewers, 7+13 conversions, 3+4
		// trials; rate 20/250 = 0.08; share 50/(20+30+50) = 0.5.
		{"a", 250, 320, 230, 20, 7, 0.5, 0.08, map[string]string{"USD": "39.99", "EUR": "1.00"}},
		// b: one day, 30/200 = 0.15, share 30/100.
		{"b", 200, 260, 180, 30, 5, 0.3, 0.15, map[string]string{}},
		// Arms seen only in the data have no share.
		{"c-old", 5, 5, 5, 0, 1, 0, 0, map[string]string{}},
		{"z-old", 10, 12, 9, 1, 0, 0, 0.1, map[string]string{}},
		{Holdout, 40, 0, 0, 2, 0, 0.2, 0.05, map[string]string{}},
	}
	for _, tt := range tests {
		a := armByName(t, r, tt.arm)
		if a.Exposed != tt.exposed || a.Impressions != tt.impressions || a.Viewers != tt.viewers ||
			a.Conversions != tt.conversions || a.Trials != tt.trials {
			t.Errorf("%s: counts %d %d %d %d %d, want %d %d %d %d %d", tt.arm, a.Exposed, a.Impressions, a.Viewers,
				a.Conversions, a.Trials, tt.exposed, tt.impressions, tt.viewers, tt.conversions, tt.trials)
		}
		if math.Abs(a.Share-tt.share) > 1e-15 {
			t.Errorf("%s: share %g, want %g", tt.arm, a.Share, tt.share)
		}
		checkFloat(t, tt.arm+" conversion rate", a.ConversionRate, &tt.rate, 1e-15)
		if a.Revenue == nil || len(a.Revenue) != len(tt.revenue) {
			t.Errorf("%s: revenue %v, want %v", tt.arm, a.Revenue, tt.revenue)
		}
		for cur, want := range tt.revenue {
			if a.Revenue[cur] != want {
				t.Errorf("%s: revenue %s = %q, want %q", tt.arm, cur, a.Revenue[cur], want)
			}
		}
	}
}

func TestComputeArmsOrderAndHoldout(t *testing.T) {
	tests := []struct {
		name   string
		shares []Share
		days   []CohortDay
		want   []string
	}{
		{"published order, not by name", []Share{{"b", 1}, {"a", 1}}, nil, []string{"b", "a"}},
		{"extra arms sorted after the published ones",
			[]Share{{"m", 1}},
			[]CohortDay{{Arm: "z", Exposed: 1}, {Arm: "b", Exposed: 1}, {Arm: "m", Exposed: 1}, {Arm: "b", Day: 1, Exposed: 1}},
			[]string{"m", "b", "z"}},
		{"holdout with a share and no devices", []Share{{"a", 45}, {"b", 45}, {Holdout, 10}}, nil, []string{"a", "b", Holdout}},
		{"holdout with devices and no share", []Share{{"a", 1}}, []CohortDay{{Arm: Holdout, Exposed: 3}, {Arm: "a", Exposed: 3}},
			[]string{"a", Holdout}},
		{"holdout at weight 0 without devices is left out", []Share{{"a", 1}, {"b", 1}, {Holdout, 0}}, nil, []string{"a", "b"}},
		{"holdout listed first still comes last", []Share{{Holdout, 10}, {"a", 90}}, []CohortDay{{Arm: "x", Exposed: 1}},
			[]string{"a", "x", Holdout}},
		{"nothing at all", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCompute(t, Input{Shares: tt.shares, Days: tt.days})
			if got := armNames(r); !slices.Equal(got, tt.want) {
				t.Errorf("arms = %v, want %v", got, tt.want)
			}
			if r.Arms == nil {
				t.Error("Arms is nil; the JSON needs [] rather than null")
			}
		})
	}
}

func TestComputeShares(t *testing.T) {
	tests := []struct {
		name   string
		shares []Share
		want   map[string]float64
	}{
		// A 10% holdout over variants 50/50: the variants share the other 90%,
		// 0.9·50 = 45 each, so the weights are 45/45/10 of 100.
		{"10% holdout", []Share{{"a", 45}, {"b", 45}, {Holdout, 10}}, map[string]float64{"a": 0.45, "b": 0.45, Holdout: 0.10}},
		// Any scale: 4.5/(4.5+4.5+1) = 0.45.
		{"any scale", []Share{{"a", 4.5}, {"b", 4.5}, {Holdout, 1}}, map[string]float64{"a": 0.45, "b": 0.45, Holdout: 0.10}},
		{"unequal", []Share{{"a", 1}, {"b", 3}}, map[string]float64{"a": 0.25, "b": 0.75}},
		{"all weights 0", []Share{{"a", 0}, {"b", 0}}, map[string]float64{"a": 0, "b": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCompute(t, Input{Shares: tt.shares})
			for name, want := range tt.want {
				if got := armByName(t, r, name).Share; math.Abs(got-want) > 1e-15 {
					t.Errorf("share of %s = %.17g, want %g", name, got, want)
				}
			}
		})
	}
}

// The worked example: baseline a converts 80 of 1000 exposed devices, b 112 of 1000.
func TestComputeUpliftWorkedExample(t *testing.T) {
	r := mustCompute(t, twoArms(80, 1000, 112, 1000))
	a, b := armByName(t, r, "a"), armByName(t, r, "b")

	// p_a = 80/1000 = 0.08, p_b = 112/1000 = 0.112; uplift = 0.112/0.08 − 1 = 1.4 − 1 = 0.4.
	//
	// Delta method, challenger b over baseline a:
	// var = p_b(1−p_b)/(n_b·p_a²) + p_b²·p_a(1−p_a)/(n_a·p_a⁴)
	//     = 0.112·0.888/(1000·0.0064) + 0.012544·0.08·0.92/(1000·0.00004096)
	//     = 0.099456/6.4 + 0.0009232384/0.04096
	//     = 0.01554 + 0.02254 = 0.03808
	// √0.03808 = 0.195140974682407487 (0.19514097468…² = 0.0380800000…)
	// half-width = 1.959963984540054 · 0.195140974682407487 = 0.382469282285561178
	// interval = 0.4 ∓ 0.382469282285561178 = [0.017530717714438822, 0.782469282285561178]
	const half = 0.382469282285561178
	checkFloat(t, "b uplift", b.Uplift, ptr(0.4), 1e-12)
	checkFloat(t, "b uplift low", b.UpliftLow, ptr(0.4-half), 1e-9)
	checkFloat(t, "b uplift high", b.UpliftHigh, ptr(0.4+half), 1e-9)
	checkFloat(t, "b uplift low", b.UpliftLow, ptr(0.017530717714438822), 1e-9)
	checkFloat(t, "b uplift high", b.UpliftHigh, ptr(0.782469282285561178), 1e-9)
	// The same half-width from the formula written out, with the test's own arithmetic.
	pa, pb := 80.0/1000, 112.0/1000
	v := pb*(1-pb)/(1000*pa*pa) + pb*pb*pa*(1-pa)/(1000*pa*pa*pa*pa)
	if math.Abs(v-0.03808) > 1e-15 || math.Abs(z975*math.Sqrt(v)-half) > 1e-12 {
		t.Errorf("hand formula: var %.17g, half-width %.17g", v, z975*math.Sqrt(v))
	}

	// Pooled two-proportion z-test:
	// p = (80+112)/(1000+1000) = 192/2000 = 0.096
	// se = √(p(1−p)(1/n_a + 1/n_b)) = √(0.096·0.904·0.002) = √0.000173568 = 0.013174520864152897
	// z = (p_b − p_a)/se = 0.032/0.013174520864152897 = 2.428930837786301
	// two-sided p-value = 2·(1 − Φ(|z|)) = erfc(|z|/√2)
	pool := 192.0 / 2000
	se := math.Sqrt(pool * (1 - pool) * (1.0/1000 + 1.0/1000))
	z := (pb - pa) / se
	if math.Abs(se-0.013174520864152897) > 1e-15 || math.Abs(z-2.428930837786301) > 1e-12 {
		t.Errorf("hand z-test: se %.17g, z %.17g", se, z)
	}
	checkFloat(t, "b p-value", b.PValue, ptr(math.Erfc(z/math.Sqrt2)), 1e-12)
	// erfc(2.428930837786301/√2) = 0.0151434208057703 (an independent 40-digit evaluation).
	checkFloat(t, "b p-value", b.PValue, ptr(0.0151434208057703), 1e-12)

	// Chance to beat: P(X_b > X_a), X ~ Beta(1+c, 1+n−c). The normal approximation of the
	// posteriors: means 113/1002 = 0.112774 and 81/1002 = 0.080838, variances
	// 113·889/(1002²·1003) = 9.9757e-5 and 81·921/(1002²·1003) = 7.4081e-5, so
	// z ≈ 0.031936/√1.73838e-4 = 2.4222 and Φ(z) ≈ 0.9923. Evan Miller's closed-form sum
	// Σ_{i<113} B(81+i, 889+921)/((889+i)·B(1+i, 889)·B(81, 921)), evaluated at 40 digits,
	// gives 0.992395740638758.
	checkFloat(t, "b chance to beat", b.ChanceToBeat, ptr(0.992395740638758), 1e-7)

	// The baseline has no statistics against itself.
	for what, p := range map[string]*float64{"uplift": a.Uplift, "low": a.UpliftLow, "high": a.UpliftHigh,
		"chance": a.ChanceToBeat, "p-value": a.PValue} {
		checkFloat(t, "baseline "+what, p, nil, 0)
	}
	checkFloat(t, "a rate", a.ConversionRate, ptr(0.08), 1e-15)
	checkFloat(t, "b rate", b.ConversionRate, ptr(0.112), 1e-15)
}

func TestComputeBaseline(t *testing.T) {
	// a 80/1000, b 112/1000, holdout 4/100.
	in := Input{
		Shares: []Share{{"a", 45}, {"b", 45}, {Holdout, 10}},
		Days: []CohortDay{{Arm: "a", Exposed: 1000, Conversions: 80}, {Arm: "b", Exposed: 1000, Conversions: 112},
			{Arm: Holdout, Exposed: 100, Conversions: 4}},
	}
	type stat struct{ uplift, low, high *float64 }
	tests := []struct {
		baseline string
		want     string // the report's baseline
		stats    map[string]stat
	}{
		// Default: the first variant, a. The holdout over a: p_h = 0.04, uplift 0.04/0.08 − 1 = −0.5;
		// var = 0.04·0.96/(100·0.0064) + 0.0016·0.08·0.92/(1000·0.00004096)
		//     = 0.0384/0.64 + 0.00011776/0.04096 = 0.06 + 0.002875 = 0.062875,
		// half-width = 1.959963984540054·√0.062875 = 1.959963984540054·0.250748878362396668
		//            = 0.491458770754112304.
		{"", "a", map[string]stat{
			"a":     {},
			"b":     {ptr(0.4), ptr(0.4 - 0.382469282285561178), ptr(0.4 + 0.382469282285561178)},
			Holdout: {ptr(-0.5), ptr(-0.5 - 0.491458770754112304), ptr(-0.5 + 0.491458770754112304)},
		}},
		// Baseline b: a's uplift = 80/112 − 1 = −2/7 = −0.285714285714285714;
		// var = p_a(1−p_a)/(n_a·p_b²) + p_a²·p_b(1−p_b)/(n_b·p_b⁴)
		//     = 0.0736/(1000·0.012544) + 0.0064·0.099456/(1000·0.000157351936)
		//     = 0.005867346938775510 + 0.004045189504373178 = 0.009912536443148688,
		// √ = 0.099561721776738514, half-width = 1.959963984540054·√ = 0.195137388921204683.
		{"b", "b", map[string]stat{
			"a": {ptr(80.0/112 - 1), ptr(-0.285714285714285714 - 0.195137388921204683), ptr(-0.285714285714285714 + 0.195137388921204683)},
			"b": {},
		}},
		// Baseline holdout: a's uplift = 0.08/0.04 − 1 = 1;
		// var = 0.08·0.92/(1000·0.0016) + 0.0064·0.04·0.96/(100·0.00000256)
		//     = 0.0736/1.6 + 0.00024576/0.000256 = 0.046 + 0.96 = 1.006,
		// half-width = 1.959963984540054·1.002995513449586673 = 1.965835083016449217.
		// b's uplift = 0.112/0.04 − 1 = 1.8;
		// var = 0.099456/(1000·0.0016) + 0.012544·0.04·0.96/(100·0.00000256)
		//     = 0.06216 + 0.0004816896/0.000256 = 0.06216 + 1.8816 = 1.94376,
		// half-width = 1.959963984540054·1.394187935681556527 = 2.732558141616096058.
		{Holdout, Holdout, map[string]stat{
			"a":     {ptr(1), ptr(1 - 1.965835083016449217), ptr(1 + 1.965835083016449217)},
			"b":     {ptr(1.8), ptr(1.8 - 2.732558141616096058), ptr(1.8 + 2.732558141616096058)},
			Holdout: {},
		}},
	}
	for _, tt := range tests {
		t.Run("baseline "+tt.baseline, func(t *testing.T) {
			in := in
			in.Baseline = tt.baseline
			r := mustCompute(t, in)
			if r.Baseline != tt.want {
				t.Errorf("baseline = %q, want %q", r.Baseline, tt.want)
			}
			for name, want := range tt.stats {
				a := armByName(t, r, name)
				checkFloat(t, name+" uplift", a.Uplift, want.uplift, 1e-9)
				checkFloat(t, name+" uplift low", a.UpliftLow, want.low, 1e-9)
				checkFloat(t, name+" uplift high", a.UpliftHigh, want.high, 1e-9)
				if name == tt.want {
					checkFloat(t, name+" chance", a.ChanceToBeat, nil, 0)
					checkFloat(t, name+" p-value", a.PValue, nil, 0)
				} else if a.ChanceToBeat == nil || a.PValue == nil {
					t.Errorf("%s: chance %v, p-value %v; want both", name, a.ChanceToBeat, a.PValue)
				}
			}
		})
	}
	// Against b, a's chance is the complement of b's against a: 1 − 0.992395740638758.
	r := mustCompute(t, Input{Baseline: "b", Shares: in.Shares, Days: in.Days})
	checkFloat(t, "a chance against b", armByName(t, r, "a").ChanceToBeat, ptr(1-0.992395740638758), 1e-7)
}

func TestComputeUnknownBaseline(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		arms []string
	}{
		{"not an arm", Input{Baseline: "c", Shares: []Share{{"a", 1}, {"b", 1}}}, []string{"a", "b"}},
		{"a holdout without share or devices", Input{Baseline: Holdout, Shares: []Share{{"a", 1}, {"b", 1}}}, []string{"a", "b"}},
		{"no arms at all", Input{Baseline: "a"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compute(tt.in)
			var unknown *ErrUnknownBaseline
			if !errors.As(err, &unknown) {
				t.Fatalf("err = %v, want *ErrUnknownBaseline", err)
			}
			if unknown.Baseline != tt.in.Baseline || !slices.Equal(unknown.Arms, tt.arms) {
				t.Errorf("err = %+v, want baseline %q and arms %v", unknown, tt.in.Baseline, tt.arms)
			}
		})
	}
}

func TestComputeUndefinedValues(t *testing.T) {
	type want struct {
		rate, uplift  *float64
		chance, value bool // chance_to_beat and p_value defined
	}
	tests := []struct {
		name string
		in   Input
		want map[string]want
	}{
		// b has no device: no rate, no uplift, no chance, no p-value.
		{"challenger not exposed", twoArms(10, 100, 0, 0), map[string]want{
			"a": {rate: ptr(0.1)},
			"b": {}}},
		// The baseline has no device: b has a rate but nothing relative to a.
		{"baseline not exposed", twoArms(0, 0, 10, 200), map[string]want{
			"a": {},
			"b": {rate: ptr(0.05)}}},
		// The baseline never converts: the ratio is undefined, but the chance that b's rate
		// is higher (Beta posteriors) and the z-test (pooled p = 5/400) still are.
		{"baseline without conversions", twoArms(0, 200, 5, 200), map[string]want{
			"a": {rate: ptr(0)},
			"b": {rate: ptr(0.025), chance: true, value: true}}},
		// Neither converts: the pooled rate is 0, so the z-test has no variance; the
		// posteriors are the same, Beta(1, 201), so the chance is 1/2.
		{"nobody converts", twoArms(0, 200, 0, 200), map[string]want{
			"a": {rate: ptr(0)},
			"b": {rate: ptr(0), chance: true}}},
		// The challenger never converts: uplift 0/0.05 − 1 = −1.
		{"challenger without conversions", twoArms(10, 200, 0, 200), map[string]want{
			"a": {rate: ptr(0.05)},
			"b": {rate: ptr(0), uplift: ptr(-1), chance: true, value: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustCompute(t, tt.in)
			for name, w := range tt.want {
				a := armByName(t, r, name)
				checkFloat(t, name+" rate", a.ConversionRate, w.rate, 1e-15)
				checkFloat(t, name+" uplift", a.Uplift, w.uplift, 1e-15)
				if w.uplift == nil && (a.UpliftLow != nil || a.UpliftHigh != nil) {
					t.Errorf("%s: interval %v %v without an uplift", name, a.UpliftLow, a.UpliftHigh)
				}
				if (a.ChanceToBeat != nil) != w.chance || (a.PValue != nil) != w.value {
					t.Errorf("%s: chance %v, p-value %v; want defined %v, %v", name, a.ChanceToBeat, a.PValue, w.chance, w.value)
				}
			}
		})
	}
	// The symmetric case has an exact answer: identical posteriors, P = 1/2.
	r := mustCompute(t, twoArms(0, 200, 0, 200))
	checkFloat(t, "chance with identical posteriors", armByName(t, r, "b").ChanceToBeat, ptr(0.5), 1e-9)
}

func TestComputeSRMAndEnoughData(t *testing.T) {
	tests := []struct {
		name    string
		shares  []Share
		exposed map[string]int64
		pValue  *float64 // nil: the check is undefined
		flagged bool
		enough  bool
	}{
		// Expected 500/500, observed the same: χ² = 0, p = 1.
		{"50/50 as expected", []Share{{"a", 50}, {"b", 50}}, map[string]int64{"a": 500, "b": 500}, ptr(1), false, true},
		// Expected 500 each: χ² = (600−500)²/500 + (400−500)²/500 = 20 + 20 = 40 with 1 degree
		// of freedom, p = P(χ²₁ ≥ 40) = erfc(√(40/2)) = erfc(√20) = 2.54e-10 < 0.001.
		{"600/400 against 50/50", []Share{{"a", 50}, {"b", 50}}, map[string]int64{"a": 600, "b": 400},
			ptr(math.Erfc(math.Sqrt(20))), true, true},
		// 45/45/10 of 1000 devices is 450/450/100 exactly: χ² = 0. The holdout has 100 < 150.
		{"holdout as expected", []Share{{"a", 45}, {"b", 45}, {Holdout, 10}}, map[string]int64{"a": 450, "b": 450, Holdout: 100},
			ptr(1), false, false},
		// 149 is one short of the 150 devices every arm needs; 150/149 is well within chance:
		// χ² = 2·0.5²/149.5 = 0.00334, p = erfc(√0.00167) = 0.954.
		{"one arm at 149", []Share{{"a", 1}, {"b", 1}}, map[string]int64{"a": 150, "b": 149},
			ptr(math.Erfc(math.Sqrt(0.25 / 149.5))), false, false},
		{"150 each", []Share{{"a", 1}, {"b", 1}}, map[string]int64{"a": 150, "b": 150}, ptr(1), false, true},
		// A published arm of weight 0 cannot get devices by chance: p = 0.
		{"devices in a published arm of weight 0", []Share{{"a", 1}, {"b", 1}, {"c", 0}}, map[string]int64{"a": 500, "b": 500, "c": 1},
			ptr(0), true, false},
		// An arm the release no longer has (a variant removed since) is history: the check
		// covers the published arms, 500/500 against 50/50, and it needs no more devices.
		{"devices in a removed arm", []Share{{"a", 1}, {"b", 1}}, map[string]int64{"a": 500, "b": 500, "c": 1},
			ptr(1), false, true},
		{"nothing exposed", []Share{{"a", 1}, {"b", 1}}, nil, nil, false, false},
		{"a single arm", []Share{{"a", 1}}, map[string]int64{"a": 500}, nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Shares: tt.shares}
			for arm, n := range tt.exposed {
				in.Days = append(in.Days, CohortDay{Arm: arm, Exposed: n})
			}
			r := mustCompute(t, in)
			checkFloat(t, "SRM p-value", r.SRM.PValue, tt.pValue, 1e-9)
			if r.SRM.Flagged != tt.flagged {
				t.Errorf("SRM flagged = %v, want %v", r.SRM.Flagged, tt.flagged)
			}
			if r.EnoughData != tt.enough {
				t.Errorf("EnoughData = %v, want %v", r.EnoughData, tt.enough)
			}
		})
	}
}

// A published variant at weight 0 that never got a device neither holds the report back
// waiting for its 150 devices nor becomes the default baseline.
func TestComputeDeadArm(t *testing.T) {
	in := Input{
		Shares: []Share{{"a", 0}, {"b", 50}, {"c", 50}},
		Days:   []CohortDay{{Arm: "b", Exposed: 500, Conversions: 50}, {Arm: "c", Exposed: 500, Conversions: 50}},
	}
	r := mustCompute(t, in)
	if r.Baseline != "b" {
		t.Errorf("baseline = %q, want b, the first variant with a share", r.Baseline)
	}
	if !r.EnoughData {
		t.Error("EnoughData = false, want true: a has no share, so it never gets devices")
	}
	if r.SRM.Flagged {
		t.Error("SRM flagged for an empty arm of weight 0")
	}
	// Asking for it explicitly still works, with nothing defined against it.
	in.Baseline = "a"
	r = mustCompute(t, in)
	checkFloat(t, "c uplift against a", armByName(t, r, "c").Uplift, nil, 0)
}

func TestAmounts(t *testing.T) {
	tests := []struct {
		in     string
		units  int64
		format string // FormatAmount(units): two to four decimals
	}{
		{"39.99", 399900, "39.99"},  // 39·10000 + 9900
		{"0", 0, "0.00"},            // no decimals at all
		{"1.2345", 12345, "1.2345"}, // all four decimals are kept
		{"10.5", 105000, "10.50"},   // padded to two decimals
		{"10.50", 105000, "10.50"},  // the same amount
		{"0.001", 10, "0.001"},      // three decimals stay three
		{"7.1000", 71000, "7.10"},   // trailing zeros beyond two go
		{"1000000", 10000000000, "1000000.00"},
		{"-1.5", -15000, "-1.50"}, // the sign covers the decimals: −(10000 + 5000)
		{"-0.25", -2500, "-0.25"}, // even when the whole part is 0
	}
	for _, tt := range tests {
		units, err := ParseAmount(tt.in)
		if err != nil || units != tt.units {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", tt.in, units, err, tt.units)
		}
		if got := FormatAmount(tt.units); got != tt.format {
			t.Errorf("FormatAmount(%d) = %q, want %q", tt.units, got, tt.format)
		}
		if back, err := ParseAmount(tt.format); err != nil || back != tt.units {
			t.Errorf("ParseAmount(FormatAmount(%d)) = %d, %v; want the same units", tt.units, back, err)
		}
	}
	for _, bad := range []string{"", "1.23456", "abc", ".5", "1.2.3", "1.-5", "1.+5", "--1", "-+1", "+1", "1e3"} {
		if units, err := ParseAmount(bad); err == nil {
			t.Errorf("ParseAmount(%q) = %d, want an error", bad, units)
		}
	}
}

func TestDaily(t *testing.T) {
	day := func(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400 }
	may1 := day(2026, 5, 1)
	// a: 100 exposed and 10 conversions on May 1, 100 and 30 on May 3;
	// b: 50 and 4 on May 2; the holdout: 20 and 1 on May 3.
	days := []CohortDay{
		{Arm: "a", Day: may1, Exposed: 100, Conversions: 10},
		{Arm: "b", Day: may1 + 1, Exposed: 50, Conversions: 4},
		{Arm: "a", Day: may1 + 2, Exposed: 100, Conversions: 30},
		{Arm: Holdout, Day: may1 + 2, Exposed: 20, Conversions: 1},
	}
	at := func(d int) time.Time { return time.Date(2026, 5, d, 0, 0, 0, 0, time.UTC) }
	// Cumulative rates in the arms' order a, b, holdout:
	// May 1: a 10/100 = 0.1, b and the holdout have no device yet;
	// May 2: a still 0.1, b 4/50 = 0.08;
	// May 3: a (10+30)/(100+100) = 0.2, b 0.08, the holdout 1/20 = 0.05.
	may1Rates := []*float64{ptr(0.1), nil, nil}
	may2Rates := []*float64{ptr(0.1), ptr(0.08), nil}
	may3Rates := []*float64{ptr(0.2), ptr(0.08), ptr(0.05)}
	tests := []struct {
		name     string
		from, to time.Time
		want     []Point
	}{
		{"whole days", at(1), at(4), []Point{{at(1), may1Rates}, {at(2), may2Rates}, {at(3), may3Rates}}},
		// [From, To): To at midnight leaves that day out.
		{"to at midnight excludes the day", at(1), at(3), []Point{{at(1), may1Rates}, {at(2), may2Rates}}},
		// Partial days count as their whole day.
		{"partial days", at(1).Add(6 * time.Hour), at(3).Add(12 * time.Hour),
			[]Point{{at(1), may1Rates}, {at(2), may2Rates}, {at(3), may3Rates}}},
		{"an empty range", at(2), at(2), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{From: tt.from, To: tt.to, Shares: []Share{{"a", 1}, {"b", 1}}, Days: days}
			r := mustCompute(t, in)
			if want := []string{"a", "b", Holdout}; !slices.Equal(armNames(r), want) {
				t.Fatalf("arms = %v, want %v", armNames(r), want)
			}
			if len(r.Daily) != len(tt.want) {
				t.Fatalf("%d points, want %d", len(r.Daily), len(tt.want))
			}
			for i, p := range r.Daily {
				w := tt.want[i]
				if !p.Day.Equal(w.Day) || p.Day.Location() != time.UTC {
					t.Errorf("point %d: day %v, want %v", i, p.Day, w.Day)
				}
				if len(p.Rates) != len(w.Rates) {
					t.Fatalf("point %d: %d rates, want %d", i, len(p.Rates), len(w.Rates))
				}
				for j := range w.Rates {
					checkFloat(t, p.Day.Format(time.DateOnly)+" "+r.Arms[j].Arm, p.Rates[j], w.Rates[j], 1e-15)
				}
			}
		})
	}
}
