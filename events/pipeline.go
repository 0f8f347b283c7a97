package events

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"nami/metrics"
	"nami/store"
)

// Options tunes the pipeline; the zero value of each field is the production setting.
type Options struct {
	// Rate is how many events per second each platform key may send (a burst of one second's
	// worth); 0 means the default, 10,000, and a negative value means no limit.
	Rate int
	// RetentionDays is how long raw events are kept; default 400.
	RetentionDays int
	// MaxWait is how long a request waits for its batch's commit before it is answered busy; default 5 s.
	MaxWait time.Duration
	// MaxQueued is how many events may wait for the writer before batches are refused as busy; default 100,000.
	MaxQueued int
	// RetentionEvery is how often old events are looked for; default an hour.
	RetentionEvery time.Duration
	// AggregateEvery is how often committed events are folded into the analytics aggregates;
	// 0 means the default, a second, and a negative value turns the folding loop off (Prune and
	// Aggregate still fold; loadgen uses it to measure ingestion without the aggregates).
	AggregateEvery time.Duration
}

const (
	// DefaultRate is the events per second a platform key may send unless configured otherwise.
	DefaultRate = 10_000
	// DefaultRetentionDays is how long raw events are kept unless configured otherwise.
	DefaultRetentionDays = 400
	// eventsPerTx is the most events one transaction commits, so a publish never waits long.
	eventsPerTx = 5000
)

// Pipeline takes event batches from the SDK API to the database: it limits each platform key,
// stores batches durably with group commit, and deletes raw events past their retention.
type Pipeline struct {
	store      Store
	log        *slog.Logger
	w          *writer
	limits     *limiter // nil when there is no limit
	retention  time.Duration
	pruneEvery time.Duration
	foldEvery  time.Duration
	Refusals   *Refusals

	startOnce sync.Once
	stop      chan struct{}
	wg        sync.WaitGroup
	now       func() time.Time
}

// New builds a pipeline over st; Start runs it.
func New(st Store, log *slog.Logger, opts Options) *Pipeline {
	if opts.Rate == 0 {
		opts.Rate = DefaultRate
	}
	if opts.RetentionDays <= 0 {
		opts.RetentionDays = DefaultRetentionDays
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 5 * time.Second
	}
	if opts.MaxQueued <= 0 {
		opts.MaxQueued = 100_000
	}
	if opts.RetentionEvery <= 0 {
		opts.RetentionEvery = time.Hour
	}
	if opts.AggregateEvery == 0 {
		opts.AggregateEvery = time.Second
	}
	p := &Pipeline{store: st, log: log, w: newWriter(st, log, eventsPerTx, int64(opts.MaxQueued), opts.MaxWait),
		retention: time.Duration(opts.RetentionDays) * 24 * time.Hour, pruneEvery: opts.RetentionEvery, foldEvery: opts.AggregateEvery,
		Refusals: newRefusals(log), stop: make(chan struct{}), now: func() time.Time { return time.Now().UTC() }}
	p.w.unrecorded = func(err error) { p.Refusals.Note(RefusedExposure, err.Error()) }
	if opts.Rate > 0 {
		p.limits = newLimiter(float64(opts.Rate))
	}
	return p
}

// Start runs the writer, the aggregation (unless turned off) and the retention loop until Close.
func (p *Pipeline) Start() {
	p.startOnce.Do(func() {
		p.wg.Add(2)
		go func() { defer p.wg.Done(); p.w.run() }()
		go func() { defer p.wg.Done(); p.retain() }()
		if p.foldEvery > 0 {
			p.wg.Add(1)
			go func() { defer p.wg.Done(); p.aggregate() }()
		}
	})
}

// aggregate folds, every p.foldEvery, committed events the commits left to it (those stored
// while the aggregates lagged, e.g. after an upgrade), in batches, until it has caught up. What
// is left at Close is folded after the next start: the cursor is stored with the aggregates.
func (p *Pipeline) aggregate() {
	p.every(p.foldEvery, "folding events into analytics", func(ctx context.Context) error { return p.Aggregate(ctx) })
}

// every runs job every d until Close, and logs its errors.
func (p *Pipeline) every(d time.Duration, what string, job func(context.Context) error) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			if err := job(context.Background()); err != nil {
				p.log.Error("events: "+what, "err", err)
			}
		}
	}
}

// Aggregate folds every committed event not yet in the analytics aggregates.
func (p *Pipeline) Aggregate(ctx context.Context) error {
	for {
		n, err := p.store.AggregateEvents(ctx, store.AggregateBatch)
		if err != nil || n < store.AggregateBatch {
			return err
		}
	}
}

// Close stops taking batches and waits until every batch handed to the writer is committed (or
// has failed), at most until ctx ends.
func (p *Pipeline) Close(ctx context.Context) error {
	p.Start() // a pipeline that never ran still answers what it holds
	err := p.w.close(ctx)
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.wg.Wait()
	return err
}

// Result is what became of an accepted batch: events newly stored, and events whose id the
// platform had already stored (a retried batch).
type Result struct {
	Accepted, Duplicates int
}

// RateLimitError refuses a batch from a key over its rate; RetryAfter is when it would fit.
type RateLimitError struct {
	RetryAfter time.Duration
	Rate       int
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("this key sends more than %d events a second; send the batch again after %s", e.Rate, e.RetryAfter)
}

// Ingest stores a checked batch from one platform and returns once it is committed. It refuses
// the batch whole with a *RateLimitError, ErrBusy, ErrUnavailable, ErrClosed or ctx's error.
func (p *Pipeline) Ingest(ctx context.Context, platformID int64, batch []store.Event) (Result, error) {
	if p.limits != nil {
		if wait := p.limits.take(platformID, len(batch), time.Now()); wait > 0 {
			return Result{}, &RateLimitError{RetryAfter: wait, Rate: int(p.limits.rate)}
		}
	}
	stored, err := p.w.write(ctx, batch)
	if err != nil {
		return Result{}, err
	}
	metrics.EventsAccepted.Add(float64(stored))
	metrics.EventsDuplicates.Add(float64(len(batch) - stored))
	return Result{Accepted: stored, Duplicates: len(batch) - stored}, nil
}

// Record hands events the server itself observed (the exposures resolve decides) to the same
// writer, without the rate limit, and returns at once: they are committed with the next group,
// within milliseconds, so that resolve never waits on analytics. Shutdown commits every event
// handed over; only a crash in those milliseconds can lose them. What cannot be stored is
// counted as a refusal (exposure_not_recorded).
func (p *Pipeline) Record(evs ...store.Event) {
	if err := p.w.health.err(); err != nil {
		p.Refusals.Note(RefusedExposure, err.Error())
		return
	}
	j := &job{batch: evs, detached: true, result: make(chan jobResult, 1)}
	if err := p.w.hand(j); err != nil {
		p.Refusals.Note(RefusedExposure, err.Error())
	}
}

// Health says whether the database takes writes: the last write's outcome, checked anew with
// a small write when nothing was written for a while.
func (p *Pipeline) Health(ctx context.Context) error {
	if err := p.w.health.err(); err != nil {
		return err
	}
	if p.w.health.sinceOK() < 10*time.Second {
		return nil
	}
	return p.w.check(ctx)
}

// retain deletes raw events past their retention every p.pruneEvery, in small batches with pauses,
// so ingestion keeps its pace.
func (p *Pipeline) retain() {
	p.every(p.pruneEvery, "deleting old events", func(ctx context.Context) error {
		_, err := p.Prune(ctx)
		return err
	})
}

// pruneBatch is how many events one retention transaction deletes at most.
const pruneBatch = 2000

// Prune deletes every raw event received more than the retention ago and says how many; it
// folds pending events into the aggregates first, since only folded events may go.
func (p *Pipeline) Prune(ctx context.Context) (int, error) {
	if err := p.Aggregate(ctx); err != nil {
		return 0, err
	}
	cutoff := p.now().Add(-p.retention)
	total := 0
	for {
		n, err := p.store.DeleteEventsReceivedBefore(ctx, cutoff, pruneBatch)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
		select {
		case <-p.stop:
			return total, nil
		case <-time.After(20 * time.Millisecond):
		}
	}
}
