package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"nami/results"
)

// CampaignCohorts counts a campaign's devices by arm and day of first exposure, for the devices
// first exposed in [from, to) on the given platforms, with their conversions and trials within
// window of that exposure, and the revenue of those purchases by arm and currency.
func (s Reader) CampaignCohorts(ctx context.Context, platformIDs []int64, campaign string, from, to time.Time, window time.Duration) ([]results.CohortDay, map[string]map[string]int64, error) {
	type key struct {
		arm string
		day int64
	}
	days := map[key]*results.CohortDay{}
	day := func(arm string, d int64) *results.CohortDay {
		if arm == "" {
			arm = results.Holdout
		}
		c := days[key{arm, d}]
		if c == nil {
			c = &results.CohortDay{Arm: arm, Day: d}
			days[key{arm, d}] = c
		}
		return c
	}
	revenue := map[string]map[string]int64{}
	lo, hi, win := from.UnixMilli(), to.UnixMilli(), window.Milliseconds()
	for _, pid := range platformIDs {
		// One pass over the campaign's devices, counted by arm and day in Go (analytics_scale.go):
		// a GROUP BY would sort them all first.
		var groups []byte
		if err := s.q.QueryRowContext(ctx, `SELECT `+cohortDaysFunc+`(arm, first_at, impressions, multiple)
			FROM campaign_devices WHERE platform_id = ? AND campaign = ? AND first_at >= ? AND first_at < ?`,
			pid, campaign, lo, hi).Scan(&groups); err != nil {
			return nil, nil, fmt.Errorf("store.CampaignCohorts: %w", err)
		}
		counted, err := readCohortDays(groups)
		if err != nil {
			return nil, nil, fmt.Errorf("store.CampaignCohorts: %w", err)
		}
		for _, g := range counted {
			c := day(g.arm, g.day)
			c.Exposed += g.exposed
			c.Impressions += g.impressions
			c.Viewers += g.viewers
			c.Multiple += g.multiple
		}

		// Conversions within the window of the device's first exposure: the conversions table is
		// small, and each one finds its device's campaign row by primary key. They are read first
		// (CROSS JOIN keeps that order) and in device order, from the covering index
		// conversions_devices (the + keeps the planner off conversions_time, which would give them
		// in time order), so that consecutive lookups land on the same pages of campaign_devices:
		// in time order each lands on a random page, about twice as slow at 1M devices.
		rows, err := s.q.QueryContext(ctx, `SELECT d.arm, d.first_at, c.device_id, c.type, c.revenue, c.currency
			FROM conversions c CROSS JOIN campaign_devices d ON d.platform_id = c.platform_id AND d.campaign = ? AND d.device_id = c.device_id
			WHERE c.platform_id = ? AND +c.occurred_at >= ? AND +c.occurred_at < ?
			AND d.first_at >= ? AND d.first_at < ? AND c.occurred_at >= d.first_at AND c.occurred_at < d.first_at + ?`,
			campaign, pid, lo, hi+win, lo, hi, win)
		if err != nil {
			return nil, nil, fmt.Errorf("store.CampaignCohorts: %w", err)
		}
		converted, trialled := map[string]bool{}, map[string]bool{}
		for rows.Next() {
			var arm, device, typ, currency string
			var first, amount int64
			if err := rows.Scan(&arm, &first, &device, &typ, &amount, &currency); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("store.CampaignCohorts: %w", err)
			}
			c := day(arm, floorDiv(first, dayMillis))
			switch typ {
			case "purchase":
				if !converted[device] {
					converted[device] = true
					c.Conversions++
				}
				if currency != "" {
					if revenue[c.Arm] == nil {
						revenue[c.Arm] = map[string]int64{}
					}
					revenue[c.Arm][currency] += amount
				}
			case "trial_start":
				if !trialled[device] {
					trialled[device] = true
					c.Trials++
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("store.CampaignCohorts: %w", err)
		}
	}
	out := make([]results.CohortDay, 0, len(days))
	for _, c := range days {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return out[i].Arm < out[j].Arm
	})
	return out, revenue, nil
}

// DayTotals is what one UTC day (or a range of days, summed) of an app's platforms shows.
type DayTotals struct {
	Day         int64
	Impressions int64
	Viewers     int64 // distinct devices with an impression, estimated
	Purchases   int64
	Trials      int64
	Exposures   int64
	Revenue     map[string]int64 // currency → 1/10000 units
}

// PaywallTotals is one paywall's line over a range of days; Paywall "" gathers purchases made
// outside any paywall.
type PaywallTotals struct {
	Paywall     string
	Impressions int64
	Viewers     int64
	Purchases   int64
	Trials      int64
	Revenue     map[string]int64
}

// Analytics is an app's activity over days [fromDay, toDay] on some platforms.
type Analytics struct {
	Days     []DayTotals // every day of the range, in order, zero when nothing happened
	Total    DayTotals   // the range; Viewers counts each device once
	Paywalls []PaywallTotals
}

// AppAnalytics reads the daily aggregates of the platforms over days [fromDay, toDay].
func (s Reader) AppAnalytics(ctx context.Context, platformIDs []int64, fromDay, toDay int64) (Analytics, error) {
	var out Analytics
	byDay := map[int64]*DayTotals{}
	for d := fromDay; d <= toDay; d++ {
		out.Days = append(out.Days, DayTotals{Day: d, Revenue: map[string]int64{}})
	}
	for i := range out.Days {
		byDay[out.Days[i].Day] = &out.Days[i]
	}
	out.Total.Revenue = map[string]int64{}
	paywalls := map[string]*PaywallTotals{}
	paywallViewers := map[string]*Viewers{}
	dayViewers := map[int64]*Viewers{}
	var total Viewers
	for _, pid := range platformIDs {
		rows, err := s.q.QueryContext(ctx, `SELECT day, paywall, impressions, purchases, trials, viewers FROM daily_paywalls
			WHERE platform_id = ? AND day >= ? AND day <= ?`, pid, fromDay, toDay)
		if err != nil {
			return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
		}
		for rows.Next() {
			var d, impressions, purchases, trials int64
			var paywall string
			var blob []byte
			if err := rows.Scan(&d, &paywall, &impressions, &purchases, &trials, &blob); err != nil {
				rows.Close()
				return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
			}
			t := byDay[d]
			t.Impressions += impressions
			t.Purchases += purchases
			t.Trials += trials
			p := paywalls[paywall]
			if p == nil {
				p = &PaywallTotals{Paywall: paywall, Revenue: map[string]int64{}}
				paywalls[paywall] = p
				paywallViewers[paywall] = &Viewers{}
			}
			p.Impressions += impressions
			p.Purchases += purchases
			p.Trials += trials
			if err := paywallViewers[paywall].Add(blob); err != nil {
				rows.Close()
				return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
		}

		rows, err = s.q.QueryContext(ctx, `SELECT day, exposures, viewers FROM daily_platforms WHERE platform_id = ? AND day >= ? AND day <= ?`,
			pid, fromDay, toDay)
		if err != nil {
			return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
		}
		for rows.Next() {
			var d, exposures int64
			var blob []byte
			if err := rows.Scan(&d, &exposures, &blob); err != nil {
				rows.Close()
				return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
			}
			byDay[d].Exposures += exposures
			if dayViewers[d] == nil {
				dayViewers[d] = &Viewers{}
			}
			err1, err2 := dayViewers[d].Add(blob), total.Add(blob)
			if err1 != nil || err2 != nil {
				rows.Close()
				return Analytics{}, fmt.Errorf("store.AppAnalytics: %v %v", err1, err2)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
		}

		rows, err = s.q.QueryContext(ctx, `SELECT day, paywall, currency, amount FROM daily_revenue WHERE platform_id = ? AND day >= ? AND day <= ?`,
			pid, fromDay, toDay)
		if err != nil {
			return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
		}
		for rows.Next() {
			var d, amount int64
			var paywall, currency string
			if err := rows.Scan(&d, &paywall, &currency, &amount); err != nil {
				rows.Close()
				return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
			}
			byDay[d].Revenue[currency] += amount
			out.Total.Revenue[currency] += amount
			if p := paywalls[paywall]; p != nil {
				p.Revenue[currency] += amount
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return Analytics{}, fmt.Errorf("store.AppAnalytics: %w", err)
		}
	}
	for i := range out.Days {
		t := &out.Days[i]
		if v := dayViewers[t.Day]; v != nil {
			t.Viewers = v.Count()
		}
		out.Total.Impressions += t.Impressions
		out.Total.Purchases += t.Purchases
		out.Total.Trials += t.Trials
		out.Total.Exposures += t.Exposures
	}
	out.Total.Viewers = total.Count()
	for name, p := range paywalls {
		p.Viewers = paywallViewers[name].Count()
		out.Paywalls = append(out.Paywalls, *p)
	}
	sort.Slice(out.Paywalls, func(i, j int) bool {
		if out.Paywalls[i].Impressions != out.Paywalls[j].Impressions {
			return out.Paywalls[i].Impressions > out.Paywalls[j].Impressions
		}
		return out.Paywalls[i].Paywall < out.Paywalls[j].Paywall
	})
	return out, nil
}

// DemoHistory says whether the app's analytics history was generated by the demo.
func (s Reader) DemoHistory(ctx context.Context, appID int64) (bool, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM demo_history WHERE app_id = ?`, appID).Scan(&n); err != nil {
		return false, fmt.Errorf("store.DemoHistory: %w", err)
	}
	return n > 0, nil
}

// MarkDemoHistory records that the app's history was generated by the demo.
func (t *Tx) MarkDemoHistory(ctx context.Context, appID int64) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO demo_history (app_id, generated_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		appID, formatTime(t.now)); err != nil {
		return fmt.Errorf("store.MarkDemoHistory: %w", err)
	}
	return nil
}
