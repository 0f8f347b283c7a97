package handlers

import (
	"errors"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"nami/metrics"
	"nami/store"
	"nami/views"
)

// HashPassword hashes a password with bcrypt; used by set-up and by `nami user add`.
func HashPassword(pw string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(b), err
}

// CheckNewUser validates the fields of a new account; the map is keyed by form field. The
// password rules are CheckPassword's.
func CheckNewUser(email, name, password, role string) map[string]string {
	errs := map[string]string{}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		errs["email"] = "Enter an email address like name@company.com."
	}
	if strings.TrimSpace(name) == "" {
		errs["name"] = "Enter a name."
	} else if len(name) > 120 {
		errs["name"] = "Use at most 120 characters."
	}
	if msg := CheckPassword(password, email); msg != "" {
		errs["password"] = msg
	}
	if store.RoleRank(role) == 0 {
		errs["role"] = "Choose one of owner, admin, editor or viewer."
	}
	return errs
}

func (h *Handler) needsSetup(c echo.Context) (bool, error) {
	n, err := h.store.CountUsers(c.Request().Context())
	return n == 0, err
}

// SetupForm shows the first-run owner form; once a user exists it is gone.
func (h *Handler) SetupForm(c echo.Context) error {
	if ok, err := h.needsSetup(c); err != nil || !ok {
		if err != nil {
			return err
		}
		return echo.NewHTTPError(http.StatusNotFound, "Set-up is done. Sign in instead.")
	}
	return h.render(c, http.StatusOK, views.SetupPage(h.page(c, "Set up", ""), views.Form{}))
}

// Setup creates the owner account and signs them in.
func (h *Handler) Setup(c echo.Context) error {
	f := formOf(c)
	email, name, pw := strings.TrimSpace(f.Get("email")), strings.TrimSpace(f.Get("name")), f.Get("password")
	f.Errors = CheckNewUser(email, name, pw, store.RoleOwner)
	if len(f.Errors) > 0 {
		if ok, err := h.needsSetup(c); err != nil || !ok {
			if err != nil {
				return err
			}
			return echo.NewHTTPError(http.StatusNotFound, "Set-up is done. Sign in instead.")
		}
		return h.render(c, http.StatusUnprocessableEntity, views.SetupPage(h.page(c, "Set up", ""), f))
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	u := store.User{Email: email, Name: name, Role: store.RoleOwner, PasswordHash: hash}
	errDone := errors.New("setup already done")
	err = h.store.InTx(c.Request().Context(), func(tx *store.Tx) error {
		n, err := tx.CountUsers(c.Request().Context())
		if err != nil {
			return err
		}
		if n > 0 {
			return errDone
		}
		if err := tx.CreateUser(c.Request().Context(), &u); err != nil {
			return err
		}
		return tx.Audit(c.Request().Context(), store.AuditEntry{UserEmail: u.Email, Action: "created", Entity: "user", Ref: u.Email, Detail: "owner, at set-up"})
	})
	if errors.Is(err, errDone) {
		return echo.NewHTTPError(http.StatusNotFound, "Set-up is done. Sign in instead.")
	}
	if err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	setFlash(c, "success", "Welcome, "+u.Name+". Your owner account is ready.")
	return h.redirect(c, "/apps")
}

// LoginForm shows the sign-in form, or sends a fresh install to set-up.
func (h *Handler) LoginForm(c echo.Context) error {
	if ok, err := h.needsSetup(c); err != nil || ok {
		if err != nil {
			return err
		}
		return h.redirect(c, "/setup")
	}
	if state(c).user != nil {
		return h.redirect(c, "/apps")
	}
	p := h.page(c, "Sign in", "")
	switch {
	case c.QueryParam("joined") != "":
		p.Flash = views.Flash{Kind: "success", Message: "Welcome. Your password is set: sign in with it."}
	case c.QueryParam("password") == "set":
		p.Flash = views.Flash{Kind: "success", Message: "Your new password is set. Sign in with it."}
	}
	return h.render(c, http.StatusOK, views.LoginPage(p, views.Form{}))
}

// Login checks the password, throttled per account and per address, and starts a new session.
func (h *Handler) Login(c echo.Context) error {
	f := formOf(c)
	email := strings.ToLower(strings.TrimSpace(f.Get("email")))
	f.Values["password"] = nil // never echo a password back
	addr := c.RealIP()
	now := h.now()
	if !h.limiter.begin(now, email, addr) {
		metrics.SignInFailures.Inc()
		f.Errors = map[string]string{"_form": "Too many failed sign-in attempts. Wait 15 minutes and try again."}
		return h.render(c, http.StatusTooManyRequests, views.LoginPage(h.page(c, "Sign in", ""), f))
	}
	u, err := h.store.UserByEmail(c.Request().Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash := u.PasswordHash
	if hash == "" {
		hash = dummyHash() // spend the same time whether or not the account exists
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(c.FormValue("password"))) != nil || u.ID == 0 {
		metrics.SignInFailures.Inc()
		if u.ID != 0 {
			// An existing account's failure goes to the audit log; the limiter bounds them to a
			// few per account every 15 minutes, so this cannot flood the database.
			if err := h.store.InTx(c.Request().Context(), func(tx *store.Tx) error {
				return tx.Audit(c.Request().Context(), store.AuditEntry{UserEmail: email, Action: "failed sign-in", Entity: "user", Ref: email, Detail: "from " + addr})
			}); err != nil {
				h.log.Error("auditing a failed sign-in", "err", err)
			}
		}
		f.Errors = map[string]string{"_form": "That email and password do not match."}
		return h.render(c, http.StatusUnauthorized, views.LoginPage(h.page(c, "Sign in", ""), f))
	}
	h.limiter.succeed(email, addr)
	if err := h.startSession(c, u); err != nil {
		return err
	}
	return h.redirect(c, "/apps")
}

// dummyHash is a bcrypt hash of a random string, compared against when the account does not exist.
// It is made once, on a goroutine that New starts, rather than at package init, where its ~0.1 s
// of bcrypt delayed every start of the binary (serve and each CLI command alike).
var dummyHash = sync.OnceValue(func() string {
	tok, err := randomToken()
	if err != nil {
		panic(err)
	}
	b, err := bcrypt.GenerateFromPassword([]byte(tok), bcrypt.DefaultCost)
	if err != nil {
		panic(err)
	}
	return string(b)
})

// startSession replaces the visitor's session with a fresh one for u (a new id defeats fixation);
// it is stored when the response is written.
func (h *Handler) startSession(c echo.Context, u store.User) error {
	st := state(c)
	if st.sess != nil && st.sess.ID != "" {
		if err := h.store.DeleteSession(c.Request().Context(), st.sess.ID); err != nil {
			return err
		}
	}
	sess, err := h.sessions.New(&http.Request{Header: http.Header{}}, sessionCookie)
	if err != nil {
		return err
	}
	sess.Values["uid"] = strconv.FormatInt(u.ID, 10)
	st.sess, st.user, st.dirty = sess, &u, true
	st.anonCSRF = ""
	clearCSRFCookie(c) // from now on the token lives in the session
	h.csrfToken(c)
	return nil
}

// Logout deletes the session on the server, so a copied cookie stops working.
func (h *Handler) Logout(c echo.Context) error {
	st := state(c)
	st.sess.Options.MaxAge = -1
	st.dirty = true
	if err := h.saveSession(c); err != nil {
		return err
	}
	st.sess, st.user = nil, nil
	return h.redirect(c, "/login")
}

// formOf reads the posted form into a views.Form.
func formOf(c echo.Context) views.Form {
	vals, err := c.FormParams()
	if err != nil {
		vals = nil
	}
	f := views.Form{Values: map[string][]string{}, Errors: map[string]string{}}
	for k, v := range vals {
		f.Values[k] = v
	}
	return f
}
