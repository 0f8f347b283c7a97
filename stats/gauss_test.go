package stats

import (
	"math"
	"testing"
)

// An m-point Gauss–Legendre rule integrates polynomials up to degree 2m−1 exactly, and
// its collocation matrix integrates those up to degree m−1 from 0 to each node.
func TestGaussRuleExactness(t *testing.T) {
	for d := range 2 * gaussPoints {
		sum := 0.0
		for j, x := range gauss.x {
			sum += gauss.w[j] * math.Pow(x, float64(d))
		}
		if want := 1 / float64(d+1); math.Abs(sum-want) > 1e-14 {
			t.Errorf("∫₀¹ x^%d = %.16f, want %.16f", d, sum, want)
		}
	}
	for d := range gaussPoints {
		for j, xj := range gauss.x {
			sum := 0.0
			for k, xk := range gauss.x {
				sum += gauss.s[j][k] * math.Pow(xk, float64(d))
			}
			if want := math.Pow(xj, float64(d+1)) / float64(d+1); math.Abs(sum-want) > 1e-14 {
				t.Errorf("∫₀^%.4f x^%d = %.16f, want %.16f", xj, d, sum, want)
			}
		}
	}
}

// ChanceToBeat's symmetry rests on w_j·s_jk + w_k·s_kj = w_j·w_k (the Gauss
// collocation methods preserve quadratic invariants).
func TestGaussRuleQuadraticInvariant(t *testing.T) {
	for j := range gaussPoints {
		for k := range gaussPoints {
			lhs := gauss.w[j]*gauss.s[j][k] + gauss.w[k]*gauss.s[k][j]
			if math.Abs(lhs-gauss.w[j]*gauss.w[k]) > 1e-15 {
				t.Errorf("w%d·s%d%d + w%d·s%d%d = %.17g, want %.17g", j, j, k, k, k, j, lhs, gauss.w[j]*gauss.w[k])
			}
		}
	}
}
