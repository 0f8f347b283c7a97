package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"nami/store"
)

// bareTxEvents is how many events one transaction of the bare insert commits: as many as one
// transaction of the server's writer at most.
const bareTxEvents = 5000

// measureDurable posts batches from o.concurrency keep-alive connections for o.duration and
// prints the events acknowledged (a 202 means committed, so these are durable), the refusals
// sent again, the latency of every events request and, with db, whether every acknowledged id
// is stored. It returns the durable events per second and how many acknowledged events are
// not stored.
func measureDurable(ctx context.Context, client *http.Client, o options, gen *eventGen, db *serverDB) (float64, int64, error) {
	before := 0
	if db != nil {
		var err error
		if before, err = db.count(ctx); err != nil {
			return 0, 0, err
		}
	}
	fmt.Printf("events   durable: %d connections posting batches of %d with unique ids for %s\n", o.concurrency, o.batch, o.duration)
	p := newPoster(client, o, gen)
	phase, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var wg sync.WaitGroup
	var errOnce sync.Once
	var firstErr error
	start := time.Now()
	for range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				err := p.post(phase)
				if errors.Is(err, errStop) {
					return
				}
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return 0, 0, firstErr
	}
	acked := p.acked.count()
	rate := float64(acked) / elapsed.Seconds()
	fmt.Printf("events   acknowledged %d events (%d batches; %d new, %d duplicates) in %s = %.0f events/s durable  [target >= %d: %s]\n",
		acked, acked/int64(o.batch), p.accepted.Load(), p.duplicates.Load(), elapsed.Round(time.Millisecond), rate,
		targetDurable, verdict(rate >= targetDurable))
	fmt.Printf("events   refused: %s\n", p.refusals())
	lat, p99 := p.latencySummary()
	fmt.Printf("events   latency of %s  [target p99 < %s: %s]\n", lat, targetEventsP99, verdict(p99 < targetEventsP99))
	if db == nil {
		fmt.Println("events   pass -db to check that every acknowledged event is stored")
		return rate, 0, nil
	}
	after, err := db.count(ctx)
	if err != nil {
		return 0, 0, err
	}
	lost, firstLost, err := db.check(ctx, gen, &p.acked)
	if err != nil {
		return 0, 0, err
	}
	fmt.Printf("events   SQLite: %d of %d acknowledged ids stored, lost %d; the platform's events grew by %d rows (%d acknowledged as new)\n",
		acked-lost, acked, lost, after-before, p.accepted.Load())
	if lost > 0 {
		fmt.Printf("events   LOST: e.g. %s was acknowledged but is not stored\n", firstLost)
	}
	return rate, lost, nil
}

// measureBareInsert is the reference for the durable rate: for o.duration, one loop in this
// process commits the same kind of rows through store.(*Store).CommitEvents, bareTxEvents a
// transaction in batches of o.batch, into a fresh database with the real schema (beside -db,
// so on the same disk, or in the temporary directory), with no HTTP, JSON or group-commit
// writer. It prints and returns the events per second.
func measureBareInsert(ctx context.Context, o options) (float64, error) {
	parent := ""
	if o.db != "" {
		parent = filepath.Dir(o.db)
	}
	dir, err := os.MkdirTemp(parent, "loadgen-bare-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "bare.db"))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	gen := newEventGen()
	perTx := max(1, bareTxEvents/o.batch)
	var events, calls int64
	start := time.Now()
	deadline := start.Add(o.duration)
	for time.Now().Before(deadline) && calls < o.requests {
		now := time.Now().UTC()
		batches := make([][]store.Event, perTx)
		for i := range batches {
			_, evs := gen.batch(o.batch, now)
			for j := range evs {
				evs[j].PlatformID, evs[j].ReceivedAt = 1, now
			}
			batches[i] = evs
		}
		stored, err := st.CommitEvents(ctx, batches)
		if err != nil {
			return 0, err
		}
		for i, n := range stored {
			if n != len(batches[i]) {
				return 0, fmt.Errorf("bare insert: %d of a batch of %d were new; want all", n, len(batches[i]))
			}
			events += int64(n)
		}
		calls++
	}
	elapsed := time.Since(start)
	rate := float64(events) / elapsed.Seconds()
	fmt.Printf("events   bare insert: %d events in %d CommitEvents of %d (%d batches of %d) in %s = %.0f events/s\n",
		events, calls, perTx*o.batch, perTx, o.batch, elapsed.Round(time.Millisecond), rate)
	return rate, nil
}
