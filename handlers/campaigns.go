package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"nami/engine"
	"nami/offer"
	"nami/store"
	"nami/urls"
	"nami/views"
)

// labelPattern is what a placement label may look like ("" is the default placement).
var labelPattern = regexp.MustCompile(`^[a-z0-9._-]{0,64}$`)

// marketerZone is the time zone the browser reported (app.js keeps it in the "tz" cookie), else UTC.
func marketerZone(c echo.Context) *time.Location {
	if ck, err := c.Cookie("tz"); err == nil && ck.Value != "" {
		name, err := url.QueryUnescape(ck.Value) // builder.js writes it with encodeURIComponent
		if err != nil {
			return time.UTC
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// scheduleText says a campaign's window in the marketer's zone.
func scheduleText(cp store.Campaign, loc *time.Location) string {
	const layout = "2 Jan 2006 15:04"
	zone := " " + time.Now().In(loc).Format("MST")
	switch {
	case cp.StartsAt == nil && cp.EndsAt == nil:
		return "Always"
	case cp.StartsAt == nil:
		return "Until " + cp.EndsAt.In(loc).Format(layout) + zone
	case cp.EndsAt == nil:
		return "From " + cp.StartsAt.In(loc).Format(layout) + zone
	}
	return cp.StartsAt.In(loc).Format(layout) + " – " + cp.EndsAt.In(loc).Format(layout) + zone
}

// groupCampaigns groups campaigns by label (default placement first), says who wins for a device
// matching every audience, and warns about ties and campaigns that can never win.
func groupCampaigns(list []store.Campaign, now time.Time, loc *time.Location) []views.LabelGroup {
	byLabel := map[string][]store.Campaign{}
	var labels []string
	for _, cp := range list {
		if _, ok := byLabel[cp.Label]; !ok {
			labels = append(labels, cp.Label)
		}
		byLabel[cp.Label] = append(byLabel[cp.Label], cp)
	}
	sort.Strings(labels) // "" sorts first
	var groups []views.LabelGroup
	for _, l := range labels {
		cs := byLabel[l]
		sort.SliceStable(cs, func(i, j int) bool {
			if cs[i].Priority != cs[j].Priority {
				return cs[i].Priority > cs[j].Priority
			}
			return cs[i].Ref < cs[j].Ref
		})
		g := views.LabelGroup{Label: l}
		var live []store.Campaign
		for _, cp := range cs {
			if cp.Status == engine.StatusLive {
				live = append(live, cp)
			}
		}
		winner := ""
		for _, cp := range live {
			if inWindow(cp, now) {
				winner = cp.Ref
				g.Winner = cp.Name
				break
			}
		}
		for i := 0; i < len(live); i++ {
			for j := i + 1; j < len(live); j++ {
				if live[i].Priority == live[j].Priority {
					g.Warnings = append(g.Warnings, fmt.Sprintf("%s and %s are both live with priority %d; %s wins only because its ref sorts first. Give one a higher priority.",
						live[i].Name, live[j].Name, live[i].Priority, live[i].Name))
				}
			}
		}
		for i, cp := range live {
			for _, higher := range live[:i] {
				if higher.Priority > cp.Priority && len(higher.Audience.Conditions) == 0 && higher.StartsAt == nil && higher.EndsAt == nil {
					g.Warnings = append(g.Warnings, fmt.Sprintf("%s can never win: %s has a higher priority, no schedule and matches everyone.", cp.Name, higher.Name))
					break
				}
			}
		}
		for _, cp := range cs {
			row := views.CampaignRow{Ref: cp.Ref, Name: cp.Name, Status: cp.Status, Priority: cp.Priority, Holdout: cp.HoldoutPercent,
				Schedule: scheduleText(cp, loc), Audience: engine.SummarizeAudience(cp.Audience), Wins: cp.Ref == winner}
			for _, v := range cp.Variants {
				row.Variants = append(row.Variants, views.VariantSummary{Ref: v.Ref, Paywall: v.PaywallName, Weight: v.Weight})
			}
			g.Campaigns = append(g.Campaigns, row)
		}
		groups = append(groups, g)
	}
	return groups
}

// inWindow applies the engine's schedule rule: starts_at <= now < ends_at, open bounds.
func inWindow(cp store.Campaign, now time.Time) bool {
	return (cp.StartsAt == nil || !now.Before(*cp.StartsAt)) && (cp.EndsAt == nil || now.Before(*cp.EndsAt))
}

func (h *Handler) renderCampaigns(c echo.Context, status int, f views.Form) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	p, err := h.appPage(c, "Campaigns", "campaigns")
	if err != nil {
		return err
	}
	list, err := h.store.Campaigns(ctx, a.ID)
	if err != nil {
		return err
	}
	paywalls, err := h.store.PaywallSummaries(ctx, a.ID)
	if err != nil {
		return err
	}
	v := views.CampaignsView{Slug: a.Slug, Groups: groupCampaigns(list, h.now(), marketerZone(c)), Labels: labelsInUse(list),
		New: f, HasPaywalls: len(paywalls) > 0}
	if v.New.Values == nil {
		v.New = views.Form{Values: map[string][]string{}}
	}
	return h.render(c, status, views.CampaignsPage(p, v))
}

func labelsInUse(list []store.Campaign) []string {
	seen := map[string]bool{}
	var out []string
	for _, cp := range list {
		if cp.Label != "" && !seen[cp.Label] {
			seen[cp.Label] = true
			out = append(out, cp.Label)
		}
	}
	sort.Strings(out)
	return out
}

// Campaigns lists the app's campaigns by placement label.
func (h *Handler) Campaigns(c echo.Context) error {
	return h.renderCampaigns(c, http.StatusOK, views.Form{})
}

// CreateCampaign creates a draft campaign showing the app's first paywall, then opens the builder.
func (h *Handler) CreateCampaign(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	f := formOf(c)
	cp := store.Campaign{AppID: a.ID, Ref: trimmed(f, "ref"), Name: trimmed(f, "name"), Label: trimmed(f, "label"),
		Status: engine.StatusDraft, Audience: engine.Audience{Match: engine.MatchAll}}
	checkName(f, "name")
	if err := offer.CheckRef(cp.Ref); err != nil {
		f.Errors["ref"] = err.Error()
	}
	if !labelPattern.MatchString(cp.Label) {
		f.Errors["label"] = "Use lowercase letters, digits, '.', '-' and '_' (at most 64), or leave empty for the default placement."
	}
	paywalls, err := h.store.PaywallSummaries(ctx, a.ID)
	if err != nil {
		return err
	}
	if len(paywalls) == 0 {
		f.Errors["_form"] = "Create a paywall first: a campaign needs one to show."
	}
	if len(f.Errors) == 0 {
		first, err := h.store.Paywall(ctx, a.ID, paywalls[0].Ref)
		if err != nil {
			return err
		}
		cp.Variants = []store.CampaignVariant{{Ref: "a", PaywallID: first.ID, Weight: 100}}
		err = h.commit(c, "created", "campaign", cp.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCampaign(ctx, &cp) })
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["ref"] = "This app already has a campaign with this ref."
		case err != nil:
			return err
		default:
			setFlash(c, "success", "Created the draft "+cp.Name+". Pick a template or set its rules, then make it live.")
			return h.redirect(c, urls.Campaign(a.Slug, cp.Ref))
		}
	}
	return h.renderCampaigns(c, http.StatusUnprocessableEntity, f)
}

// DeleteCampaign deletes a campaign.
func (h *Handler) DeleteCampaign(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	cp, err := h.store.Campaign(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	err = h.commit(c, "deleted", "campaign", cp.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteCampaign(ctx, cp.ID) })
	if err != nil {
		return err
	}
	setFlash(c, "success", "Deleted "+cp.Name+".")
	return h.redirect(c, urls.Campaigns(a.Slug))
}
