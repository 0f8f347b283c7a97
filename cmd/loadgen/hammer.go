package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// result is what one phase of a round measured.
type result struct {
	n         int64
	elapsed   time.Duration
	latencies []time.Duration // a sample
}

func (r result) perSecond() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r result) quantile(q float64) time.Duration {
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return quantile(s, q)
}

// quantile is the q-quantile of sorted latencies, rounded to the microsecond; 0 when there are none.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(q*float64(len(sorted)-1))].Round(time.Microsecond)
}

// hammer sends requests from o.concurrency workers until o.duration passes or o.requests are
// sent; any answer other than want stops the phase with an error.
func hammer(client *http.Client, o options, newReq func(i int64) (*http.Request, error), want int) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	var sent atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var latencies []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for ctx.Err() == nil {
				i := sent.Add(1)
				if i > o.requests {
					break
				}
				t := time.Now()
				status, err := do(client, newReq, i)
				if err == nil && status != want {
					err = fmt.Errorf("status %d, want %d", status, want)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil && ctx.Err() == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					break
				}
				if i%16 == 0 {
					mine = append(mine, time.Since(t))
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	n := min(sent.Load(), o.requests)
	return result{n: n, elapsed: elapsed, latencies: latencies}, firstErr
}

// do sends the i-th request and reads its answer through.
func do(client *http.Client, newReq func(i int64) (*http.Request, error), i int64) (int, error) {
	req, err := newReq(i)
	if err != nil {
		return 0, err
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, err
}
