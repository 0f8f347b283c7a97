package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// closedFormChance is Evan Miller's exact sum for integer Beta parameters,
// P(X_A > X_B) = Σ_{i=0}^{αA−1} B(αB+i, βA+βB) / ((βA+i)·B(1+i, βA)·B(αB, βB)),
// (his P(p_B > p_A) with the arms' roles swapped), evaluated term by term in log space.
// Every term is positive, so the sum loses no precision; it costs αA terms.
func closedFormChance(cA, nA, cB, nB int64) float64 {
	aA, bA := 1+float64(cA), 1+float64(nA-cA)
	aB, bB := 1+float64(cB), 1+float64(nB-cB)
	sum := 0.0
	for i := 0.0; i < aA; i++ {
		sum += math.Exp(lnBeta(aB+i, bA+bB) - math.Log(bA+i) - lnBeta(1+i, bA) - lnBeta(aB, bB))
	}
	return sum
}

// lnBeta is ln B(a, b) for a, b > 0.
func lnBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// exactChance is closedFormChance through whichever of four equivalent forms has the
// fewest terms: swapping the arms (P(A>B) = 1 − P(B>A)) or reflecting the rates
// (X ↦ 1−X turns Beta(α, β) into Beta(β, α) and reverses the order). It reports how
// many terms that took so tests can stay fast.
func exactChance(cA, nA, cB, nB int64) (float64, int64) {
	terms := []int64{cA + 1, cB + 1, nA - cA + 1, nB - cB + 1}
	best := 0
	for i := range terms {
		if terms[i] < terms[best] {
			best = i
		}
	}
	switch best {
	case 0:
		return closedFormChance(cA, nA, cB, nB), terms[best]
	case 1:
		return 1 - closedFormChance(cB, nB, cA, nA), terms[best]
	case 2:
		return 1 - closedFormChance(nA-cA, nA, nB-cB, nB), terms[best]
	default:
		return closedFormChance(nB-cB, nB, nA-cA, nA), terms[best]
	}
}

func mustChance(t testing.TB, cA, nA, cB, nB int64) float64 {
	t.Helper()
	p, ok := ChanceToBeat(cA, nA, cB, nB)
	if !ok {
		t.Fatalf("ChanceToBeat(%d, %d, %d, %d) not ok", cA, nA, cB, nB)
	}
	return p
}

// The want values were computed with mpmath at 30 digits from the closed-form sum.
func TestChanceToBeatReference(t *testing.T) {
	tests := []struct {
		cA, nA, cB, nB int64
		want           float64
	}{
		{0, 0, 0, 0, 0.5},
		{1, 1, 0, 1, 0.833333333333333},
		{0, 1, 1, 1, 0.166666666666667},
		{1, 2, 0, 2, 0.8},
		{3, 10, 1, 10, 0.844611528822055},
		{10, 100, 5, 100, 0.904268211857696},
		{30, 200, 20, 210, 0.953886943693242},
		{20, 210, 30, 200, 0.0461130563067575},
		{0, 100, 0, 1000, 0.908348457350272},
		{50, 1000, 5, 100, 0.408449286210727},
		{100, 1000, 100, 1000, 0.5},
		{1000, 1000, 999, 1000, 0.750124937531234},
		{1120, 10000, 810, 10000, 0.999999999999948},
		{1120, 10000, 1080, 10000, 0.816943609700816},
		{0, 1000000, 3, 1000000, 0.0624998125001406},
		{5, 1000000, 0, 1000000, 0.984375117187266},
		{2, 1000000, 1, 1000000, 0.687500187500047},
		{50000, 1000000, 49700, 1000000, 0.835147976745191},
		{499000, 1000000, 500000, 1000000, 0.0786495948771758},
		{1000000, 1000000, 999999, 1000000, 0.750000124999938},
		{3, 1000000, 40, 10000000, 0.424120165163047},
		{12, 10000000, 8, 10000000, 0.808344967144549},
	}
	worst := 0.0
	for _, tt := range tests {
		got := mustChance(t, tt.cA, tt.nA, tt.cB, tt.nB)
		worst = max(worst, math.Abs(got-tt.want))
		if math.Abs(got-tt.want) > 1e-4 {
			t.Errorf("ChanceToBeat(%d, %d, %d, %d) = %.10f, want %.10f", tt.cA, tt.nA, tt.cB, tt.nB, got, tt.want)
		}
	}
	t.Logf("worst error against the references: %.2g", worst)
}

func BenchmarkChanceToBeat(b *testing.B) {
	for b.Loop() {
		if _, ok := ChanceToBeat(50_300, 1_000_000, 50_000, 1_000_000); !ok {
			b.Fatal("not ok")
		}
	}
}

// arms returns a spread of conversion counts for n: none, one, a tenth, half, all but
// one, and all.
func arms(n int64) []int64 {
	return []int64{0, min(1, n), n / 10, n / 2, max(0, n-1), n}
}

func TestChanceToBeatClosedForm(t *testing.T) {
	type arm struct{ c, n int64 }
	var all []arm
	for _, n := range []int64{0, 1, 2, 5, 10, 30, 100, 1000, 10_000} {
		for _, c := range arms(n) {
			all = append(all, arm{c, n})
		}
	}
	for _, n := range []int64{1_000_000, 10_000_000} {
		for _, c := range []int64{0, 1, 2, 5, 20, 300, n - 300, n - 20, n - 5, n - 2, n - 1, n} {
			all = append(all, arm{c, n})
		}
	}
	worst, compared := 0.0, 0
	for _, a := range all {
		for _, b := range all {
			want, terms := exactChance(a.c, a.n, b.c, b.n)
			if terms > 20_000 {
				continue // the two other tests cover the large-parameter bulk
			}
			got := mustChance(t, a.c, a.n, b.c, b.n)
			compared++
			worst = max(worst, math.Abs(got-want))
			if math.Abs(got-want) > 1e-4 {
				t.Errorf("ChanceToBeat(%d, %d, %d, %d) = %.8f, closed form %.8f", a.c, a.n, b.c, b.n, got, want)
			}
		}
	}
	t.Logf("%d pairs, worst error against the closed form: %.2g", compared, worst)
}

func TestChanceToBeatSymmetry(t *testing.T) {
	ns := []int64{0, 1, 7, 200, 10_000, 1_000_000, 10_000_000}
	for _, nA := range ns {
		for _, nB := range ns {
			for _, cA := range arms(nA) {
				for _, cB := range arms(nB) {
					ab := mustChance(t, cA, nA, cB, nB)
					ba := mustChance(t, cB, nB, cA, nA)
					if math.Abs(ab+ba-1) > 1e-12 {
						t.Errorf("(%d/%d, %d/%d): P(A>B)+P(B>A) = %.15f, want 1", cA, nA, cB, nB, ab+ba)
					}
				}
			}
		}
	}
}

func TestChanceToBeatEqualArms(t *testing.T) {
	for _, n := range []int64{0, 1, 2, 150, 10_000, 1_000_000, 10_000_000} {
		for _, c := range arms(n) {
			if got := mustChance(t, c, n, c, n); math.Abs(got-0.5) > 1e-12 {
				t.Errorf("ChanceToBeat(%d, %d, same) = %.15f, want 0.5", c, n, got)
			}
		}
	}
}

func TestChanceToBeatExtremes(t *testing.T) {
	tests := []struct {
		name           string
		cA, nA, cB, nB int64
		want, tol      float64
	}{
		{"no conversions in either arm of a million", 0, 1_000_000, 0, 1_000_000, 0.5, 1e-12},
		{"every device converted in both arms", 1_000_000, 1_000_000, 1_000_000, 1_000_000, 0.5, 1e-12},
		{"all against none", 1_000_000, 1_000_000, 0, 1_000_000, 1, 1e-12},
		{"none against all", 0, 10_000_000, 10_000_000, 10_000_000, 0, 1e-12},
		// Beta(1, n+1) against Beta(2, n) is almost Exp(n) against Gamma(2, n): 1/4.
		{"none against one in ten million", 0, 10_000_000, 1, 10_000_000, 0.25, 1e-4},
		{"one against none, different sizes", 1, 10_000, 0, 10_000_000, 1, 1e-3},
		{"an empty arm is uniform", 0, 0, 3, 10_000_000, 1, 1e-5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustChance(t, tt.cA, tt.nA, tt.cB, tt.nB)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("got %.10f, want %.10f ± %g", got, tt.want, tt.tol)
			}
			if exact, terms := exactChance(tt.cA, tt.nA, tt.cB, tt.nB); terms < 1_000_000 && math.Abs(got-exact) > 1e-6 {
				t.Errorf("got %.10f, closed form %.10f", got, exact)
			}
		})
	}
}

// Both rates near 1/2 with ten million devices: each Beta's skewness
// 2(β−α)√(α+β+1)/((α+β+2)√(αβ)) is below 1e-6, so the normal approximation of the
// difference is exact far below the tolerance, where the closed form would take five
// million terms.
func TestChanceToBeatLargeBalanced(t *testing.T) {
	const n = 10_000_000
	for _, diff := range []int64{0, 100, 1000, 3000, -5000} {
		cA, cB := int64(5_000_000)+diff, int64(5_000_000)
		a, b := newBetaDist(cA, n), newBetaDist(cB, n)
		mean := a.alpha/(a.alpha+a.beta) - b.alpha/(b.alpha+b.beta)
		sd := math.Sqrt(betaVariance(a) + betaVariance(b))
		want := 0.5 * math.Erfc(-mean/sd/math.Sqrt2)
		if got := mustChance(t, cA, n, cB, n); math.Abs(got-want) > 1e-5 {
			t.Errorf("diff %d: got %.8f, normal approximation %.8f", diff, got, want)
		}
	}
}

func betaVariance(d betaDist) float64 {
	s := d.alpha + d.beta
	return d.alpha * d.beta / (s * s * (s + 1))
}

// Monte Carlo with a fixed seed: 200,000 draws give a standard error of at most 0.0011,
// so the 0.005 tolerance is over four standard errors and the seed keeps it repeatable.
func TestChanceToBeatMonteCarlo(t *testing.T) {
	const draws = 200_000
	r := rand.New(rand.NewPCG(20240601, 7))
	tests := []struct{ cA, nA, cB, nB int64 }{
		{1120, 10_000, 810, 10_000},
		{30, 200, 20, 210},
		{1120, 10_000, 1080, 10_000},
		{12, 10_000_000, 8, 10_000_000},
		{3, 1_000_000, 40, 10_000_000},
	}
	worst := 0.0
	for _, tt := range tests {
		a, b := newBetaDist(tt.cA, tt.nA), newBetaDist(tt.cB, tt.nB)
		wins := 0
		for range draws {
			if betaDraw(r, a) > betaDraw(r, b) {
				wins++
			}
		}
		mc := float64(wins) / draws
		got := mustChance(t, tt.cA, tt.nA, tt.cB, tt.nB)
		worst = max(worst, math.Abs(got-mc))
		if math.Abs(got-mc) > 0.005 {
			t.Errorf("ChanceToBeat(%d, %d, %d, %d) = %.5f, Monte Carlo %.5f", tt.cA, tt.nA, tt.cB, tt.nB, got, mc)
		}
	}
	t.Logf("worst difference from Monte Carlo: %.2g", worst)
}

// betaDraw draws from d as X/(X+Y) with X ~ Gamma(α) and Y ~ Gamma(β).
func betaDraw(r *rand.Rand, d betaDist) float64 {
	x, y := gammaDraw(r, d.alpha), gammaDraw(r, d.beta)
	return x / (x + y)
}

// gammaDraw draws from Gamma(shape, 1) for shape ≥ 1 by Marsaglia and Tsang's
// squeeze-and-reject method ("A simple method for generating gamma variables", 2000).
func gammaDraw(r *rand.Rand, shape float64) float64 {
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

func TestChanceToBeatInvalid(t *testing.T) {
	for _, tt := range [][4]int64{{-1, 10, 0, 10}, {11, 10, 0, 10}, {0, 10, 0, -1}, {0, 10, 5, 4}} {
		if _, ok := ChanceToBeat(tt[0], tt[1], tt[2], tt[3]); ok {
			t.Errorf("ChanceToBeat%v ok, want not ok", tt)
		}
	}
}
