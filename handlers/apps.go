package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/engine"
	"nami/offer"
	"nami/store"
	"nami/urls"
	"nami/views"
)

const appKey = "nami.app"

// withApp loads the app named in the URL, for every page under /apps/:slug.
func (h *Handler) withApp(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, err := h.store.AppBySlug(c.Request().Context(), c.Param("slug"))
		if err != nil {
			return err
		}
		c.Set(appKey, a)
		return next(c)
	}
}

func currentApp(c echo.Context) store.App { return c.Get(appKey).(store.App) }

// appPage builds the view model of a page that belongs to the current app, with its sidebar.
// It loads the counts of the current app only, the other apps as links (slug and name), and
// whether the drafts differ from the last release from the draft generation (Drafts): no page
// pays for apps it does not show, nor for a compile of the catalog.
func (h *Handler) appPage(c echo.Context, title, section string) (views.Page, error) {
	ctx := c.Request().Context()
	p := h.page(c, title, section)
	a := currentApp(c)
	// Read again rather than taken from withApp: a handler that saved before rendering has bumped
	// the draft generation since.
	s, err := h.store.AppSummary(ctx, a.Slug)
	if err != nil {
		return p, err
	}
	links, err := h.store.AppLinks(ctx)
	if err != nil {
		return p, err
	}
	nav := &views.AppNav{Slug: a.Slug, Name: s.Name, LastRelease: s.LastRelease,
		Counts: views.NavCounts{Platforms: s.Platforms, Entitlements: s.Entitlements, Products: s.Products,
			Paywalls: s.Paywalls, Campaigns: s.Campaigns}}
	for _, l := range links {
		if l.Slug != a.Slug {
			nav.OtherApps = append(nav.OtherApps, views.AppLink{Slug: l.Slug, Name: l.Name})
		}
	}
	if nav.Unpublished, err = h.drafts.Unpublished(ctx, h.store, s.App); err != nil {
		return p, err
	}
	p.Nav = nav
	return p, nil
}

// changed records an edit of the current app's drafts with its audit entry, in one transaction.
func (h *Handler) changed(c echo.Context, tx *store.Tx, action, entity, ref string) error {
	return h.changedWith(c, tx, action, entity, ref, "")
}

// changedWith is changed with a detail for the audit entry, e.g. what the change changed.
func (h *Handler) changedWith(c echo.Context, tx *store.Tx, action, entity, ref, detail string) error {
	a := currentApp(c)
	if err := tx.TouchApp(c.Request().Context(), a.ID); err != nil {
		return err
	}
	return tx.Audit(c.Request().Context(), store.AuditEntry{UserEmail: user(c).Email, AppSlug: a.Slug, Action: action, Entity: entity, Ref: ref, Detail: detail})
}

// Apps lists the apps.
func (h *Handler) Apps(c echo.Context) error {
	return h.renderApps(c, http.StatusOK, views.Form{})
}

func (h *Handler) renderApps(c echo.Context, status int, f views.Form) error {
	apps, err := h.store.AppSummaries(c.Request().Context())
	if err != nil {
		return err
	}
	return h.render(c, status, views.AppsPage(h.page(c, "Apps", "apps"), apps, f))
}

// CreateApp creates an app from `name` and `slug`.
func (h *Handler) CreateApp(c echo.Context) error {
	f := formOf(c)
	a := store.App{Name: strings.TrimSpace(f.Get("name")), Slug: strings.TrimSpace(f.Get("slug"))}
	if a.Name == "" {
		f.Errors["name"] = "Enter the app's name."
	} else if len(a.Name) > 120 {
		f.Errors["name"] = "Use at most 120 characters."
	}
	if err := offer.CheckRef(a.Slug); err != nil {
		f.Errors["slug"] = err.Error()
	}
	if len(f.Errors) == 0 {
		err := h.store.InTx(c.Request().Context(), func(tx *store.Tx) error {
			if err := tx.CreateApp(c.Request().Context(), &a); err != nil {
				return err
			}
			return tx.Audit(c.Request().Context(), store.AuditEntry{UserEmail: user(c).Email, AppSlug: a.Slug, Action: "created", Entity: "app", Ref: a.Slug})
		})
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["slug"] = "Another app already uses this slug."
		case err != nil:
			return err
		default:
			setFlash(c, "success", "Created "+a.Name+". Next, add the platforms it sells on.")
			return h.redirect(c, urls.Platforms(a.Slug))
		}
	}
	return h.renderApps(c, http.StatusUnprocessableEntity, f)
}

// App is an app's overview.
func (h *Handler) App(c echo.Context) error { return h.renderApp(c, http.StatusOK, views.Form{}) }

// RenameApp changes an app's display name; the slug never changes.
func (h *Handler) RenameApp(c echo.Context) error {
	a := currentApp(c)
	f := formOf(c)
	checkName(f, "name")
	if len(f.Errors) > 0 {
		return h.renderApp(c, http.StatusUnprocessableEntity, f)
	}
	a.Name = trimmed(f, "name")
	err := h.commit(c, "renamed", "app", a.Slug, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateApp(ctx, &a) })
	if err != nil {
		return err
	}
	setFlash(c, "success", "Renamed the app to "+a.Name+".")
	return h.redirect(c, urls.App(a.Slug))
}

func (h *Handler) renderApp(c echo.Context, status int, rename views.Form) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	p, err := h.appPage(c, a.Name, "overview")
	if err != nil {
		return err
	}
	sum, err := h.store.AppSummary(ctx, a.Slug)
	if err != nil {
		return err
	}
	rows, err := h.platformRows(c)
	if err != nil {
		return err
	}
	campaigns, err := h.store.CampaignHeads(ctx, a.ID) // no variants: the overview lists names only
	if err != nil {
		return err
	}
	var live []views.CampaignRow
	liveCount := 0
	for _, cp := range campaigns {
		if cp.Status == engine.StatusLive {
			if liveCount++; len(live) < views.OverviewCampaigns {
				live = append(live, views.CampaignRow{Ref: cp.Ref, Name: cp.Name, Label: cp.Label, Priority: cp.Priority})
			}
		}
	}
	if rename.Values == nil {
		rename = views.Form{Values: map[string][]string{"name": {a.Name}}}
	}
	an, err := h.overviewAnalytics(c)
	if err != nil {
		return err
	}
	return h.render(c, status, views.AppPage(p, views.AppOverview{App: sum, Platforms: rows, LiveCampaigns: live, MoreLive: liveCount - len(live), Rename: rename, Analytics: an}))
}

// DeleteApp deletes an app and everything in it.
func (h *Handler) DeleteApp(c echo.Context) error {
	a := currentApp(c)
	err := h.store.InTx(c.Request().Context(), func(tx *store.Tx) error {
		if err := tx.DeleteApp(c.Request().Context(), a.ID); err != nil {
			return err
		}
		return tx.Audit(c.Request().Context(), store.AuditEntry{UserEmail: user(c).Email, AppSlug: a.Slug, Action: "deleted", Entity: "app", Ref: a.Slug})
	})
	if err != nil {
		return err
	}
	setFlash(c, "success", "Deleted "+a.Name+".")
	return h.redirect(c, urls.Apps())
}
