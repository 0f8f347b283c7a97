package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a server-side session row: the cookie carries only its random id.
type Session struct {
	ID        string
	Data      []byte
	ExpiresAt time.Time
}

// SessionByID loads a session that has not expired.
func (s *Store) SessionByID(ctx context.Context, id string) (Session, error) {
	var sess Session
	var exp string
	err := s.r.QueryRowContext(ctx, `SELECT id, data, expires_at FROM sessions WHERE id = ? AND expires_at > ?`,
		id, formatTime(s.Now())).Scan(&sess.ID, &sess.Data, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, fmt.Errorf("store.SessionByID: %w", ErrNotFound)
	}
	if err != nil {
		return sess, fmt.Errorf("store.SessionByID: %w", err)
	}
	sess.ExpiresAt, err = parseTime(exp)
	return sess, err
}

// SaveSession inserts or replaces a session and sweeps expired ones.
func (s *Store) SaveSession(ctx context.Context, sess Session) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
			sess.ID, sess.Data, formatTime(sess.ExpiresAt)); err != nil {
			return fmt.Errorf("store.SaveSession: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(tx.now)); err != nil {
			return fmt.Errorf("store.SaveSession sweep: %w", err)
		}
		return nil
	})
}

// DeleteSession removes a session so its cookie stops working.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
			return fmt.Errorf("store.DeleteSession: %w", err)
		}
		return nil
	})
}
