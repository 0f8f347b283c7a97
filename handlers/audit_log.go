package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"nami/store"
	"nami/urls"
	"nami/views"
)

// AuditLog is the audit log: filtered by app, person and kind of item, each entry linked to its
// item and, for paywalls and campaigns, with what the save changed; CSV with ?format=csv.
func (h *Handler) AuditLog(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	f := store.AuditFilter{App: q.Get("app"), User: q.Get("user"), Entity: q.Get("entity"), Limit: views.AuditLimit}
	if q.Get("format") == "csv" {
		entries, err := h.store.AuditEntries(ctx, f)
		if err != nil {
			return err
		}
		rows := [][]string{{"at", "user", "app", "action", "entity", "ref", "detail"}}
		for _, e := range entries {
			rows = append(rows, []string{e.At.UTC().Format(time.RFC3339), e.UserEmail, e.AppSlug, e.Action, e.Entity, e.Ref, e.Detail})
		}
		return writeCSV(c, "nami-audit.csv", rows)
	}
	f.Limit = 0
	facets, err := h.store.AuditFacets(ctx)
	if err != nil {
		return err
	}
	ls := listStateOf(c)
	entries, total, err := h.store.AuditPage(ctx, f, ls.Q, views.PageRows, (ls.Page-1)*views.PageRows)
	if err != nil {
		return err
	}
	if last, past := ls.lastPage(total); past && total > 0 {
		ls = last
		if entries, total, err = h.store.AuditPage(ctx, f, ls.Q, views.PageRows, (ls.Page-1)*views.PageRows); err != nil {
			return err
		}
	}
	loc := marketerZone(c)
	v := views.AuditView{Filter: f, Facets: facets, Query: csvQuery(q).Encode(),
		Pager: ls.pager("/audit", url.Values{"app": {f.App}, "user": {f.User}, "entity": {f.Entity}}, total, len(entries), "entry", "entries")}
	for _, e := range entries {
		row := views.AuditRow{Entry: e, When: e.At.In(loc).Format("2006-01-02 15:04 MST"), Link: auditLink(e)}
		if row.Changes, err = h.auditChanges(ctx, e, loc); err != nil {
			return err
		}
		v.Rows = append(v.Rows, row)
	}
	return h.render(c, http.StatusOK, views.AuditLogPage(h.page(c, "Audit log", "audit"), v))
}

// auditLink is the page of an entry's item, or "" when it has none (a deleted app, a sign-in).
func auditLink(e store.AuditEntry) string {
	if e.AppSlug == "" {
		if e.Entity == "user" {
			return "/team"
		}
		return ""
	}
	switch e.Entity {
	case "paywall":
		return urls.Paywall(e.AppSlug, e.Ref)
	case "campaign":
		return urls.Campaign(e.AppSlug, e.Ref)
	case "platform":
		return urls.Platform(e.AppSlug, e.Ref)
	case "entitlement":
		return urls.Entitlement(e.AppSlug, e.Ref)
	case "product":
		if platform, sku, ok := strings.Cut(e.Ref, "/"); ok {
			return urls.Product(e.AppSlug, platform, sku)
		}
		return urls.Products(e.AppSlug)
	case "release":
		return urls.Releases(e.AppSlug)
	case "app", "catalog":
		return urls.App(e.AppSlug)
	}
	return urls.App(e.AppSlug)
}

// auditChanges is what a paywall's or campaign's save changed, from the versions the save
// recorded in the same transaction; nothing for other entries.
func (h *Handler) auditChanges(ctx context.Context, e store.AuditEntry, loc *time.Location) ([]views.HistoryChange, error) {
	if e.Entity != store.EntityPaywall && e.Entity != store.EntityCampaign {
		return nil, nil
	}
	cur, prev, hasPrev, ok, err := h.store.VersionSavedAt(ctx, e.AppSlug, e.Entity, e.Ref, e.At)
	if err != nil || !ok || !hasPrev {
		return nil, err
	}
	return versionChanges(prev, cur, loc)
}

// csvQuery is the audit page's query for its CSV link: the filters, without the page.
func csvQuery(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"app", "user", "entity"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}
