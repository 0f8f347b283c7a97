package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"nami/store"
)

func addTestUser(t *testing.T, s *store.Store, email string) store.User {
	t.Helper()
	u := store.User{Email: email, Name: "Test", Role: store.RoleEditor}
	if err := s.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateUser(context.Background(), &u) }); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestTokenWorksOnceForADay: a link's secret is stored only hashed, works once, for its kind only,
// and not after 24 hours by the store's clock; a newer link of the user retires the older one.
func TestTokenWorksOnceForADay(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	u := addTestUser(t, s, "new@example.com")
	issue := func(kind string) string {
		var secret string
		if err := s.InTx(ctx, func(tx *store.Tx) (err error) { secret, err = tx.IssueToken(ctx, u.ID, kind); return err }); err != nil {
			t.Fatal(err)
		}
		return secret
	}
	use := func(secret, kind string) error {
		return s.InTx(ctx, func(tx *store.Tx) error { _, err := tx.UseToken(ctx, secret, kind); return err })
	}
	secret := issue(store.TokenInvite)
	var stored int
	if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM tokens WHERE hash = ?`, secret).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("the secret itself is stored (%d rows, %v)", stored, err)
	}
	if _, err := s.ValidToken(ctx, secret, store.TokenReset); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an invite used as a reset: %v, want ErrNotFound", err)
	}
	if err := use(secret, store.TokenInvite); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if err := use(secret, store.TokenInvite); !errors.Is(err, store.ErrTokenUsed) {
		t.Errorf("second use: %v, want ErrTokenUsed", err)
	}

	old, fresh := issue(store.TokenReset), issue(store.TokenReset)
	if _, err := s.ValidToken(ctx, old, store.TokenReset); !errors.Is(err, store.ErrTokenUsed) {
		t.Errorf("the older link: %v, want ErrTokenUsed", err)
	}
	now = now.Add(store.TokenTTL - time.Second)
	if _, err := s.ValidToken(ctx, fresh, store.TokenReset); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	now = now.Add(time.Second)
	if _, err := s.ValidToken(ctx, fresh, store.TokenReset); !errors.Is(err, store.ErrTokenExpired) {
		t.Errorf("after 24 hours: %v, want ErrTokenExpired", err)
	}
	if err := use(fresh, store.TokenReset); !errors.Is(err, store.ErrTokenExpired) {
		t.Errorf("using after 24 hours: %v, want ErrTokenExpired", err)
	}
	if _, err := s.ValidToken(ctx, "nonsense", store.TokenReset); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown link: %v, want ErrNotFound", err)
	}
}

// TestDeleteUserSessionsEndsOnlyThatUsersSessions: sessions are found by the uid in their data;
// a removed user's links go with them.
func TestDeleteUserSessionsEndsOnlyThatUsersSessions(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	a, b := addTestUser(t, s, "a@example.com"), addTestUser(t, s, "b@example.com")
	exp := time.Now().Add(time.Hour)
	for id, data := range map[string]string{"a1": `{"uid":"` + itoa(a.ID) + `"}`, "a2": `{"uid":"` + itoa(a.ID) + `","csrf":"x"}`,
		"b1": `{"uid":"` + itoa(b.ID) + `"}`, "anon": `{"csrf":"y"}`} {
		if err := s.SaveSession(ctx, store.Session{New: true, ID: id, Data: []byte(data), ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.IssueToken(ctx, a.ID, store.TokenReset); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, a.ID); err != nil {
			return err
		}
		return tx.DeleteUser(ctx, a.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"a1": false, "a2": false, "b1": true, "anon": true} {
		if _, err := s.SessionByID(ctx, id); (err == nil) != want {
			t.Errorf("session %s: %v, want kept %v", id, err, want)
		}
	}
	var n int
	if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM tokens`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d tokens left after the user went (%v)", n, err)
	}
}

func itoa(n int64) string { return fmt.Sprint(n) }
