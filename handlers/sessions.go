package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/sessions"

	"nami/store"
)

// sessionCookie is the name of the cookie that carries the session id.
const sessionCookie = "nami_session"

// sessionIdle is how long a session lives without a request.
const sessionIdle = 12 * time.Hour

// sessionTouch is how often an active session's expiry is pushed forward; saving on every
// request would take the write lock for each keystroke of a live preview.
const sessionTouch = 5 * time.Minute

// sessionStale reports whether the session's expiry was last pushed forward over sessionTouch ago.
func sessionStale(sess *sessions.Session, now time.Time) bool {
	v, _ := sess.Values["touched"].(string)
	t, err := strconv.ParseInt(v, 10, 64)
	return err != nil || now.Sub(time.Unix(t, 0)) > sessionTouch
}

// SessionStore is a gorilla/sessions Store that keeps the data server-side in SQLite.
// The cookie holds only a random 256-bit id, so a cookie reveals nothing and forging one means
// guessing; the table holds only the id's SHA-256 (see store.SessionKey), so a copy of the
// database signs no one in. Only signed-in users' sessions (those with a "uid") are stored.
type SessionStore struct {
	db *store.Store
}

// NewSessionStore returns a store backed by db.
func NewSessionStore(db *store.Store) *SessionStore { return &SessionStore{db: db} }

// Get returns the request's session, cached for the rest of the request.
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the request's cookie, or starts an empty one.
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	sess.Options = &sessions.Options{Path: "/", MaxAge: int(sessionIdle.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode}
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil || c.Value == "" {
		return sess, nil
	}
	row, err := s.db.SessionByID(r.Context(), c.Value)
	if errors.Is(err, store.ErrNotFound) {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	var vals map[string]string
	if err := json.Unmarshal(row.Data, &vals); err != nil {
		return sess, nil // a corrupt row is treated as no session
	}
	for k, v := range vals {
		sess.Values[k] = v
	}
	sess.ID = row.ID
	sess.IsNew = false
	return sess, nil
}

// secureRequest reports whether the request came over HTTPS (directly or through a proxy),
// so cookies are marked Secure.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// Save writes the session and sets the cookie; MaxAge < 0 deletes both. A session without a
// signed-in user is not stored: a new one is dropped, and a stored one (whose user was removed)
// is deleted, so visitors who are not signed in never get a row.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	secure := secureRequest(r)
	if _, signedIn := sess.Values["uid"].(string); !signedIn && sess.Options.MaxAge >= 0 {
		if sess.IsNew || sess.ID == "" {
			return nil
		}
		sess.Options.MaxAge = -1
	}
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.db.DeleteSession(r.Context(), sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, &http.Cookie{Name: sess.Name(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
		return nil
	}
	isNew := sess.ID == ""
	if isNew {
		id, err := randomToken()
		if err != nil {
			return err
		}
		sess.ID = id
	}
	sess.Values["touched"] = strconv.FormatInt(time.Now().Unix(), 10)
	vals := make(map[string]string, len(sess.Values))
	for k, v := range sess.Values {
		ks, ok1 := k.(string)
		vs, ok2 := v.(string)
		if !ok1 || !ok2 {
			return fmt.Errorf("session value %v: only strings are stored", k)
		}
		vals[ks] = vs
	}
	data, err := json.Marshal(vals)
	if err != nil {
		return err
	}
	exp := time.Now().Add(sessionIdle)
	err = s.db.SaveSession(r.Context(), store.Session{ID: sess.ID, Data: data, ExpiresAt: exp, New: isNew})
	if errors.Is(err, store.ErrSessionEnded) {
		// Ended while this request ran: the browser is signed out, nothing is written back.
		http.SetCookie(w, &http.Cookie{Name: sess.Name(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
		return nil
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sess.Name(), Value: sess.ID, Path: "/", MaxAge: sess.Options.MaxAge,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	return nil
}

// randomToken returns 32 random bytes, URL-safe base64 encoded.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
