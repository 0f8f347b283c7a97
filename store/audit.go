package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry records who changed what.
type AuditEntry struct {
	At        time.Time
	UserEmail string
	AppSlug   string
	Action    string // created, updated, deleted, published, ...
	Entity    string // app, platform, entitlement, product, paywall, campaign, release, user
	Ref       string
	Detail    string
}

// Audit appends an entry in the same transaction as the change it describes.
func (t *Tx) Audit(ctx context.Context, e AuditEntry) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_email, app_slug, action, entity, ref, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		formatTime(t.now), e.UserEmail, e.AppSlug, e.Action, e.Entity, e.Ref, e.Detail)
	if err != nil {
		return fmt.Errorf("store.Audit: %w", err)
	}
	return nil
}

// AuditLog returns the newest entries first, at most limit of them.
func (s Reader) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	return s.AuditEntries(ctx, AuditFilter{Limit: limit})
}
