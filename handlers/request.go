package handlers

import (
	"crypto/subtle"
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

func (h *Handler) validCSRF(c echo.Context, sess *sessions.Session) bool {
	want, _ := sess.Values["csrf"].(string)
	if want == "" {
		return false
	}
	got := c.Request().Header.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("_csrf")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// csrfToken returns the session's token, creating one (and marking the session to be saved) if needed.
func (h *Handler) csrfToken(c echo.Context) string {
	st := state(c)
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

// saveSession writes the session if this request changed it; called before any response is written.
func (h *Handler) saveSession(c echo.Context) error {
	st := state(c)
	if st.sess == nil || !st.dirty {
		return nil
	}
	st.dirty = false
	return st.sess.Save(c.Request(), c.Response())
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
