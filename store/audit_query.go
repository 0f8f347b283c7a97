package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AuditFilter narrows the audit log: by app slug, person (email) and kind of item (entity);
// empty means any. Limit bounds the entries, newest first.
type AuditFilter struct {
	App, User, Entity string
	Limit             int
}

// AuditEntries lists the audit log's entries that pass the filter, newest first.
func (s Reader) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var where []string
	var args []any
	for _, c := range []struct{ col, val string }{{"app_slug", f.App}, {"user_email", f.User}, {"entity", f.Entity}} {
		if c.val != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.val)
		}
	}
	q := `SELECT at, user_email, app_slug, action, entity, ref, detail FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC LIMIT ?`
	rows, err := s.q.QueryContext(ctx, q, append(args, max(f.Limit, 1))...)
	if err != nil {
		return nil, fmt.Errorf("store.AuditEntries: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&at, &e.UserEmail, &e.AppSlug, &e.Action, &e.Entity, &e.Ref, &e.Detail); err != nil {
			return nil, fmt.Errorf("store.AuditEntries: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store.AuditEntries: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditFacets are the values the audit log's filters offer: every app, person and kind of item
// that has an entry.
type AuditFacets struct {
	Apps, Users, Entities []string
}

// AuditFacets lists the distinct apps, people and kinds of item of the audit log.
func (s Reader) AuditFacets(ctx context.Context) (AuditFacets, error) {
	var out AuditFacets
	for _, c := range []struct {
		col string
		to  *[]string
	}{{"app_slug", &out.Apps}, {"user_email", &out.Users}, {"entity", &out.Entities}} {
		rows, err := s.q.QueryContext(ctx, `SELECT DISTINCT `+c.col+` FROM audit_log WHERE `+c.col+` <> '' ORDER BY 1`)
		if err != nil {
			return AuditFacets{}, fmt.Errorf("store.AuditFacets: %w", err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return AuditFacets{}, fmt.Errorf("store.AuditFacets: %w", err)
			}
			*c.to = append(*c.to, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return AuditFacets{}, fmt.Errorf("store.AuditFacets: %w", err)
		}
	}
	return out, nil
}

// VersionSavedAt finds the version of a paywall or campaign that a save at `at` recorded (a
// save and its audit entry share the transaction's time), and the version before it; ok is
// false when there is none (an older entry, or a deleted item).
func (s Reader) VersionSavedAt(ctx context.Context, appSlug, entity, ref string, at time.Time) (cur, prev EntityVersion, hasPrev, ok bool, err error) {
	scan := func(row *sql.Row) (EntityVersion, error) {
		var v EntityVersion
		var saved, body string
		if err := row.Scan(&v.Entity, &v.Ref, &v.Version, &saved, &v.UserEmail, &body); err != nil {
			return v, err
		}
		v.Body = []byte(body)
		var perr error
		v.SavedAt, perr = parseTime(saved)
		return v, perr
	}
	const cols = `v.entity, v.ref, v.version, v.saved_at, v.user_email, v.body`
	cur, err = scan(s.q.QueryRowContext(ctx, `SELECT `+cols+` FROM entity_versions v JOIN apps a ON a.id = v.app_id
		WHERE a.slug = ? AND v.entity = ? AND v.ref = ? AND v.saved_at = ? ORDER BY v.version DESC LIMIT 1`, appSlug, entity, ref, formatTime(at)))
	if errors.Is(err, sql.ErrNoRows) {
		return cur, prev, false, false, nil
	}
	if err != nil {
		return cur, prev, false, false, fmt.Errorf("store.VersionSavedAt: %w", err)
	}
	prev, err = scan(s.q.QueryRowContext(ctx, `SELECT `+cols+` FROM entity_versions v JOIN apps a ON a.id = v.app_id
		WHERE a.slug = ? AND v.entity = ? AND v.ref = ? AND v.version < ? ORDER BY v.version DESC LIMIT 1`, appSlug, entity, ref, cur.Version))
	if errors.Is(err, sql.ErrNoRows) {
		return cur, prev, false, true, nil
	}
	if err != nil {
		return cur, prev, false, false, fmt.Errorf("store.VersionSavedAt: %w", err)
	}
	return cur, prev, true, true, nil
}
