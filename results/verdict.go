package results

import (
	"fmt"
	"math"
	"strings"

	"nami/stats"
)

// WinAt is the chance to beat the baseline from which an arm is called the winner (and below
// 1 − WinAt, the loser): GrowthBook's default threshold, 95%.
const WinAt = 0.95

// Verdict kinds, from "nothing to read" to "ship it".
const (
	KindEmpty     = "empty"     // no device exposed in the range
	KindSingle    = "single"    // one arm only: nothing to compare
	KindSRM       = "srm"       // the split does not match the weights
	KindWaiting   = "waiting"   // an arm has fewer than stats.MinExposedPerArm devices
	KindWinner    = "winner"    // a variant beats the baseline, or the baseline beats every variant
	KindUndecided = "undecided" // enough devices, no clear difference yet
)

// Verdict is what the results page says first: a sentence with the numbers, and what to do.
type Verdict struct {
	Kind     string
	Headline string // "Variant b converts 11.2% of exposed devices against 8.1% for a: ..."
	Advice   string // "Keep it running: b has 96 exposed devices of the 150 needed."
	Winner   string // the winning variant when Kind is KindWinner
}

func verdict(r Report) Verdict {
	var exposed int64
	live := 0
	only := 0 // the live arm when there is a single one
	for i, a := range r.Arms {
		exposed += a.Exposed
		if !a.dead() {
			if live == 0 {
				only = i
			}
			live++
		}
	}
	if exposed == 0 {
		return Verdict{Kind: KindEmpty, Advice: "No device was exposed to this campaign in this range. Exposures arrive once the campaign is published and apps ask for its placement."}
	}
	if len(r.Arms) < 2 || live < 2 {
		a := r.Arms[only]
		return Verdict{Kind: KindSingle, Headline: fmt.Sprintf("%s converts %s of %s exposed devices.", armName(a.Arm, true), pct(a.ConversionRate), count(a.Exposed)),
			Advice: "This campaign has a single arm, so there is nothing to compare. Add a variant or a holdout to learn what works."}
	}
	base, challenger := r.pair()
	v := Verdict{Headline: r.headline(base, challenger)}
	switch {
	case r.SRM.Flagged:
		v.Kind = KindSRM
		v.Advice = "Do not trust these results yet: the devices are not split as the weights say (" + r.splitText() +
			"; a gap this large happens by chance less than once in a thousand). Something assigns or reports devices unevenly, for example an app version that sends exposures for one arm only. Find the cause before reading the numbers."
	case !r.EnoughData:
		small := r.Arms[0]
		for _, a := range r.Arms {
			if !a.dead() && (small.dead() || a.Exposed < small.Exposed) {
				small = a
			}
		}
		v.Kind = KindWaiting
		v.Advice = fmt.Sprintf("Keep it running: %s has %s exposed devices of the %d needed before the numbers mean anything.",
			armName(small.Arm, false), count(small.Exposed), stats.MinExposedPerArm)
	default:
		v.Kind, v.Winner, v.Advice = r.call(base)
	}
	return v
}

// pair picks what the headline compares: the baseline, and the challenger most likely to beat
// it (a variant before the holdout, unless the holdout is all there is).
func (r Report) pair() (base, challenger *Arm) {
	for i := range r.Arms {
		if r.Arms[i].Arm == r.Baseline {
			base = &r.Arms[i]
		}
	}
	for _, holdoutToo := range []bool{false, true} {
		for i := range r.Arms {
			a := &r.Arms[i]
			if a == base || a.dead() || (a.Arm == Holdout && !holdoutToo) {
				continue
			}
			if challenger == nil || chance(a) > chance(challenger) {
				challenger = a
			}
		}
		if challenger != nil {
			break
		}
	}
	return base, challenger
}

func chance(a *Arm) float64 {
	if a.ChanceToBeat == nil {
		return -1
	}
	return *a.ChanceToBeat
}

func (r Report) headline(base, ch *Arm) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s converts %s of exposed devices against %s for %s", armName(ch.Arm, true), pct(ch.ConversionRate),
		pct(base.ConversionRate), armName(base.Arm, false))
	if ch.Uplift != nil {
		fmt.Fprintf(&b, ": %s (95%% interval %s to %s)", signed(*ch.Uplift), signed(*ch.UpliftLow), signed(*ch.UpliftHigh))
	}
	if ch.ChanceToBeat != nil {
		fmt.Fprintf(&b, ", a %s chance to be better", chancePct(*ch.ChanceToBeat))
	}
	b.WriteString(".")
	for _, a := range r.Arms {
		if a.Arm == Holdout && a.Arm != ch.Arm && a.Arm != base.Arm && a.ConversionRate != nil {
			fmt.Fprintf(&b, " Holdout: %s.", pct(a.ConversionRate))
		}
	}
	return b.String()
}

// call decides, with enough data and a fair split, whether a variant wins.
func (r Report) call(base *Arm) (kind, winner, advice string) {
	var best *Arm
	allLose := true
	variants := 0
	for i := range r.Arms {
		a := &r.Arms[i]
		if a.Arm == base.Arm || a.Arm == Holdout || a.dead() {
			continue
		}
		variants++
		if best == nil || chance(a) > chance(best) {
			best = a
		}
		if chance(a) < 0 || chance(a) > 1-WinAt {
			allLose = false
		}
	}
	switch {
	case best != nil && chance(best) >= WinAt:
		return KindWinner, best.Arm, fmt.Sprintf("%s wins: a %s chance to beat %s. Declare it the winner to show it to every device of the campaign.",
			armName(best.Arm, true), chancePct(*best.ChanceToBeat), armName(base.Arm, false))
	case base.Arm != Holdout && variants > 0 && allLose:
		return KindWinner, base.Arm, fmt.Sprintf("%s wins: no other variant has more than a %s chance to beat it. Declare it the winner to show it to every device of the campaign.",
			armName(base.Arm, true), chancePct(1-WinAt))
	case base.Arm == Holdout && best != nil:
		return KindUndecided, "", fmt.Sprintf("No variant beats the holdout with a %s chance yet; %s comes closest. Keep it running, or compare the variants with one of them as the baseline.",
			chancePct(WinAt), armName(best.Arm, false))
	case best == nil:
		return r.againstHoldout(base)
	}
	return KindUndecided, "", fmt.Sprintf("No clear winner yet: %s has a %s chance to beat %s, short of the %s this page waits for. Keep it running, or stop it if a difference this small does not matter to you.",
		armName(best.Arm, false), chancePct(chance(best)), armName(base.Arm, false), chancePct(WinAt))
}

// againstHoldout judges a single variant (the baseline) against the holdout: whether showing
// the paywall converts better than not showing it.
func (r Report) againstHoldout(base *Arm) (kind, winner, advice string) {
	for i := range r.Arms {
		h := &r.Arms[i]
		if h.Arm != Holdout || h.dead() || h.ChanceToBeat == nil {
			continue
		}
		lift := 1 - *h.ChanceToBeat // the chance that the variant beats the holdout
		if lift >= WinAt {
			return KindWinner, base.Arm, fmt.Sprintf("%s converts better than the holdout: a %s chance that showing it beats showing nothing. Declare it the winner and drop the holdout to show it to every device.",
				armName(base.Arm, true), chancePct(lift))
		}
		return KindUndecided, "", fmt.Sprintf("Not yet clear that %s converts better than the holdout: a %s chance, short of the %s this page waits for. Keep it running.",
			armName(base.Arm, false), chancePct(lift), chancePct(WinAt))
	}
	return KindUndecided, "", "Compare the variants with one of them as the baseline to pick a winner."
}

// splitText says the observed and expected shares: "a 61% (50% expected), b 39% (50% expected)".
func (r Report) splitText() string {
	var total int64
	for _, a := range r.Arms {
		if a.published {
			total += a.Exposed
		}
	}
	var parts []string
	for _, a := range r.Arms {
		if !a.published {
			continue
		}
		share := float64(a.Exposed) / float64(max(total, 1))
		parts = append(parts, fmt.Sprintf("%s %s (%s expected)", a.Arm, pct(&share), pct(&a.Share)))
	}
	return strings.Join(parts, ", ")
}

// armName names an arm in a sentence: "Variant b", "the holdout".
func armName(arm string, capital bool) string {
	switch {
	case arm == Holdout && capital:
		return "The holdout"
	case arm == Holdout:
		return "the holdout"
	case capital:
		return "Variant " + arm
	}
	return arm
}

// Pct writes a rate as a percent with one decimal: "11.2%"; "–" when undefined.
func Pct(f *float64) string { return pct(f) }

func pct(f *float64) string {
	if f == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", *f*100)
}

// Signed writes an uplift as a whole signed percent: "+38%", "−12%"; one decimal under 10%.
func Signed(f float64) string { return signed(f) }

func signed(f float64) string {
	v := f * 100
	format := "%.0f%%"
	if math.Abs(math.Round(v*10)/10) < 10 {
		format = "%.1f%%"
	}
	s := fmt.Sprintf(format, math.Abs(v))
	if s == "0%" || s == "0.0%" {
		return s
	}
	if v < 0 {
		return "−" + s
	}
	return "+" + s
}

// ChancePct writes a chance as a whole percent, never claiming certainty: "97%", ">99%", "<1%".
func ChancePct(f float64) string { return chancePct(f) }

func chancePct(f float64) string {
	p := math.Round(f * 100)
	switch {
	case p >= 100:
		return ">99%"
	case p <= 0:
		return "<1%"
	}
	return fmt.Sprintf("%.0f%%", p)
}

func count(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
