package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/axiomhq/hyperloglog"

	"nami/results"
)

// The aggregates (migration 009) are folded from raw events after they are committed, in
// batches, by AggregateEvents: the events pipeline runs it every second, and the demo and the
// tests run it before they read. Each fold is one transaction that also moves the cursor, so
// every event is folded exactly once, even across a crash.

// dayMillis is a UTC day in milliseconds; days are numbered from 1970-01-01.
const dayMillis = 24 * 60 * 60 * 1000

// DayOf is the number of t's UTC day.
func DayOf(t time.Time) int64 { return floorDiv(t.UnixMilli(), dayMillis) }

// DayStart is the first instant of UTC day d.
func DayStart(d int64) time.Time { return time.UnixMilli(d * dayMillis).UTC() }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// AggregateBatch is how many events one fold takes at most.
const AggregateBatch = 20000

// AggregateEvents folds up to limit events past the cursor into the aggregates and says how
// many it folded; fewer than limit means it has caught up.
func (s *Store) AggregateEvents(ctx context.Context, limit int) (int, error) {
	// Prepare before the transaction: it holds the one writer connection that preparing needs.
	if err := s.prepareFold(ctx); err != nil {
		return 0, fmt.Errorf("store.AggregateEvents: %w", err)
	}
	n := 0
	err := s.InTx(ctx, func(tx *Tx) error {
		var last int64
		if err := tx.tx.QueryRowContext(ctx, `SELECT last_event FROM analytics_cursor WHERE id = 1`).Scan(&last); err != nil {
			return err
		}
		evs, upTo, err := tx.eventsAfter(ctx, last, limit)
		if err != nil || len(evs) == 0 {
			return err
		}
		n = len(evs)
		if err := tx.fold(ctx, s, evs); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `UPDATE analytics_cursor SET last_event = ?, updated_at = ? WHERE id = 1`, upTo, formatTime(tx.now))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store.AggregateEvents: %w", err)
	}
	return n, nil
}

// AggregateAll folds every pending event; the demo and tests call it before they read results.
func (s *Store) AggregateAll(ctx context.Context) error {
	for {
		n, err := s.AggregateEvents(ctx, AggregateBatch)
		if err != nil || n < AggregateBatch {
			return err
		}
	}
}

// AnalyticsAsOf says until when the aggregates are complete: the last fold's time, or the zero
// time when nothing was folded yet, and how many stored events wait to be folded.
func (s Reader) AnalyticsAsOf(ctx context.Context) (time.Time, int64, error) {
	var updated string
	var last, pending int64
	err := s.q.QueryRowContext(ctx, `SELECT last_event, updated_at FROM analytics_cursor WHERE id = 1`).Scan(&last, &updated)
	if err == nil {
		err = s.q.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE id > ?`, last).Scan(&pending)
	}
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("store.AnalyticsAsOf: %w", err)
	}
	if updated == "" {
		return time.Time{}, pending, nil
	}
	t, err := parseTime(updated)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("store.AnalyticsAsOf: %w", err)
	}
	return t, pending, nil
}

// foldEvent is the part of a raw event the aggregates use.
type foldEvent struct {
	platform                                int64
	typ, device, campaign, variant, paywall string
	holdout                                 bool
	sku, currency                           string
	revenue                                 int64
	at                                      int64 // unix ms
	id                                      int64
}

func (t *Tx) eventsAfter(ctx context.Context, last int64, limit int) ([]foldEvent, int64, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT id, platform_id, type, device_id, campaign, variant, paywall, holdout, sku, revenue, currency, occurred_at
		FROM events WHERE id > ? ORDER BY id LIMIT ?`, last, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []foldEvent
	upTo := last
	for rows.Next() {
		var e foldEvent
		var revenue, occurred string
		if err := rows.Scan(&e.id, &e.platform, &e.typ, &e.device, &e.campaign, &e.variant, &e.paywall, &e.holdout, &e.sku,
			&revenue, &e.currency, &occurred); err != nil {
			return nil, 0, err
		}
		at, err := parseTime(occurred)
		if err != nil {
			return nil, 0, fmt.Errorf("event %d: %w", e.id, err)
		}
		e.at = at.UnixMilli()
		if revenue != "" {
			if e.revenue, err = results.ParseAmount(revenue); err != nil {
				return nil, 0, fmt.Errorf("event %d: %w", e.id, err)
			}
		}
		upTo = e.id
		out = append(out, e)
	}
	return out, upTo, rows.Err()
}

type deviceKey struct {
	platform         int64
	campaign, device string
}

type deviceFold struct {
	firstAt     int64 // 0: no exposure in this fold
	arm         string
	multiple    bool
	impressions int64
}

type paywallDay struct {
	platform, day int64
	paywall       string
}

type paywallFold struct {
	impressions, purchases, trials int64
	viewers                        []string
}

type platformDay struct{ platform, day int64 }

type platformFold struct {
	exposures int64
	viewers   []string
}

type revenueKey struct {
	paywallDay
	currency string
}

// fold adds evs to the aggregates.
func (t *Tx) fold(ctx context.Context, s *Store, evs []foldEvent) error {
	devices := map[deviceKey]*deviceFold{}
	var deviceOrder []deviceKey
	device := func(k deviceKey) *deviceFold {
		d := devices[k]
		if d == nil {
			d = &deviceFold{}
			devices[k] = d
			deviceOrder = append(deviceOrder, k)
		}
		return d
	}
	paywalls := map[paywallDay]*paywallFold{}
	paywall := func(k paywallDay) *paywallFold {
		p := paywalls[k]
		if p == nil {
			p = &paywallFold{}
			paywalls[k] = p
		}
		return p
	}
	platforms := map[platformDay]*platformFold{}
	platform := func(k platformDay) *platformFold {
		p := platforms[k]
		if p == nil {
			p = &platformFold{}
			platforms[k] = p
		}
		return p
	}
	revenue := map[revenueKey]int64{}
	var conversions []foldEvent

	for _, e := range evs {
		day := floorDiv(e.at, dayMillis)
		switch e.typ {
		case "exposure":
			if e.campaign == "" {
				continue
			}
			arm := e.variant
			if e.holdout {
				arm = ""
			}
			d := device(deviceKey{e.platform, e.campaign, e.device})
			switch {
			case d.firstAt == 0:
				d.firstAt, d.arm = e.at, arm
			case arm != d.arm:
				d.multiple = true
				if e.at < d.firstAt {
					d.firstAt, d.arm = e.at, arm
				}
			case e.at < d.firstAt:
				d.firstAt = e.at
			}
			platform(platformDay{e.platform, day}).exposures++
		case "impression":
			if e.campaign != "" {
				device(deviceKey{e.platform, e.campaign, e.device}).impressions++
			}
			p := paywall(paywallDay{e.platform, day, e.paywall})
			p.impressions++
			p.viewers = append(p.viewers, e.device)
			pl := platform(platformDay{e.platform, day})
			pl.viewers = append(pl.viewers, e.device)
		case "purchase", "trial_start":
			conversions = append(conversions, e)
			p := paywall(paywallDay{e.platform, day, e.paywall})
			if e.typ == "purchase" {
				p.purchases++
				if e.currency != "" {
					revenue[revenueKey{paywallDay{e.platform, day, e.paywall}, e.currency}] += e.revenue
				}
			} else {
				p.trials++
			}
		}
	}

	if err := t.foldDevices(ctx, s, deviceOrder, devices); err != nil {
		return err
	}
	if err := t.foldConversions(ctx, s, conversions); err != nil {
		return err
	}
	for k, p := range paywalls {
		sketch, err := t.sketch(ctx, `SELECT viewers FROM daily_paywalls WHERE platform_id = ? AND day = ? AND paywall = ?`, k.platform, k.day, k.paywall)
		if err != nil {
			return err
		}
		blob, err := addViewers(sketch, p.viewers)
		if err != nil {
			return err
		}
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO daily_paywalls (platform_id, day, paywall, impressions, purchases, trials, viewers)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET impressions = impressions + excluded.impressions,
			purchases = purchases + excluded.purchases, trials = trials + excluded.trials, viewers = excluded.viewers`,
			k.platform, k.day, k.paywall, p.impressions, p.purchases, p.trials, blob); err != nil {
			return err
		}
	}
	for k, p := range platforms {
		sketch, err := t.sketch(ctx, `SELECT viewers FROM daily_platforms WHERE platform_id = ? AND day = ?`, k.platform, k.day)
		if err != nil {
			return err
		}
		blob, err := addViewers(sketch, p.viewers)
		if err != nil {
			return err
		}
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO daily_platforms (platform_id, day, exposures, viewers) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET exposures = exposures + excluded.exposures, viewers = excluded.viewers`,
			k.platform, k.day, p.exposures, blob); err != nil {
			return err
		}
	}
	for k, amount := range revenue {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO daily_revenue (platform_id, day, paywall, currency, amount) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET amount = amount + excluded.amount`, k.platform, k.day, k.paywall, k.currency, amount); err != nil {
			return err
		}
	}
	return nil
}

// sketch loads a stored viewers sketch, or nil when there is none yet.
func (t *Tx) sketch(ctx context.Context, query string, args ...any) ([]byte, error) {
	var blob []byte
	err := t.tx.QueryRowContext(ctx, query, args...).Scan(&blob)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return blob, err
}

// newSketch is the viewers estimator: HyperLogLog++ with 2^14 registers (about 0.8% standard
// error), sparse and so exact in practice while a day has a few thousand viewers.
func newSketch() *hyperloglog.Sketch { return hyperloglog.New14() }

func addViewers(blob []byte, devices []string) ([]byte, error) {
	sk := newSketch()
	if blob != nil {
		if err := sk.UnmarshalBinary(blob); err != nil {
			return nil, fmt.Errorf("viewers sketch: %w", err)
		}
	}
	for _, d := range devices {
		sk.Insert([]byte(d))
	}
	return sk.MarshalBinary()
}

// Viewers is a set of devices estimated by a sketch, merged across days, paywalls and platforms.
type Viewers struct{ sk *hyperloglog.Sketch }

// Add merges a stored sketch into v.
func (v *Viewers) Add(blob []byte) error {
	if blob == nil {
		return nil
	}
	other := newSketch()
	if err := other.UnmarshalBinary(blob); err != nil {
		return fmt.Errorf("viewers sketch: %w", err)
	}
	if v.sk == nil {
		v.sk = other
		return nil
	}
	return v.sk.Merge(other)
}

// Count is the estimated number of distinct devices.
func (v Viewers) Count() int64 {
	if v.sk == nil {
		return 0
	}
	return int64(v.sk.Estimate())
}

// deviceUpsert folds a device's exposure and impressions into its campaign row: the earliest
// exposure gives the arm, two arms make it multiple.
const deviceUpsert = ` ON CONFLICT DO UPDATE SET
	first_at = CASE WHEN excluded.first_at IS NOT NULL AND (first_at IS NULL OR excluded.first_at < first_at) THEN excluded.first_at ELSE first_at END,
	arm = CASE WHEN excluded.first_at IS NOT NULL AND (first_at IS NULL OR excluded.first_at < first_at) THEN excluded.arm ELSE arm END,
	multiple = CASE WHEN multiple = 1 OR excluded.multiple = 1 OR (first_at IS NOT NULL AND excluded.first_at IS NOT NULL AND arm <> excluded.arm) THEN 1 ELSE 0 END,
	impressions = impressions + excluded.impressions`

func (t *Tx) foldDevices(ctx context.Context, s *Store, order []deviceKey, devices map[deviceKey]*deviceFold) error {
	args := make([]any, 0, 7*bulkRows)
	for len(order) > 0 {
		n := chunk(len(order))
		args = args[:0]
		for _, k := range order[:n] {
			d := devices[k]
			var first any
			if d.firstAt != 0 {
				first = d.firstAt
			}
			args = append(args, k.platform, k.campaign, k.device, first, d.arm, d.multiple, d.impressions)
		}
		if _, err := t.tx.StmtContext(ctx, s.bulk.stmt(foldDevices, n)).ExecContext(ctx, args...); err != nil {
			return err
		}
		order = order[n:]
	}
	return nil
}

func (t *Tx) foldConversions(ctx context.Context, s *Store, evs []foldEvent) error {
	args := make([]any, 0, 10*bulkRows)
	for len(evs) > 0 {
		n := chunk(len(evs))
		args = args[:0]
		for _, e := range evs[:n] {
			args = append(args, e.id, e.platform, e.device, e.typ, e.at, e.revenue, e.currency, e.sku, e.paywall, e.campaign)
		}
		if _, err := t.tx.StmtContext(ctx, s.bulk.stmt(foldConversions, n)).ExecContext(ctx, args...); err != nil {
			return err
		}
		evs = evs[n:]
	}
	return nil
}

// bulkRows is how many rows one multi-row statement of the fold carries; what is left over goes
// one row per statement, so that only two statements per table need preparing.
const bulkRows = 100

func chunk(left int) int {
	if left >= bulkRows {
		return bulkRows
	}
	return 1
}

// foldStatement is a multi-row INSERT of the fold: head, one row's placeholders, tail.
type foldStatement struct{ name, head, row, tail string }

var (
	foldDevices = foldStatement{"campaign_devices", `INSERT INTO campaign_devices (platform_id, campaign, device_id, first_at, arm, multiple, impressions) VALUES `,
		"(?,?,?,?,?,?,?)", deviceUpsert}
	foldConversions = foldStatement{"conversions", `INSERT INTO conversions (event, platform_id, device_id, type, occurred_at, revenue, currency, sku, paywall, campaign) VALUES `,
		"(?,?,?,?,?,?,?,?,?,?)", ` ON CONFLICT DO NOTHING`}
)

// bulkStatements holds the fold's statements prepared once on the writer connection: preparing
// a 100-row statement costs as much as running it.
type bulkStatements struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (s *Store) prepareFold(ctx context.Context) error {
	s.bulk.mu.Lock()
	defer s.bulk.mu.Unlock()
	if s.bulk.stmts != nil {
		return nil
	}
	stmts := map[string]*sql.Stmt{}
	for _, f := range []foldStatement{foldDevices, foldConversions} {
		for _, rows := range []int{1, bulkRows} {
			q := f.head + strings.Repeat(f.row+",", rows-1) + f.row + f.tail
			st, err := s.w.PrepareContext(ctx, q)
			if err != nil {
				return err
			}
			stmts[f.name+"/"+strconv.Itoa(rows)] = st
		}
	}
	s.bulk.stmts = stmts
	return nil
}

func (b *bulkStatements) stmt(f foldStatement, rows int) *sql.Stmt {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stmts[f.name+"/"+strconv.Itoa(rows)]
}
