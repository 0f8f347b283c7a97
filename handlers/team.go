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

// AddUser creates a team member (admins only; only an owner may create another owner).
func (h *Handler) AddUser(c echo.Context) error {
	f := formOf(c)
	email, name, role := strings.TrimSpace(f.Get("email")), strings.TrimSpace(f.Get("name")), f.Get("role")
	f.Errors = CheckNewUser(email, name, c.FormValue("password"), role)
	delete(f.Values, "password")
	if role == store.RoleOwner && user(c).Role != store.RoleOwner {
		f.Errors["role"] = "Only an owner can add another owner."
	}
	if len(f.Errors) == 0 {
		hash, err := HashPassword(c.FormValue("password"))
		if err != nil {
			return err
		}
		u := store.User{Email: email, Name: name, Role: role, PasswordHash: hash}
		err = h.store.InTx(c.Request().Context(), func(tx *store.Tx) error {
			if err := tx.CreateUser(c.Request().Context(), &u); err != nil {
				return err
			}
			return tx.Audit(c.Request().Context(), store.AuditEntry{UserEmail: user(c).Email, Action: "created", Entity: "user", Ref: u.Email, Detail: u.Role})
		})
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["email"] = "Someone on the team already uses this email."
		case err != nil:
			return err
		default:
			setFlash(c, "success", "Added "+u.Name+" as "+u.Role+".")
			return h.redirect(c, "/team")
		}
	}
	return h.renderTeam(c, http.StatusUnprocessableEntity, f)
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

// Audit shows the latest changes.
func (h *Handler) Audit(c echo.Context) error {
	entries, err := h.store.AuditLog(c.Request().Context(), views.AuditLimit)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, views.AuditPage(h.page(c, "Audit log", "audit"), entries))
}
