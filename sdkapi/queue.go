package sdkapi

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"nami/store"
)

// eventQueue holds accepted events in memory until its one writer stores them in SQLite in
// batches, so an events request never waits for the database. A batch is accepted whole or
// refused whole (the queue is full, or shutting down); an accepted event is never dropped: a
// failed write is retried, and the events waiting count against the capacity meanwhile.
type eventQueue struct {
	st       *store.Store
	log      *slog.Logger
	capacity int
	interval time.Duration

	mu      sync.Mutex
	pending []store.Event // accepted, not yet taken by the writer
	writing int           // taken by the writer, not yet committed
	closed  bool

	startOnce sync.Once
	wake      chan struct{} // a full batch is waiting
	stop      chan struct{} // closed by close
	done      chan struct{} // closed when the writer has returned
}

const (
	defaultQueueCapacity = 200_000
	defaultFlushInterval = 100 * time.Millisecond
	// writeBatch is the most events one transaction writes; the writer takes everything pending
	// and commits it in transactions of this size, so a publish never waits long for the writer.
	writeBatch = 5000
)

func newEventQueue(st *store.Store, log *slog.Logger, capacity int, interval time.Duration) *eventQueue {
	if capacity <= 0 {
		capacity = defaultQueueCapacity
	}
	if interval <= 0 {
		interval = defaultFlushInterval
	}
	return &eventQueue{st: st, log: log, capacity: capacity, interval: interval,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// add queues a batch whole, or refuses it whole when it does not fit or the queue is closing.
func (q *eventQueue) add(events []store.Event) bool {
	q.mu.Lock()
	if q.closed || len(q.pending)+q.writing+len(events) > q.capacity {
		q.mu.Unlock()
		return false
	}
	q.pending = append(q.pending, events...)
	full := len(q.pending) >= writeBatch
	q.mu.Unlock()
	if full {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
	return true
}

// start runs the writer until close; calling it again does nothing.
func (q *eventQueue) start() {
	q.startOnce.Do(func() { go q.run() })
}

func (q *eventQueue) run() {
	defer close(q.done)
	t := time.NewTicker(q.interval)
	defer t.Stop()
	var spare []store.Event
	for {
		select {
		case <-q.wake:
		case <-t.C:
		case <-q.stop:
		}
		q.mu.Lock()
		batch, closed := q.pending, q.closed
		q.pending = spare[:0]
		q.writing = len(batch)
		q.mu.Unlock()
		q.write(batch)
		clear(batch) // let the request bodies' strings go
		spare = batch
		if closed {
			// Nothing is accepted once closed is set, so this batch was the last.
			return
		}
	}
}

// write commits batch in transactions of writeBatch events, retrying a failed transaction with
// a growing pause until it succeeds: accepted events are not dropped.
func (q *eventQueue) write(batch []store.Event) {
	pause := 50 * time.Millisecond
	for len(batch) > 0 {
		n := min(len(batch), writeBatch)
		err := q.st.InTx(context.Background(), func(tx *store.Tx) error { return tx.InsertEvents(context.Background(), batch[:n]) })
		if err != nil {
			q.log.Error("sdk: writing events; will retry", "events", len(batch), "err", err)
			time.Sleep(pause)
			pause = min(2*pause, 2*time.Second)
			continue
		}
		batch = batch[n:]
		q.mu.Lock()
		q.writing -= n
		q.mu.Unlock()
	}
}

// close refuses new events and waits until the writer has stored every accepted one, or ctx
// ends; then it reports how many were left unwritten.
func (q *eventQueue) close(ctx context.Context) error {
	q.mu.Lock()
	already := q.closed
	q.closed = true
	q.mu.Unlock()
	if !already {
		close(q.stop)
	}
	q.start() // a queue that never ran still writes what it holds
	select {
	case <-q.done:
		return nil
	case <-ctx.Done():
		q.mu.Lock()
		left := len(q.pending) + q.writing
		q.mu.Unlock()
		return fmt.Errorf("sdk: %d accepted events were not written before shutdown: %w", left, ctx.Err())
	}
}

// queued is how many accepted events are not stored yet.
func (q *eventQueue) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending) + q.writing
}
