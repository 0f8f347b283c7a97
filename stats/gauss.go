package stats

import "math"

// gaussPoints is the number of Gauss–Legendre nodes per panel of ChanceToBeat.
const gaussPoints = 8

// gauss is the rule ChanceToBeat integrates with; computing it once at start-up keeps
// the nodes exact to the last bit instead of relying on hand-copied constants.
var gauss = newGaussRule()

// gaussRule is a Gauss–Legendre rule on [0, 1] together with its collocation matrix,
// which integrates the interpolating polynomial from 0 up to each node.
type gaussRule struct {
	x, w [gaussPoints]float64              // nodes (ascending) and weights, summing to 1
	s    [gaussPoints][gaussPoints]float64 // s[j][k] = ∫₀^x[j] ℓₖ(t) dt, ℓₖ the Lagrange basis
}

// newGaussRule finds the nodes as roots of the Legendre polynomial by Newton's method
// and the collocation matrix by integrating each Lagrange basis polynomial exactly.
func newGaussRule() gaussRule {
	const m = gaussPoints
	var g gaussRule
	for i := range m {
		// Tricomi's approximation of the i-th root; Newton then converges in a few steps.
		t := math.Cos(math.Pi * (float64(i) + 0.75) / (m + 0.5))
		var dp float64
		for range 100 {
			var p float64
			p, dp = legendre(m, t)
			step := p / dp
			t -= step
			if math.Abs(step) < 1e-16 {
				break
			}
		}
		_, dp = legendre(m, t)
		g.x[i] = (1 - t) / 2
		g.w[i] = 1 / ((1 - t*t) * dp * dp) // the [-1, 1] weight 2/((1−t²)P′²), halved
	}
	// The basis polynomials have degree m−1, which the m-point rule scaled to [0, x[j]]
	// integrates exactly.
	for j := range m {
		for k := range m {
			for q := range m {
				g.s[j][k] += g.x[j] * g.w[q] * g.lagrange(k, g.x[j]*g.x[q])
			}
		}
	}
	return g
}

// legendre returns the Legendre polynomial Pₙ(t) and its derivative, for |t| < 1.
func legendre(n int, t float64) (p, dp float64) {
	prev, p := 1.0, t
	for k := 2; k <= n; k++ {
		prev, p = p, ((2*float64(k)-1)*t*p-(float64(k)-1)*prev)/float64(k)
	}
	return p, float64(n) * (t*p - prev) / (t*t - 1)
}

// lagrange returns the k-th Lagrange basis polynomial of the nodes at t.
func (g *gaussRule) lagrange(k int, t float64) float64 {
	v := 1.0
	for i, xi := range g.x {
		if i != k {
			v *= (t - xi) / (g.x[k] - xi)
		}
	}
	return v
}
