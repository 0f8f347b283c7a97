package stats

import "testing"

func TestEnoughData(t *testing.T) {
	tests := []struct {
		name    string
		exposed []int64
		want    bool
	}{
		{"no arms", nil, false},
		{"one arm", []int64{1000}, false},
		{"both at the minimum", []int64{MinExposedPerArm, MinExposedPerArm}, true},
		{"one arm short", []int64{1000, MinExposedPerArm - 1}, false},
		{"three arms", []int64{500, 400, 300}, true},
		{"an empty arm", []int64{500, 0, 300}, false},
	}
	for _, tt := range tests {
		if got := EnoughData(tt.exposed); got != tt.want {
			t.Errorf("%s: EnoughData(%v) = %v, want %v", tt.name, tt.exposed, got, tt.want)
		}
	}
}
