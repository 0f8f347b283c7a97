package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Roles, from least to most powerful.
const (
	RoleViewer = "viewer"
	RoleEditor = "editor"
	RoleAdmin  = "admin"
	RoleOwner  = "owner"
)

// Roles lists every role in order of power.
var Roles = []string{RoleViewer, RoleEditor, RoleAdmin, RoleOwner}

// RoleRank orders roles so "at least editor" is a comparison; unknown roles rank 0.
func RoleRank(role string) int {
	for i, r := range Roles {
		if r == role {
			return i + 1
		}
	}
	return 0
}

// User is a person who signs in to the control center.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string
	CreatedAt    time.Time
}

// Can reports whether the user's role is at least min.
func (u User) Can(min string) bool { return RoleRank(u.Role) >= RoleRank(min) }

const userColumns = `id, email, name, role, password_hash, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return u, ErrNotFound
		}
		return u, err
	}
	var err error
	u.CreatedAt, err = parseTime(created)
	return u, err
}

// CountUsers returns how many users exist; zero means the install still needs its owner.
func (s Reader) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store.CountUsers: %w", err)
	}
	return n, nil
}

// UserByEmail finds a user by email, ignoring case.
func (s Reader) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
	if err != nil {
		return u, fmt.Errorf("store.UserByEmail: %w", err)
	}
	return u, nil
}

// UserByID finds a user by id.
func (s Reader) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return u, fmt.Errorf("store.UserByID: %w", err)
	}
	return u, nil
}

// Users lists every user, owners first.
func (s Reader) Users(ctx context.Context) ([]User, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY
		CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'editor' THEN 2 ELSE 3 END, email`)
	if err != nil {
		return nil, fmt.Errorf("store.Users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store.Users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateUser inserts u; a taken email is ErrConflict.
func (t *Tx) CreateUser(ctx context.Context, u *User) error {
	u.CreatedAt = t.now
	res, err := t.tx.ExecContext(ctx, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.Email, u.Name, u.Role, u.PasswordHash, formatTime(u.CreatedAt))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store.CreateUser: email %q: %w", u.Email, ErrConflict)
		}
		return fmt.Errorf("store.CreateUser: %w", err)
	}
	u.ID, err = res.LastInsertId()
	return err
}

// SetUserRole changes a user's role.
// A role change cancels the user's unused invite and reset links: a link made for an editor by
// an admin must not set the password of the owner that user has become since.
func (t *Tx) SetUserRole(ctx context.Context, id int64, role string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ?`, role, id)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.SetUserRole: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, formatTime(t.now), id); err != nil {
		return fmt.Errorf("store.SetUserRole: %w", err)
	}
	return nil
}

// Invited reports whether the user has not set a password yet (added by an admin, link not used).
func (u User) Invited() bool { return u.PasswordHash == "" }

// SetUserName changes a user's display name.
func (t *Tx) SetUserName(ctx context.Context, id int64, name string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE users SET name = ? WHERE id = ?`, name, id)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.SetUserName: %w", err)
	}
	return nil
}

// SetUserPassword stores a new bcrypt hash for a user.
func (t *Tx) SetUserPassword(ctx context.Context, id int64, hash string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.SetUserPassword: %w", err)
	}
	return nil
}

// DeleteUser removes a user; their one-time links go with them. End their sessions in the same
// transaction (DeleteUserSessions).
func (t *Tx) DeleteUser(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id)
	if err := affectedOne(res, err, false); err != nil {
		return fmt.Errorf("store.DeleteUser: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user at once: their cookies stop working on the
// next request. Sessions are found by their user_id column when the table has one, and by the
// "uid" value of their data (what the session middleware stores) otherwise or as well.
func (t *Tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	var hasUserID int
	if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'user_id'`).Scan(&hasUserID); err != nil {
		return fmt.Errorf("store.DeleteUserSessions: %w", err)
	}
	if hasUserID > 0 {
		if _, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("store.DeleteUserSessions: %w", err)
		}
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE
		CASE WHEN json_valid(CAST(data AS TEXT)) THEN json_extract(CAST(data AS TEXT), '$.uid') END = ?`, strconv.FormatInt(userID, 10)); err != nil {
		return fmt.Errorf("store.DeleteUserSessions: %w", err)
	}
	return nil
}
