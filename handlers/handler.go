// Package handlers holds the control center's HTTP handlers, its middleware and the one route table.
package handlers

import (
	"context"
	"log/slog"
	"time"

	"nami/publish"
	"nami/store"
)

// Handler serves the control center. Every page and action is a method on it.
type Handler struct {
	store    *store.Store
	log      *slog.Logger
	sessions *SessionStore
	limiter  *loginLimiter
	now      func() time.Time
	// shareKey signs preview links; loaded once so checking a link never takes the write lock.
	shareKey []byte
	// csrfKey signs the CSRF cookie of visitors who are not signed in (see csrfCookie).
	csrfKey []byte
	// drafts caches whether each app's drafts differ from its last release, and the diff.
	drafts *publish.Drafts
	// published is called after a release is stored, so the SDK API serves it at once.
	published func(context.Context) error
	// writable says whether the database takes writes, for /healthz; nil checks reads only.
	writable func(context.Context) error
	refused  func() map[string]int64
	// baseURL is --base-url; fallbackURL the address serve listens on (see BaseURL).
	baseURL, fallbackURL string
}

// New builds the Handler; it loads (or creates on first start) the secrets it needs from the store.
func New(ctx context.Context, st *store.Store, log *slog.Logger) (*Handler, error) {
	key, err := st.Secret(ctx, "share_key", 32)
	if err != nil {
		return nil, err
	}
	csrfKey, err := st.Secret(ctx, "csrf_key", 32)
	if err != nil {
		return nil, err
	}
	go dummyHash() // ready before the first sign-in, without holding up start-up
	return &Handler{
		store:    st,
		log:      log,
		sessions: NewSessionStore(st),
		limiter:  newLoginLimiter(),
		now:      func() time.Time { return time.Now().UTC() },
		shareKey: key,
		csrfKey:  csrfKey,
		drafts:   publish.NewDrafts(),
	}, nil
}
