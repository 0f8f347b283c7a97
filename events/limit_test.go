package events

import (
	"testing"
	"time"
)

func TestLimiterAllowsOneSecondsWorthThenTheRate(t *testing.T) {
	l := newLimiter(1000)
	t0 := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for i, step := range []struct {
		at       time.Duration
		platform int64
		n        int
		wait     time.Duration
	}{
		{0, 1, 500, 0},
		{0, 1, 500, 0},              // the burst: one second's worth
		{0, 1, 1, time.Millisecond}, // empty: one token takes 1 ms
		{0, 2, 500, 0},              // another platform has its own bucket
		{250 * time.Millisecond, 1, 500, 250 * time.Millisecond}, // 250 tokens back, 250 more needed
		{500 * time.Millisecond, 1, 500, 0},
		{10 * time.Second, 1, 1000, 0}, // a long pause refills only to the burst
		{10 * time.Second, 1, 1, time.Millisecond},
	} {
		if got := l.take(step.platform, step.n, t0.Add(step.at)); got != step.wait {
			t.Errorf("step %d: take(%d, %d) at +%s = %s, want %s", i, step.platform, step.n, step.at, got, step.wait)
		}
	}
}

func TestLimiterLetsABatchLargerThanTheRatePassWhenFull(t *testing.T) {
	l := newLimiter(100)
	t0 := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	if got := l.take(1, 500, t0); got != 0 {
		t.Fatalf("a full bucket refused a batch of 500 at 100/s: wait %s", got)
	}
	if got := l.take(1, 500, t0.Add(500*time.Millisecond)); got != 500*time.Millisecond {
		t.Errorf("half a second later: wait %s, want 500ms until the bucket is full again", got)
	}
}
