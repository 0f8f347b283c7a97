package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"nami/store"
	"nami/views"
)

// linkURL is the full address of a one-time link, under the server's base URL (never the
// request's Host header, which the client chooses).
func (h *Handler) linkURL(c echo.Context, kind, secret string) string {
	return h.BaseURL(c) + "/" + kind + "/" + secret
}

// checkPersonName says what is wrong with a display name, or "".
func checkPersonName(name string) string {
	switch {
	case name == "":
		return "Enter a name."
	case len(name) > 120:
		return "Use at most 120 characters."
	}
	return ""
}

// Account shows the signed-in user's own settings.
func (h *Handler) Account(c echo.Context) error {
	me := user(c)
	return h.renderAccount(c, http.StatusOK, views.AccountView{Email: me.Email,
		Name: views.Form{Values: map[string][]string{"name": {me.Name}}}})
}

func (h *Handler) renderAccount(c echo.Context, status int, v views.AccountView) error {
	if v.Name.Values == nil {
		v.Name.Values = map[string][]string{"name": {user(c).Name}}
	}
	return h.render(c, status, views.AccountPage(h.page(c, "Your account", ""), v))
}

// SaveAccount changes the signed-in user's name or password, or ends their other sessions; the
// form's "action" says which.
func (h *Handler) SaveAccount(c echo.Context) error {
	ctx := c.Request().Context()
	me := user(c)
	v := views.AccountView{Email: me.Email}
	switch c.FormValue("action") {
	case "name":
		name := strings.TrimSpace(c.FormValue("name"))
		v.Name = views.Form{Values: map[string][]string{"name": {name}}, Errors: map[string]string{}}
		if msg := checkPersonName(name); msg != "" {
			v.Name.Errors["name"] = msg
			return h.renderAccount(c, http.StatusUnprocessableEntity, v)
		}
		err := h.store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetUserName(ctx, me.ID, name); err != nil {
				return err
			}
			return tx.Audit(ctx, store.AuditEntry{UserEmail: me.Email, Action: "renamed", Entity: "user", Ref: me.Email, Detail: me.Name + " → " + name})
		})
		if err != nil {
			return err
		}
		setFlash(c, "success", "Your name is now "+name+".")
		return h.redirect(c, "/account")
	case "password":
		pw := c.FormValue("password")
		v.Password = views.Form{Values: map[string][]string{}, Errors: map[string]string{}}
		if bcrypt.CompareHashAndPassword([]byte(me.PasswordHash), []byte(c.FormValue("current"))) != nil {
			v.Password.Errors["current"] = "This is not your current password."
		}
		if msg := CheckPassword(pw, me.Email); msg != "" {
			v.Password.Errors["password"] = msg
		}
		if len(v.Password.Errors) > 0 {
			return h.renderAccount(c, http.StatusUnprocessableEntity, v)
		}
		hash, err := HashPassword(pw)
		if err != nil {
			return err
		}
		err = h.store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetUserPassword(ctx, me.ID, hash); err != nil {
				return err
			}
			if err := tx.DeleteUserSessions(ctx, me.ID); err != nil {
				return err
			}
			return tx.Audit(ctx, store.AuditEntry{UserEmail: me.Email, Action: "changed password", Entity: "user", Ref: me.Email})
		})
		if err != nil {
			return err
		}
		if err := h.startSession(c, me); err != nil { // this browser stays signed in, under a new id
			return err
		}
		setFlash(c, "success", "Your password is changed. Every other device is signed out.")
		return h.redirect(c, "/account")
	case "signout-others":
		err := h.store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.DeleteUserSessions(ctx, me.ID); err != nil {
				return err
			}
			return tx.Audit(ctx, store.AuditEntry{UserEmail: me.Email, Action: "signed out everywhere else", Entity: "user", Ref: me.Email})
		})
		if err != nil {
			return err
		}
		if err := h.startSession(c, me); err != nil {
			return err
		}
		setFlash(c, "success", "Every other device is signed out.")
		return h.redirect(c, "/account")
	}
	return echo.NewHTTPError(http.StatusBadRequest, "Unknown account action. Reload the page and try again.")
}

// validLink loads the user of a one-time link of kind, or the error page saying why it does not work.
func (h *Handler) validLink(c echo.Context, kind string) (store.User, error) {
	ctx := c.Request().Context()
	tk, err := h.store.ValidToken(ctx, c.Param("token"), kind)
	if err == nil {
		var u store.User
		u, err = h.store.UserByID(ctx, tk.UserID)
		if err == nil {
			return u, nil
		}
	}
	return store.User{}, linkError(err)
}

// linkError turns why a link does not work into the page a person sees.
func linkError(err error) error {
	switch {
	case errors.Is(err, store.ErrTokenUsed):
		return echo.NewHTTPError(http.StatusGone, "This link was already used; each link works once. Sign in with your password, or ask an admin for a new link.")
	case errors.Is(err, store.ErrTokenExpired):
		return echo.NewHTTPError(http.StatusGone, "This link has expired; links work for 24 hours. Ask an admin of your team for a new one.")
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "This link does not exist. Check that you copied all of it, or ask an admin for a new one.")
	}
	return err
}

// LinkForm shows the form behind a one-time link of kind (store.TokenInvite or store.TokenReset).
func (h *Handler) LinkForm(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := h.validLink(c, kind)
		if err != nil {
			return err
		}
		f := views.Form{Values: map[string][]string{"name": {u.Name}}}
		return h.renderLinkForm(c, http.StatusOK, kind, u, f)
	}
}

func (h *Handler) renderLinkForm(c echo.Context, status int, kind string, u store.User, f views.Form) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	title := "Choose a new password"
	if kind == store.TokenInvite {
		title = "Join the team"
	}
	return h.render(c, status, views.SetPasswordPage(h.page(c, title, ""),
		views.SetPasswordView{Kind: kind, Token: c.Param("token"), Email: u.Email, Form: f}))
}

// UseLink sets the password (and, for an invitation, the name) through a one-time link, uses the
// link up, ends the member's sessions and sends them to sign in.
func (h *Handler) UseLink(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		u, err := h.validLink(c, kind)
		if err != nil {
			return err
		}
		name, pw := strings.TrimSpace(c.FormValue("name")), c.FormValue("password")
		f := views.Form{Values: map[string][]string{"name": {name}}, Errors: map[string]string{}}
		if kind == store.TokenInvite {
			if msg := checkPersonName(name); msg != "" {
				f.Errors["name"] = msg
			}
		}
		if msg := CheckPassword(pw, u.Email); msg != "" {
			f.Errors["password"] = msg
		}
		if len(f.Errors) > 0 {
			return h.renderLinkForm(c, http.StatusUnprocessableEntity, kind, u, f)
		}
		hash, err := HashPassword(pw)
		if err != nil {
			return err
		}
		err = h.store.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.UseToken(ctx, c.Param("token"), kind); err != nil {
				return err
			}
			if err := tx.SetUserPassword(ctx, u.ID, hash); err != nil {
				return err
			}
			action := "reset password"
			if kind == store.TokenInvite {
				action = "joined"
				if err := tx.SetUserName(ctx, u.ID, name); err != nil {
					return err
				}
			}
			if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
			return tx.Audit(ctx, store.AuditEntry{UserEmail: u.Email, Action: action, Entity: "user", Ref: u.Email, Detail: "with a one-time link"})
		})
		if err != nil {
			return linkError(err)
		}
		st := state(c)
		if st.user != nil && st.user.ID == u.ID && st.sess != nil {
			// this browser's session ended with the others: it signs in again with the new password
			delete(st.sess.Values, "uid")
			st.user = nil
		}
		// A signed-out browser keeps no session, so the login page says it from the address.
		if kind == store.TokenInvite {
			return h.redirect(c, "/login?joined=1")
		}
		return h.redirect(c, "/login?password=set")
	}
}
