package handlers

import (
	"context"
	"fmt"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"nami/results"
	"nami/store"
	"nami/views"
)

// appAnalytics reads an app's analytics for the filters (whole UTC days), the previous period of
// the same length, and each campaign's results in the range.
func (h *Handler) appAnalytics(ctx context.Context, a store.App, f filters, platforms []store.AppPlatform, withCampaigns bool) (views.Analytics, error) {
	fromDay, toDay := store.DayOf(f.From), store.DayOf(f.To.Add(-1))
	span := toDay - fromDay + 1
	ids := f.platformIDs(platforms)
	cur, err := h.store.AppAnalytics(ctx, ids, fromDay, toDay)
	if err != nil {
		return views.Analytics{}, err
	}
	prev, err := h.store.AppAnalytics(ctx, ids, fromDay-span, fromDay-1)
	if err != nil {
		return views.Analytics{}, err
	}
	out := views.Analytics{Current: cur, Previous: prev, FromDay: fromDay, ToDay: toDay}
	names := map[string]string{}
	if names, err = h.store.PaywallNames(ctx, a.ID); err != nil { // names only: no counts
		return views.Analytics{}, err
	}
	out.PaywallNames = names
	if !withCampaigns {
		return out, nil
	}
	cps, err := h.store.Campaigns(ctx, a.ID)
	if err != nil {
		return views.Analytics{}, err
	}
	cf := f
	cf.Baseline = ""
	// Campaigns no device was ever exposed to have empty results: computed without their queries.
	seen, err := h.store.CampaignsSeen(ctx, f.platformIDs(platforms))
	if err != nil {
		return views.Analytics{}, err
	}
	released, err := h.releasedCampaigns(ctx, a)
	if err != nil {
		return views.Analytics{}, err
	}
	for _, cp := range cps {
		if !seen[cp.Ref] && cp.Status != "live" {
			continue // no exposures, and not live: not listed
		}
		shares, _ := sharesFor(cp, released)
		var rep results.Report
		if seen[cp.Ref] {
			rep, err = h.campaignReportWith(ctx, cp, cf, platforms, shares)
		} else {
			rep, err = emptyCampaignReport(cp, cf, shares)
		}
		if err != nil {
			return views.Analytics{}, err
		}
		var exposed int64
		for _, arm := range rep.Arms {
			exposed += arm.Exposed
		}
		if exposed == 0 && cp.Status != "live" {
			continue
		}
		out.Campaigns = append(out.Campaigns, views.CampaignResultRow{Campaign: cp, Report: rep, Exposed: exposed})
	}
	sort.SliceStable(out.Campaigns, func(i, j int) bool { return out.Campaigns[i].Exposed > out.Campaigns[j].Exposed })
	return out, nil
}

// Analytics is an app's analytics page: daily charts, totals against the previous period, and
// tables per paywall and per campaign; ?format=csv&table=daily|paywalls|campaigns exports one.
func (h *Handler) Analytics(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	platforms, err := h.store.Platforms(ctx, a.ID)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	q.Del("window_days") // the campaign table uses the default 7-day window, as it says
	f := readFilters(q, h.now(), platforms, true)
	format := c.QueryParam("format")
	if len(f.Errors) > 0 && format == "csv" {
		return c.String(http.StatusBadRequest, f.firstError()+"\n")
	}
	var an views.Analytics
	if len(f.Errors) == 0 {
		if an, err = h.appAnalytics(ctx, a, f, platforms, true); err != nil {
			return err
		}
	}
	if format == "csv" {
		return writeAnalyticsCSV(c, a, an, c.QueryParam("table"))
	}
	if format != "" {
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("format %q is not known; ask for csv", format))
	}
	p, err := h.appPage(c, "Analytics", "analytics")
	if err != nil {
		return err
	}
	an.Slug = a.Slug
	if an.AsOf, an.Demo, err = h.freshness(ctx, a.ID); err != nil {
		return err
	}
	an.Filters = filterForm(c.QueryParams(), f, true)
	an.Platforms = platformOptions(platforms)
	an.HasPlatforms = len(platforms) > 0
	an.Query = f.values(true).Encode()
	status := http.StatusOK
	if len(f.Errors) > 0 {
		status = http.StatusBadRequest
	}
	return h.render(c, status, views.AnalyticsPage(p, an))
}

func writeAnalyticsCSV(c echo.Context, a store.App, an views.Analytics, table string) error {
	cur := an.Current
	currencies := views.Currencies(cur.Total.Revenue)
	for _, p := range cur.Paywalls {
		currencies = views.MergeCurrencies(currencies, p.Revenue)
	}
	revenueHeader := func(h []string) []string {
		for _, c := range currencies {
			h = append(h, "revenue_"+c)
		}
		return h
	}
	revenueCells := func(row []string, rev map[string]int64) []string {
		for _, c := range currencies {
			row = append(row, results.FormatAmount(rev[c]))
		}
		return row
	}
	span := fmt.Sprintf("%s-%s", store.DayStart(an.FromDay).Format("2006-01-02"), store.DayStart(an.ToDay).Format("2006-01-02"))
	var rows [][]string
	switch table {
	case "daily":
		rows = append(rows, revenueHeader([]string{"day", "impressions", "viewers", "conversions", "trials", "exposures"}))
		for _, d := range cur.Days {
			rows = append(rows, revenueCells([]string{store.DayStart(d.Day).Format("2006-01-02"), itoa64(d.Impressions), itoa64(d.Viewers),
				itoa64(d.Purchases), itoa64(d.Trials), itoa64(d.Exposures)}, d.Revenue))
		}
	case "paywalls":
		rows = append(rows, revenueHeader([]string{"paywall", "name", "impressions", "viewers", "conversions", "conversion_rate", "trials"}))
		for _, p := range cur.Paywalls {
			rows = append(rows, revenueCells([]string{p.Paywall, an.PaywallNames[p.Paywall], itoa64(p.Impressions), itoa64(p.Viewers),
				itoa64(p.Purchases), num(views.Rate(p.Purchases, p.Viewers)), itoa64(p.Trials)}, p.Revenue))
		}
	case "campaigns":
		rows = append(rows, []string{"campaign", "name", "status", "exposed", "conversions", "leading_arm", "leading_rate", "verdict", "winner"})
		for _, r := range an.Campaigns {
			lead := views.LeadingArm(r.Report)
			var conv int64
			for _, arm := range r.Report.Arms {
				conv += arm.Conversions
			}
			rows = append(rows, []string{r.Campaign.Ref, r.Campaign.Name, r.Campaign.Status, itoa64(r.Exposed), itoa64(conv), lead.Arm,
				num(lead.ConversionRate), r.Report.Verdict.Kind, r.Report.Verdict.Winner})
		}
	default:
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("table %q is not known; ask for daily, paywalls or campaigns", table))
	}
	return writeCSV(c, a.Slug+"-"+table+"-"+span+".csv", rows)
}

// overviewAnalytics is the app overview's summary: the last 30 days on every platform.
func (h *Handler) overviewAnalytics(c echo.Context) (views.Analytics, error) {
	ctx := c.Request().Context()
	a := currentApp(c)
	platforms, err := h.store.Platforms(ctx, a.ID)
	if err != nil {
		return views.Analytics{}, err
	}
	f := readFilters(nil, h.now(), platforms, true)
	an, err := h.appAnalytics(ctx, a, f, platforms, true)
	if err != nil {
		return views.Analytics{}, err
	}
	if an.Demo, err = h.store.DemoHistory(ctx, a.ID); err != nil {
		return views.Analytics{}, err
	}
	an.Slug = a.Slug
	return an, nil
}
