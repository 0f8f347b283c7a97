package stats

import (
	"math"
	"slices"
)

const (
	// tailSDs is how many standard deviations either side of the mean the integration
	// covers. The heaviest tail here is Beta(1, b) ≈ Exp(b), whose mass beyond mean+14 sd
	// is e⁻¹⁵ ≈ 3e-7, far below the accuracy asked for.
	tailSDs = 14
	// panelSDs is the width of one integration panel in standard deviations: narrow
	// enough that a polynomial of degree gaussPoints−1 follows the density closely.
	panelSDs = 1.0
)

// ChanceToBeat returns the probability that arm A's true conversion rate exceeds arm
// B's, P(X_A > X_B) with X ~ Beta(1+c, 1+n−c), the posterior of a uniform prior.
// ok is false when a count is negative or c > n; an arm with n = 0 is uniform.
func ChanceToBeat(cA, nA, cB, nB int64) (float64, bool) {
	if !validArm(cA, nA) || !validArm(cB, nB) {
		return 0, false
	}
	a, b := newBetaDist(cA, nA), newBetaDist(cB, nB)
	// Panels follow each density at its own scale, so a narrow arm next to a wide one is
	// still resolved, and the span between two far-apart arms is a single empty panel.
	edges := slices.Compact(slices.Sorted(slices.Values(append(a.edges(), b.edges()...))))

	// P = ∫ f_A(x)·F_B(x) dx. F_B is carried along from panel to panel and, inside one,
	// continued by Gauss collocation, which integrates f_B up to every node from the same
	// node values. The collocation weights satisfy w_j·s_jk + w_k·s_kj = w_j·w_k, so the
	// discrete P(A>B) + P(B>A) is exactly massA·massB: dividing by it makes the result
	// symmetric and corrects for the truncated tails.
	var win, massA, cdfB float64
	var fa, fb [gaussPoints]float64
	for i := 1; i < len(edges); i++ {
		u, h := edges[i-1], edges[i]-edges[i-1]
		for j, t := range gauss.x {
			x := u + h*t
			lx, l1x := math.Log(x), math.Log1p(-x)
			fa[j], fb[j] = a.pdf(lx, l1x), b.pdf(lx, l1x)
		}
		var panelA, panelB float64
		for j := range gaussPoints {
			below := 0.0 // ∫ f_B from u to the j-th node, divided by h
			for k := range gaussPoints {
				below += gauss.s[j][k] * fb[k]
			}
			win += h * gauss.w[j] * fa[j] * (cdfB + h*below)
			panelA += gauss.w[j] * fa[j]
			panelB += gauss.w[j] * fb[j]
		}
		massA += h * panelA
		cdfB += h * panelB
	}
	return min(1, max(0, win/(massA*cdfB))), true
}

// betaDist is the Beta(α, β) posterior of one arm.
type betaDist struct {
	alpha, beta float64
	logNorm     float64 // ln B(α, β)
}

// newBetaDist returns the posterior Beta(1+c, 1+n−c) of an arm.
func newBetaDist(c, n int64) betaDist {
	alpha, beta := 1+float64(c), 1+float64(n-c)
	// The signs are +1: every argument is at least 1.
	la, _ := math.Lgamma(alpha)
	lb, _ := math.Lgamma(beta)
	lab, _ := math.Lgamma(alpha + beta)
	return betaDist{alpha: alpha, beta: beta, logNorm: la + lb - lab}
}

// pdf returns the density at x given ln x and ln(1−x). An exponent of 0 is skipped
// rather than multiplied, so x = 0 or 1 gives 0·(−∞) = NaN nowhere.
func (d betaDist) pdf(lx, l1x float64) float64 {
	v := -d.logNorm
	if d.alpha > 1 {
		v += (d.alpha - 1) * lx
	}
	if d.beta > 1 {
		v += (d.beta - 1) * l1x
	}
	return math.Exp(v)
}

// edges returns the panel boundaries covering the bulk of the density: mean ± tailSDs
// standard deviations clipped to [0, 1], in steps of panelSDs standard deviations.
func (d betaDist) edges() []float64 {
	s := d.alpha + d.beta
	mean := d.alpha / s
	sd := math.Sqrt(d.alpha * d.beta / (s * s * (s + 1)))
	lo, hi := max(0, mean-tailSDs*sd), min(1, mean+tailSDs*sd)
	step := panelSDs * sd
	// Stepping by index rather than accumulating keeps the count bounded by the panels
	// per arm, 2·tailSDs/panelSDs, whatever the rounding.
	panels := int(math.Ceil((hi - lo) / step))
	out := make([]float64, 0, panels+1)
	for i := range panels {
		out = append(out, lo+float64(i)*step)
	}
	return append(out, hi)
}
