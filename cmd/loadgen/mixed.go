package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// mixedConns is how many keep-alive connections the background poster of the mixed phase uses:
// enough to keep its pace while each request waits for its commit.
const mixedConns = 8

// measureMixed runs the rounds of bare, config and resolve again while a background poster
// ingests o.mixedRate events a second, paced (a batch every o.batch/o.mixedRate seconds, spread
// over mixedConns connections; a late poster catches up). It prints the rounds, the medians and
// ratios to bare in the same round against their targets, what the poster achieved and, with db,
// whether every event it had acknowledged is stored; it returns how many are not.
func measureMixed(ctx context.Context, client *http.Client, o options, phases []phase, gen *eventGen, db *serverDB) (int64, error) {
	p := newPoster(newClient(mixedConns), o, gen)
	interval := time.Duration(float64(time.Second) * float64(o.batch) / float64(o.mixedRate))
	// The rounds bound the phase; the poster's own bound is a guard should they not.
	bg, cancel := context.WithTimeout(ctx, time.Duration(o.rounds*len(phases)+1)*o.duration+30*time.Second)
	defer cancel()
	fmt.Printf("mixed    background: %d connections posting %d events/s (a batch of %d every %s); bare, config and resolve again meanwhile\n",
		mixedConns, o.mixedRate, o.batch, interval)
	var slot atomic.Int64
	var wg sync.WaitGroup
	var errOnce sync.Once
	var posterErr error
	start := time.Now()
	for range mixedConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				due := start.Add(time.Duration(slot.Add(1)-1) * interval)
				if wait := time.Until(due); wait > 0 {
					select {
					case <-bg.Done():
						return
					case <-time.After(wait):
					}
				}
				err := p.post(bg)
				if errors.Is(err, errStop) {
					return
				}
				if err != nil {
					errOnce.Do(func() { posterErr = err })
					return
				}
			}
		}()
	}
	// Let the poster reach its pace (and the writer its rhythm) before measuring.
	select {
	case <-bg.Done():
	case <-time.After(min(time.Second, o.duration)):
	}
	rates, roundsErr := runRounds(client, o, phases, "mixed")
	cancel()
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(roundsErr, posterErr); err != nil {
		return 0, fmt.Errorf("mixed: %w", err)
	}
	acked := p.acked.count()
	fmt.Printf("mixed    background acknowledged %d events in %s = %.0f events/s (paced at %d); refused: %s\n",
		acked, elapsed.Round(time.Millisecond), float64(acked)/elapsed.Seconds(), o.mixedRate, p.refusals())
	lat, _ := p.latencySummary()
	fmt.Printf("mixed    background latency of %s\n", lat)
	printMedians("mixed", rates, map[string]float64{"config": targetMixedConfig, "resolve": targetMixedResolve})
	if db == nil {
		return 0, nil
	}
	lost, firstLost, err := db.check(ctx, gen, &p.acked)
	if err != nil {
		return 0, err
	}
	fmt.Printf("mixed    SQLite: %d of %d acknowledged ids stored, lost %d\n", acked-lost, acked, lost)
	if lost > 0 {
		fmt.Printf("mixed    LOST: e.g. %s was acknowledged but is not stored\n", firstLost)
	}
	return lost, nil
}
