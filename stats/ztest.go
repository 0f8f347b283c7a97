package stats

import "math"

// TwoProportionPValue returns the two-sided p-value of the pooled two-proportion
// z-test of the hypothesis that arms A and B convert at the same rate. ok is false
// when either arm is empty or invalid, or when the pooled rate is 0 or 1 (no variance).
func TwoProportionPValue(cA, nA, cB, nB int64) (float64, bool) {
	z, ok := twoProportionZ(cA, nA, cB, nB)
	if !ok {
		return 0, false
	}
	// 2·(1−Φ(|z|)) = erfc(|z|/√2); erfc keeps full relative precision for tiny p-values
	// where 1−Φ would cancel to 0.
	return math.Erfc(math.Abs(z) / math.Sqrt2), true
}

// twoProportionZ returns the pooled z statistic (pA − pB)/se.
func twoProportionZ(cA, nA, cB, nB int64) (float64, bool) {
	if !validArm(cA, nA) || !validArm(cB, nB) || nA == 0 || nB == 0 {
		return 0, false
	}
	fa, fb := float64(nA), float64(nB)
	p := float64(cA+cB) / (fa + fb)
	se := math.Sqrt(p * (1 - p) * (1/fa + 1/fb))
	if se == 0 {
		return 0, false
	}
	return (float64(cA)/fa - float64(cB)/fb) / se, true
}
