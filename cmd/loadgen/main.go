// Command loadgen measures the SDK API of a running Nami server on this machine. `make load`
// starts a server with the demo app (and no events rate limit) and runs it. The phases:
//
//  1. rounds: requests per second for config and resolve, side by side with a bare net/http
//     handler that writes the same config bytes with the same headers, interleaved in rounds so
//     that each round compares the three under the same machine load (hammer.go, bare.go);
//  2. durable events: batches of events with unique ids posted from keep-alive connections; a
//     202 means the batch is committed, so the events acknowledged per second are the durable
//     rate. Refusals (429, 503) are sent again after their Retry-After, as an SDK would. With
//     -db, every acknowledged id is then looked up in SQLite (events.go, durable.go);
//  3. bare insert: the reference for phase 2, the same kind of rows committed in-process through
//     store.CommitEvents into a fresh database, with no HTTP and no group-commit writer;
//  4. mixed: rounds of bare, config and resolve again while a background poster ingests events
//     at a steady rate (mixed.go).
//
// Two other modes are named by the first argument: `loadgen analytics-data -db FILE` generates a
// large analytics history for the analytics benchmarks (analytics_data.go), and `loadgen
// fold-ratio` measures durable ingestion with and without the analytics aggregates (fold.go);
// `loadgen scale` measures the control center on generated catalogs of growing size (scale.go).
//
// It only talks to loopback addresses, and every phase is bounded by -duration and -requests.
// The bare handler runs in a child process of loadgen (started with -bare), so that it competes
// for the CPUs exactly as the Nami server process does; it is never part of Nami itself.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"time"
)

// The targets printed beside the figures; loadgen reports a missed target but does not fail on it
// (figures depend on the machine). It fails on errors and on lost events.
const (
	targetDurable      = 50_000                // durable events per second
	targetDurableRatio = 0.5                   // durable / bare insert
	targetEventsP99    = 50 * time.Millisecond // p99 latency of events requests
	targetMixedConfig  = 0.8                   // config / bare, while events are ingested
	targetMixedResolve = 0.5                   // resolve / bare, while events are ingested
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// options are the command line, clamped to sane bounds.
type options struct {
	base        *url.URL
	key         string
	duration    time.Duration
	requests    int64
	concurrency int
	rounds      int
	batch       int
	mixedRate   int
	db          string
}

func run() error {
	// Modes other than the load test are named by the first argument, each with its own flags.
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "analytics-data":
			return analyticsData(os.Args[2:])
		case "fold-ratio":
			return foldRatio(os.Args[2:])
		case "scale":
			return scale(os.Args[2:])
		}
	}
	var o options
	rawURL := flag.String("url", "http://127.0.0.1:8080", "the Nami server (loopback only)")
	flag.StringVar(&o.key, "key", "pk_lh8cm96yrkezvtddv4miodnzinfys2kc", "an SDK key of a published platform (default: the demo's iOS key)")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "how long each phase runs (at most 60s)")
	flag.Int64Var(&o.requests, "requests", 1_000_000, "the most requests one phase sends")
	flag.IntVar(&o.concurrency, "concurrency", 32, "parallel keep-alive connections")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds of bare, config and resolve, interleaved; the median is reported")
	flag.IntVar(&o.batch, "batch", 100, "events per events request")
	flag.IntVar(&o.mixedRate, "mixed-rate", 20_000, "events per second ingested in the background of the mixed phase (0: skip the phase)")
	flag.StringVar(&o.db, "db", "", "the server's database, to check that every acknowledged event was stored")
	bare := flag.String("bare", "", "internal: serve the config captured in this file as the bare handler")
	flag.Parse()
	if *bare != "" {
		return serveBare(*bare)
	}
	u, err := url.Parse(*rawURL)
	if err != nil {
		return err
	}
	if err := checkLoopback(u); err != nil {
		return err
	}
	o.base = u
	o.duration = min(max(o.duration, 500*time.Millisecond), time.Minute)
	o.requests = min(max(o.requests, 1), 10_000_000)
	o.concurrency = min(max(o.concurrency, 1), 512)
	o.rounds = min(max(o.rounds, 1), 10)
	o.batch = min(max(o.batch, 1), 500)
	o.mixedRate = min(max(o.mixedRate, 0), 200_000)
	return measure(o)
}

// checkLoopback refuses any host that is not this machine.
func checkLoopback(u *url.URL) error {
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url %s: only loopback addresses (127.0.0.1, ::1, localhost) may be load-tested", u)
}

// newClient is an HTTP client keeping up to conns keep-alive connections.
func newClient(conns int) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}}
}

// phase is one kind of request the rounds send: newReq makes the i-th request.
type phase struct {
	name   string
	newReq func(i int64) (*http.Request, error)
}

// measure runs every phase in turn and prints what it measured.
func measure(o options) error {
	ctx := context.Background()
	client := newClient(o.concurrency)
	configURL := o.base.JoinPath("sdk/v1/platforms", o.key, "config").String()
	captured, err := waitForConfig(client, configURL)
	if err != nil {
		return err
	}
	bareURL, stopBare, err := startBare(captured)
	if err != nil {
		return err
	}
	defer stopBare()
	var db *serverDB
	if o.db != "" {
		if db, err = openServerDB(ctx, o.db, o.key); err != nil {
			return err
		}
		defer db.st.Close()
	}

	resolveURL := o.base.JoinPath("sdk/v1/platforms", o.key, "resolve").String()
	resolveBody := []byte(`{"device_id":"%d","label":"onboarding","attributes":{"country":"US","locale":"en-US","app_version":"3.2.1","days_since_install":3}}`)
	phases := []phase{
		{"bare", func(int64) (*http.Request, error) { return http.NewRequest("GET", bareURL, nil) }},
		{"config", func(int64) (*http.Request, error) { return http.NewRequest("GET", configURL, nil) }},
		{"resolve", func(i int64) (*http.Request, error) {
			return http.NewRequest("POST", resolveURL, bytes.NewReader(fmt.Appendf(nil, string(resolveBody), i)))
		}},
	}
	fmt.Printf("loadgen: %s, %d connections, %s per phase, %d rounds, %d-byte config\n",
		o.base, o.concurrency, o.duration, o.rounds, len(captured.Body))
	warm := o
	warm.duration = min(time.Second, o.duration)
	for _, ph := range phases { // warm up both servers (connections, caches, heap) unmeasured
		if _, err := hammer(client, warm, ph.newReq, http.StatusOK); err != nil {
			return fmt.Errorf("%s: %w", ph.name, err)
		}
	}
	rates, err := runRounds(client, o, phases, "round")
	if err != nil {
		return err
	}
	printMedians("median", rates, nil)

	gen := newEventGen()
	durable, lost, err := measureDurable(ctx, client, o, gen, db)
	if err != nil {
		return err
	}
	bare, err := measureBareInsert(ctx, o)
	if err != nil {
		return err
	}
	ratio := durable / bare
	fmt.Printf("events   durable/bare insert = %.2f  [target >= %.1f: %s]\n", ratio, targetDurableRatio, verdict(ratio >= targetDurableRatio))

	if o.mixedRate > 0 {
		mixedLost, err := measureMixed(ctx, client, o, phases, gen, db)
		if err != nil {
			return err
		}
		lost += mixedLost
	}
	if lost > 0 {
		return fmt.Errorf("%d acknowledged events are not in the database", lost)
	}
	return nil
}

// runRounds runs the phases one after the other, o.rounds times, and returns each phase's
// requests per second by round. Each line is prefixed with label and the round's number.
func runRounds(client *http.Client, o options, phases []phase, label string) (map[string][]float64, error) {
	rates := map[string][]float64{}
	for round := 1; round <= o.rounds; round++ {
		for _, ph := range phases {
			r, err := hammer(client, o, ph.newReq, http.StatusOK)
			if err != nil {
				return nil, fmt.Errorf("%s %d %s: %w", label, round, ph.name, err)
			}
			rates[ph.name] = append(rates[ph.name], r.perSecond())
			fmt.Printf("  %s %d  %-8s %9.0f req/s  (%d requests, p50 %s, p99 %s)\n", label, round, ph.name, r.perSecond(), r.n,
				r.quantile(0.5), r.quantile(0.99))
		}
	}
	return rates, nil
}

// printMedians prints the median rate of bare, config and resolve, and the median of the
// ratios to bare within each round: each round measures the three side by side, so the ratio
// within a round is the fairest comparison on a machine whose load drifts. A phase with a target
// ratio gets it printed beside, with whether it was met.
func printMedians(label string, rates map[string][]float64, targets map[string]float64) {
	fmt.Printf("%-8s bare     %9.0f req/s\n", label, median(rates["bare"]))
	for _, name := range []string{"config", "resolve"} {
		ratios := make([]float64, len(rates[name]))
		for i := range ratios {
			ratios[i] = rates[name][i] / rates["bare"][i]
		}
		r := median(ratios)
		line := fmt.Sprintf("%-8s %-8s %9.0f req/s  = %.2f of bare in the same round", label, name, median(rates[name]), r)
		if t, ok := targets[name]; ok {
			line += fmt.Sprintf("  [target >= %.1f: %s]", t, verdict(r >= t))
		}
		fmt.Println(line)
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// verdict says whether a target was met.
func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}

// errStop ends a worker's loop without an error: its phase is over or its request budget spent.
var errStop = errors.New("phase over")
