package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Event is one thing a device reported through the SDK API, for analytics.
type Event struct {
	PlatformID int64
	ID         string // the SDK's own id, unique per platform: a retried event is stored once
	Type       string // exposure, impression, close, cta_tap, trial_start, purchase, restore
	DeviceID   string
	Placement  string // the label the app asked for
	Campaign   string
	Variant    string
	Paywall    string
	Holdout    bool      // an exposure of a held-out device
	SKU        string    // purchases and trial starts
	Revenue    string    // a decimal amount, e.g. "39.99"
	Currency   string    // ISO 4217
	OccurredAt time.Time // as the device reported it
	ReceivedAt time.Time // when the server accepted it
}

// eventColumns are the columns one event fills, in the order eventArgs appends them.
const eventColumns = `platform_id, event_id, type, device_id, placement, campaign, variant, paywall, holdout, sku, revenue, currency, occurred_at, received_at`

const eventParams = 14

// eventRowsPerStatement is how many events one INSERT carries at most: 14 parameters each, well
// under SQLite's limit of 32766, and large enough that statement overhead stays small.
const eventRowsPerStatement = 100

func eventArgs(args []any, e Event) []any {
	return append(args, e.PlatformID, e.ID, e.Type, e.DeviceID, e.Placement, e.Campaign, e.Variant, e.Paywall,
		e.Holdout, e.SKU, e.Revenue, e.Currency, formatTime(e.OccurredAt), formatTime(e.ReceivedAt))
}

// eventInserts holds the INSERT of each row count, prepared once on the writer connection and
// reused by every transaction: parsing a 100-row INSERT costs as much as running it.
type eventInserts struct {
	mu    sync.Mutex
	stmts [eventRowsPerStatement + 1]*sql.Stmt
}

func (s *Store) eventInsert(ctx context.Context, rows int) (*sql.Stmt, error) {
	s.inserts.mu.Lock()
	defer s.inserts.mu.Unlock()
	if st := s.inserts.stmts[rows]; st != nil {
		return st, nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO events (` + eventColumns + `) VALUES `)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
	}
	b.WriteString(` ON CONFLICT (platform_id, event_id) DO NOTHING`)
	st, err := s.w.PrepareContext(ctx, b.String())
	if err != nil {
		return nil, err
	}
	s.inserts.stmts[rows] = st
	return st, nil
}

// CommitEvents stores several batches of events in one transaction and says, for each batch, how
// many of its events were new; the others carried an id the platform had already stored (a
// retry) and were left as they were. Either every batch is committed or none is. When the
// analytics aggregates are up to date, the new events are folded into them in the same
// transaction, from memory: a committed event is a counted one.
func (s *Store) CommitEvents(ctx context.Context, batches [][]Event) ([]int, error) {
	stored := make([]int, len(batches))
	// Prepare before the transaction: it holds the one writer connection that preparing needs.
	for _, batch := range batches {
		for _, n := range []int{min(len(batch), eventRowsPerStatement), len(batch) % eventRowsPerStatement} {
			if n > 0 {
				if _, err := s.eventInsert(ctx, n); err != nil {
					return nil, fmt.Errorf("store.CommitEvents: %w", err)
				}
			}
		}
	}
	if err := s.prepareFold(ctx); err != nil {
		return nil, fmt.Errorf("store.CommitEvents: %w", err)
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		// Fold in this transaction only when every stored event is already folded; otherwise
		// the background fold catches up first (after an upgrade, or while it runs).
		var last, before int64
		if err := tx.tx.QueryRowContext(ctx, `SELECT last_event FROM analytics_cursor WHERE id = 1`).Scan(&last); err != nil {
			return err
		}
		if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&before); err != nil {
			return err
		}
		inline := s.FoldOnCommit && last == before
		var fresh []foldEvent
		var readBack [][2]int64 // id ranges whose new events are not known in memory
		args := make([]any, 0, eventParams*eventRowsPerStatement)
		for i, batch := range batches {
			for len(batch) > 0 {
				n := min(len(batch), eventRowsPerStatement)
				stmt, err := s.eventInsert(ctx, n)
				if err != nil {
					return err
				}
				args = args[:0]
				for _, e := range batch[:n] {
					args = eventArgs(args, e)
				}
				res, err := tx.tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
				if err != nil {
					return err
				}
				added, err := res.RowsAffected()
				if err != nil {
					return err
				}
				stored[i] += int(added)
				if inline && added > 0 {
					lastID, err := res.LastInsertId()
					if err != nil {
						return err
					}
					// The rows of one INSERT take consecutive ids; when every row was new, the
					// k-th event has the k-th id. With duplicates among them, which ones are new
					// is read back.
					if int(added) == n {
						if fresh, err = appendFoldEvents(fresh, batch[:n], lastID-int64(n)+1); err != nil {
							return err
						}
					} else {
						readBack = append(readBack, [2]int64{lastID - added, lastID})
					}
				}
				batch = batch[n:]
			}
		}
		if !inline {
			return nil
		}
		for _, r := range readBack {
			evs, err := tx.Reader.foldEvents(ctx, r[0], r[1])
			if err != nil {
				return err
			}
			fresh = append(fresh, evs...)
		}
		var after int64
		if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&after); err != nil {
			return err
		}
		if after == before {
			return nil
		}
		plan := planFold(fresh)
		if err := tx.Reader.mergeSketches(ctx, plan); err != nil {
			return err
		}
		if err := tx.writeFold(ctx, s, plan); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `UPDATE analytics_cursor SET last_event = ?, updated_at = ? WHERE id = 1`, after, formatTime(tx.now))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store.CommitEvents: %w", err)
	}
	return stored, nil
}

// DeleteEventsReceivedBefore deletes up to limit of the oldest stored events received before
// cutoff and says how many went. It walks the table in storage order (the order events were
// received), so it reads only what it deletes and never scans the recent events. It deletes
// only events already folded into the aggregates, and never the newest event: ids then keep
// growing, which the aggregates' cursor relies on.
func (s *Store) DeleteEventsReceivedBefore(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?) AND received_at < ?
			AND id <= (SELECT last_event FROM analytics_cursor WHERE id = 1) AND id < (SELECT max(id) FROM events)`,
			limit, formatTime(cutoff))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store.DeleteEventsReceivedBefore: %w", err)
	}
	return int(n), nil
}

// writeCheckBytes is what CheckWritable writes: enough to need new pages, so that a full disk
// or a size limit shows, not only a read-only file.
const writeCheckBytes = 64 << 10

// CheckWritable writes and deletes a scratch row in one transaction, and says why the database
// cannot take writes when it cannot: the file or its directory is read-only, or the disk is full.
func (s *Store) CheckWritable(ctx context.Context) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO write_check (data) VALUES (zeroblob(?))`, writeCheckBytes)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `DELETE FROM write_check WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store.CheckWritable: %w", err)
	}
	return nil
}

// ErrReadOnly and ErrFull classify a failed write for messages: the database file (or its
// directory) cannot be written, or the disk (or the database's size limit) is full.
var (
	ErrReadOnly = errors.New("the database is read-only")
	ErrFull     = errors.New("the disk is full")
)

// WriteProblem says in a few words why a write failed: ErrReadOnly, ErrFull, or err itself.
func WriteProblem(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "readonly") || strings.Contains(msg, "read-only") || strings.Contains(msg, "SQLITE_READONLY"):
		return fmt.Errorf("%w: %v", ErrReadOnly, err)
	case strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "SQLITE_FULL") || strings.Contains(msg, "no space left"):
		return fmt.Errorf("%w: %v", ErrFull, err)
	}
	return err
}

// LimitPages caps the database file at pages pages (SQLite's max_page_count) on the writer
// connection, so that writes past it fail as on a full disk; 0 lifts the cap to SQLite's
// maximum. Tests use it to fill the disk without filling the machine's.
func (s *Store) LimitPages(ctx context.Context, pages int) error {
	if pages <= 0 {
		pages = 0xfffffffe
	}
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		return fmt.Errorf("store.LimitPages: %w", err)
	}
	return nil
}

// PageCount is the database file's size in pages.
func (s *Store) PageCount(ctx context.Context) (int, error) {
	var n int
	if err := s.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store.PageCount: %w", err)
	}
	return n, nil
}

// CountEvents counts the events stored for a platform, or for every platform when platformID is 0.
func (s Reader) CountEvents(ctx context.Context, platformID int64) (int, error) {
	var n int
	var err error
	if platformID == 0 {
		err = s.q.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n)
	} else {
		err = s.q.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE platform_id = ?`, platformID).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("store.CountEvents: %w", err)
	}
	return n, nil
}

// Events lists a platform's events in the order they were stored, at most limit of them.
func (s Reader) Events(ctx context.Context, platformID int64, limit int) ([]Event, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE platform_id = ? ORDER BY id LIMIT ?`, platformID, limit)
	if err != nil {
		return nil, fmt.Errorf("store.Events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var occurred, received string
		if err := rows.Scan(&e.PlatformID, &e.ID, &e.Type, &e.DeviceID, &e.Placement, &e.Campaign, &e.Variant, &e.Paywall,
			&e.Holdout, &e.SKU, &e.Revenue, &e.Currency, &occurred, &received); err != nil {
			return nil, fmt.Errorf("store.Events: %w", err)
		}
		if e.OccurredAt, err = parseTime(occurred); err != nil {
			return nil, fmt.Errorf("store.Events: %w", err)
		}
		if e.ReceivedAt, err = parseTime(received); err != nil {
			return nil, fmt.Errorf("store.Events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EventIDs lists the ids of a platform's stored events, for checks that every acknowledged
// event is there.
func (s Reader) EventIDs(ctx context.Context, platformID int64) (map[string]bool, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT event_id FROM events WHERE platform_id = ?`, platformID)
	if err != nil {
		return nil, fmt.Errorf("store.EventIDs: %w", err)
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store.EventIDs: %w", err)
		}
		ids[id] = true
	}
	return ids, rows.Err()
}
