package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// Secret returns the random secret stored under name, creating one of size bytes on first use.
// Secrets live in the database so an install needs no configuration.
func (s *Store) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	var val []byte
	err := s.InTx(ctx, func(tx *Tx) error {
		err := tx.tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, name).Scan(&val)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		val = make([]byte, size)
		if _, err := rand.Read(val); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, name, val)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store.Secret %s: %w", name, err)
	}
	return val, nil
}
