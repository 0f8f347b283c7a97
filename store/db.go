// Package store is the SQLite data layer: plain domain structs and the SQL that reads and writes them.
// It knows nothing about HTTP. Writes go through one writer connection in BEGIN IMMEDIATE
// transactions; reads use a separate pool.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"nami/migrations"
)

// ErrNotFound is returned when the asked-for row does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write collides with existing data: a taken ref or slug, a stale version.
var ErrConflict = errors.New("conflict")

// ErrStale is the ErrConflict of an update whose version is no longer current: someone else saved
// first. Callers that must tell it from a taken ref check it before ErrConflict.
var ErrStale = fmt.Errorf("%w: someone else saved first", ErrConflict)

// Store is the database handle shared by the whole process.
type Store struct {
	Reader         // reads go to the reader pool
	w      *sql.DB // one writer connection
	r      *sql.DB // a pool of readers
	Now    func() time.Time
	// FoldOnCommit folds new events into the analytics aggregates in the transaction that
	// stores them (when the aggregates are caught up). It is on unless a measurement of
	// ingestion without analytics turns it off (loadgen fold-ratio).
	FoldOnCommit bool

	inserts eventInserts   // prepared event INSERTs on the writer connection
	bulk    bulkStatements // prepared aggregate upserts on the writer connection
}

// Reader holds every read query; Store reads through the reader pool and Tx inside its transaction,
// so code that must read its own writes (apply, publish) uses the same methods.
type Reader struct {
	q queryer
}

// queryer is what both *sql.DB and *sql.Tx offer, so read functions serve both.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Open opens (creating if needed) the SQLite file at path and applies pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	// The writer keeps 32 MB of pages in memory (SQLite's default is 2 MB): the analytics fold
	// updates one row per device, spread over the whole per-device table.
	w, err := sql.Open("sqlite", base+"&_txlock=immediate&_pragma=cache_size(-32768)")
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store.Open %s: %w", path, err)
	}
	s := &Store{w: w, Now: func() time.Time { return time.Now().UTC() }, FoldOnCommit: true}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store.Open readers: %w", err)
	}
	r.SetMaxOpenConns(8)
	s.r = r
	s.Reader = Reader{q: r}
	return s, nil
}

// Close releases both connection pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// Tx is a write transaction. Every write method of the store hangs off it, so a handler can
// group several writes (and the audit entry) into one atomic change.
type Tx struct {
	Reader
	tx  *sql.Tx
	now time.Time
	// Actor is who makes the change (an email), recorded with every saved paywall and campaign
	// version; InTx sets it from the context (WithActor), and callers without one (the CLI's
	// apply) set it themselves. "" is shown as unknown.
	Actor string
}

// InTx runs fn in a BEGIN IMMEDIATE transaction and commits if fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store.InTx begin: %w", err)
	}
	if err := fn(&Tx{Reader: Reader{q: sqlTx}, tx: sqlTx, now: s.Now(), Actor: actorFrom(ctx)}); err != nil {
		if rbErr := sqlTx.Rollback(); rbErr != nil {
			return errors.Join(err, fmt.Errorf("store.InTx rollback: %w", rbErr))
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store.InTx commit: %w", err)
	}
	return nil
}

// InReadTx runs fn in a read transaction on the reader pool, so that its reads see one
// consistent state of the database (e.g. an app's draft generation and the drafts themselves).
func (s *Store) InReadTx(ctx context.Context, fn func(r Reader) error) error {
	sqlTx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store.InReadTx begin: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // read-only: nothing to undo
	return fn(Reader{q: sqlTx})
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store.migrate: %w", err)
	}
	names, err := fs.Glob(migrations.Files, "*.sql")
	if err != nil {
		return fmt.Errorf("store.migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		num, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("store.migrate: migration %s has no number", name)
		}
		body, err := fs.ReadFile(migrations.Files, name)
		if err != nil {
			return fmt.Errorf("store.migrate: %w", err)
		}
		err = s.InTx(ctx, func(tx *Tx) error {
			var n int
			if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_version WHERE version = ?`, num).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)`,
				num, name, formatTime(tx.now))
			return err
		})
		if err != nil {
			return fmt.Errorf("store.migrate %s: %w", name, err)
		}
	}
	return nil
}

// Backup writes a consistent copy of the live database to path (which must not exist).
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := s.w.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store.Backup: %w", err)
	}
	return nil
}

const timeLayout = time.RFC3339Nano

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeLayout, s) }

// nullTime turns an optional time into a nullable column value.
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

func scanNullTime(ns sql.NullString) (*time.Time, error) {
	if !ns.Valid || ns.String == "" {
		return nil, nil
	}
	t, err := parseTime(ns.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// isUniqueViolation reports whether err is SQLite's UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// affectedOne turns "no row updated" into ErrNotFound or ErrConflict (a stale version).
func affectedOne(res sql.Result, err error, staleIsConflict bool) error {
	if err != nil {
		if isUniqueViolation(err) {
			return ErrConflict
		}
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		if staleIsConflict {
			return ErrStale
		}
		return ErrNotFound
	}
	return nil
}
