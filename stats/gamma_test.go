package stats

import (
	"math"
	"testing"
)

// The first rows are the standard chi-square critical values (the 0.95 and 0.999
// quantiles, rounded to 7 significant digits), whose survival is the nominal level;
// exact holds the survival function at the rounded quantile, computed with mpmath at
// 40 digits.
func TestChiSquareSurvivalTable(t *testing.T) {
	tests := []struct {
		x       float64
		df      int
		nominal float64
		exact   float64
	}{
		{3.841459, 1, 0.05, 0.0499999946532},
		{10.827566, 1, 0.001, 0.00100000009217},
		{5.991465, 2, 0.05, 0.0499999886777},
		{13.815511, 2, 0.001, 0.000999999778982},
		{7.814728, 3, 0.05, 0.049999997832},
		{16.266236, 3, 0.001, 0.00100000009272},
		{0.5, 1, 0, 0.479500122187},
		{1, 1, 0, 0.317310507863},
		{2, 5, 0, 0.849145036085},
		{40, 10, 0, 1.69447439301e-5},
		{100, 1, 0, 1.52397060483e-23},
		{0, 1, 1, 1},
	}
	for _, tt := range tests {
		got, ok := chiSquareSurvival(tt.x, tt.df)
		if !ok {
			t.Fatalf("chiSquareSurvival(%g, %d) not ok", tt.x, tt.df)
		}
		if math.Abs(got-tt.exact) > 1e-9*tt.exact {
			t.Errorf("chiSquareSurvival(%g, %d) = %.12g, want %.12g", tt.x, tt.df, got, tt.exact)
		}
		if tt.nominal != 0 && math.Abs(got-tt.nominal) > 1e-6*tt.nominal {
			t.Errorf("chiSquareSurvival(%g, %d) = %.8g, table says %g", tt.x, tt.df, got, tt.nominal)
		}
	}
}

// Closed forms of the incomplete gamma function: Q(1, x) = e^(−x), Q(1/2, x) = erfc(√x),
// and for integer a, Q(a, x) = e^(−x)·Σ_{k<a} x^k/k! (the Poisson tail).
func TestRegGammaClosedForms(t *testing.T) {
	poisson := func(a int, x float64) float64 {
		term, sum := 1.0, 1.0
		for k := 1; k < a; k++ {
			term *= x / float64(k)
			sum += term
		}
		return math.Exp(-x) * sum
	}
	for _, x := range []float64{1e-6, 0.01, 0.3, 1, 1.5, 2.9, 3, 7, 20, 60, 300} {
		cases := []struct {
			a, q float64
		}{
			{1, math.Exp(-x)},
			{0.5, math.Erfc(math.Sqrt(x))},
			{3, poisson(3, x)},
			{12, poisson(12, x)},
		}
		for _, c := range cases {
			p, q, ok := regGamma(c.a, x)
			if !ok {
				t.Fatalf("regGamma(%g, %g) not ok", c.a, x)
			}
			if math.Abs(q-c.q) > 1e-12*max(c.q, 1e-300) && math.Abs(q-c.q) > 1e-15 {
				t.Errorf("Q(%g, %g) = %.15g, want %.15g", c.a, x, q, c.q)
			}
			if math.Abs(p+q-1) > 1e-15 {
				t.Errorf("P+Q(%g, %g) = %.17g, want 1", c.a, x, p+q)
			}
		}
	}
}

func TestRegGammaDomain(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {-1, 1}, {1, -1}} {
		if _, _, ok := regGamma(c[0], c[1]); ok {
			t.Errorf("regGamma(%g, %g) ok, want not ok", c[0], c[1])
		}
	}
	if _, ok := chiSquareSurvival(1, 0); ok {
		t.Error("chiSquareSurvival with df 0 ok, want not ok")
	}
	if _, ok := chiSquareSurvival(math.NaN(), 1); ok {
		t.Error("chiSquareSurvival(NaN) ok, want not ok")
	}
}
