package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"nami/offer"
	"nami/store"
	"nami/urls"
	"nami/views"
)

func (h *Handler) renderEntitlements(c echo.Context, status int, v views.EntitlementsView) error {
	p, err := h.appPage(c, "Entitlements", "entitlements")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a := currentApp(c)
	ls := listStateOf(c)
	list, total, err := h.store.EntitlementsPage(ctx, a.ID, ls.query())
	if err != nil {
		return err
	}
	if last, past := ls.lastPage(total); past && total > 0 {
		ls = last
		if list, total, err = h.store.EntitlementsPage(ctx, a.ID, ls.query()); err != nil {
			return err
		}
	}
	v.All = total
	if ls.Q != "" {
		if _, v.All, err = h.store.EntitlementsPage(ctx, a.ID, store.ListQuery{Limit: 1}); err != nil {
			return err
		}
	}
	found := v.EditRef == ""
	for _, e := range list {
		v.Rows = append(v.Rows, views.EntitlementRow{Ref: e.Ref, Name: e.Name, Description: e.Description, Products: e.Products})
		found = found || e.Ref == v.EditRef
	}
	if !found { // the row being edited is off this page: show it first
		v.Rows = append([]views.EntitlementRow{{Ref: v.EditRef, Name: v.Edit.Get("name")}}, v.Rows...)
	}
	v.Slug = a.Slug
	v.Pager = ls.pager(urls.Entitlements(a.Slug), nil, total, len(list), "entitlement", "entitlements")
	return h.renderSection(c, status, p, views.EntitlementsPage(p, v), views.EntitlementsSection(p, v))
}

// Entitlements lists the app's entitlements.
func (h *Handler) Entitlements(c echo.Context) error {
	return h.renderEntitlements(c, http.StatusOK, views.EntitlementsView{})
}

// EditEntitlement shows the list with one entitlement's row as a form.
func (h *Handler) EditEntitlement(c echo.Context) error {
	e, err := h.store.Entitlement(c.Request().Context(), currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string][]string{"ref": {e.Ref}, "name": {e.Name}, "description": {e.Description},
		"version": {strconv.Itoa(e.Version)}}}
	return h.renderEntitlements(c, http.StatusOK, views.EntitlementsView{EditRef: e.Ref, Edit: f})
}

func readEntitlement(c echo.Context, f views.Form) store.Entitlement {
	e := store.Entitlement{AppID: currentApp(c).ID, Ref: trimmed(f, "ref"), Name: trimmed(f, "name"), Description: trimmed(f, "description")}
	checkName(f, "name")
	if err := offer.CheckRef(e.Ref); err != nil {
		f.Errors["ref"] = err.Error()
	}
	if len(e.Description) > 500 {
		f.Errors["description"] = "Use at most 500 characters."
	}
	return e
}

// CreateEntitlement adds an entitlement.
func (h *Handler) CreateEntitlement(c echo.Context) error {
	f := formOf(c)
	e := readEntitlement(c, f)
	if len(f.Errors) == 0 {
		err := h.commit(c, "created", "entitlement", e.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.CreateEntitlement(ctx, &e) })
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["ref"] = "This app already has an entitlement with this ref."
		case err != nil:
			return err
		default:
			return h.listDone(c, "Added "+e.Name+".", entitlementsHere(c), func() error { return h.renderEntitlements(c, http.StatusCreated, views.EntitlementsView{}) })
		}
	}
	return h.renderEntitlements(c, http.StatusUnprocessableEntity, views.EntitlementsView{New: f})
}

// UpdateEntitlement saves an edited entitlement unless someone else saved it first.
func (h *Handler) UpdateEntitlement(c echo.Context) error {
	ctx := c.Request().Context()
	old, err := h.store.Entitlement(ctx, currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	f := formOf(c)
	e := readEntitlement(c, f)
	e.ID, e.Version = old.ID, formVersion(f)
	status := http.StatusUnprocessableEntity
	if len(f.Errors) == 0 {
		changes := fieldChanges([3]string{"ref", old.Ref, e.Ref}, [3]string{"name", old.Name, e.Name}, [3]string{"description", old.Description, e.Description})
		err := h.commitDetail(c, "updated", "entitlement", e.Ref, changes, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateEntitlement(ctx, &e) })
		switch {
		case errors.Is(err, store.ErrStale):
			status = http.StatusConflict
			var d []string
			d = diff(d, "name", old.Name, e.Name)
			d = diff(d, "ref", old.Ref, e.Ref)
			d = diff(d, "description", old.Description, e.Description)
			f.Errors["_form"] = staleMessage("entitlement", d)
			f.Values["version"] = []string{strconv.Itoa(old.Version)}
		case errors.Is(err, store.ErrConflict):
			f.Errors["ref"] = "This app already has an entitlement with this ref."
		case err != nil:
			return err
		default:
			return h.listDone(c, "Saved "+e.Name+".", entitlementsHere(c), func() error { return h.renderEntitlements(c, http.StatusOK, views.EntitlementsView{}) })
		}
	}
	return h.renderEntitlements(c, status, views.EntitlementsView{EditRef: old.Ref, Edit: f})
}

// DeleteEntitlement deletes an entitlement; products stop granting it.
func (h *Handler) DeleteEntitlement(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := h.store.Entitlement(ctx, currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	err = h.commit(c, "deleted", "entitlement", e.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteEntitlement(ctx, e.ID) })
	if err != nil {
		return err
	}
	return h.listDone(c, "Deleted "+e.Name+".", entitlementsHere(c), func() error { return h.renderEntitlements(c, http.StatusOK, views.EntitlementsView{}) })
}

// entitlementsHere is the entitlements list as the request had it: search and page.
func entitlementsHere(c echo.Context) string {
	return listStateOf(c).pager(urls.Entitlements(currentApp(c).Slug), nil, 0, 0, "", "").Here()
}

// BulkDeleteEntitlements deletes the selected entitlements (sel=ref) in one transaction, with an
// audit entry each, like DeleteEntitlement; ones that no longer exist are reported as refused.
func (h *Handler) BulkDeleteEntitlements(c echo.Context) error {
	f := formOf(c)
	sel, msg := bulkSelection(f, "entitlements")
	if msg != "" {
		return h.renderEntitlements(c, http.StatusUnprocessableEntity, views.EntitlementsView{BulkError: msg})
	}
	var res views.BulkResult
	err := h.commitBulk(c, func(ctx context.Context, tx *store.Tx, audit func(action, entity, ref, detail string) error) error {
		res = views.BulkResult{}
		for _, ref := range sel {
			e, err := tx.Entitlement(ctx, currentApp(c).ID, ref)
			if errors.Is(err, store.ErrNotFound) {
				res.Refused = append(res.Refused, ref+": it no longer exists")
				continue
			}
			if err != nil {
				return err
			}
			if err := tx.DeleteEntitlement(ctx, e.ID); err != nil {
				return err
			}
			if err := audit("deleted", "entitlement", e.Ref, ""); err != nil {
				return err
			}
			res.Done = append(res.Done, e.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	setFlash(c, bulkFlashKind(res), bulkReport("Deleted", "entitlement", "entitlements", res))
	return h.redirect(c, entitlementsHere(c))
}
