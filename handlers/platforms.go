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

func (h *Handler) platformRows(c echo.Context) ([]views.PlatformRow, error) {
	ctx := c.Request().Context()
	stores, err := h.store.StorePlatforms(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, s := range stores {
		names[s.Code] = s.Name
	}
	list, err := h.store.Platforms(ctx, currentApp(c).ID)
	if err != nil {
		return nil, err
	}
	rows := make([]views.PlatformRow, len(list))
	for i, p := range list {
		rows[i] = views.PlatformRow{Ref: p.Ref, Name: p.Name, Store: p.Store, StoreName: names[p.Store], BundleID: p.BundleID,
			Environment: p.Environment, Key: p.Key, Version: p.Version, Products: p.Products}
	}
	return rows, nil
}

func (h *Handler) renderPlatforms(c echo.Context, status int, v views.PlatformsView) error {
	p, err := h.appPage(c, "Platforms", "platforms")
	if err != nil {
		return err
	}
	if v.Rows, err = h.platformRows(c); err != nil {
		return err
	}
	stores, err := h.store.StorePlatforms(c.Request().Context())
	if err != nil {
		return err
	}
	for _, s := range stores {
		v.Stores = append(v.Stores, views.Option{Value: s.Code, Label: s.Name})
	}
	v.Slug = currentApp(c).Slug
	if v.New.Values == nil {
		v.New = views.Form{Values: map[string][]string{"environment": {"production"}}}
	}
	return h.renderSection(c, status, p, views.PlatformsPage(p, v), views.PlatformsSection(p, v))
}

// Platforms lists the app's platforms.
func (h *Handler) Platforms(c echo.Context) error {
	return h.renderPlatforms(c, http.StatusOK, views.PlatformsView{})
}

// EditPlatform shows the list with one platform's row as a form.
func (h *Handler) EditPlatform(c echo.Context) error {
	pl, err := h.store.Platform(c.Request().Context(), currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	return h.renderPlatforms(c, http.StatusOK, views.PlatformsView{EditRef: pl.Ref, Edit: platformForm(pl)})
}

func platformForm(p store.AppPlatform) views.Form {
	return views.Form{Values: map[string][]string{"ref": {p.Ref}, "name": {p.Name}, "store": {p.Store},
		"bundle_id": {p.BundleID}, "environment": {p.Environment}, "version": {strconv.Itoa(p.Version)}}}
}

// readPlatform validates the platform form into f.Errors and returns the platform it describes.
func (h *Handler) readPlatform(c echo.Context, f views.Form) (store.AppPlatform, error) {
	p := store.AppPlatform{AppID: currentApp(c).ID, Ref: trimmed(f, "ref"), Name: trimmed(f, "name"), Store: f.Get("store"),
		BundleID: trimmed(f, "bundle_id"), Environment: f.Get("environment")}
	checkName(f, "name")
	if err := offer.CheckRef(p.Ref); err != nil {
		f.Errors["ref"] = err.Error()
	}
	stores, err := h.store.StorePlatforms(c.Request().Context())
	if err != nil {
		return p, err
	}
	known := false
	for _, s := range stores {
		known = known || s.Code == p.Store
	}
	if !known {
		f.Errors["store"] = "Choose one of the stores in the list."
	}
	if len(p.BundleID) > 200 {
		f.Errors["bundle_id"] = "Use at most 200 characters."
	}
	if p.Environment != "production" && p.Environment != "sandbox" {
		f.Errors["environment"] = "Choose production or sandbox."
	}
	return p, nil
}

// CreatePlatform adds a platform with a fresh SDK key.
func (h *Handler) CreatePlatform(c echo.Context) error {
	f := formOf(c)
	p, err := h.readPlatform(c, f)
	if err != nil {
		return err
	}
	if len(f.Errors) == 0 {
		err := h.commit(c, "created", "platform", p.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePlatform(ctx, &p) })
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["ref"] = "This app already has a platform with this ref."
		case err != nil:
			return err
		default:
			return h.listDone(c, "Added "+p.Name+". Its SDK key is ready to use.", urls.Platforms(currentApp(c).Slug), func() error { return h.renderPlatforms(c, http.StatusCreated, views.PlatformsView{}) })
		}
	}
	return h.renderPlatforms(c, http.StatusUnprocessableEntity, views.PlatformsView{New: f})
}

// UpdatePlatform saves an edited platform unless someone else saved it first.
func (h *Handler) UpdatePlatform(c echo.Context) error {
	ctx := c.Request().Context()
	old, err := h.store.Platform(ctx, currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	f := formOf(c)
	p, err := h.readPlatform(c, f)
	if err != nil {
		return err
	}
	p.ID, p.Key, p.Version = old.ID, old.Key, formVersion(f)
	status := http.StatusUnprocessableEntity
	if len(f.Errors) == 0 {
		changes := fieldChanges([3]string{"ref", old.Ref, p.Ref}, [3]string{"name", old.Name, p.Name}, [3]string{"store", old.Store, p.Store},
			[3]string{"bundle_id", old.BundleID, p.BundleID}, [3]string{"environment", old.Environment, p.Environment})
		err := h.commitDetail(c, "updated", "platform", p.Ref, changes, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePlatform(ctx, &p) })
		switch {
		case errors.Is(err, store.ErrStale):
			status = http.StatusConflict
			var d []string
			d = diff(d, "name", old.Name, p.Name)
			d = diff(d, "ref", old.Ref, p.Ref)
			d = diff(d, "store", old.Store, p.Store)
			d = diff(d, "bundle id", old.BundleID, p.BundleID)
			d = diff(d, "environment", old.Environment, p.Environment)
			f.Errors["_form"] = staleMessage("platform", d)
			f.Values["version"] = []string{strconv.Itoa(old.Version)}
		case errors.Is(err, store.ErrConflict):
			f.Errors["ref"] = "This app already has a platform with this ref."
		case err != nil:
			return err
		default:
			return h.listDone(c, "Saved "+p.Name+".", urls.Platforms(currentApp(c).Slug), func() error { return h.renderPlatforms(c, http.StatusOK, views.PlatformsView{}) })
		}
	}
	return h.renderPlatforms(c, status, views.PlatformsView{EditRef: old.Ref, Edit: f})
}

// RotateKey gives a platform a new SDK key.
func (h *Handler) RotateKey(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := h.store.Platform(ctx, currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	p.Key = store.NewKey()
	err = h.commit(c, "rotated key", "platform", p.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePlatform(ctx, &p) })
	if err != nil {
		return err
	}
	return h.listDone(c, "New SDK key for "+p.Name+". Update your app before the next publish.", urls.Platforms(currentApp(c).Slug), func() error { return h.renderPlatforms(c, http.StatusOK, views.PlatformsView{}) })
}

// DeletePlatform deletes a platform and its products.
func (h *Handler) DeletePlatform(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := h.store.Platform(ctx, currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	err = h.commit(c, "deleted", "platform", p.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.DeletePlatform(ctx, p.ID) })
	if err != nil {
		return err
	}
	return h.listDone(c, "Deleted "+p.Name+" and its products.", urls.Platforms(currentApp(c).Slug), func() error { return h.renderPlatforms(c, http.StatusOK, views.PlatformsView{}) })
}
