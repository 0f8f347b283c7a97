package stats

import "math"

// z975 is the 97.5% quantile of the standard normal distribution, the half-width
// multiplier of a two-sided 95% interval.
const z975 = 1.959963984540054

// Interval is a relative uplift of one arm over the baseline with its 95% interval,
// all as fractions (0.05 means +5%).
type Interval struct {
	Uplift, Low, High float64
}

// Uplift returns arm A's relative uplift pA/pB − 1 over baseline arm B and its 95%
// interval from the delta method on the ratio pA/pB. ok is false when either arm is
// empty or invalid, or when the baseline has no conversions (the ratio is undefined).
func Uplift(cA, nA, cB, nB int64) (Interval, bool) {
	if !validArm(cA, nA) || !validArm(cB, nB) || nA == 0 || nB == 0 || cB == 0 {
		return Interval{}, false
	}
	fa, fb := float64(nA), float64(nB)
	pA, pB := float64(cA)/fa, float64(cB)/fb
	ratio := pA / pB
	// Var(pA/pB) ≈ Var(pA)/pB² + pA²·Var(pB)/pB⁴, the first-order Taylor expansion of
	// the ratio around the observed rates, with the two arms independent.
	v := pA*(1-pA)/(fa*pB*pB) + pA*pA*pB*(1-pB)/(fb*pB*pB*pB*pB)
	half := z975 * math.Sqrt(v)
	return Interval{Uplift: ratio - 1, Low: ratio - half - 1, High: ratio + half - 1}, true
}
