package handlers

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"nami/catalog"
	"nami/results"
	"nami/stats"
	"nami/store"
	"nami/urls"
	"nami/views"
)

// Results filters (DESIGN 5b): the default range is the last 30 days, the default window 7 days.
const (
	defaultRangeDays  = 30
	defaultWindowDays = 7
	maxWindowDays     = 90
	maxRangeDays      = 3660
)

// wantsJSON says the client asked for JSON rather than a page.
func wantsJSON(c echo.Context) bool {
	accept := c.Request().Header.Get("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// readTime reads a filter time: RFC 3339, or a date (the start of that UTC day; endOfDay moves
// it to the next day's start, so that "to=2026-11-29" includes the 29th).
func readTime(s string, endOfDay bool) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, false
	}
	if endOfDay {
		t = t.AddDate(0, 0, 1)
	}
	return t, true
}

// filters is a results or analytics page's query, read and checked.
type filters struct {
	From, To   time.Time // [From, To)
	Platform   string    // a platform ref, or "" for all
	WindowDays int
	Baseline   string
	Errors     map[string]string
}

// readFilters reads from, to, platform and window_days; the default range ends now (results)
// or with today (analytics, whole days).
func readFilters(q url.Values, now time.Time, platforms []store.AppPlatform, wholeDays bool) filters {
	f := filters{Errors: map[string]string{}, Platform: q.Get("platform"), Baseline: q.Get("baseline"), WindowDays: defaultWindowDays}
	f.To = now
	if wholeDays {
		f.To = store.DayStart(store.DayOf(now) + 1)
	}
	if s := q.Get("to"); s != "" {
		t, ok := readTime(s, true)
		if !ok {
			f.Errors["to"] = fmt.Sprintf("%q is not a date such as 2026-11-29 or an RFC 3339 time", s)
		}
		f.To = t
	}
	f.From = f.To.AddDate(0, 0, -defaultRangeDays)
	if s := q.Get("from"); s != "" {
		t, ok := readTime(s, false)
		if !ok {
			f.Errors["from"] = fmt.Sprintf("%q is not a date such as 2026-11-01 or an RFC 3339 time", s)
		}
		f.From = t
	}
	switch {
	case len(f.Errors) > 0:
	case !f.From.Before(f.To):
		f.Errors["from"] = "the start must be before the end"
	case f.To.Sub(f.From) > maxRangeDays*24*time.Hour:
		f.Errors["from"] = fmt.Sprintf("the range may span at most %d days", maxRangeDays)
	}
	if s := q.Get("window_days"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxWindowDays {
			f.Errors["window_days"] = fmt.Sprintf("%q is not a number of days from 1 to %d", s, maxWindowDays)
		} else {
			f.WindowDays = n
		}
	}
	if f.Platform != "" {
		found := false
		for _, p := range platforms {
			found = found || p.Ref == f.Platform
		}
		if !found {
			f.Errors["platform"] = fmt.Sprintf("this app has no platform %q", f.Platform)
		}
	}
	return f
}

// platformIDs are the platforms the filter selects.
func (f filters) platformIDs(platforms []store.AppPlatform) []int64 {
	var ids []int64
	for _, p := range platforms {
		if f.Platform == "" || p.Ref == f.Platform {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

// firstError is the message of the first field in error, with the field's name.
func (f filters) firstError() string {
	for _, name := range []string{"from", "to", "platform", "window_days", "baseline"} {
		if msg := f.Errors[name]; msg != "" {
			return name + ": " + msg
		}
	}
	return ""
}

// values are the filters as a query, for links that keep them.
func (f filters) values(wholeDays bool) url.Values {
	v := url.Values{}
	v.Set("from", f.From.Format("2006-01-02"))
	to := f.To
	if wholeDays || to.Equal(store.DayStart(store.DayOf(to))) {
		to = to.Add(-time.Millisecond)
	}
	v.Set("to", to.Format("2006-01-02"))
	if f.Platform != "" {
		v.Set("platform", f.Platform)
	}
	return v
}

// publishedShares are the arms the last release gives devices, in order (variants, then the
// holdout), or the draft's when the campaign was never published; SRM compares with them.
func (h *Handler) publishedShares(ctx context.Context, a store.App, cp store.Campaign) ([]results.Share, bool, error) {
	released, err := h.releasedCampaigns(ctx, a)
	if err != nil {
		return nil, false, err
	}
	shares, ok := sharesFor(cp, released)
	return shares, ok, nil
}

// releasedCampaigns are the campaigns of the app's last release by ref (nil before the first
// release), for the shares of many campaigns at once: the release catalog is parsed once per
// release (Drafts), and looked up by ref rather than searched per campaign.
func (h *Handler) releasedCampaigns(ctx context.Context, a store.App) (map[string]catalog.CampaignDoc, error) {
	rel, err := h.store.LastRelease(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	file, err := h.drafts.ReleaseCatalog(ctx, h.store.Reader, rel)
	if err != nil {
		return nil, err
	}
	out := make(map[string]catalog.CampaignDoc, len(file.Campaigns))
	for _, c := range file.Campaigns {
		out[c.Ref] = c
	}
	return out, nil
}

// sharesFor is publishedShares with the released campaigns at hand.
func sharesFor(cp store.Campaign, released map[string]catalog.CampaignDoc) ([]results.Share, bool) {
	shares := func(holdout int, variants []catalog.VariantDoc) []results.Share {
		var out []results.Share
		var total int
		for _, v := range variants {
			total += v.Weight
		}
		for _, v := range variants {
			w := 0.0
			if total > 0 {
				w = float64(100-holdout) * float64(v.Weight) / float64(total)
			}
			out = append(out, results.Share{Arm: v.Ref, Weight: w})
		}
		if holdout > 0 {
			out = append(out, results.Share{Arm: results.Holdout, Weight: float64(holdout)})
		}
		return out
	}
	if c, ok := released[cp.Ref]; ok {
		return shares(c.HoldoutPercent, c.Variants), true
	}
	var vs []catalog.VariantDoc
	for _, v := range cp.Variants {
		vs = append(vs, catalog.VariantDoc{Ref: v.Ref, Weight: v.Weight})
	}
	return shares(cp.HoldoutPercent, vs), false
}

// campaignReport computes a campaign's results for the filters.
func (h *Handler) campaignReport(ctx context.Context, a store.App, cp store.Campaign, f filters, platforms []store.AppPlatform) (results.Report, error) {
	shares, _, err := h.publishedShares(ctx, a, cp)
	if err != nil {
		return results.Report{}, err
	}
	return h.campaignReportWith(ctx, cp, f, platforms, shares)
}

// campaignReportWith is campaignReport with the campaign's shares at hand.
func (h *Handler) campaignReportWith(ctx context.Context, cp store.Campaign, f filters, platforms []store.AppPlatform, shares []results.Share) (results.Report, error) {
	window := time.Duration(f.WindowDays) * 24 * time.Hour
	days, revenue, err := h.store.CampaignCohorts(ctx, f.platformIDs(platforms), cp.Ref, f.From, f.To, window)
	if err != nil {
		return results.Report{}, err
	}
	return results.Compute(results.Input{Campaign: cp.Ref, From: f.From, To: f.To, WindowDays: f.WindowDays, Baseline: f.Baseline,
		Shares: shares, Days: days, Revenue: revenue})
}

// emptyCampaignReport is campaignReportWith for a campaign no device was exposed to, without
// the queries: the same as with no cohort days and no revenue.
func emptyCampaignReport(cp store.Campaign, f filters, shares []results.Share) (results.Report, error) {
	return results.Compute(results.Input{Campaign: cp.Ref, From: f.From, To: f.To, WindowDays: f.WindowDays, Baseline: f.Baseline,
		Shares: shares, Days: []results.CohortDay{}, Revenue: map[string]map[string]int64{}})
}

// CampaignResults answers a campaign's experiment results: a page, JSON (Accept:
// application/json) or CSV (?format=csv).
func (h *Handler) CampaignResults(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	cp, err := h.store.Campaign(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	platforms, err := h.store.Platforms(ctx, a.ID)
	if err != nil {
		return err
	}
	f := readFilters(c.QueryParams(), h.now(), platforms, false)
	var rep results.Report
	if len(f.Errors) == 0 {
		rep, err = h.campaignReport(ctx, a, cp, f, platforms)
		var unknown *results.ErrUnknownBaseline
		if errors.As(err, &unknown) {
			f.Errors["baseline"] = fmt.Sprintf("%q is not an arm of this campaign; choose one of %s", unknown.Baseline, strings.Join(unknown.Arms, ", "))
		} else if err != nil {
			return err
		}
	}
	format := c.QueryParam("format")
	switch {
	case len(f.Errors) > 0 && (wantsJSON(c) || format == "csv"):
		if format == "csv" {
			return c.String(http.StatusBadRequest, f.firstError()+"\n")
		}
		return c.JSON(http.StatusBadRequest, map[string]string{"error": f.firstError()})
	case format == "csv":
		return writeResultsCSV(c, rep)
	case format != "":
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("format %q is not known; ask for csv, or send Accept: application/json", format))
	case wantsJSON(c):
		return c.JSON(http.StatusOK, rep)
	}
	return h.renderResults(c, http.StatusOK, cp, f, rep, platforms)
}

func (h *Handler) renderResults(c echo.Context, status int, cp store.Campaign, f filters, rep results.Report, platforms []store.AppPlatform) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	p, err := h.appPage(c, cp.Name+" · Results", "campaigns")
	if err != nil {
		return err
	}
	if len(f.Errors) > 0 {
		status = http.StatusBadRequest
	}
	asOf, demo, err := h.freshness(ctx, a.ID)
	if err != nil {
		return err
	}
	v := views.ResultsView{Slug: a.Slug, Campaign: cp, Report: rep, Errors: f.Errors, Demo: demo,
		AsOf: asOf, Filters: filterForm(c.QueryParams(), f, false), Platforms: platformOptions(platforms)}
	q := f.values(false)
	q.Set("window_days", strconv.Itoa(f.WindowDays))
	if rep.Baseline != "" {
		q.Set("baseline", rep.Baseline)
	}
	v.Query = q.Encode()
	for _, vr := range cp.Variants {
		v.Variants = append(v.Variants, vr.Ref)
	}
	return h.render(c, status, views.ResultsPage(p, v))
}

// filterForm is what the filter form shows: the user's own input when it was wrong, else the
// range in effect.
func filterForm(q url.Values, f filters, wholeDays bool) views.Form {
	vals := f.values(wholeDays)
	vals.Set("window_days", strconv.Itoa(f.WindowDays))
	vals.Set("baseline", f.Baseline)
	for name := range f.Errors {
		vals.Set(name, q.Get(name))
	}
	return views.Form{Values: vals, Errors: f.Errors}
}

func platformOptions(platforms []store.AppPlatform) []views.Option {
	out := []views.Option{{Value: "", Label: "All platforms"}}
	for _, p := range platforms {
		out = append(out, views.Option{Value: p.Ref, Label: p.Name})
	}
	return out
}

// freshness says how fresh the analytics are, and whether the app's history is the demo's.
func (h *Handler) freshness(ctx context.Context, appID int64) (asOf string, demo bool, err error) {
	at, pending, err := h.store.AnalyticsAsOf(ctx)
	if err != nil {
		return "", false, err
	}
	demo, err = h.store.DemoHistory(ctx, appID)
	return asOfText(at, pending), demo, err
}

// asOfText says how fresh the aggregates are: up to date, or when the last events were counted
// and how many wait (they are counted within seconds).
func asOfText(asOf time.Time, pending int64) string {
	switch {
	case pending == 0:
		return "Up to date: every stored event is counted."
	case asOf.IsZero():
		return fmt.Sprintf("%d events are being counted.", pending)
	}
	return fmt.Sprintf("Counted up to %s; %d newer events are being counted.", asOf.UTC().Format("2 Jan 2006 15:04:05 UTC"), pending)
}

// lastDay is the last day a range's exclusive end includes, as a date.
func lastDay(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return rfc3339
	}
	return t.Add(-time.Millisecond).UTC().Format("2006-01-02")
}

// writeResultsCSV writes one line per arm with the JSON's numbers, revenue in one column per currency.
func writeResultsCSV(c echo.Context, rep results.Report) error {
	currencies := map[string]bool{}
	for _, a := range rep.Arms {
		for cur := range a.Revenue {
			currencies[cur] = true
		}
	}
	var curs []string
	for cur := range currencies {
		curs = append(curs, cur)
	}
	sort.Strings(curs)
	header := []string{"arm", "exposed", "impressions", "viewers", "conversions", "trials", "conversion_rate", "uplift", "uplift_low", "uplift_high", "chance_to_beat", "p_value"}
	for _, cur := range curs {
		header = append(header, "revenue_"+cur)
	}
	rows := [][]string{header}
	for _, a := range rep.Arms {
		row := []string{a.Arm, itoa64(a.Exposed), itoa64(a.Impressions), itoa64(a.Viewers), itoa64(a.Conversions), itoa64(a.Trials),
			num(a.ConversionRate), num(a.Uplift), num(a.UpliftLow), num(a.UpliftHigh), num(a.ChanceToBeat), num(a.PValue)}
		for _, cur := range curs {
			row = append(row, a.Revenue[cur])
		}
		rows = append(rows, row)
	}
	name := fmt.Sprintf("%s-results-%s-%s.csv", rep.Campaign, rep.From[:10], lastDay(rep.To))
	return writeCSV(c, name, rows)
}

func writeCSV(c echo.Context, filename string, rows [][]string) error {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	res.WriteHeader(http.StatusOK)
	for _, row := range rows {
		for i, cell := range row {
			row[i] = csvCell(cell)
		}
	}
	w := csv.NewWriter(res)
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	return w.Error()
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// num writes a fraction with full precision, or nothing when it is undefined.
func num(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// DeclareWinner makes one variant the campaign's only one (weight 100), keeping or dropping the
// holdout, as a draft change; the audit entry records the results that motivated it.
func (h *Handler) DeclareWinner(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	cp, err := h.store.Campaign(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	form := formOf(c)
	back := urls.CampaignResults(a.Slug, cp.Ref) + "?" + form.Get("query")
	winner := form.Get("variant")
	var kept *store.CampaignVariant
	for _, v := range cp.Variants {
		if v.Ref == winner {
			kept = &v
		}
	}
	if kept == nil {
		setFlash(c, "error", fmt.Sprintf("The campaign has no variant %q; nothing was changed.", winner))
		return h.redirect(c, back)
	}
	if formVersion(form) != cp.Version {
		setFlash(c, "error", "Someone changed this campaign since you opened its results; nothing was changed. Look at the campaign again, then declare the winner.")
		return h.redirect(c, back)
	}
	dropHoldout := form.Get("holdout") == "drop"
	platforms, err := h.store.Platforms(ctx, a.ID)
	if err != nil {
		return err
	}
	q, _ := url.ParseQuery(form.Get("query"))
	f := readFilters(q, h.now(), platforms, false)
	detail := ""
	if len(f.Errors) == 0 {
		if rep, err := h.campaignReport(ctx, a, cp, f, platforms); err == nil {
			detail = winnerDetail(rep)
		}
	}
	before := cp.HoldoutPercent
	kept.Weight = 100
	cp.Variants = []store.CampaignVariant{*kept}
	if dropHoldout {
		cp.HoldoutPercent = 0
	}
	holdoutText := fmt.Sprintf("holdout kept at %d%%", cp.HoldoutPercent)
	if dropHoldout {
		holdoutText = fmt.Sprintf("holdout dropped (was %d%%)", before)
	}
	if before == 0 {
		holdoutText = "no holdout"
	}
	what := fmt.Sprintf("Declared variant %s (%s) the winner: weight 100, other variants removed, %s.", winner, kept.PaywallName, holdoutText)
	err = h.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateCampaign(ctx, &cp); err != nil {
			return err
		}
		if err := tx.TouchApp(ctx, a.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: user(c).Email, AppSlug: a.Slug, Action: "declared winner", Entity: "campaign",
			Ref: cp.Ref, Detail: strings.TrimSpace(what + " " + detail)})
	})
	if errors.Is(err, store.ErrStale) {
		setFlash(c, "error", "Someone changed this campaign while you declared the winner; nothing was changed. Look at the campaign again.")
		return h.redirect(c, back)
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", fmt.Sprintf("Variant %s is now the only variant of %s (%s). This is a draft: publish a release to show it to devices.", winner, cp.Name, holdoutText))
	return h.redirect(c, back)
}

// winnerDetail is the results behind a declared winner, for the audit log: the range and every
// arm's numbers.
func winnerDetail(rep results.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Results %s to %s, conversion window %d days, baseline %s: ", rep.From[:10], lastDay(rep.To), rep.WindowDays, rep.Baseline)
	for i, a := range rep.Arms {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %d of %d exposed converted (%s)", a.Arm, a.Conversions, a.Exposed, results.Pct(a.ConversionRate))
		if a.Uplift != nil {
			fmt.Fprintf(&b, ", %s (95%% interval %s to %s)", results.Signed(*a.Uplift), results.Signed(*a.UpliftLow), results.Signed(*a.UpliftHigh))
		}
		if a.ChanceToBeat != nil {
			fmt.Fprintf(&b, ", %s chance to beat %s", results.ChancePct(*a.ChanceToBeat), rep.Baseline)
		}
		if a.PValue != nil {
			fmt.Fprintf(&b, ", p = %.3g", *a.PValue)
		}
	}
	b.WriteString(".")
	if rep.SRM.Flagged {
		b.WriteString(" The split did not match the weights (sample ratio mismatch).")
	}
	if !rep.EnoughData {
		fmt.Fprintf(&b, " Not every arm had %d exposed devices.", stats.MinExposedPerArm)
	}
	return b.String()
}

// csvCell keeps a spreadsheet from running a cell as a formula: text that starts with = + - @
// (a name such as "=HYPERLINK(...)" or "-20% promo") gets a leading apostrophe; numbers, which
// may start with a minus, are left as they are.
func csvCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}
