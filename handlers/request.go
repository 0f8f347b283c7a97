package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"nami/store"
	"nami/views"
)

// reqState is what the session middleware learns about a request, kept on the Echo context.
type reqState struct {
	sess  *sessions.Session
	user  *store.User
	dirty bool // the session must be saved before the response is written
	// anonCSRF is the signed-out visitor's CSRF token (see csrfCookie), once issued or read.
	anonCSRF string
}

const stateKey = "nami.state"

func state(c echo.Context) *reqState {
	st, _ := c.Get(stateKey).(*reqState)
	if st == nil {
		st = &reqState{}
		c.Set(stateKey, st)
	}
	return st
}

// withSession loads the session and the signed-in user, and checks the CSRF token on state changes.
func (h *Handler) withSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess, err := h.sessions.Get(c.Request(), sessionCookie)
		if err != nil {
			return err
		}
		st := state(c)
		st.sess = sess
		if uid, ok := sess.Values["uid"].(string); ok {
			id, _ := strconv.ParseInt(uid, 10, 64)
			u, err := h.store.UserByID(c.Request().Context(), id)
			switch {
			case err == nil:
				st.user = &u
			case errors.Is(err, store.ErrNotFound):
				delete(sess.Values, "uid")
				st.dirty = true
			default:
				return err
			}
		}
		if !sess.IsNew && st.user != nil && sessionStale(sess, h.now()) {
			st.dirty = true // slide the idle expiry forward, at most once per sessionTouch
		}
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if !h.validCSRF(c, sess) {
				return echo.NewHTTPError(http.StatusForbidden, "The form had expired or did not come from this site. Reload the page and try again.")
			}
		}
		return next(c)
	}
}

// validCSRF checks the submitted token (X-CSRF-Token header or _csrf field): against the
// session's token for a signed-in user, against the signed cookie's for anyone else.
func (h *Handler) validCSRF(c echo.Context, sess *sessions.Session) bool {
	got := c.Request().Header.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("_csrf")
	}
	if state(c).user != nil {
		want, _ := sess.Values["csrf"].(string)
		return sameToken(got, want)
	}
	return sameToken(got, h.cookieCSRF(c.Request()))
}

// csrfToken returns the token for the page's forms. A signed-in user's lives in the session
// (created, and the session marked to be saved, if needed); a signed-out visitor's lives in a
// signed cookie, so that visitor gets no sessions row.
func (h *Handler) csrfToken(c echo.Context) string {
	st := state(c)
	if st.user == nil {
		return h.anonCSRFToken(c)
	}
	if st.sess == nil {
		return ""
	}
	if tok, ok := st.sess.Values["csrf"].(string); ok && tok != "" {
		return tok
	}
	tok, err := randomToken()
	if err != nil {
		h.log.Error("csrf token", "err", err)
		return ""
	}
	st.sess.Values["csrf"] = tok
	st.dirty = true
	return tok
}

// requireUser sends signed-out visitors to the sign-in page (or the first-run set-up).
func (h *Handler) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u := state(c).user; u != nil {
			// Every write transaction of this request records the user with the versions it saves.
			c.SetRequest(c.Request().WithContext(store.WithActor(c.Request().Context(), u.Email)))
			return next(c)
		}
		n, err := h.store.CountUsers(c.Request().Context())
		if err != nil {
			return err
		}
		if n == 0 {
			return h.redirect(c, "/setup")
		}
		return h.redirect(c, "/login")
	}
}

// requireRole refuses (403) a signed-in user whose role is below min.
func requireRole(min string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := state(c).user
			if u == nil || !u.Can(min) {
				return echo.NewHTTPError(http.StatusForbidden, "Your role does not allow this. Ask an admin for access.")
			}
			return next(c)
		}
	}
}

// user returns the signed-in user; only call it behind requireUser.
func user(c echo.Context) store.User { return *state(c).user }

// setFlash stores a one-time message for the next page.
func setFlash(c echo.Context, kind, msg string) {
	st := state(c)
	if st.sess == nil {
		return
	}
	st.sess.Values["flash"] = kind + "|" + msg
	st.dirty = true
}

// takeFlash returns and clears the pending message.
func takeFlash(c echo.Context) views.Flash {
	st := state(c)
	if st.sess == nil {
		return views.Flash{}
	}
	v, ok := st.sess.Values["flash"].(string)
	if !ok {
		return views.Flash{}
	}
	delete(st.sess.Values, "flash")
	st.dirty = true
	for i := 0; i < len(v); i++ {
		if v[i] == '|' {
			return views.Flash{Kind: v[:i], Message: v[i+1:]}
		}
	}
	return views.Flash{}
}

// saveSession writes the session if this request changed it; called before any response is
// written. A signed-out visitor's session is never stored (see SessionStore.Save).
func (h *Handler) saveSession(c echo.Context) error {
	st := state(c)
	if st.sess == nil || !st.dirty {
		return nil
	}
	st.dirty = false
	return st.sess.Save(c.Request(), c.Response())
}

// errSessionNotSaved is the answer to a request that succeeded but whose session could not be
// saved (most often a full disk): the browser must not be told that all is well.
func errSessionNotSaved(err error) error {
	msg := "Your session could not be saved, so you may not be signed in and your last message may be lost. Try again in a moment; if it goes on, tell whoever runs this server."
	if errors.Is(store.WriteProblem(err), store.ErrFull) {
		msg = "The server's disk is full, so your session could not be saved. Tell whoever runs this server; try again once there is space."
	}
	return echo.NewHTTPError(http.StatusServiceUnavailable, msg).SetInternal(err)
}

// saveSessionFor saves the session before a response with the given status is written. When
// the save fails, the error is logged; an error response (4xx, 5xx) is sent all the same, with
// its status, while a success becomes a 503 that says why (the error returned).
func (h *Handler) saveSessionFor(c echo.Context, status int) error {
	err := h.saveSession(c)
	if err == nil {
		return nil
	}
	h.log.Error("saving the session", "method", c.Request().Method, "path", loggedPath(c.Request().URL.Path), "status", status, "err", err)
	if status >= 400 {
		return nil
	}
	return errSessionNotSaved(err)
}

// page builds the common view model of a page.
func (h *Handler) page(c echo.Context, title, section string) views.Page {
	p := views.Page{Title: title, Section: section, CSRF: h.csrfToken(c), Flash: takeFlash(c)}
	if u := state(c).user; u != nil {
		p.User = &views.CurrentUser{Name: u.Name, Email: u.Email, Role: u.Role,
			CanEdit: u.Can(store.RoleEditor), IsAdmin: u.Can(store.RoleAdmin)}
	}
	return p
}
