package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"nami/catalog"
	"nami/events"
	"nami/publish"
	"nami/sdkapi"
	"nami/store"
)

// fold-ratio measures what the analytics aggregates cost durable ingestion:
//
//	loadgen fold-ratio -duration 5s -rounds 5
//
// Each round runs the durable events phase of the load test (measureDurable: batches posted
// from keep-alive connections, a 202 meaning committed, every acknowledged id then looked up)
// twice, against the SDK API served in this process over loopback on a fresh database with the
// published demo app: once with the pipeline folding committed events into the aggregates every
// second (the production setting), once with the folding loop off (events.Options.AggregateEvery
// < 0). The order alternates from round to round, so that a drift of the machine's load does not
// favour one side. Batches carry -per-device events per device (20 devices a batch of 100 by
// default: exposures, impressions, CTA taps and closes naming the campaign and its paywalls,
// some purchases), so each fold upserts thousands of devices. It prints both rates, each round's
// ratio and their median against the target, how far the fold was behind when the phase ended,
// and how fast the fold alone goes (folding the run without the loop, afterwards).

// targetFoldRatio is the least durable rate with the aggregates, as a share of the rate without.
const targetFoldRatio = 0.8

func foldRatio(args []string) error {
	fs := flag.NewFlagSet("loadgen fold-ratio", flag.ContinueOnError)
	var o options
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "how long each measurement runs (at most 60s)")
	fs.IntVar(&o.rounds, "rounds", 5, "rounds of (with, without) or (without, with); the median ratio is reported")
	fs.IntVar(&o.concurrency, "concurrency", 32, "parallel keep-alive connections")
	fs.IntVar(&o.batch, "batch", 100, "events per events request")
	perDevice := fs.Int("per-device", 5, "events of each device in a batch (0: one device a batch)")
	dir := fs.String("dir", "", "where the temporary databases go (default: the system's temporary directory)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the first measurement with the aggregates to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.key = demoIOSKey
	o.requests = 10_000_000
	o.duration = min(max(o.duration, 500*time.Millisecond), time.Minute)
	o.rounds = min(max(o.rounds, 1), 10)
	o.concurrency = min(max(o.concurrency, 1), 512)
	o.batch = min(max(o.batch, 1), 500)

	ctx := context.Background()
	var prof *os.File
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		prof = f
	}
	fmt.Printf("fold-ratio: durable events with and without the analytics aggregates; %d connections, batches of %d (%d events a device), %s each, %d rounds\n",
		o.concurrency, o.batch, *perDevice, o.duration, o.rounds)
	var ratios, with, without []float64
	for round := 1; round <= o.rounds; round++ {
		order := []bool{true, false}
		if round%2 == 0 {
			order = []bool{false, true}
		}
		rates := map[bool]float64{}
		for _, fold := range order {
			r, err := measureFold(ctx, o, *dir, *perDevice, fold, prof)
			if err != nil {
				return fmt.Errorf("round %d: %w", round, err)
			}
			if fold {
				prof = nil // profile the first measurement only
			}
			rates[fold] = r
		}
		ratio := rates[true] / rates[false]
		ratios = append(ratios, ratio)
		with, without = append(with, rates[true]), append(without, rates[false])
		fmt.Printf("fold-ratio round %d: %.0f events/s with the aggregates, %.0f without = %.2f\n", round, rates[true], rates[false], ratio)
	}
	r := median(ratios)
	fmt.Printf("fold-ratio median: %.0f events/s with the aggregates, %.0f without; ratio %.2f (rounds %s)  [target >= %.1f: %s]\n",
		median(with), median(without), r, formatRatios(ratios), targetFoldRatio, verdict(r >= targetFoldRatio))
	return nil
}

func formatRatios(rs []float64) string {
	s := ""
	for i, r := range rs {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%.2f", r)
	}
	return s
}

// demoIOSKey is the demo catalog's iOS SDK key (catalog/demo.json).
const demoIOSKey = "pk_lh8cm96yrkezvtddv4miodnzinfys2kc"

// measureFold serves the published demo app from a fresh database in this process, runs the
// durable phase against it with the folding loop on or off, and returns the durable rate. It
// also prints how many events were left to fold when the phase ended and how long folding them
// took (with the loop on), or how fast folding the whole run goes (with it off).
func measureFold(ctx context.Context, o options, parent string, perDevice int, fold bool, prof *os.File) (float64, error) {
	name := "without the aggregates (folding loop off)"
	every := time.Duration(-1)
	if fold {
		name, every = "with the aggregates (folded every second)", 0
	}
	fmt.Printf("--- %s\n", name)
	dir, err := os.MkdirTemp(parent, "loadgen-fold-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "fold.db"))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	res, err := catalog.ApplyDemo(ctx, st, "loadgen")
	if err != nil {
		return 0, err
	}
	if _, err := publish.Publish(ctx, st, res.App, "loadgen", "fold ratio"); err != nil {
		return 0, err
	}
	platform, err := st.PlatformByKey(ctx, o.key)
	if err != nil {
		return 0, err
	}
	st.FoldOnCommit = fold // without the aggregates: neither the commit nor the loop folds
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sdk, err := sdkapi.New(ctx, st, log, sdkapi.Options{Events: events.Options{Rate: -1, AggregateEvery: every}})
	if err != nil {
		return 0, err
	}
	sdk.Start()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, errors.Join(err, sdk.Close(ctx))
	}
	srv := &http.Server{Handler: sdk, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	stop := func() error {
		shut, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return errors.Join(srv.Shutdown(shut), sdk.Close(shut))
	}
	o.base = &url.URL{Scheme: "http", Host: ln.Addr().String()}
	client := newClient(o.concurrency)
	defer client.CloseIdleConnections()

	// Warm up (connections, heap) unmeasured, then measure.
	gen := newEventGen()
	gen.perDevice = perDevice
	warm := o
	warm.duration = time.Second
	p := newPoster(client, warm, gen)
	if err := warmUp(ctx, p, warm); err != nil {
		return 0, errors.Join(err, stop())
	}
	if fold && prof != nil {
		if err := pprof.StartCPUProfile(prof); err != nil {
			return 0, errors.Join(err, stop())
		}
	}
	rate, lost, err := measureDurable(ctx, client, o, gen, &serverDB{st: st, platformID: platform.ID})
	if fold && prof != nil {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return 0, errors.Join(err, stop())
	}
	if lost > 0 {
		return 0, errors.Join(fmt.Errorf("%d acknowledged events are not in the database", lost), stop())
	}
	_, pending, err := st.AnalyticsAsOf(ctx)
	if err != nil {
		return 0, errors.Join(err, stop())
	}
	total, err := st.CountEvents(ctx, 0)
	if err != nil {
		return 0, errors.Join(err, stop())
	}
	if err := stop(); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := st.AggregateAll(ctx); err != nil {
		return 0, err
	}
	took := time.Since(start)
	if fold {
		fmt.Printf("fold     %d of %d events were waiting to be folded when the phase ended; folded in %s\n", pending, total, took.Round(time.Millisecond))
	} else {
		fmt.Printf("fold     alone, afterwards: %d events folded in %s = %.0f events/s (%.1f µs an event)\n",
			pending, took.Round(time.Millisecond), float64(pending)/took.Seconds(), took.Seconds()*1e6/float64(max(pending, 1)))
	}
	return rate, nil
}

// warmUp posts batches from o.concurrency connections for o.duration, unmeasured.
func warmUp(ctx context.Context, p *poster, o options) error {
	phase, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	errs := make(chan error, o.concurrency)
	for range o.concurrency {
		go func() {
			for {
				if err := p.post(phase); err != nil {
					if errors.Is(err, errStop) {
						err = nil
					}
					errs <- err
					return
				}
			}
		}()
	}
	var first error
	for range o.concurrency {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}
