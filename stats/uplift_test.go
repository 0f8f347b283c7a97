package stats

import (
	"math"
	"testing"
)

func TestUplift(t *testing.T) {
	tests := []struct {
		name           string
		cA, nA, cB, nB int64
		want           Interval
		tol            float64
	}{
		// Worked by hand: pA = 0.112, pB = 0.081, pA/pB = 112/81 = 1.382716049382716.
		// var = pA(1−pA)/(nA·pB²) + pA²·pB(1−pB)/(nB·pB⁴)
		//     = 0.099456/6.561 + 0.000933762816/0.043046721
		//     = 0.015158664837677 + 0.021691845378885 = 0.036850510216562
		// half-width = 1.959963984540054 · √0.036850510216562 = 1.96 · 0.191964867141261
		//            = 0.376244225893889, so the interval is 1.382716… ± 0.376244… − 1.
		{"worked example", 112, 1000, 81, 1000,
			Interval{0.382716049382716, 0.006471823488827, 0.758960275276605}, 1e-9},
		// The same rates with ten times the devices: var/10, half-width/√10.
		{"ten times the data", 1120, 10000, 810, 10000,
			Interval{0.382716049382716, 0.263737178351557, 0.501694920413875}, 1e-9},
		// Unequal arms, references from mpmath at 30 digits.
		{"unequal arms", 30, 200, 20, 210,
			Interval{0.575, -0.262304149837735, 1.412304149837740}, 1e-9},
		// pA = 0 has no variance under the delta method: the interval collapses.
		{"no conversions in A", 0, 500, 10, 500, Interval{-1, -1, -1}, 1e-12},
		// Equal rates p: var = (1−p)/p·(1/nA + 1/nB) = 19·0.0015 = 0.0285,
		// half-width = 1.959963984540054 · 0.168819430161341 = 0.330880003006804.
		{"equal rates", 50, 1000, 100, 2000, Interval{0, -0.330880003006804, 0.330880003006804}, 1e-12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Uplift(tt.cA, tt.nA, tt.cB, tt.nB)
			if !ok {
				t.Fatal("not ok")
			}
			if math.Abs(got.Uplift-tt.want.Uplift) > tt.tol || math.Abs(got.Low-tt.want.Low) > tt.tol || math.Abs(got.High-tt.want.High) > tt.tol {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestUpliftUndefined(t *testing.T) {
	tests := []struct {
		name           string
		cA, nA, cB, nB int64
	}{
		{"empty A", 0, 0, 5, 100},
		{"empty B", 5, 100, 0, 0},
		{"baseline without conversions", 5, 100, 0, 100},
		{"more conversions than devices", 101, 100, 5, 100},
		{"negative count", -1, 100, 5, 100},
	}
	for _, tt := range tests {
		if got, ok := Uplift(tt.cA, tt.nA, tt.cB, tt.nB); ok {
			t.Errorf("%s: got %+v, want not ok", tt.name, got)
		}
	}
}
