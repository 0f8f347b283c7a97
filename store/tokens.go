package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Kinds of one-time link.
const (
	TokenInvite = "invite" // a new member sets their name and password
	TokenReset  = "reset"  // a member sets a new password
)

// TokenTTL is how long a one-time link works.
const TokenTTL = 24 * time.Hour

// Errors of a one-time link that exists but no longer works.
var (
	ErrTokenUsed    = errors.New("the link was already used")
	ErrTokenExpired = errors.New("the link has expired")
)

// Token is a one-time link's row; the link's secret itself is never stored.
type Token struct {
	Hash      string
	UserID    int64
	Kind      string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// HashToken is the stored form of a link's secret: hex SHA-256.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// IssueToken creates a one-time link of kind for the user, valid TokenTTL from the store's clock,
// and returns its secret (32 random bytes, URL-safe base64). The user's earlier unused links stop
// working, so only the newest one opens the account.
func (t *Tx) IssueToken(ctx context.Context, userID int64, kind string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store.IssueToken: %w", err)
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	if _, err := t.tx.ExecContext(ctx, `UPDATE tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL`,
		formatTime(t.now), userID); err != nil {
		return "", fmt.Errorf("store.IssueToken: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO tokens (hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		HashToken(secret), userID, kind, formatTime(t.now), formatTime(t.now.Add(TokenTTL))); err != nil {
		return "", fmt.Errorf("store.IssueToken: %w", err)
	}
	return secret, nil
}

// tokenBySecret loads the row of a link's secret; ErrNotFound when there is none of that kind.
func (s Reader) tokenBySecret(ctx context.Context, secret, kind string) (Token, error) {
	var tk Token
	var created, expires string
	var used sql.NullString
	err := s.q.QueryRowContext(ctx, `SELECT hash, user_id, kind, created_at, expires_at, used_at FROM tokens WHERE hash = ? AND kind = ?`,
		HashToken(secret), kind).Scan(&tk.Hash, &tk.UserID, &tk.Kind, &created, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return tk, ErrNotFound
	}
	if err != nil {
		return tk, err
	}
	if tk.CreatedAt, err = parseTime(created); err != nil {
		return tk, err
	}
	if tk.ExpiresAt, err = parseTime(expires); err != nil {
		return tk, err
	}
	tk.UsedAt, err = scanNullTime(used)
	return tk, err
}

// checkToken says why a loaded link does not work at now, or nil.
func checkToken(tk Token, now time.Time) error {
	switch {
	case tk.UsedAt != nil:
		return ErrTokenUsed
	case !now.Before(tk.ExpiresAt):
		return ErrTokenExpired
	}
	return nil
}

// ValidToken returns the link's row if it still works: ErrNotFound, ErrTokenUsed or ErrTokenExpired if not.
func (s *Store) ValidToken(ctx context.Context, secret, kind string) (Token, error) {
	tk, err := s.tokenBySecret(ctx, secret, kind)
	if err == nil {
		err = checkToken(tk, s.Now())
	}
	if err != nil {
		return tk, fmt.Errorf("store.ValidToken: %w", err)
	}
	return tk, nil
}

// UseToken marks a working link used, in the transaction that acts on it, and returns its row;
// ErrNotFound, ErrTokenUsed or ErrTokenExpired if it does not work.
func (t *Tx) UseToken(ctx context.Context, secret, kind string) (Token, error) {
	tk, err := t.tokenBySecret(ctx, secret, kind)
	if err == nil {
		err = checkToken(tk, t.now)
	}
	if err != nil {
		return tk, fmt.Errorf("store.UseToken: %w", err)
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL`, formatTime(t.now), tk.Hash)
	if err := affectedOne(res, err, false); err != nil {
		return tk, fmt.Errorf("store.UseToken: %w", ErrTokenUsed)
	}
	now := t.now
	tk.UsedAt = &now
	return tk, nil
}
