package stats

import "math"

const (
	// gammaMaxIter bounds the series and continued fraction; both need O(√a) steps,
	// so this covers any a a chi-square test over arms can produce.
	gammaMaxIter = 10000
	// gammaEps is the relative accuracy at which the iterations stop.
	gammaEps = 1e-15
	// gammaTiny stands in for zero in the Lentz continued fraction so no step divides by 0.
	gammaTiny = 1e-300
)

// chiSquareSurvival returns P(X ≥ x) for X chi-square distributed with df degrees of
// freedom. ok is false when df < 1 or the incomplete gamma function does not converge.
func chiSquareSurvival(x float64, df int) (float64, bool) {
	if df < 1 || math.IsNaN(x) {
		return 0, false
	}
	_, q, ok := regGamma(float64(df)/2, x/2)
	return q, ok
}

// regGamma returns the regularized incomplete gamma functions P(a, x) = γ(a, x)/Γ(a)
// and Q(a, x) = 1 − P(a, x) for a > 0 and x ≥ 0, as Numerical Recipes' gammp/gammq:
// the series for x < a+1 and the continued fraction otherwise, where each converges
// fast, computing the smaller of the two directly so it keeps its relative precision.
func regGamma(a, x float64) (p, q float64, ok bool) {
	switch {
	case a <= 0 || x < 0:
		return 0, 0, false
	case x == 0:
		return 0, 1, true
	case x < a+1:
		p, ok = gammaSeries(a, x)
		return p, 1 - p, ok
	default:
		q, ok = gammaContinuedFraction(a, x)
		return 1 - q, q, ok
	}
}

// gammaPrefix returns e^(−x)·x^a/Γ(a), the factor both expansions share, in log space
// so that large a and x do not overflow.
func gammaPrefix(a, x float64) float64 {
	lg, _ := math.Lgamma(a) // the sign is +1: a > 0
	return math.Exp(a*math.Log(x) - x - lg)
}

// gammaSeries returns P(a, x) from the series γ(a, x) = e^(−x)·x^a·Σ xⁿ/(a(a+1)…(a+n)).
func gammaSeries(a, x float64) (float64, bool) {
	ap, term := a, 1/a
	sum := term
	for range gammaMaxIter {
		ap++
		term *= x / ap
		sum += term
		if math.Abs(term) < math.Abs(sum)*gammaEps {
			return sum * gammaPrefix(a, x), true
		}
	}
	return 0, false
}

// gammaContinuedFraction returns Q(a, x) from the continued fraction of Γ(a, x),
// evaluated with the modified Lentz method.
func gammaContinuedFraction(a, x float64) (float64, bool) {
	b := x + 1 - a
	c := 1 / gammaTiny
	d := 1 / b
	h := d
	for i := 1; i <= gammaMaxIter; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < gammaTiny {
			d = gammaTiny
		}
		c = b + an/c
		if math.Abs(c) < gammaTiny {
			c = gammaTiny
		}
		d = 1 / d
		step := d * c
		h *= step
		if math.Abs(step-1) < gammaEps {
			return h * gammaPrefix(a, x), true
		}
	}
	return 0, false
}
