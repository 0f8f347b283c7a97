package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
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
	for {
		n, err := s.foldOnce(ctx, limit)
		if errors.Is(err, errFoldRaced) {
			continue // another fold moved the cursor first: start again from where it ended
		}
		if err != nil {
			return 0, fmt.Errorf("store.AggregateEvents: %w", err)
		}
		return n, nil
	}
}

// errFoldRaced: the cursor moved between reading events and writing their fold.
var errFoldRaced = errors.New("another fold moved the cursor")

// foldOnce folds the next events past the cursor. Everything but the writes happens before the
// write transaction, on a reader connection, so that the single writer (which ingestion needs)
// is held only for the upserts: reading the events back and grouping them costs more than
// writing the groups. Events up to a committed id are all committed (ids grow with each write
// transaction), and the transaction moves the cursor only from where the read started, so a
// concurrent fold makes this one start again instead of counting twice.
func (s *Store) foldOnce(ctx context.Context, limit int) (int, error) {
	var last, upper, n int64
	if err := s.r.QueryRowContext(ctx, `SELECT last_event FROM analytics_cursor WHERE id = 1`).Scan(&last); err != nil {
		return 0, err
	}
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0), count(*) FROM (SELECT id FROM events WHERE id > ? ORDER BY id LIMIT ?)`,
		last, limit).Scan(&upper, &n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	evs, err := s.Reader.foldEvents(ctx, last, upper)
	if err != nil {
		return 0, err
	}
	plan := planFold(evs)
	if err := s.Reader.mergeSketches(ctx, plan); err != nil {
		return 0, err
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE analytics_cursor SET last_event = ?, updated_at = ? WHERE id = 1 AND last_event = ?`,
			upper, formatTime(tx.now), last)
		if err != nil {
			return err
		}
		if moved, err := res.RowsAffected(); err != nil || moved == 0 {
			return cmp.Or(err, errFoldRaced)
		}
		return tx.writeFold(ctx, s, plan)
	})
	return int(n), err
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

// foldedTypes are the event types the aggregates count; closes, CTA taps and restores are
// stored but not folded.
const foldedTypes = `'exposure', 'impression', 'purchase', 'trial_start'`

// foldsType says whether the aggregates count events of type t (see foldedTypes).
func foldsType(t string) bool {
	switch t {
	case "exposure", "impression", "purchase", "trial_start":
		return true
	}
	return false
}

// appendFoldEvents adds the counted ones of evs, stored with consecutive ids from first.
func appendFoldEvents(out []foldEvent, evs []Event, first int64) ([]foldEvent, error) {
	for k, e := range evs {
		if !foldsType(e.Type) {
			continue
		}
		f := foldEvent{id: first + int64(k), platform: e.PlatformID, typ: e.Type, device: e.DeviceID, campaign: e.Campaign,
			variant: e.Variant, paywall: e.Paywall, holdout: e.Holdout, sku: e.SKU, currency: e.Currency, at: e.OccurredAt.UnixMilli()}
		if e.Revenue != "" {
			var err error
			if f.revenue, err = results.ParseAmount(e.Revenue); err != nil {
				return nil, fmt.Errorf("event %s: %w", e.ID, err)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// foldEvents reads the events with ids in (last, upper] that the aggregates count.
func (s Reader) foldEvents(ctx context.Context, last, upper int64) ([]foldEvent, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT id, platform_id, type, device_id, campaign, variant, paywall, holdout, sku, revenue, currency, occurred_at
		FROM events WHERE id > ? AND id <= ? AND type IN (`+foldedTypes+`) ORDER BY id`, last, upper)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []foldEvent
	for rows.Next() {
		var e foldEvent
		var revenue, occurred string
		if err := rows.Scan(&e.id, &e.platform, &e.typ, &e.device, &e.campaign, &e.variant, &e.paywall, &e.holdout, &e.sku,
			&revenue, &e.currency, &occurred); err != nil {
			return nil, err
		}
		at, err := parseTime(occurred)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", e.id, err)
		}
		e.at = at.UnixMilli()
		if revenue != "" {
			if e.revenue, err = results.ParseAmount(revenue); err != nil {
				return nil, fmt.Errorf("event %d: %w", e.id, err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
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
	blob                           []byte // the day's sketch with viewers added
}

type platformDay struct{ platform, day int64 }

type platformFold struct {
	exposures int64
	viewers   []string
	blob      []byte
}

type revenueKey struct {
	paywallDay
	currency string
}

// foldPlan is a batch of events grouped into the rows they change.
type foldPlan struct {
	devices     map[deviceKey]*deviceFold
	deviceOrder []deviceKey
	paywalls    map[paywallDay]*paywallFold
	platforms   map[platformDay]*platformFold
	revenue     map[revenueKey]int64
	conversions []foldEvent
}

// planFold groups evs by the aggregate rows they change; it does no I/O.
func planFold(evs []foldEvent) *foldPlan {
	plan := &foldPlan{devices: map[deviceKey]*deviceFold{}, paywalls: map[paywallDay]*paywallFold{},
		platforms: map[platformDay]*platformFold{}, revenue: map[revenueKey]int64{}}
	devices, paywalls, platforms, revenue := plan.devices, plan.paywalls, plan.platforms, plan.revenue
	device := func(k deviceKey) *deviceFold {
		d := devices[k]
		if d == nil {
			d = &deviceFold{}
			devices[k] = d
			plan.deviceOrder = append(plan.deviceOrder, k)
		}
		return d
	}
	paywall := func(k paywallDay) *paywallFold {
		p := paywalls[k]
		if p == nil {
			p = &paywallFold{}
			paywalls[k] = p
		}
		return p
	}
	platform := func(k platformDay) *platformFold {
		p := platforms[k]
		if p == nil {
			p = &platformFold{}
			platforms[k] = p
		}
		return p
	}

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
			plan.conversions = append(plan.conversions, e)
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

	return plan
}

// mergeSketches adds each day's new viewers to the stored sketches, read before the write
// transaction: only a fold writes sketches, and a fold's transaction checks that no other fold
// came in between.
func (s Reader) mergeSketches(ctx context.Context, plan *foldPlan) error {
	for k, p := range plan.paywalls {
		stored, err := s.sketch(ctx, `SELECT viewers FROM daily_paywalls WHERE platform_id = ? AND day = ? AND paywall = ?`, k.platform, k.day, k.paywall)
		if err != nil {
			return err
		}
		if p.blob, err = addViewers(stored, p.viewers); err != nil {
			return err
		}
	}
	for k, p := range plan.platforms {
		stored, err := s.sketch(ctx, `SELECT viewers FROM daily_platforms WHERE platform_id = ? AND day = ?`, k.platform, k.day)
		if err != nil {
			return err
		}
		if p.blob, err = addViewers(stored, p.viewers); err != nil {
			return err
		}
	}
	return nil
}

// writeFold writes a planned fold.
func (t *Tx) writeFold(ctx context.Context, s *Store, plan *foldPlan) error {
	if err := t.foldDevices(ctx, s, plan.deviceOrder, plan.devices); err != nil {
		return err
	}
	if err := t.foldConversions(ctx, s, plan.conversions); err != nil {
		return err
	}
	for k, p := range plan.paywalls {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO daily_paywalls (platform_id, day, paywall, impressions, purchases, trials, viewers)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET impressions = impressions + excluded.impressions,
			purchases = purchases + excluded.purchases, trials = trials + excluded.trials, viewers = excluded.viewers`,
			k.platform, k.day, k.paywall, p.impressions, p.purchases, p.trials, p.blob); err != nil {
			return err
		}
	}
	for k, p := range plan.platforms {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO daily_platforms (platform_id, day, exposures, viewers) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET exposures = exposures + excluded.exposures, viewers = excluded.viewers`,
			k.platform, k.day, p.exposures, p.blob); err != nil {
			return err
		}
	}
	for k, amount := range plan.revenue {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO daily_revenue (platform_id, day, paywall, currency, amount) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET amount = amount + excluded.amount`, k.platform, k.day, k.paywall, k.currency, amount); err != nil {
			return err
		}
	}
	return nil
}

// sketch loads a stored viewers sketch, or nil when there is none yet.
func (s Reader) sketch(ctx context.Context, query string, args ...any) ([]byte, error) {
	var blob []byte
	err := s.q.QueryRowContext(ctx, query, args...).Scan(&blob)
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
