package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/publish"
	"nami/store"
	"nami/urls"
	"nami/views"
)

// OnPublish sets what runs after a release is stored (the SDK API's Refresh), so devices get
// it at once rather than at the next poll.
func (h *Handler) OnPublish(fn func(context.Context) error) { h.published = fn }

// Releases shows what publishing now would change, its errors and warnings, and the history.
func (h *Handler) Releases(c echo.Context) error {
	return h.renderReleases(c, http.StatusOK, views.Form{Values: map[string][]string{}, Errors: map[string]string{}})
}

func (h *Handler) renderReleases(c echo.Context, status int, f views.Form) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	p, err := h.appPage(c, "Releases", "releases")
	if err != nil {
		return err
	}
	plan, err := h.drafts.Prepare(ctx, h.store, a.Slug, h.now())
	if err != nil {
		return err
	}
	history, err := h.store.Releases(ctx, a.ID)
	if err != nil {
		return err
	}
	v := views.ReleasesView{Slug: a.Slug, Publish: f, Changes: changeGroups(a.Slug, plan.Changes),
		Errors: releaseIssues(a.Slug, plan.Errors), Warnings: releaseIssues(a.Slug, plan.Warnings), Summary: plan.Summary()}
	if plan.Last != nil {
		v.Last = plan.Last.Number
	}
	for i, r := range history {
		row := views.ReleaseRow{Number: r.Number, At: r.CreatedAt, By: r.CreatedBy, Note: r.Note,
			RepublishedFrom: r.RepublishedFrom, Live: i == 0}
		for _, ref := range r.Platforms {
			row.Snapshots = append(row.Snapshots, views.SnapshotLink{Platform: ref, URL: urls.SnapshotDownload(a.Slug, r.Number, ref)})
		}
		v.History = append(v.History, row)
	}
	return h.render(c, status, views.ReleasesPage(p, v))
}

// entityNames are the change groups' headings, in the order Diff lists entities.
var entityNames = map[string]string{"app": "App", "platform": "Platforms", "entitlement": "Entitlements",
	"product": "Products", "paywall": "Paywalls", "campaign": "Campaigns"}

// changeGroups groups Diff's changes by entity, keeping its order.
func changeGroups(slug string, changes []publish.Change) []views.ChangeGroup {
	var out []views.ChangeGroup
	for _, ch := range changes {
		name := entityNames[ch.Entity]
		if len(out) == 0 || out[len(out)-1].Entity != name {
			out = append(out, views.ChangeGroup{Entity: name})
		}
		item := views.ChangeItem{Kind: ch.Kind, Ref: ch.Ref, Fields: strings.Join(ch.Fields, ", ")}
		for _, t := range ch.Texts {
			item.Texts = append(item.Texts, t.String())
		}
		if ch.Kind != publish.Removed {
			item.URL = entityURL(slug, ch.Entity, ch.Ref)
		}
		g := &out[len(out)-1]
		g.Items = append(g.Items, item)
	}
	return out
}

// entityURL is the page of an entity named by Diff's ref.
func entityURL(slug, entity, ref string) string {
	switch entity {
	case "platform":
		return urls.Platform(slug, ref)
	case "entitlement":
		return urls.Entitlement(slug, ref)
	case "product":
		platform, sku, _ := strings.Cut(ref, "/")
		return urls.Product(slug, platform, sku)
	case "paywall":
		return urls.Paywall(slug, ref)
	case "campaign":
		return urls.Campaign(slug, ref)
	}
	return ""
}

func releaseIssues(slug string, issues []publish.Issue) []views.ReleaseIssue {
	out := make([]views.ReleaseIssue, 0, len(issues))
	for _, is := range issues {
		ri := views.ReleaseIssue{Text: issueText(is)}
		switch is.Entity {
		case "campaign":
			ri.URL = urls.Campaign(slug, is.Ref)
		case "platform":
			ri.URL = urls.Platform(slug, is.Ref)
		case "paywall":
			ri.URL = urls.Paywall(slug, is.Ref)
		case "app":
			ri.URL = urls.Platforms(slug)
		}
		out = append(out, ri)
	}
	return out
}

// Publish publishes the drafts as the app's next release, with the form's `note`.
func (h *Handler) Publish(c echo.Context) error {
	a := currentApp(c)
	f := formOf(c)
	note := trimmed(f, "note")
	if len(note) > 500 {
		f.Errors["note"] = "Use at most 500 characters."
		return h.renderReleases(c, http.StatusUnprocessableEntity, f)
	}
	res, err := h.drafts.Publish(c.Request().Context(), h.store, a.Slug, user(c).Email, note)
	var blocked *publish.Blocked
	if errors.As(err, &blocked) {
		f.Errors["_form"] = "Nothing was published: fix the errors below first."
		return h.renderReleases(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.afterPublish(c)
	setFlash(c, "success", publishedMessage(res))
	return h.redirect(c, urls.Releases(a.Slug))
}

// Republish publishes the content of an earlier release again as the app's next release.
func (h *Handler) Republish(c echo.Context) error {
	a := currentApp(c)
	number, err := strconv.Atoi(c.Param("number"))
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such release.")
	}
	res, err := publish.Republish(c.Request().Context(), h.store, a.Slug, number, user(c).Email)
	var blocked *publish.Blocked
	if errors.As(err, &blocked) {
		setFlash(c, "error", fmt.Sprintf("Release %d was not published again: %s", number, blocked.Errors[0]))
		return h.redirect(c, urls.Releases(a.Slug))
	}
	if err != nil {
		return err
	}
	h.afterPublish(c)
	setFlash(c, "success", publishedMessage(res)+fmt.Sprintf(" It has the content of release %d.", number))
	return h.redirect(c, urls.Releases(a.Slug))
}

// afterPublish swaps the new release into the SDK API now. Failing here is not failing the
// publish: the release is stored and the poller retries.
func (h *Handler) afterPublish(c echo.Context) {
	if h.published == nil {
		return
	}
	if err := h.published(c.Request().Context()); err != nil {
		h.log.Error("serving the new release", "app", currentApp(c).Slug, "err", err)
	}
}

func publishedMessage(res publish.Result) string {
	msg := fmt.Sprintf("Published release %d to %s.", res.Release.Number, platformCount(len(res.Release.Platforms)))
	if n := len(res.Warnings); n > 0 {
		msg += fmt.Sprintf(" %d warning(s): %s", n, issueText(res.Warnings[0]))
	}
	return msg
}

func platformCount(n int) string {
	if n == 1 {
		return "1 platform"
	}
	return strconv.Itoa(n) + " platforms"
}

// DownloadSnapshot serves one platform's snapshot of a release as a JSON file, for an app to
// bundle as its offline fallback.
func (h *Handler) DownloadSnapshot(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	number, err := strconv.Atoi(c.Param("number"))
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such release.")
	}
	rel, err := h.store.Release(ctx, a.ID, number)
	if err != nil {
		return err
	}
	pl, err := h.store.Platform(ctx, a.ID, c.Param("platform"))
	if err != nil {
		return err
	}
	sn, err := h.store.Snapshot(ctx, rel.ID, pl.ID)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("Release %d has no snapshot for %s: the platform did not exist then.", number, pl.Ref))
	}
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%s-release-%d.json", a.Slug, pl.Ref, number)
	hd := c.Response().Header()
	hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hd.Set("ETag", sn.ETag)
	hd.Set("Cache-Control", "private, max-age=3600")
	if err := h.saveSession(c); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/json", sn.Body)
}
