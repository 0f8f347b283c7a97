package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"nami/store"
)

// TestUserResetPrintsAOneTimeLink: `nami user reset` prints a reset link under --base-url (else
// NAMI_BASE_URL, else http://localhost:8080) whose token the store accepts once; it refuses an
// unknown email and a base URL that is not one.
func TestUserResetPrintsAOneTimeLink(t *testing.T) {
	db := tempDB(t)
	t.Setenv("NAMI_BASE_URL", "")
	mustCLI(t, "Locked-out-owner-7\n", "user", "add", "--db", db, "--email", "olive@example.com", "--name", "Olive", "--role", "owner")

	secretOf := func(out, base string) string {
		t.Helper()
		line := strings.TrimSpace(out)
		if strings.Count(out, "\n") != 1 || !strings.HasPrefix(line, base+"/reset/") {
			t.Fatalf("stdout %q, want one line with a link under %s/reset/", out, base)
		}
		return strings.TrimPrefix(line, base+"/reset/")
	}
	first := secretOf(mustCLI(t, "", "user", "reset", "--db", db, "--email", "olive@example.com", "--base-url", "https://nami.example.com/"), "https://nami.example.com")
	t.Setenv("NAMI_BASE_URL", "https://ops.example.com/nami")
	second := secretOf(mustCLI(t, "", "user", "reset", "--db", db, "--email", "olive@example.com"), "https://ops.example.com/nami")
	t.Setenv("NAMI_BASE_URL", "")
	third := secretOf(mustCLI(t, "", "user", "reset", "--db", db, "--email", "olive@example.com"), "http://localhost:8080")

	s := openDB(t, db)
	ctx := context.Background()
	for _, old := range []string{first, second} {
		if _, err := s.ValidToken(ctx, old, store.TokenReset); !errors.Is(err, store.ErrTokenUsed) {
			t.Errorf("an older link: %v, want it replaced by the newest", err)
		}
	}
	tk, err := s.ValidToken(ctx, third, store.TokenReset)
	if err != nil {
		t.Fatalf("the newest link: %v", err)
	}
	if u, _ := s.UserByEmail(ctx, "olive@example.com"); tk.UserID != u.ID {
		t.Errorf("the link is for user %d, want %d", tk.UserID, u.ID)
	}
	if log, _ := s.AuditLog(ctx, 10); len(log) == 0 || log[0].Action != "created reset link" || log[0].UserEmail != "cli" {
		t.Errorf("audit log %+v", log)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--email", "nobody@example.com"}, "--email: no user has the email nobody@example.com"},
		{[]string{}, "--email: give the email"},
		{[]string{"--email", "olive@example.com", "--base-url", "nami.example.com"}, "--base-url:"},
	} {
		_, _, err := cli(t, "", append([]string{"user", "reset", "--db", db}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("nami user reset %v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
