package results

import (
	"strings"
	"testing"
)

const (
	emptyAdvice  = "No device was exposed to this campaign in this range. Exposures arrive once the campaign is published and apps ask for its placement."
	singleAdvice = "This campaign has a single arm, so there is nothing to compare. Add a variant or a holdout to learn what works."
	declare      = " Declare it the winner to show it to every device of the campaign."
)

// The headlines below are derived by hand; the statistics behind them are:
//
// a 81/1000 against b 112/1000 (b challenges a): uplift 112/81 − 1 = 31/81 = 0.3827 → "+38%";
// var = 0.112·0.888/(1000·0.081²) + 0.112²·0.081·0.919/(1000·0.081⁴)
//
//	= 0.099456/6.561 + 0.000933762816/0.043046721 = 0.015158665 + 0.021691845 = 0.036850510,
//
// half-width = 1.959963984540054·√0.036850510 = 1.959963984540054·0.191964867 = 0.376244226,
// interval 0.382716 ∓ 0.376244 = [0.006472, 0.758960] → "+0.6%" (one decimal under 10%) to "+76%".
// Chance that b beats a, by the normal approximation of the posteriors Beta(113, 889) and
// Beta(82, 920): means 0.112774 and 0.081836, variances 9.9757e-5 and 7.4914e-5,
// z = 0.030938/√1.74671e-4 = 2.3409, Φ(z) = 0.9904 → "99%" (the exact value, Evan Miller's
// closed-form sum, is 0.990506: comfortably inside [0.985, 0.995), the span that rounds to 99).
//
// b 81/1000 against a 112/1000: uplift 81/112 − 1 = −0.276786 → "−28%";
// var = 0.081·0.919/(1000·0.112²) + 0.081²·0.112·0.888/(1000·0.112⁴)
//
//	= 0.005934232 + 0.004146951 = 0.010081183, half-width = 1.959963984540054·0.100405095 = 0.196790367,
//
// interval [−0.473576, −0.079995] → "−47%" to "−8.0%"; the chance is 1 − 0.990506 = 0.009494 → "1%".
// c 80/1000 against a 112/1000 has a chance of 1 − 0.992396 = 0.007604, below b's.
//
// Equal rates p = 0.1 with n = 1000 each: uplift 0 → "0.0%"; var = (1−p)/p·(1/1000 + 1/1000)
// = 9·0.002 = 0.018, half-width = 1.959963984540054·0.134164079 = 0.262956762 → "−26%" to "+26%";
// identical posteriors, so the chance is exactly 1/2 → "50%".
//
// Equal rates p = 0.1 with b 40/400 against a 60/600: var = 9·(1/400 + 1/600) = 9·0.0041667 = 0.0375,
// half-width = 1.959963984540054·0.193649167 = 0.379545394 → "−38%" to "+38%"; Beta(41, 361)
// against Beta(61, 541) have means 0.101990 and 0.101329, so the chance is a little over 1/2:
// 0.509096 by the closed-form sum → "51%".
const (
	headlineBA    = "Variant b converts 11.2% of exposed devices against 8.1% for a: +38% (95% interval +0.6% to +76%), a 99% chance to be better."
	headlineEqual = "Variant b converts 10.0% of exposed devices against 10.0% for a: 0.0% (95% interval −26% to +26%), a 50% chance to be better."
)

func TestVerdict(t *testing.T) {
	threeArms := func(ca, cb, cc int64, shareC float64) Input {
		return Input{
			Shares: []Share{{"a", 50}, {"b", 50}, {"c", shareC}},
			Days: []CohortDay{{Arm: "a", Exposed: 1000, Conversions: ca}, {Arm: "b", Exposed: 1000, Conversions: cb},
				{Arm: "c", Exposed: 1000 * int64(shareC/50), Conversions: cc}},
		}
	}
	tests := []struct {
		name string
		in   Input
		want Verdict
	}{
		{"nothing at all", Input{}, Verdict{Kind: KindEmpty, Advice: emptyAdvice}},
		{"nothing exposed", Input{Shares: []Share{{"a", 50}, {"b", 50}}}, Verdict{Kind: KindEmpty, Advice: emptyAdvice}},
		{"nothing exposed, rows of zeros", twoArms(0, 0, 0, 0), Verdict{Kind: KindEmpty, Advice: emptyAdvice}},

		// 20/200 = 10.0%.
		{"single arm", Input{Shares: []Share{{"a", 100}}, Days: []CohortDay{{Arm: "a", Exposed: 200, Conversions: 20}}},
			Verdict{Kind: KindSingle, Headline: "Variant a converts 10.0% of 200 exposed devices.", Advice: singleAdvice}},
		// The live arm is named, not the first: a has weight 0 and no device. 150/1500 = 10.0%.
		{"single live arm after a dead one",
			Input{Shares: []Share{{"a", 0}, {"b", 100}}, Days: []CohortDay{{Arm: "b", Exposed: 1500, Conversions: 150}}},
			Verdict{Kind: KindSingle, Headline: "Variant b converts 10.0% of 1,500 exposed devices.", Advice: singleAdvice}},
		// 3/150 = 2.0%.
		{"only the holdout", Input{Shares: []Share{{Holdout, 100}}, Days: []CohortDay{{Arm: Holdout, Exposed: 150, Conversions: 3}}},
			Verdict{Kind: KindSingle, Headline: "The holdout converts 2.0% of 150 exposed devices.", Advice: singleAdvice}},

		// Shares 25:16 are exactly 150:96 (6·25, 6·16), so the split is fair (χ² = 0), and b
		// is the smallest arm, short of 150. b 12/96 = 12.5% against a 15/150 = 10.0%: uplift
		// 0.125/0.1 − 1 = 0.25; var = 0.125·0.875/(96·0.01) + 0.125²·0.1·0.9/(150·0.1⁴)
		// = 0.109375/0.96 + 0.00140625/0.015 = 0.113932 + 0.09375 = 0.207682, half-width
		// 1.959963984540054·0.455722 = 0.893198: "−64%" to "+114%". Chance: Beta(13, 85)
		// against Beta(16, 136), means 0.132653 and 0.105263, variances 1.16219e-3 and
		// 6.1557e-4, z = 0.027390/0.042164 = 0.6496, Φ = 0.742 → "74%" (closed form 0.7398).
		{"waiting",
			Input{Shares: []Share{{"a", 25}, {"b", 16}},
				Days: []CohortDay{{Arm: "a", Exposed: 150, Conversions: 15}, {Arm: "b", Exposed: 96, Conversions: 12}}},
			Verdict{Kind: KindWaiting,
				Headline: "Variant b converts 12.5% of exposed devices against 10.0% for a: +25% (95% interval −64% to +114%), a 74% chance to be better.",
				Advice:   "Keep it running: b has 96 exposed devices of the 150 needed before the numbers mean anything."}},
		// A published variant at weight 0 that never got a device is not waited for.
		{"waiting for a live arm, not a dead one",
			Input{Shares: []Share{{"a", 25}, {"b", 16}, {"c", 0}},
				Days: []CohortDay{{Arm: "a", Exposed: 150, Conversions: 15}, {Arm: "b", Exposed: 96, Conversions: 12}}},
			Verdict{Kind: KindWaiting,
				Headline: "Variant b converts 12.5% of exposed devices against 10.0% for a: +25% (95% interval −64% to +114%), a 74% chance to be better.",
				Advice:   "Keep it running: b has 96 exposed devices of the 150 needed before the numbers mean anything."}},

		// 600/400 against 50/50: χ² = 100²/500 + 100²/500 = 40, p = erfc(√20) = 2.5e-10 < 0.001.
		// Shares observed 600/1000 = 60.0% and 400/1000 = 40.0%, 50.0% expected each.
		{"sample ratio mismatch", twoArms(60, 600, 40, 400),
			Verdict{Kind: KindSRM,
				Headline: "Variant b converts 10.0% of exposed devices against 10.0% for a: 0.0% (95% interval −38% to +38%), a 51% chance to be better.",
				Advice: "Do not trust these results yet: the devices are not split as the weights say (a 60.0% (50.0% expected), b 40.0% (50.0% expected); " +
					"a gap this large happens by chance less than once in a thousand). Something assigns or reports devices unevenly, " +
					"for example an app version that sends exposures for one arm only. Find the cause before reading the numbers."}},

		// b's chance 0.9905 ≥ 0.95.
		{"a variant wins", twoArms(81, 1000, 112, 1000),
			Verdict{Kind: KindWinner, Winner: "b", Headline: headlineBA, Advice: "Variant b wins: a 99% chance to beat a." + declare}},
		// A published variant at weight 0 that never got a device does not hold the call back.
		{"a variant wins next to a dead one", threeArms(81, 112, 0, 0),
			Verdict{Kind: KindWinner, Winner: "b", Headline: headlineBA, Advice: "Variant b wins: a 99% chance to beat a." + declare}},

		// b's chance 0.0095 and c's 0.0076 are both ≤ 1 − 0.95; the headline shows b, the more
		// likely of the two to beat a.
		{"the baseline wins", threeArms(112, 81, 80, 50),
			Verdict{Kind: KindWinner, Winner: "a",
				Headline: "Variant b converts 8.1% of exposed devices against 11.2% for a: −28% (95% interval −47% to −8.0%), a 1% chance to be better.",
				Advice:   "Variant a wins: no other variant has more than a 5% chance to beat it." + declare}},
		{"the baseline wins next to a dead variant", threeArms(112, 81, 0, 0),
			Verdict{Kind: KindWinner, Winner: "a",
				Headline: "Variant b converts 8.1% of exposed devices against 11.2% for a: −28% (95% interval −47% to −8.0%), a 1% chance to be better.",
				Advice:   "Variant a wins: no other variant has more than a 5% chance to beat it." + declare}},

		{"undecided", twoArms(100, 1000, 100, 1000),
			Verdict{Kind: KindUndecided, Headline: headlineEqual,
				Advice: "No clear winner yet: b has a 50% chance to beat a, short of the 95% this page waits for. Keep it running, or stop it if a difference this small does not matter to you."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustCompute(t, tt.in).Verdict
			if got != tt.want {
				t.Errorf("verdict\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// Against the holdout, b (8.5%) and a (8.0%) are both within chance of the holdout's 8.0%
// (16/200): b's chance is about Φ(0.005/√(0.085·0.915/1000 + 0.08·0.92/200)) = Φ(0.24) ≈ 0.59,
// far short of 0.95, and higher than a's 1/2-ish, so b comes closest.
func TestVerdictHoldoutBaseline(t *testing.T) {
	in := Input{
		Baseline: Holdout,
		Shares:   []Share{{"a", 10}, {"b", 10}, {Holdout, 2}},
		Days: []CohortDay{{Arm: "a", Exposed: 1000, Conversions: 80}, {Arm: "b", Exposed: 1000, Conversions: 85},
			{Arm: Holdout, Exposed: 200, Conversions: 16}},
	}
	v := mustCompute(t, in).Verdict
	want := "No variant beats the holdout with a 95% chance yet; b comes closest. Keep it running, or compare the variants with one of them as the baseline."
	if v.Kind != KindUndecided || v.Winner != "" || v.Advice != want {
		t.Errorf("verdict = %+v, want undecided with %q", v, want)
	}
}

// The headline of the results page for a 81/1000, b 112/1000 and holdout 4/100 (see the
// derivation above): the holdout's rate 4/100 = 4.0% is added. Shares 10:10:1 are exactly
// 1000:1000:100, so the split is fair; the holdout's 100 devices are short of 150.
func TestHeadline(t *testing.T) {
	in := Input{
		Shares: []Share{{"a", 10}, {"b", 10}, {Holdout, 1}},
		Days: []CohortDay{{Arm: "a", Exposed: 1000, Conversions: 81}, {Arm: "b", Exposed: 1000, Conversions: 112},
			{Arm: Holdout, Exposed: 100, Conversions: 4}},
	}
	v := mustCompute(t, in).Verdict
	want := Verdict{Kind: KindWaiting,
		Headline: "Variant b converts 11.2% of exposed devices against 8.1% for a: +38% (95% interval +0.6% to +76%), a 99% chance to be better. Holdout: 4.0%.",
		Advice:   "Keep it running: the holdout has 100 exposed devices of the 150 needed before the numbers mean anything."}
	if v != want {
		t.Errorf("verdict\n got %+v\nwant %+v", v, want)
	}
}

func TestFormats(t *testing.T) {
	signed := []struct {
		in   float64
		want string
	}{
		{0.4, "+40%"},
		{-0.12, "−12%"},
		{1.5, "+150%"},
		{0.1, "+10%"},    // 10% and up: whole percents
		{0.099, "+9.9%"}, // under 10%: one decimal
		{0.05, "+5.0%"},
		{-0.0064, "−0.6%"},
		{0, "0.0%"},
		{-0.0004, "0.0%"}, // rounds to zero: no sign
	}
	for _, tt := range signed {
		if got := Signed(tt.in); got != tt.want {
			t.Errorf("Signed(%g) = %q, want %q", tt.in, got, tt.want)
		}
	}
	chances := []struct {
		in   float64
		want string
	}{
		{0.5, "50%"},
		{0.97, "97%"},
		{0.994, "99%"},
		{0.996, ">99%"}, // rounds to 100: never certain
		{1, ">99%"},
		{0.006, "1%"},
		{0.004, "<1%"}, // rounds to 0
		{0, "<1%"},
	}
	for _, tt := range chances {
		if got := ChancePct(tt.in); got != tt.want {
			t.Errorf("ChancePct(%g) = %q, want %q", tt.in, got, tt.want)
		}
	}
	pcts := []struct {
		in   *float64
		want string
	}{
		{nil, "–"},
		{ptr(0), "0.0%"},
		{ptr(0.112), "11.2%"},
		{ptr(0.04), "4.0%"},
		{ptr(1), "100.0%"},
	}
	for _, tt := range pcts {
		if got := Pct(tt.in); got != tt.want {
			t.Errorf("Pct(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	counts := []struct {
		in   int64
		want string
	}{
		{0, "0"}, {96, "96"}, {999, "999"}, {1000, "1,000"}, {12345, "12,345"}, {1234567, "1,234,567"},
	}
	for _, tt := range counts {
		if got := count(tt.in); got != tt.want {
			t.Errorf("count(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// With a single variant next to the holdout, the headline compares the holdout with it, not
// with a published variant at weight 0 that never got a device. The holdout 12/150 = 8.0%
// against a 90/900 = 10.0%: uplift 0.08/0.1 − 1 = −0.2;
// var = 0.08·0.92/(150·0.1²) + 0.08²·0.1·0.9/(900·0.1⁴) = 0.0736/1.5 + 0.000576/0.09
// = 0.049067 + 0.0064 = 0.055467, half-width 1.959963984540054·0.235514 = 0.461598:
// [−0.661598, 0.261598] → "−66%" to "+26%".
func TestHeadlineSkipsDeadArm(t *testing.T) {
	in := Input{
		Shares: []Share{{"a", 6}, {"c", 0}, {Holdout, 1}},
		Days:   []CohortDay{{Arm: "a", Exposed: 900, Conversions: 90}, {Arm: Holdout, Exposed: 150, Conversions: 12}},
	}
	v := mustCompute(t, in).Verdict
	want := "The holdout converts 8.0% of exposed devices against 10.0% for a: −20% (95% interval −66% to +26%), a "
	if !strings.HasPrefix(v.Headline, want) {
		t.Errorf("headline = %q, want it to begin %q", v.Headline, want)
	}
}

// One variant and a holdout: the verdict says whether showing the paywall beats showing nothing.
// a converts 90/900 = 10%, the holdout 45/900 = 5%: a z of 3.9, far past a 95% chance; with the
// holdout at 88/900 the two are indistinguishable.
func TestVerdictSingleVariantAgainstHoldout(t *testing.T) {
	for _, tc := range []struct {
		holdoutConv int64
		kind        string
		winner      string
		advice      string
	}{
		{45, KindWinner, "a", "Variant a converts better than the holdout: a >99% chance that showing it beats showing nothing."},
		{88, KindUndecided, "", "Not yet clear that a converts better than the holdout: a "},
	} {
		in := Input{
			Shares: []Share{{"a", 50}, {Holdout, 50}},
			Days:   []CohortDay{{Arm: "a", Exposed: 900, Conversions: 90}, {Arm: Holdout, Exposed: 900, Conversions: tc.holdoutConv}},
		}
		v := mustCompute(t, in).Verdict
		if v.Kind != tc.kind || v.Winner != tc.winner || !strings.HasPrefix(v.Advice, tc.advice) {
			t.Errorf("holdout %d/900: %s %q %q, want %s %q %q…", tc.holdoutConv, v.Kind, v.Winner, v.Advice, tc.kind, tc.winner, tc.advice)
		}
	}
}
