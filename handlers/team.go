package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/store"
	"nami/views"
)

func roleOptions() []views.Option {
	return []views.Option{{Value: "viewer", Label: "Viewer"}, {Value: "editor", Label: "Editor"}, {Value: "admin", Label: "Admin"}, {Value: "owner", Label: "Owner"}}
}

func (h *Handler) renderTeam(c echo.Context, status int, f views.Form) error {
	users, err := h.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	if f.Values == nil {
		f = views.Form{Values: map[string][]string{"role": {"editor"}}}
	}
	return h.render(c, status, views.TeamPage(h.page(c, "Team", "team"), views.TeamView{Users: users, New: f, Roles: roleOptions()}))
}

// Team lists the users and their roles.
func (h *Handler) Team(c echo.Context) error { return h.renderTeam(c, http.StatusOK, views.Form{}) }

// AddUser adds a team member without a password (admins only; only an owner may add another
// owner) and shows the one-time link that lets them choose one.
func (h *Handler) AddUser(c echo.Context) error {
	ctx := c.Request().Context()
	f := formOf(c)
	email, name, role := strings.TrimSpace(f.Get("email")), strings.TrimSpace(f.Get("name")), f.Get("role")
	f.Errors = CheckNewUser(email, name, "", role)
	delete(f.Errors, "password") // they choose it through the invitation link
	delete(f.Values, "password")
	if role == store.RoleOwner && user(c).Role != store.RoleOwner {
		f.Errors["role"] = "Only an owner can add another owner."
	}
	if len(f.Errors) == 0 {
		u := store.User{Email: email, Name: name, Role: role} // no password until the invitation is used
		var secret string
		err := h.store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			var err error
			if secret, err = tx.IssueToken(ctx, u.ID, store.TokenInvite); err != nil {
				return err
			}
			return tx.Audit(ctx, store.AuditEntry{UserEmail: user(c).Email, Action: "invited", Entity: "user", Ref: u.Email, Detail: u.Role})
		})
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["email"] = "Someone on the team already uses this email."
		case err != nil:
			return err
		default:
			return h.renderTeamLink(c, u, store.TokenInvite, secret, "Added "+u.Name+" as "+u.Role+". Send them the invitation link.")
		}
	}
	return h.renderTeam(c, http.StatusUnprocessableEntity, f)
}

// renderTeamLink shows the team page with a one-time link, once: it is not stored anywhere readable.
func (h *Handler) renderTeamLink(c echo.Context, u store.User, kind, secret, msg string) error {
	users, err := h.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	p := h.page(c, "Team", "team")
	p.Flash = views.Flash{Kind: "success", Message: msg}
	return h.render(c, http.StatusOK, views.TeamPage(p, views.TeamView{Users: users, Roles: roleOptions(),
		New:  views.Form{Values: map[string][]string{"role": {"editor"}}},
		Link: h.linkURL(c, kind, secret), LinkKind: kind, LinkFor: u.Name}))
}

// member loads the team member named by the :id parameter.
func (h *Handler) member(c echo.Context) (store.User, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.User{}, echo.NewHTTPError(http.StatusNotFound, "No such team member.")
	}
	u, err := h.store.UserByID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return u, echo.NewHTTPError(http.StatusNotFound, "No such team member. They may have been removed already.")
	}
	return u, err
}

// RemoveUser takes a member off the team and ends their sessions at once (admins and owners).
// Nobody removes themselves, and an owner is never removed: they hand over ownership first.
func (h *Handler) RemoveUser(c echo.Context) error {
	ctx := c.Request().Context()
	target, err := h.member(c)
	if err != nil {
		return err
	}
	me := user(c)
	switch {
	case target.ID == me.ID:
		return echo.NewHTTPError(http.StatusForbidden, "You cannot remove yourself from the team. Ask another admin.")
	case target.Role == store.RoleOwner:
		return echo.NewHTTPError(http.StatusForbidden, "The owner cannot be removed. The owner can make someone else the owner first; then they are an admin and can be removed.")
	}
	err = h.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteUserSessions(ctx, target.ID); err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, target.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: me.Email, Action: "removed", Entity: "user", Ref: target.Email, Detail: target.Role})
	})
	if err != nil {
		return err
	}
	setFlash(c, "success", "Removed "+target.Name+" from the team; they are signed out.")
	return h.redirect(c, "/team")
}

// TransferOwnership makes a member the owner and the owner who asks an admin.
func (h *Handler) TransferOwnership(c echo.Context) error {
	ctx := c.Request().Context()
	target, err := h.member(c)
	if err != nil {
		return err
	}
	me := user(c)
	switch {
	case me.Role != store.RoleOwner:
		return echo.NewHTTPError(http.StatusForbidden, "Only the owner can hand over ownership.")
	case target.ID == me.ID:
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "You are already the owner. Choose another member.")
	case target.Role == store.RoleOwner:
		return echo.NewHTTPError(http.StatusConflict, target.Name+" is already an owner.")
	case target.Invited():
		return echo.NewHTTPError(http.StatusUnprocessableEntity, target.Name+" has not accepted the invitation yet. Hand over ownership once they have signed in.")
	}
	err = h.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetUserRole(ctx, target.ID, store.RoleOwner); err != nil {
			return err
		}
		if err := tx.SetUserRole(ctx, me.ID, store.RoleAdmin); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: me.Email, Action: "transferred ownership", Entity: "user", Ref: target.Email,
			Detail: me.Email + " → " + target.Email + "; " + me.Email + " is now admin"})
	})
	if err != nil {
		return err
	}
	setFlash(c, "success", target.Name+" is now the owner; you are an admin.")
	return h.redirect(c, "/team")
}

// ResetLink shows a one-time link with which a member chooses a new password (admins; only owners
// for owners, so an admin cannot take over an owner's account). A member who never used their
// invitation gets a new invitation instead.
func (h *Handler) ResetLink(c echo.Context) error {
	ctx := c.Request().Context()
	target, err := h.member(c)
	if err != nil {
		return err
	}
	me := user(c)
	switch {
	case target.ID == me.ID:
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "Change your own password on your account page.")
	case target.Role == store.RoleOwner && me.Role != store.RoleOwner:
		return echo.NewHTTPError(http.StatusForbidden, "Only an owner can make a password reset link for an owner.")
	}
	kind, action, msg := store.TokenReset, "created reset link", "Send "+target.Name+" the password reset link."
	if target.Invited() {
		kind, action, msg = store.TokenInvite, "invited again", "Send "+target.Name+" the new invitation link; the old one no longer works."
	}
	var secret string
	err = h.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if secret, err = tx.IssueToken(ctx, target.ID, kind); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: me.Email, Action: action, Entity: "user", Ref: target.Email})
	})
	if err != nil {
		return err
	}
	return h.renderTeamLink(c, target, kind, secret, msg)
}

// SetRole changes a team member's role. Nobody changes their own role, and only owners touch owners.
func (h *Handler) SetRole(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "No such team member.")
	}
	target, err := h.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	me := user(c)
	switch {
	case store.RoleRank(role) == 0:
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "Choose one of owner, admin, editor or viewer.")
	case target.ID == me.ID:
		return echo.NewHTTPError(http.StatusForbidden, "You cannot change your own role.")
	case (target.Role == store.RoleOwner || role == store.RoleOwner) && me.Role != store.RoleOwner:
		return echo.NewHTTPError(http.StatusForbidden, "Only an owner can grant or take away the owner role.")
	}
	err = h.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetUserRole(ctx, target.ID, role); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: me.Email, Action: "changed role", Entity: "user", Ref: target.Email, Detail: target.Role + " → " + role})
	})
	if err != nil {
		return err
	}
	setFlash(c, "success", target.Name+" is now "+role+".")
	return h.redirect(c, "/team")
}
