package stats

import (
	"math"
	"testing"
)

// The references were computed with mpmath at 40 digits (z, then erfc(|z|/√2)).
// Worked by hand for the first row: pooled p = 193/2000 = 0.0965,
// se = √(0.0965·0.9035·(1/1000 + 1/1000)) = √0.0001743755 = 0.0132051…,
// z = (0.112 − 0.081)/0.0132051 = 2.34757, p = erfc(2.34757/√2) = 0.0188962.
func TestTwoProportionPValue(t *testing.T) {
	tests := []struct {
		cA, nA, cB, nB int64
		z, p           float64
	}{
		{112, 1000, 81, 1000, 2.34757221586, 0.0188962097058},
		{81, 1000, 112, 1000, -2.34757221586, 0.0188962097058},
		{30, 200, 20, 210, 1.69378727824, 0.0903057123894},
		{500, 10000, 540, 10000, -1.27391119161, 0.202694891635},
		{0, 1000, 3, 1000, -1.73335130892, 0.0830332462991},
		{5, 100, 5, 100, 0, 1},
		// Far in the tail, where 1−Φ(z) would have cancelled to a few digits.
		{1120, 10000, 810, 10000, 7.42367517385, 1.13914334126e-13},
	}
	for _, tt := range tests {
		z, ok := twoProportionZ(tt.cA, tt.nA, tt.cB, tt.nB)
		if !ok || math.Abs(z-tt.z) > 1e-9 {
			t.Errorf("z(%d, %d, %d, %d) = %.10f, %v; want %.10f", tt.cA, tt.nA, tt.cB, tt.nB, z, ok, tt.z)
		}
		p, ok := TwoProportionPValue(tt.cA, tt.nA, tt.cB, tt.nB)
		if !ok || math.Abs(p-tt.p) > 1e-6*tt.p {
			t.Errorf("TwoProportionPValue(%d, %d, %d, %d) = %.6g, %v; want %.6g", tt.cA, tt.nA, tt.cB, tt.nB, p, ok, tt.p)
		}
	}
}

func TestTwoProportionPValueUndefined(t *testing.T) {
	tests := []struct {
		name           string
		cA, nA, cB, nB int64
	}{
		{"empty A", 0, 0, 5, 100},
		{"empty B", 5, 100, 0, 0},
		{"no conversions anywhere", 0, 100, 0, 100},
		{"everything converted", 100, 100, 50, 50},
		{"more conversions than devices", 101, 100, 5, 100},
		{"negative count", 5, 100, -5, 100},
	}
	for _, tt := range tests {
		if p, ok := TwoProportionPValue(tt.cA, tt.nA, tt.cB, tt.nB); ok {
			t.Errorf("%s: got %g, want not ok", tt.name, p)
		}
	}
}
