package events

import (
	"math"
	"sync"
	"time"
)

// limiter is a token bucket per platform: rate events a second, holding at most one second's
// worth, so a key can send a burst after a quiet spell but never more than rate on average.
type limiter struct {
	rate    float64
	mu      sync.Mutex
	buckets map[int64]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(rate float64) *limiter {
	return &limiter{rate: rate, buckets: map[int64]*bucket{}}
}

// take spends n tokens of the platform's bucket and returns 0, or spends nothing and returns
// how long until n tokens are there. A batch larger than the whole bucket (a rate under 500)
// passes when the bucket is full, so that every batch can pass at some point.
func (l *limiter) take(platformID int64, n int, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[platformID]
	if b == nil {
		b = &bucket{tokens: l.rate, at: now}
		l.buckets[platformID] = b
	}
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.rate, b.tokens+elapsed*l.rate)
		b.at = now
	}
	need := math.Min(float64(n), l.rate)
	if b.tokens >= need {
		b.tokens -= need
		return 0
	}
	wait := time.Duration((need - b.tokens) / l.rate * float64(time.Second))
	return max(wait, time.Millisecond)
}
