package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"nami/metrics"
	"nami/store"
)

// Store is where events are kept. SQLite keeps them here; a columnar store could sit behind
// this interface for installs that outgrow one file.
type Store interface {
	// CommitEvents stores the batches in one transaction and says how many events of each were
	// new (the rest carried ids already stored); nothing is stored when it fails.
	CommitEvents(ctx context.Context, batches [][]store.Event) ([]int, error)
	// DeleteEventsReceivedBefore deletes up to limit of the oldest events received before cutoff.
	DeleteEventsReceivedBefore(ctx context.Context, cutoff time.Time, limit int) (int, error)
	// CheckWritable makes a small write and says why it failed, if it did.
	CheckWritable(ctx context.Context) error
	// Events reads a platform's stored events back in the order they were stored.
	Events(ctx context.Context, platformID int64, limit int) ([]store.Event, error)
	// AggregateEvents folds up to limit committed events into the analytics aggregates and says
	// how many it folded.
	AggregateEvents(ctx context.Context, limit int) (int, error)
}

// Errors of Write: each means "not stored, send the batch again later".
var (
	// ErrBusy: the writer is too far behind to store the batch soon.
	ErrBusy = errors.New("the server is busy storing events")
	// ErrUnavailable: the database cannot take writes (read-only, disk full); wrapped with the cause.
	ErrUnavailable = errors.New("the database cannot store events")
	// ErrClosed: the server is shutting down.
	ErrClosed = errors.New("the server is shutting down")
)

// writer stores batches through one goroutine that commits many requests' batches per
// transaction (group commit): a commit every few milliseconds under load, at once when idle.
// A caller waits until the transaction that carries its batch has committed, so an
// acknowledged batch is durable; a failed transaction fails every batch in it.
type writer struct {
	store     Store
	log       *slog.Logger
	maxTx     int           // events per transaction at most
	maxQueued int64         // events waiting at most; more answers ErrBusy at once
	maxWait   time.Duration // how long a caller waits for its commit before ErrBusy

	jobs chan *job
	// unrecorded is told of each detached job (resolve's exposures, whose callers do not wait)
	// whose transaction failed.
	unrecorded func(error)
	queued     atomic.Int64 // events handed to the writer and not yet committed or failed

	mu     sync.RWMutex // held for reading while a job is handed over, for writing by close
	closed bool

	health     health
	lastCommit time.Time // when the last transaction ended; only the writer goroutine uses it

	stop chan struct{}
	done chan struct{}
}

// job is one caller's batch, or a write check when batch is nil.
type job struct {
	batch    []store.Event
	detached bool // nobody waits for the answer (resolve's exposures): merged with the other detached batches
	result   chan jobResult
	gaveUp   atomic.Bool // the caller stopped waiting; skip the batch if it is not written yet
}

type jobResult struct {
	stored int
	err    error
}

func newWriter(st Store, log *slog.Logger, maxTx int, maxQueued int64, maxWait time.Duration) *writer {
	return &writer{store: st, log: log, maxTx: maxTx, maxQueued: maxQueued, maxWait: maxWait,
		jobs: make(chan *job, 16384), stop: make(chan struct{}), done: make(chan struct{})}
}

// write hands batch to the writer and waits for its transaction; it returns how many events
// were new. ctx bounds the wait, and so does maxWait.
func (w *writer) write(ctx context.Context, batch []store.Event) (int, error) {
	if err := w.health.err(); err != nil {
		return 0, err
	}
	j := &job{batch: batch, result: make(chan jobResult, 1)}
	if err := w.hand(j); err != nil {
		return 0, err
	}
	t := time.NewTimer(w.maxWait)
	defer t.Stop()
	select {
	case r := <-j.result:
		return r.stored, r.err
	case <-t.C:
		j.gaveUp.Store(true)
		return 0, ErrBusy
	case <-ctx.Done():
		j.gaveUp.Store(true)
		return 0, ctx.Err()
	}
}

// hand queues a job unless the writer is closed or too far behind.
func (w *writer) hand(j *job) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return ErrClosed
	}
	n := int64(len(j.batch))
	if w.queued.Add(n) > w.maxQueued && n > 0 {
		w.queued.Add(-n)
		return ErrBusy
	}
	select {
	case w.jobs <- j:
		return nil
	default:
		w.queued.Add(-n)
		return ErrBusy
	}
}

// check makes a write through the writer, in turn with the batches, and says whether the
// database took it.
func (w *writer) check(ctx context.Context) error {
	j := &job{result: make(chan jobResult, 1)}
	if err := w.hand(j); err != nil {
		return err
	}
	select {
	case r := <-j.result:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run is the writer's loop; it returns once closed and every handed job is answered.
func (w *writer) run() {
	defer close(w.done)
	retry := time.NewTicker(time.Second)
	defer retry.Stop()
	for {
		select {
		case j := <-w.jobs:
			w.commit(w.collect(j))
		case <-retry.C:
			// While writes fail, check every second so that the server recovers by itself.
			if w.health.err() != nil {
				w.checkNow()
			}
		case <-w.stop:
			for {
				select {
				case j := <-w.jobs:
					w.commit(w.collect(j))
				default:
					return
				}
			}
		}
	}
}

// linger is how long the writer waits for more batches before committing a small group while
// it is busy: many small requests then share a commit instead of paying for one each. When it is
// idle it commits at once.
const linger = 500 * time.Microsecond

// lingerBelow is the group size under which the writer lingers.
const lingerBelow = 200

// collect takes first and whatever else is waiting, up to maxTx events, for one transaction.
func (w *writer) collect(first *job) []*job {
	group := []*job{first}
	n := len(first.batch)
	busy := time.Since(w.lastCommit) < 2*time.Millisecond
	var deadline <-chan time.Time
	for n < w.maxTx {
		select {
		case j := <-w.jobs:
			group = append(group, j)
			n += len(j.batch)
			continue
		default:
		}
		if !busy || n >= lingerBelow {
			return group
		}
		if deadline == nil {
			t := time.NewTimer(linger)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case j := <-w.jobs:
			group = append(group, j)
			n += len(j.batch)
		case <-deadline:
			return group
		}
	}
	return group
}

// commit writes a group's batches in one transaction and answers every job in it.
func (w *writer) commit(group []*job) {
	var batches [][]store.Event
	var owners []*job // owners[i] answers for batches[i]; nil for the merged detached batches
	var merged []store.Event
	var mergedJobs, checks []*job
	for _, j := range group {
		switch {
		case j.batch == nil:
			checks = append(checks, j)
		case j.gaveUp.Load():
			w.queued.Add(-int64(len(j.batch)))
			j.result <- jobResult{err: ErrBusy}
		case j.detached:
			merged = append(merged, j.batch...)
			mergedJobs = append(mergedJobs, j)
		default:
			batches = append(batches, j.batch)
			owners = append(owners, j)
		}
	}
	if len(merged) > 0 {
		batches = append(batches, merged)
		owners = append(owners, nil)
	}
	if len(batches) > 0 {
		size := 0
		for _, b := range batches {
			size += len(b)
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		stored, err := w.store.CommitEvents(ctx, batches)
		cancel()
		w.lastCommit = time.Now()
		metrics.CommitSeconds.Observe(w.lastCommit.Sub(start).Seconds())
		metrics.CommitEvents.Observe(float64(size))
		if err != nil {
			err = w.health.failed(w.log, err)
		} else {
			w.health.ok(w.log)
		}
		for i, j := range owners {
			if j == nil {
				continue
			}
			w.queued.Add(-int64(len(j.batch)))
			if err != nil {
				j.result <- jobResult{err: err}
			} else {
				j.result <- jobResult{stored: stored[i]}
			}
		}
		for _, j := range mergedJobs {
			w.queued.Add(-int64(len(j.batch)))
			j.result <- jobResult{stored: len(j.batch), err: err}
			if err != nil && w.unrecorded != nil {
				w.unrecorded(err)
			}
		}
	}
	if len(checks) > 0 {
		err := w.checkNow()
		for _, j := range checks {
			j.result <- jobResult{err: err}
		}
	}
}

// checkNow makes a write check and records the outcome.
func (w *writer) checkNow() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.store.CheckWritable(ctx); err != nil {
		return w.health.failed(w.log, err)
	}
	w.health.ok(w.log)
	return nil
}

// close refuses new batches and waits until every handed batch is committed or failed, or
// ctx ends. A writer that cannot write fails its batches at once, so this never waits long.
func (w *writer) close(ctx context.Context) error {
	w.mu.Lock()
	already := w.closed
	w.closed = true
	w.mu.Unlock()
	if !already {
		close(w.stop)
	}
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("events: %d events were still being written at shutdown: %w", w.queued.Load(), ctx.Err())
	}
}

// health is whether the last write succeeded, and why not.
type health struct {
	mu      sync.Mutex
	problem error     // nil while writes succeed
	lastOK  time.Time // the last successful write
}

func (h *health) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.problem
}

func (h *health) sinceOK() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return time.Since(h.lastOK)
}

// failed records a failed write and returns the error callers see: ErrUnavailable with the cause.
func (h *health) failed(log *slog.Logger, cause error) error {
	err := fmt.Errorf("%w: %w", ErrUnavailable, store.WriteProblem(cause))
	h.mu.Lock()
	first := h.problem == nil
	h.problem = err
	h.mu.Unlock()
	if first {
		log.Error("events: the database cannot take writes; refusing events with 503 until it can", "err", cause)
	}
	return err
}

func (h *health) ok(log *slog.Logger) {
	h.mu.Lock()
	was := h.problem
	h.problem = nil
	h.lastOK = time.Now()
	h.mu.Unlock()
	if was != nil {
		log.Info("events: the database takes writes again")
	}
}
