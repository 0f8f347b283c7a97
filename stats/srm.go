package stats

import "math"

// SRMAlpha is the p-value below which a sample ratio mismatch is flagged; it is strict
// because the check runs on every results page view and false alarms erode trust.
const SRMAlpha = 0.001

// SRMResult is the outcome of a sample ratio mismatch check: the chi-square statistic,
// its p-value, and whether the mismatch is flagged (PValue < SRMAlpha).
type SRMResult struct {
	ChiSquare, PValue float64
	Flagged           bool
}

// SRM tests whether the observed exposed counts per arm fit the configured arm weights,
// by a chi-square goodness-of-fit test with one degree of freedom fewer than the arms
// of positive weight. Weights need not sum to 1. Devices in an arm of zero weight cannot
// happen by chance, so they flag the test with PValue 0. ok is false when the slices
// differ in length, a count or weight is negative or not finite, nothing was observed,
// or fewer than two arms have positive weight.
func SRM(observed []int64, weights []float64) (SRMResult, bool) {
	if len(observed) != len(weights) {
		return SRMResult{}, false
	}
	var total int64
	var weightSum float64
	positive, stray := 0, false
	for i, o := range observed {
		w := weights[i]
		if o < 0 || w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return SRMResult{}, false
		}
		total += o
		switch {
		case w > 0:
			weightSum += w
			positive++
		case o > 0:
			stray = true
		}
	}
	if total == 0 || positive < 2 {
		return SRMResult{}, false
	}
	chi := 0.0
	for i, o := range observed {
		if weights[i] > 0 {
			expected := weights[i] / weightSum * float64(total)
			d := float64(o) - expected
			chi += d * d / expected
		}
	}
	if stray {
		return SRMResult{ChiSquare: chi, PValue: 0, Flagged: true}, true
	}
	p, ok := chiSquareSurvival(chi, positive-1)
	if !ok {
		return SRMResult{}, false
	}
	return SRMResult{ChiSquare: chi, PValue: p, Flagged: p < SRMAlpha}, true
}
