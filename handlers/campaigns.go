package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
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

// labelInfo is what the campaigns list says about one placement label, from all of its campaigns.
type labelInfo struct {
	Winner, WinnerRef string
	TiePairs          int      // pairs of live campaigns that share a priority
	NeverWin          int      // live campaigns that can never win
	Warnings          []string // one line per shared priority and per campaign that can never win (bounded)
}

// maxWarningLines bounds the lines of each kind of warning a label lists.
const maxWarningLines = 20

// analyzeLabels says, per label, who wins for a device matching every audience, and warns about
// ties and campaigns that can never win. list is every campaign of the app (variants not needed).
func analyzeLabels(list []store.Campaign, now time.Time) map[string]labelInfo {
	byLabel := map[string][]store.Campaign{}
	for _, cp := range list {
		if cp.Status == engine.StatusLive {
			byLabel[cp.Label] = append(byLabel[cp.Label], cp)
		}
	}
	out := map[string]labelInfo{}
	for l, live := range byLabel {
		sort.SliceStable(live, func(i, j int) bool {
			if live[i].Priority != live[j].Priority {
				return live[i].Priority > live[j].Priority
			}
			return live[i].Ref < live[j].Ref
		})
		var info labelInfo
		for _, cp := range live {
			if inWindow(cp, now) {
				info.Winner, info.WinnerRef = cp.Name, cp.Ref
				break
			}
		}
		var tieLines []string
		for i := 0; i < len(live); {
			j := i
			for j < len(live) && live[j].Priority == live[i].Priority {
				j++
			}
			if n := j - i; n > 1 {
				info.TiePairs += n * (n - 1) / 2
				tieLines = append(tieLines, tieWarning(live[i:j]))
			}
			i = j
		}
		var never []string
		for i, cp := range live {
			for _, higher := range live[:i] {
				if higher.Priority > cp.Priority && len(higher.Audience.Conditions) == 0 && higher.StartsAt == nil && higher.EndsAt == nil {
					never = append(never, fmt.Sprintf("%s can never win: %s has a higher priority, no schedule and matches everyone.", cp.Name, higher.Name))
					break
				}
			}
		}
		info.NeverWin = len(never)
		info.Warnings = append(info.Warnings, boundedLines(tieLines, "more priorities are shared.")...)
		info.Warnings = append(info.Warnings, boundedLines(never, "more campaigns can never win.")...)
		out[l] = info
	}
	return out
}

// tieWarning is one line about live campaigns (two or more, by ref) that share a priority.
func tieWarning(tied []store.Campaign) string {
	first := tied[0]
	if len(tied) == 2 {
		return fmt.Sprintf("%s and %s are both live with priority %d; %s wins only because its ref sorts first. Give one a higher priority.",
			first.Name, tied[1].Name, first.Priority, first.Name)
	}
	var names []string
	for _, cp := range tied[:min(len(tied), 5)] {
		names = append(names, cp.Name)
	}
	list := strings.Join(names, ", ")
	if len(tied) > 5 {
		list += fmt.Sprintf(" and %d more", len(tied)-5)
	}
	return fmt.Sprintf("%d live campaigns share priority %d (%s); %s wins only because its ref sorts first. Give them different priorities.",
		len(tied), first.Priority, list, first.Name)
}

// boundedLines keeps the first maxWarningLines lines, then says how many more there are.
func boundedLines(lines []string, more string) []string {
	if len(lines) <= maxWarningLines {
		return lines
	}
	return append(lines[:maxWarningLines:maxWarningLines], fmt.Sprintf("%d %s", len(lines)-maxWarningLines, more))
}

// warningSummary is the one line a label's warnings fold into: "12 pairs of live campaigns
// share a priority; 3 campaigns can never win".
func warningSummary(info labelInfo) string {
	var parts []string
	if info.TiePairs == 1 {
		parts = append(parts, "1 pair of live campaigns shares a priority")
	} else if info.TiePairs > 1 {
		parts = append(parts, views.Thousands(info.TiePairs)+" pairs of live campaigns share a priority")
	}
	if info.NeverWin == 1 {
		parts = append(parts, "1 campaign can never win")
	} else if info.NeverWin > 1 {
		parts = append(parts, views.Thousands(info.NeverWin)+" campaigns can never win")
	}
	return strings.Join(parts, "; ")
}

// groupCampaigns groups a page of campaigns by label (default placement first), with what info
// says about each label.
func groupCampaigns(page []store.Campaign, info map[string]labelInfo, loc *time.Location) []views.LabelGroup {
	var groups []views.LabelGroup
	for _, cp := range page {
		if len(groups) == 0 || groups[len(groups)-1].Label != cp.Label {
			li := info[cp.Label]
			groups = append(groups, views.LabelGroup{Label: cp.Label, Winner: li.Winner, Warnings: li.Warnings, WarningSummary: warningSummary(li)})
		}
		g := &groups[len(groups)-1]
		row := views.CampaignRow{Ref: cp.Ref, Name: cp.Name, Status: cp.Status, Priority: cp.Priority, Holdout: cp.HoldoutPercent,
			Schedule: scheduleText(cp, loc), Audience: engine.SummarizeAudience(cp.Audience), Wins: cp.Ref == info[cp.Label].WinnerRef}
		for _, v := range cp.Variants {
			row.Variants = append(row.Variants, views.VariantSummary{Ref: v.Ref, Paywall: v.PaywallName, Weight: v.Weight})
		}
		g.Campaigns = append(g.Campaigns, row)
	}
	return groups
}

// inWindow applies the engine's schedule rule: starts_at <= now < ends_at, open bounds.
func inWindow(cp store.Campaign, now time.Time) bool {
	return (cp.StartsAt == nil || !now.Before(*cp.StartsAt)) && (cp.EndsAt == nil || now.Before(*cp.EndsAt))
}

func (h *Handler) renderCampaigns(c echo.Context, status int, f views.Form) error {
	return h.renderCampaignsWith(c, status, f, views.Form{})
}

// renderCampaignsWith renders one page of the campaigns that match the search, grouped by label;
// who wins and the warnings come from every campaign, loaded without variants.
func (h *Handler) renderCampaignsWith(c echo.Context, status int, f, bulk views.Form) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	p, err := h.appPage(c, "Campaigns", "campaigns")
	if err != nil {
		return err
	}
	heads, err := h.store.CampaignHeads(ctx, a.ID)
	if err != nil {
		return err
	}
	ls := listStateOf(c)
	page, total, err := h.store.CampaignsPage(ctx, a.ID, ls.query())
	if err != nil {
		return err
	}
	if last, past := ls.lastPage(total); past && total > 0 {
		ls = last
		if page, total, err = h.store.CampaignsPage(ctx, a.ID, ls.query()); err != nil {
			return err
		}
	}
	npw, err := h.store.CountPaywalls(ctx, a.ID)
	if err != nil {
		return err
	}
	v := views.CampaignsView{Slug: a.Slug, Groups: groupCampaigns(page, analyzeLabels(heads, h.now()), marketerZone(c)), Labels: labelsInUse(heads),
		New: f, HasPaywalls: npw > 0, All: len(heads), Bulk: bulk,
		Pager: ls.pager(urls.Campaigns(a.Slug), nil, total, len(page), "campaign", "campaigns")}
	if v.New.Values == nil {
		v.New = views.Form{Values: map[string][]string{}}
	}
	if v.Bulk.Values == nil {
		v.Bulk = views.Form{Values: map[string][]string{}, Errors: map[string]string{}}
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
	paywalls, err := h.store.SearchPaywalls(ctx, a.ID, "", 1) // the first by name
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

// bulkStatuses are the statuses the campaigns list can set on many campaigns at once.
var bulkStatuses = []string{engine.StatusLive, engine.StatusPaused}

// BulkCampaignStatus sets the status (live or paused) of the selected campaigns (sel=ref) in one
// transaction, each saved like the builder saves it (a new version and an audit entry); a
// campaign that is invalid with the new status or already has it is refused, with the reason.
func (h *Handler) BulkCampaignStatus(c echo.Context) error {
	f := formOf(c)
	a := currentApp(c)
	to := f.Get("status")
	sel, msg := bulkSelection(f, "campaigns")
	if !slices.Contains(bulkStatuses, to) {
		f.Errors["status"] = "Choose live or paused."
	}
	if msg != "" {
		f.Errors["_form"] = msg
	}
	if len(f.Errors) > 0 {
		return h.renderCampaignsWith(c, http.StatusUnprocessableEntity, views.Form{}, f)
	}
	var res views.BulkResult
	err := h.commitBulk(c, func(ctx context.Context, tx *store.Tx, audit func(action, entity, ref, detail string) error) error {
		res = views.BulkResult{}
		for _, ref := range sel {
			cp, err := tx.Campaign(ctx, a.ID, ref)
			if errors.Is(err, store.ErrNotFound) {
				res.Refused = append(res.Refused, ref+": it no longer exists")
				continue
			}
			if err != nil {
				return err
			}
			if cp.Status == to {
				res.Refused = append(res.Refused, cp.Name+": it is already "+to)
				continue
			}
			from := cp.Status
			cp.Status = to
			if errs := engine.ValidateCampaign(cp.Rules()); len(errs) > 0 {
				res.Refused = append(res.Refused, cp.Name+": "+errs[0].Message)
				continue
			}
			if err := tx.UpdateCampaign(ctx, &cp); err != nil {
				return err
			}
			if err := audit("updated", "campaign", cp.Ref, fieldChanges([3]string{"status", from, to})); err != nil {
				return err
			}
			res.Done = append(res.Done, cp.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	verb := "Made live"
	if to == engine.StatusPaused {
		verb = "Paused"
	}
	setFlash(c, bulkFlashKind(res), bulkReport(verb, "campaign", "campaigns", res))
	return h.redirect(c, listStateOf(c).pager(urls.Campaigns(a.Slug), nil, 0, 0, "", "").Here())
}
