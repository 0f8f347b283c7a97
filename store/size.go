package store

import (
	"context"
	"fmt"
)

// SizeBytes is the size of the database (its pages times the page size), read through the
// reader pool so that it never waits for the writer.
func (s Reader) SizeBytes(ctx context.Context) (int64, error) {
	var n int64
	if err := s.q.QueryRowContext(ctx, `SELECT p.page_count * s.page_size FROM pragma_page_count() p, pragma_page_size() s`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store.SizeBytes: %w", err)
	}
	return n, nil
}
