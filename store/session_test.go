package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"nami/store"
)

func TestSessionsExpire(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }

	if err := s.SaveSession(ctx, store.Session{New: true, ID: "alive", Data: []byte(`{"uid":"1"}`), ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.SessionByID(ctx, "alive")
	if err != nil || string(got.Data) != `{"uid":"1"}` || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("SessionByID = %+v, %v", got, err)
	}

	// Saving again replaces the data and pushes the expiry forward.
	if err := s.SaveSession(ctx, store.Session{ID: "alive", Data: []byte(`{"uid":"2"}`), ExpiresAt: now.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SessionByID(ctx, "alive"); string(got.Data) != `{"uid":"2"}` {
		t.Errorf("after saving again, data = %s", got.Data)
	}

	if err := s.SaveSession(ctx, store.Session{New: true, ID: "short", Data: []byte(`{}`), ExpiresAt: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}

	// Ten minutes later the short session has expired and reads as gone.
	now = now.Add(10 * time.Minute)
	if _, err := s.SessionByID(ctx, "short"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired session = %v, want ErrNotFound", err)
	}
	if _, err := s.SessionByID(ctx, "alive"); err != nil {
		t.Errorf("a live session = %v", err)
	}

	// The next save sweeps expired rows out of the table.
	if err := s.SaveSession(ctx, store.Session{New: true, ID: "third", Data: []byte(`{}`), ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE id = ?`, store.SessionKey("short")); n != 0 {
		t.Error("the expired session was not swept")
	}
	if n := count(t, db, `SELECT count(*) FROM sessions`); n != 2 {
		t.Errorf("sessions table has %d rows, want 2", n)
	}

	// Past the last expiry, nothing is valid.
	now = now.Add(3 * time.Hour)
	if _, err := s.SessionByID(ctx, "alive"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session past its expiry = %v, want ErrNotFound", err)
	}
}

func TestDeleteSession(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	exp := s.Now().Add(time.Hour)
	if err := s.SaveSession(ctx, store.Session{New: true, ID: "gone", Data: []byte(`{}`), ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByID(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SessionByID after DeleteSession = %v, want ErrNotFound", err)
	}
}

func TestSessionIDsAreStoredHashed(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	id := "a-random-session-id-from-the-cookie"
	if err := s.SaveSession(ctx, store.Session{New: true, ID: id, Data: []byte(`{"uid":"1"}`), ExpiresAt: s.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	var stored string
	if err := db.QueryRow(`SELECT id FROM sessions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(id))
	if want := hex.EncodeToString(sum[:]); stored != want {
		t.Errorf("the sessions table holds %q, want the SHA-256 of the id %q", stored, want)
	}
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE id = ? OR CAST(data AS TEXT) LIKE ?`, id, "%"+id+"%"); n != 0 {
		t.Error("the session id itself is in the database")
	}
	// The stored value is not an id: looking it up finds nothing.
	if _, err := s.SessionByID(ctx, stored); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SessionByID(stored hash) = %v, want ErrNotFound", err)
	}
	if got, err := s.SessionByID(ctx, id); err != nil || got.ID != id || string(got.Data) != `{"uid":"1"}` {
		t.Errorf("SessionByID(id) = %+v, %v", got, err)
	}
	if err := s.DeleteSession(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM sessions`); n != 0 {
		t.Errorf("DeleteSession left %d rows", n)
	}
}

// A session deleted while a request that loaded it was running is not written back by that
// request's save: signing out, removal or a password change stay final.
func TestAnEndedSessionIsNotSavedBack(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	exp := s.Now().Add(time.Hour)
	if err := s.SaveSession(ctx, store.Session{New: true, ID: "stolen", Data: []byte(`{"uid":"1"}`), ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "stolen"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSession(ctx, store.Session{ID: "stolen", Data: []byte(`{"uid":"1"}`), ExpiresAt: exp}); !errors.Is(err, store.ErrSessionEnded) {
		t.Fatalf("saving an ended session: %v, want ErrSessionEnded", err)
	}
	if _, err := s.SessionByID(ctx, "stolen"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the ended session is back: %v", err)
	}
}
