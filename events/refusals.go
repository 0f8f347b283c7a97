package events

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"nami/metrics"
)

// Reasons a batch is refused, as counted by Refusals.
const (
	RefusedInvalid     = "invalid"               // 400: the batch is not valid
	RefusedTooLarge    = "too_large"             // 413: over 500 events or 1 MB
	RefusedRateLimited = "rate_limited"          // 429: the key is over its rate
	RefusedBusy        = "busy"                  // 503: the writer is too far behind
	RefusedUnavailable = "unavailable"           // 503: the database cannot take writes
	RefusedExposure    = "exposure_not_recorded" // resolve answered but could not store its exposure
)

// Refusals counts refused batches by reason and logs each reason at most once a second, with
// the count since its last line, so a client that ignores Retry-After cannot flood the log.
type Refusals struct {
	log     *slog.Logger
	reasons map[string]*refusalCount // fixed at construction; read without a lock
}

type refusalCount struct {
	total   atomic.Int64
	pending atomic.Int64 // since the last log line
	lastLog atomic.Int64 // unix nanoseconds
	metric  prometheus.Counter
}

func newRefusals(log *slog.Logger) *Refusals {
	r := &Refusals{log: log, reasons: map[string]*refusalCount{}}
	for _, reason := range []string{RefusedInvalid, RefusedTooLarge, RefusedRateLimited, RefusedBusy, RefusedUnavailable, RefusedExposure} {
		r.reasons[reason] = &refusalCount{metric: metrics.Refused(reason)}
	}
	return r
}

// Note counts one refusal; detail is logged with the line, when there is one.
func (r *Refusals) Note(reason, detail string) {
	c := r.reasons[reason]
	if c == nil {
		return
	}
	c.total.Add(1)
	c.pending.Add(1)
	c.metric.Inc()
	now := time.Now().UnixNano()
	last := c.lastLog.Load()
	if now-last < int64(time.Second) || !c.lastLog.CompareAndSwap(last, now) {
		return
	}
	level := slog.LevelWarn
	if reason == RefusedInvalid || reason == RefusedTooLarge {
		level = slog.LevelInfo
	}
	r.log.Log(context.Background(), level, "sdk: refusing event batches", "reason", reason, "refused", c.pending.Swap(0), "total", c.total.Load(), "last", detail)
}

// Counts returns the refusals so far by reason, for health and metrics pages.
func (r *Refusals) Counts() map[string]int64 {
	out := make(map[string]int64, len(r.reasons))
	for reason, c := range r.reasons {
		out[reason] = c.total.Load()
	}
	return out
}
