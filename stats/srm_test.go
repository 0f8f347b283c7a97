package stats

import (
	"math"
	"testing"
)

func TestSRM(t *testing.T) {
	tests := []struct {
		name     string
		observed []int64
		weights  []float64
		want     SRMResult
	}{
		// Expected 5100 each: χ² = 2·100²/5100 = 3.921569, p = erfc(√(χ²/2)) = 0.04767038.
		{"50/50 within chance", []int64{5000, 5200}, []float64{0.5, 0.5},
			SRMResult{ChiSquare: 3.92156862745, PValue: 0.0476703806562}},
		// Expected 5200 each: χ² = 2·200²/5200 = 15.384615, p = 8.769942e-5 < 0.001.
		{"50/50 mismatch", []int64{5000, 5400}, []float64{0.5, 0.5},
			SRMResult{ChiSquare: 15.3846153846, PValue: 8.76994237559e-5, Flagged: true}},
		// Expected 5000/2500/2500: χ² = 0 + 100²/2500 + 100²/2500 = 8, and with df = 2
		// the survival is e^(−χ²/2) = e⁻⁴ = 0.01831564.
		{"three arms", []int64{5000, 2600, 2400}, []float64{0.5, 0.25, 0.25},
			SRMResult{ChiSquare: 8, PValue: 0.0183156388887}},
		{"weights need not sum to 1", []int64{5000, 2600, 2400}, []float64{50, 25, 25},
			SRMResult{ChiSquare: 8, PValue: 0.0183156388887}},
		{"an empty zero-weight arm is ignored", []int64{5000, 0, 5200}, []float64{1, 0, 1},
			SRMResult{ChiSquare: 3.92156862745, PValue: 0.0476703806562}},
		// The stray device still counts in the total: expected 5000.5 each, χ² = 0.5/5000.5.
		{"devices in a zero-weight arm", []int64{5000, 1, 5000}, []float64{1, 0, 1},
			SRMResult{ChiSquare: 0.5 / 5000.5, PValue: 0, Flagged: true}},
		{"perfect fit", []int64{300, 700}, []float64{0.3, 0.7}, SRMResult{ChiSquare: 0, PValue: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := SRM(tt.observed, tt.weights)
			if !ok {
				t.Fatal("not ok")
			}
			if math.Abs(got.ChiSquare-tt.want.ChiSquare) > 1e-9 ||
				math.Abs(got.PValue-tt.want.PValue) > 1e-9*tt.want.PValue ||
				got.Flagged != tt.want.Flagged {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSRMUndefined(t *testing.T) {
	tests := []struct {
		name     string
		observed []int64
		weights  []float64
	}{
		{"nothing observed", []int64{0, 0}, []float64{0.5, 0.5}},
		{"one arm", []int64{100}, []float64{1}},
		{"one positive weight", []int64{100, 0}, []float64{1, 0}},
		{"lengths differ", []int64{100, 100}, []float64{0.5, 0.25, 0.25}},
		{"negative count", []int64{100, -1}, []float64{0.5, 0.5}},
		{"negative weight", []int64{100, 100}, []float64{1.5, -0.5}},
		{"NaN weight", []int64{100, 100}, []float64{0.5, math.NaN()}},
		{"infinite weight", []int64{100, 100}, []float64{0.5, math.Inf(1)}},
		{"no arms", nil, nil},
	}
	for _, tt := range tests {
		if got, ok := SRM(tt.observed, tt.weights); ok {
			t.Errorf("%s: got %+v, want not ok", tt.name, got)
		}
	}
}
