// Package demo generates the demo app's analytics history: 30 days of devices seeing paywalls
// and buying, made up but deterministic, sent through the SDK API's own event check and the
// store's event insert, then counted like real events. The app is marked as carrying demo data.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"nami/events"
	"nami/store"
)

// Days is how far back the history goes.
const Days = 30

// platformPlan is how a platform's devices behave and what they buy.
type platformPlan struct {
	ref    string
	share  float64 // of the devices
	prices []price // what a purchase buys, picked in turn
}

type price struct {
	sku, amount, currency string
}

var platforms = []platformPlan{
	{"ios", 0.55, []price{{"com.example.calmsky.yearly", "59.99", "USD"}, {"com.example.calmsky.monthly", "9.99", "USD"}, {"com.example.calmsky.yearly", "59.99", "USD"}, {"com.example.calmsky.lifetime", "149.99", "USD"}}},
	{"android", 0.35, []price{{"calmsky_premium_yearly", "59.99", "USD"}, {"calmsky_premium_monthly", "9.99", "USD"}}},
	{"web", 0.10, []price{{"calmsky-yearly-eur", "54.99", "EUR"}, {"calmsky-monthly-usd", "8.99", "USD"}}},
}

// arm is one arm of a demo campaign and how its devices convert.
type arm struct {
	variant, paywall string // variant "" is the holdout
	weight           float64
	purchase, trial  float64 // chance within the week after exposure
}

// campaignPlan is a demo campaign's traffic.
type campaignPlan struct {
	ref, label string
	perDay     int // new devices a day
	days       int // days it has run
	arms       []arm
}

// The onboarding test ran long enough for a clear winner (b); the upgrade prompt started three
// days ago and has too few devices for a verdict; the default paywall shows to everyone else.
var campaigns = []campaignPlan{
	{"onboarding-ab", "onboarding", 800, Days, []arm{
		{"a", "spring", 45, 0.060, 0.10},
		{"b", "yearly-focus", 45, 0.085, 0.12},
		{"", "", 10, 0.030, 0},
	}},
	{"default", "", 500, Days, []arm{{"main", "quiet", 100, 0.040, 0.08}}},
	{"upgrade-prompt", "settings", 60, 3, []arm{
		{"a", "yearly-focus", 50, 0.05, 0.05},
		{"b", "spring", 50, 0.07, 0.05},
	}},
}

// event is one event as an SDK sends it.
type event struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	DeviceID  string `json:"device_id"`
	Time      string `json:"time"`
	Placement string `json:"placement,omitempty"`
	Campaign  string `json:"campaign,omitempty"`
	Variant   string `json:"variant,omitempty"`
	Paywall   string `json:"paywall,omitempty"`
	Holdout   bool   `json:"holdout,omitempty"`
	SKU       string `json:"sku,omitempty"`
	Revenue   string `json:"revenue,omitempty"`
	Currency  string `json:"currency,omitempty"`
}

// History generates the history of the app's platforms up to now and counts it. It is
// deterministic for a given now (to the day), and stores nothing when it fails.
func History(ctx context.Context, st *store.Store, app store.App, now time.Time) error {
	plats, err := st.Platforms(ctx, app.ID)
	if err != nil {
		return fmt.Errorf("demo history: %w", err)
	}
	ids := map[string]int64{}
	for _, p := range plats {
		ids[p.Ref] = p.ID
	}
	byPlatform := map[string][]event{}
	rng := rand.New(rand.NewPCG(20261129, 7))
	end := now.UTC()
	n := 0
	for _, c := range campaigns {
		today := end.Truncate(24 * time.Hour)
		for day := c.days - 1; day >= 0; day-- {
			// Whole UTC days up to today, so that the last 30 days hold the whole history.
			// Traffic grows a little through the month and dips at weekends.
			start := today.Add(-time.Duration(day) * 24 * time.Hour)
			volume := float64(c.perDay) * (0.85 + 0.3*float64(Days-day)/Days)
			if wd := start.Weekday(); wd == time.Saturday || wd == time.Sunday {
				volume *= 0.8
			}
			for range int(volume) {
				n++
				plat := pickPlatform(rng)
				device := fmt.Sprintf("demo-%s-%06d", plat.ref, n)
				at := start.Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
				a := pickArm(rng, c.arms)
				if at.After(end) {
					continue // later today
				}
				byPlatform[plat.ref] = append(byPlatform[plat.ref], deviceEvents(rng, n, plat, device, c, a, at, end)...)
			}
		}
	}
	var batches [][]store.Event
	for _, p := range platforms {
		pid, ok := ids[p.ref]
		if !ok {
			continue
		}
		evs := byPlatform[p.ref]
		for len(evs) > 0 {
			k := min(len(evs), events.MaxBatch)
			body, err := json.Marshal(map[string][]event{"events": evs[:k]})
			if err != nil {
				return fmt.Errorf("demo history: %w", err)
			}
			checked, problem := events.Parse(body, pid, end)
			if problem != nil {
				return fmt.Errorf("demo history: %s", problem.Message)
			}
			batches = append(batches, checked)
			evs = evs[k:]
		}
	}
	if _, err := st.CommitEvents(ctx, batches); err != nil {
		return fmt.Errorf("demo history: %w", err)
	}
	if err := st.AggregateAll(ctx); err != nil {
		return fmt.Errorf("demo history: %w", err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.MarkDemoHistory(ctx, app.ID) }); err != nil {
		return fmt.Errorf("demo history: %w", err)
	}
	return nil
}

// deviceEvents is one device's story: exposed at `at`, shown the arm's paywall once or a few
// times, perhaps closing it, starting a trial or buying within the next days.
func deviceEvents(rng *rand.Rand, n int, plat platformPlan, device string, c campaignPlan, a arm, at, end time.Time) []event {
	seq := 0
	id := func() string { seq++; return fmt.Sprintf("demo-%d-%d", n, seq) }
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	exp := event{ID: id(), Type: "exposure", DeviceID: device, Time: stamp(at), Placement: c.label, Campaign: c.ref, Variant: a.variant, Paywall: a.paywall}
	if a.variant == "" {
		exp.Holdout, exp.Variant, exp.Paywall = true, "", ""
	}
	out := []event{exp}
	if a.variant != "" {
		views := 1 + rng.IntN(3)
		for i := range views {
			// The first view follows the exposure; later ones come the same day or up to three days on.
			t := at.Add(time.Duration(i*rng.IntN(4))*24*time.Hour + time.Duration(i*rng.IntN(3600))*time.Second + time.Second)
			if t.After(end) {
				break
			}
			out = append(out, event{ID: id(), Type: "impression", DeviceID: device, Time: stamp(t), Placement: c.label, Campaign: c.ref, Variant: a.variant, Paywall: a.paywall})
			if rng.Float64() < 0.5 {
				out = append(out, event{ID: id(), Type: "close", DeviceID: device, Time: stamp(t.Add(20 * time.Second)), Campaign: c.ref, Variant: a.variant, Paywall: a.paywall})
			}
		}
	}
	later := func() (time.Time, bool) {
		t := at.Add(time.Duration(rng.Int64N(int64(6 * 24 * time.Hour))))
		return t, !t.After(end)
	}
	if rng.Float64() < a.trial {
		if t, ok := later(); ok {
			p := plat.prices[0]
			out = append(out, event{ID: id(), Type: "trial_start", DeviceID: device, Time: stamp(t), Campaign: c.ref, Variant: a.variant, Paywall: a.paywall,
				SKU: p.sku, Revenue: "0", Currency: p.currency})
		}
	}
	if rng.Float64() < a.purchase {
		if t, ok := later(); ok {
			p := plat.prices[rng.IntN(len(plat.prices))]
			ev := event{ID: id(), Type: "purchase", DeviceID: device, Time: stamp(t), Campaign: c.ref, Variant: a.variant, Paywall: a.paywall,
				SKU: p.sku, Revenue: p.amount, Currency: p.currency}
			if a.variant == "" {
				ev.Campaign = "" // a held-out device buys from the app's own screen
			}
			out = append(out, ev)
		}
	}
	return out
}

func pickPlatform(rng *rand.Rand) platformPlan {
	x := rng.Float64()
	for _, p := range platforms {
		if x < p.share {
			return p
		}
		x -= p.share
	}
	return platforms[0]
}

func pickArm(rng *rand.Rand, arms []arm) arm {
	var total float64
	for _, a := range arms {
		total += a.weight
	}
	x := rng.Float64() * total
	for _, a := range arms {
		if x < a.weight {
			return a
		}
		x -= a.weight
	}
	return arms[len(arms)-1]
}
