package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"time"

	"nami/events"
	"nami/store"
)

// analytics-data generates a large, deterministic analytics history into a database, for the
// analytics benchmarks (store/analytics_bench_test.go, make bench-analytics):
//
//	loadgen analytics-data -db .bench/analytics.db -devices 1000000 -events 5000000 -seed 1
//
// It creates an app "bench-analytics" with one iOS platform, two paywalls and one live campaign
// "big-test" (variants a and b at 50/50 on the paywalls big-a and big-b, and a 10% holdout),
// then a 30-day history ending at -end: every device is exposed once at a random time (arm by
// the weights), a fifth of them a second time later (a few in the other arm), most non-held-out
// devices see their arm's paywall 1 to 4 times, about 8% start a trial and 5% (a), 6% (b) or 3%
// (holdout) buy within a few days of their exposure, 20% of them in EUR; a few devices buy
// before their exposure, a few buy again a month later. Closes and CTA taps fill the history up
// to -events. Every event is one an SDK could send (a sample of the batches goes through
// events.Parse to prove it); they are stored in the order the server would have received them
// (3% of them flushed hours to days late, out of device-time order) with store.CommitEvents,
// the insert the SDK ingestion uses, 5,000 a transaction, then folded with AggregateAll.
//
// The same -seed, -devices, -events and -days give the same history, shifted to -end.

// Refs of what the generator creates.
const (
	genApp       = "bench-analytics"
	genPlatform  = "ios"
	genCampaign  = "big-test"
	genPlacement = "onboarding"
	genYearly    = "com.example.bench.yearly"
	genMonthly   = "com.example.bench.monthly"
)

// genArms are the arms in the order of genEvent.arm: the holdout, then the variants.
var genArms = [...]struct {
	variant, paywall string
	purchase, trial  float64 // chance a device of the arm buys, starts a trial, after its exposure
}{
	{"", "", 0.03, 0.04},
	{"a", "big-a", 0.05, 0.08},
	{"b", "big-b", 0.06, 0.08},
}

// Event types of genEvent.typ.
const (
	genExposure = iota
	genImpression
	genClose
	genCTATap
	genTrial
	genPurchase
	genOutside // a purchase outside any paywall or campaign (before the device's exposure)
)

// genEvent is one event, compact: 5M of them fit in 160 MB before they are sorted.
type genEvent struct {
	recv    int64 // when the server received it, unix ms
	at      int64 // device time, unix ms
	dev     int32
	typ     uint8
	arm     uint8 // index in genArms
	monthly bool  // the monthly product, else the yearly one
	eur     bool
}

// genPrices are the products' prices: [monthly][eur].
var genPrices = [2][2]string{{"59.99", "54.99"}, {"9.99", "8.99"}}

type genOptions struct {
	db                string
	devices, events   int
	seed              uint64
	days              int
	end               time.Time
	checkEvery, batch int
}

func analyticsData(args []string) error {
	fs := flag.NewFlagSet("loadgen analytics-data", flag.ContinueOnError)
	var o genOptions
	fs.StringVar(&o.db, "db", "", "the database file to create (refused if it already holds the app "+genApp+")")
	fs.IntVar(&o.devices, "devices", 1_000_000, "devices exposed to the campaign")
	fs.IntVar(&o.events, "events", 5_000_000, "events to generate, about (closes and CTA taps fill up to it)")
	fs.Uint64Var(&o.seed, "seed", 1, "the random seed")
	fs.IntVar(&o.days, "days", 30, "days of history")
	end := fs.String("end", "", "when the history ends, RFC 3339 (default: today 00:00 UTC)")
	fs.IntVar(&o.checkEvery, "check-every", 10, "run every n-th transaction's events through events.Parse (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.db == "" {
		return errors.New("analytics-data: -db FILE is required")
	}
	if o.devices < 1 || o.devices > 50_000_000 || o.days < 1 || o.days > 3660 || o.events < 0 || o.events > 200_000_000 {
		return errors.New("analytics-data: -devices 1 to 50M, -days 1 to 3660, -events up to 200M")
	}
	o.end = time.Now().UTC().Truncate(24 * time.Hour)
	if *end != "" {
		t, err := time.Parse(time.RFC3339, *end)
		if err != nil {
			return fmt.Errorf("analytics-data: -end: %w", err)
		}
		o.end = t.UTC()
	}
	o.batch = bareTxEvents
	return generate(context.Background(), o)
}

func generate(ctx context.Context, o genOptions) error {
	start := time.Now()
	st, err := store.Open(ctx, o.db)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			st.Close()
		}
	}()
	from := o.end.Add(-time.Duration(o.days) * 24 * time.Hour)
	platformID, err := genCatalog(ctx, st, from)
	if err != nil {
		return err
	}

	evs := genHistory(o, from)
	fmt.Printf("analytics-data: %d devices, %d events from %s to %s generated and sorted in %s\n",
		o.devices, len(evs), from.Format(time.DateOnly), o.end.Format(time.DateOnly), time.Since(start).Round(time.Millisecond))

	// Insert in the order of reception, in transactions of o.batch events (batches of 100, as
	// the writer groups requests), with ids numbered in that order as loadgen's others are.
	prefix := "an" + strconv.FormatUint(o.seed, 10) + "-"
	insertStart := time.Now()
	lastPrint := insertStart
	checked := 0
	const perRequest = 100
	buf := make([]store.Event, 0, o.batch)
	for i := 0; i < len(evs); i += o.batch {
		part := evs[i:min(i+o.batch, len(evs))]
		buf = buf[:0]
		for j, g := range part {
			buf = append(buf, g.event(o.seed, platformID, prefix+strconv.FormatInt(int64(i+j), 36)))
		}
		var batches [][]store.Event
		for k := 0; k < len(buf); k += perRequest {
			batches = append(batches, buf[k:min(k+perRequest, len(buf))])
		}
		tx := i / o.batch
		if o.checkEvery > 0 && tx%o.checkEvery == 0 {
			for _, b := range batches {
				if err := checkLikeSDK(b, platformID); err != nil {
					return fmt.Errorf("analytics-data: transaction %d: %w", tx, err)
				}
				checked += len(b)
			}
		}
		stored, err := st.CommitEvents(ctx, batches)
		if err != nil {
			return err
		}
		for k, n := range stored {
			if n != len(batches[k]) {
				return fmt.Errorf("analytics-data: %d of a batch of %d were new; want all (is the database already generated?)", n, len(batches[k]))
			}
		}
		if time.Since(lastPrint) >= 5*time.Second {
			lastPrint = time.Now()
			done := i + len(part)
			fmt.Printf("  inserted %d of %d events (%.0f events/s)\n", done, len(evs), float64(done)/time.Since(insertStart).Seconds())
		}
	}
	insert := time.Since(insertStart)
	fmt.Printf("analytics-data: inserted %d events with CommitEvents (%d a transaction) in %s = %.0f events/s; %d of them checked by events.Parse\n",
		len(evs), o.batch, insert.Round(time.Millisecond), float64(len(evs))/insert.Seconds(), checked)
	total := len(evs)
	evs = nil

	foldStart := time.Now()
	done := make(chan error, 1)
	go func() { done <- st.AggregateAll(ctx) }()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for waiting := true; waiting; {
		select {
		case err := <-done:
			if err != nil {
				return err
			}
			waiting = false
		case <-tick.C:
			if _, pending, err := st.AnalyticsAsOf(ctx); err == nil {
				fmt.Printf("  folding: %d events left (%s)\n", pending, time.Since(foldStart).Round(time.Second))
			}
		}
	}
	fold := time.Since(foldStart)
	fmt.Printf("analytics-data: folded %d events into the aggregates with AggregateAll in %s = %.0f events/s (%.1f µs an event)\n",
		total, fold.Round(time.Millisecond), float64(total)/fold.Seconds(), fold.Seconds()*1e6/float64(total))
	// Closing checkpoints the WAL into the file, so that its size is the database's.
	closed = true
	if err := st.Close(); err != nil {
		return err
	}
	if fi, err := os.Stat(o.db); err == nil {
		fmt.Printf("analytics-data: %s is %.0f MB; %s in all\n", o.db, float64(fi.Size())/(1<<20), time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// genCatalog creates the app, its platform, products, paywalls and live campaign, and returns the
// platform's id.
func genCatalog(ctx context.Context, st *store.Store, from time.Time) (int64, error) {
	var platformID int64
	err := st.InTx(ctx, func(tx *store.Tx) error {
		app := store.App{Slug: genApp, Name: "Bench Analytics"}
		if err := tx.CreateApp(ctx, &app); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("analytics-data: the database already holds the app %s; generate into a new file", genApp)
			}
			return err
		}
		pl := store.AppPlatform{AppID: app.ID, Ref: genPlatform, Store: "apple", Name: "iOS", BundleID: "com.example.bench", Environment: "production"}
		if err := tx.CreatePlatform(ctx, &pl); err != nil {
			return err
		}
		platformID = pl.ID
		var products []store.PaywallProduct
		for _, p := range []store.Product{
			{PlatformID: pl.ID, SKU: genYearly, Name: "Premium Yearly", Kind: "subscription", Price: "59.99", Currency: "USD", Period: "P1Y", Trial: "P1W"},
			{PlatformID: pl.ID, SKU: genMonthly, Name: "Premium Monthly", Kind: "subscription", Price: "9.99", Currency: "USD", Period: "P1M"},
		} {
			if err := tx.CreateProduct(ctx, &p); err != nil {
				return err
			}
			products = append(products, store.PaywallProduct{ProductID: p.ID, PlatformRef: genPlatform, SKU: p.SKU})
		}
		var variants []store.CampaignVariant
		for _, arm := range genArms[1:] {
			pw := store.Paywall{AppID: app.ID, Ref: arm.paywall, Name: "Big test " + arm.variant, Template: "minimal", DefaultLocale: "en",
				Theme:    store.Theme{Accent: "#334155", Background: "#F8FAFC", Text: "#0F172A"},
				Copy:     []store.Copy{{Locale: "en", Title: "Unlock Premium", Body: "Everything, everywhere.", CTA: "Subscribe", Footer: "Cancel anytime."}},
				Products: products, UpdatedBy: "loadgen"}
			if err := tx.CreatePaywall(ctx, &pw); err != nil {
				return err
			}
			variants = append(variants, store.CampaignVariant{Ref: arm.variant, PaywallID: pw.ID, Weight: 50})
		}
		c := store.Campaign{AppID: app.ID, Ref: genCampaign, Name: "Big test", Label: genPlacement, Status: "live", Priority: 10,
			StartsAt: &from, HoldoutPercent: 10, Variants: variants}
		return tx.CreateCampaign(ctx, &c)
	})
	return platformID, err
}

// Times in milliseconds.
const (
	msSecond = int64(1000)
	msMinute = 60 * msSecond
	msHour   = 60 * msMinute
	msDay    = 24 * msHour
)

// genHistory makes every event of the history, sorted by the time the server received them.
func genHistory(o genOptions, from time.Time) []genEvent {
	rng := rand.New(rand.NewPCG(o.seed, 0x6e616d69))
	lo, hi := from.UnixMilli(), o.end.UnixMilli()
	span := hi - lo
	evs := make([]genEvent, 0, o.events+o.events/8)
	between := func(a, b int64) int64 { return a + rng.Int64N(b-a) }
	add := func(e genEvent) {
		if e.at < hi {
			evs = append(evs, e)
		}
	}
	for d := range o.devices {
		dev := int32(d)
		first := lo + rng.Int64N(span)
		arm := uint8(1 + rng.IntN(2))
		if rng.Float64() < 0.10 {
			arm = 0
		}
		add(genEvent{at: first, dev: dev, typ: genExposure, arm: arm})
		if rng.Float64() < 0.20 { // exposed again later, in the same arm but for a few
			again := arm
			if arm != 0 && rng.Float64() < 0.01 {
				again = 3 - arm
			}
			add(genEvent{at: first + between(msHour, 10*msDay), dev: dev, typ: genExposure, arm: again})
		}
		if arm != 0 && rng.Float64() < 0.95 { // the arm's paywall, 1 to 4 times
			n := 1 + rng.IntN(4)
			add(genEvent{at: first + between(500, 3*msSecond), dev: dev, typ: genImpression, arm: arm})
			for range n - 1 {
				add(genEvent{at: first + between(msMinute, 5*msDay), dev: dev, typ: genImpression, arm: arm})
			}
		}
		conv := func() int64 { // after the exposure: most within the hour, the rest within 5 days
			if rng.Float64() < 0.7 {
				return first + between(msMinute, msHour)
			}
			return first + between(msHour, 5*msDay)
		}
		if rng.Float64() < genArms[arm].trial {
			add(genEvent{at: conv(), dev: dev, typ: genTrial, arm: arm, eur: rng.Float64() < 0.2})
		}
		if rng.Float64() < genArms[arm].purchase {
			e := genEvent{at: conv(), dev: dev, typ: genPurchase, arm: arm, monthly: rng.Float64() < 0.6, eur: rng.Float64() < 0.2}
			add(e)
			if rng.Float64() < 0.1 { // renewed a month later, when the history reaches it
				e.at += 30 * msDay
				add(e)
			}
		}
		if rng.Float64() < 0.005 { // bought before the exposure: not a conversion
			add(genEvent{at: first - between(msHour, 5*msDay), dev: dev, typ: genOutside, arm: arm, monthly: true, eur: rng.Float64() < 0.2})
		}
	}
	// Closes and CTA taps after impressions fill the history up to o.events.
	impressions := 0
	for _, e := range evs {
		if e.typ == genImpression {
			impressions++
		}
	}
	if fill := float64(o.events - len(evs)); fill > 0 && impressions > 0 {
		per := fill / float64(impressions)
		core := len(evs)
		for i := range core {
			e := evs[i]
			if e.typ != genImpression {
				continue
			}
			n := int(per + rng.Float64())
			at := e.at
			for range n {
				at += between(2*msSecond, 2*msMinute)
				typ := uint8(genClose)
				if rng.Float64() < 0.25 {
					typ = genCTATap
				}
				add(genEvent{at: at, dev: e.dev, typ: typ, arm: e.arm})
			}
		}
	}
	// Reception: most within seconds, 3% flushed from an offline device hours or days later.
	for i := range evs {
		e := &evs[i]
		delay := between(200, 30*msSecond)
		if rng.Float64() < 0.03 {
			delay = between(msHour, 3*msDay)
		}
		e.recv = min(e.at+delay, hi-1)
	}
	slices.SortFunc(evs, func(a, b genEvent) int {
		switch {
		case a.recv != b.recv:
			return cmpInt(a.recv, b.recv)
		case a.dev != b.dev:
			return cmpInt(int64(a.dev), int64(b.dev))
		case a.at != b.at:
			return cmpInt(a.at, b.at)
		}
		return int(a.typ) - int(b.typ)
	})
	return evs
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// deviceID is device d's id, a UUID as SDKs make them, derived from the seed.
func deviceID(seed uint64, d int32) string {
	x := splitmix(seed ^ uint64(d)*0x9e3779b97f4a7c15)
	y := splitmix(x)
	const hexDigits = "0123456789abcdef"
	var b [36]byte
	k := 0
	for i := range 32 {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b[k] = '-'
			k++
		}
		v := x
		if i >= 16 {
			v = y
		}
		b[k] = hexDigits[(v>>(4*(i%16)))&0xf]
		k++
	}
	b[14] = '4' // version 4
	return string(b[:])
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// event is g as the SDK API would have stored it.
func (g genEvent) event(seed uint64, platformID int64, id string) store.Event {
	arm := genArms[g.arm]
	e := store.Event{PlatformID: platformID, ID: id, DeviceID: deviceID(seed, g.dev),
		OccurredAt: time.UnixMilli(g.at).UTC(), ReceivedAt: time.UnixMilli(g.recv).UTC()}
	named := func() {
		e.Placement, e.Campaign, e.Variant, e.Paywall = genPlacement, genCampaign, arm.variant, arm.paywall
	}
	switch g.typ {
	case genExposure:
		e.Type = events.TypeExposure
		named()
		e.Holdout = g.arm == 0
	case genImpression, genClose, genCTATap:
		e.Type = [...]string{genImpression: events.TypeImpression, genClose: events.TypeClose, genCTATap: events.TypeCTATap}[g.typ]
		named()
	case genTrial, genPurchase, genOutside:
		e.Type, e.SKU = events.TypePurchase, genYearly
		if g.monthly {
			e.SKU = genMonthly
		}
		monthly, eur := 0, 0
		if g.monthly {
			monthly = 1
		}
		if g.eur {
			eur, e.Currency = 1, "EUR"
		} else {
			e.Currency = "USD"
		}
		e.Revenue = genPrices[monthly][eur]
		if g.typ == genTrial {
			e.Type, e.SKU, e.Revenue = events.TypeTrialStart, genYearly, "0"
		}
		if g.typ != genOutside && g.arm != 0 { // on the arm's paywall; the holdout's are outside any
			named()
		}
	}
	return e
}

// checkLikeSDK sends evs through the SDK API's check, as JSON, and fails unless every event
// passes and reads back as it is.
func checkLikeSDK(evs []store.Event, platformID int64) error {
	body := appendBatch(nil, evs)
	got, problem := events.Parse(body, platformID, time.Now().UTC())
	if problem != nil {
		return fmt.Errorf("events.Parse refused a generated batch: %s", problem.Message)
	}
	for i := range evs {
		want, g := evs[i], got[i]
		same := g.OccurredAt.Equal(want.OccurredAt)
		want.OccurredAt, want.ReceivedAt, g.OccurredAt, g.ReceivedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if !same || g != want {
			return fmt.Errorf("events.Parse read %+v back as %+v", evs[i], got[i])
		}
	}
	return nil
}
