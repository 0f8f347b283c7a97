package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Session is a server-side session. ID is the random id the cookie carries; the sessions table
// keeps only its SHA-256, so a copy of the database file (a backup, a stolen disk) holds no id
// that signs anyone in.
type Session struct {
	ID        string
	Data      []byte
	ExpiresAt time.Time
	New       bool // its id was just made: insert it; otherwise it is updated only if still there
}

// ErrSessionEnded: the session was deleted (signed out elsewhere, removed, password changed)
// while a request that had loaded it was running; it is not written back.
var ErrSessionEnded = errors.New("the session has ended")

// SessionKey is what the sessions table stores of a session id: its SHA-256, in hex.
func SessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// SessionByID loads the session with the given id (the cookie's value) if it has not expired.
func (s *Store) SessionByID(ctx context.Context, id string) (Session, error) {
	sess := Session{ID: id}
	var exp string
	err := s.r.QueryRowContext(ctx, `SELECT data, expires_at FROM sessions WHERE id = ? AND expires_at > ?`,
		SessionKey(id), formatTime(s.Now())).Scan(&sess.Data, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, fmt.Errorf("store.SessionByID: %w", ErrNotFound)
	}
	if err != nil {
		return sess, fmt.Errorf("store.SessionByID: %w", err)
	}
	sess.ExpiresAt, err = parseTime(exp)
	return sess, err
}

// SaveSession inserts or replaces a session (stored under the hash of its id) and sweeps
// expired ones.
func (s *Store) SaveSession(ctx context.Context, sess Session) error {
	if sess.ID == "" {
		return errors.New("store.SaveSession: empty session id")
	}
	return s.InTx(ctx, func(tx *Tx) error {
		if sess.New {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)`,
				SessionKey(sess.ID), sess.Data, formatTime(sess.ExpiresAt)); err != nil {
				return fmt.Errorf("store.SaveSession: %w", err)
			}
		} else {
			// A session ended while the request ran must stay ended: never insert it again.
			res, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET data = ?, expires_at = ? WHERE id = ?`,
				sess.Data, formatTime(sess.ExpiresAt), SessionKey(sess.ID))
			if err != nil {
				return fmt.Errorf("store.SaveSession: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return errors.Join(err, ErrSessionEnded)
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(tx.now)); err != nil {
			return fmt.Errorf("store.SaveSession sweep: %w", err)
		}
		return nil
	})
}

// DeleteSession removes the session with the given id so its cookie stops working.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, SessionKey(id)); err != nil {
			return fmt.Errorf("store.DeleteSession: %w", err)
		}
		return nil
	})
}
