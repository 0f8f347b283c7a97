package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Event is one thing a device reported through the SDK API, for analytics.
type Event struct {
	PlatformID int64
	Type       string // impression, close, purchase, restore, cta_tap
	DeviceID   string
	Campaign   string
	Variant    string
	Paywall    string
	SKU        string
	OccurredAt time.Time // as the device reported it
	ReceivedAt time.Time // when the server accepted it
}

// eventRowsPerStatement is how many events one INSERT carries: 9 parameters each, well under
// SQLite's limit of 32766, and large enough that statement overhead stays small.
const eventRowsPerStatement = 200

// eventInsert is the INSERT for a full chunk of eventRowsPerStatement rows, built once.
var eventInsert = eventInsertSQL(eventRowsPerStatement)

func eventInsertSQL(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO events (platform_id, type, device_id, campaign, variant, paywall, sku, occurred_at, received_at) VALUES `)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?)")
	}
	return b.String()
}

// InsertEvents appends events in multi-row INSERTs; the statement for a full chunk is prepared
// once per call, since parsing it costs as much as running it.
func (t *Tx) InsertEvents(ctx context.Context, events []Event) error {
	var full *sql.Stmt
	if len(events) >= eventRowsPerStatement {
		stmt, err := t.tx.PrepareContext(ctx, eventInsert)
		if err != nil {
			return fmt.Errorf("store.InsertEvents: %w", err)
		}
		defer stmt.Close()
		full = stmt
	}
	args := make([]any, 0, 9*min(len(events), eventRowsPerStatement))
	for len(events) > 0 {
		n := min(len(events), eventRowsPerStatement)
		args = args[:0]
		for _, e := range events[:n] {
			args = append(args, e.PlatformID, e.Type, e.DeviceID, e.Campaign, e.Variant, e.Paywall, e.SKU,
				formatTime(e.OccurredAt), formatTime(e.ReceivedAt))
		}
		var err error
		if n == eventRowsPerStatement {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = t.tx.ExecContext(ctx, eventInsertSQL(n), args...)
		}
		if err != nil {
			return fmt.Errorf("store.InsertEvents: %w", err)
		}
		events = events[n:]
	}
	return nil
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
	rows, err := s.q.QueryContext(ctx, `SELECT platform_id, type, device_id, campaign, variant, paywall, sku, occurred_at, received_at
		FROM events WHERE platform_id = ? ORDER BY id LIMIT ?`, platformID, limit)
	if err != nil {
		return nil, fmt.Errorf("store.Events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var occurred, received string
		if err := rows.Scan(&e.PlatformID, &e.Type, &e.DeviceID, &e.Campaign, &e.Variant, &e.Paywall, &e.SKU, &occurred, &received); err != nil {
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
