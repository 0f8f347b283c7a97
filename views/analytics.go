package views

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"nami/results"
	"nami/stats"
	"nami/store"
)

// MinExposed is how many exposed devices every arm needs before a verdict.
const MinExposed = stats.MinExposedPerArm

// winnerChoice is the variant the declare-winner form proposes: the verdict's winner, else the
// leading variant.
func winnerChoice(v ResultsView) string {
	if w := v.Report.Verdict.Winner; w != "" {
		return w
	}
	best, rate := "", -1.0
	for _, a := range v.Report.Arms {
		if a.Arm != results.Holdout && rateOf(a) > rate {
			best, rate = a.Arm, rateOf(a)
		}
	}
	for _, ref := range v.Variants {
		if ref == best {
			return best
		}
	}
	if len(v.Variants) > 0 {
		return v.Variants[0]
	}
	return ""
}

// ResultsView is a campaign's results page.
type ResultsView struct {
	Slug      string
	Campaign  store.Campaign
	Report    results.Report
	Variants  []string // the draft's variants, for the declare-winner form
	Errors    map[string]string
	Filters   Form
	Platforms []Option
	Query     string // the filters in effect, for links and the winner form
	AsOf      string
	Demo      bool
}

// Analytics is an app's analytics page, and the overview's summary.
type Analytics struct {
	Slug           string
	Current        store.Analytics
	Previous       store.Analytics
	FromDay, ToDay int64
	PaywallNames   map[string]string
	Campaigns      []CampaignResultRow
	Filters        Form
	Platforms      []Option
	HasPlatforms   bool
	Query          string
	AsOf           string
	Demo           bool
}

// CampaignResultRow is one campaign in the analytics table.
type CampaignResultRow struct {
	Campaign store.Campaign
	Report   results.Report
	Exposed  int64
}

// Empty says nothing at all happened in the range.
func (a Analytics) Empty() bool {
	t := a.Current.Total
	return t.Impressions == 0 && t.Purchases == 0 && t.Trials == 0 && t.Exposures == 0
}

// Rate is a/b, or nil when b is 0.
func Rate(a, b int64) *float64 {
	if b == 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}

// Currencies lists a revenue map's currencies in order.
func Currencies(rev map[string]int64) []string { return MergeCurrencies(nil, rev) }

// MergeCurrencies adds rev's currencies to a sorted list.
func MergeCurrencies(list []string, rev map[string]int64) []string {
	seen := map[string]bool{}
	for _, c := range list {
		seen[c] = true
	}
	for c := range rev {
		if !seen[c] {
			list = append(list, c)
			seen[c] = true
		}
	}
	sort.Strings(list)
	return list
}

// LeadingArm is the arm with the highest conversion rate (the first on a tie).
func LeadingArm(r results.Report) results.Arm {
	var best results.Arm
	for i, a := range r.Arms {
		if i == 0 || rateOf(a) > rateOf(best) {
			best = a
		}
	}
	return best
}

func rateOf(a results.Arm) float64 {
	if a.ConversionRate == nil {
		return -1
	}
	return *a.ConversionRate
}

// money writes 1/10000 units with the currency: "USD 1,234.50".
func money(currency string, units int64) string {
	s := results.FormatAmount(units)
	whole, frac, _ := strings.Cut(s, ".")
	return currency + " " + grouped(whole) + "." + frac
}

func grouped(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// count writes a number with thousands separators.
func count(n int64) string { return grouped(fmt.Sprint(n)) }

// change says how a total moved against the previous period: "+12%", "−3%", or that there was nothing to compare with.
func change(cur, prev int64) (text string, up bool, known bool) {
	switch {
	case prev == 0 && cur == 0:
		return "no change", true, false
	case prev == 0:
		return "no earlier data", true, false
	}
	d := float64(cur-prev) / float64(prev)
	return results.Signed(d), d >= 0, true
}

// StatTile is one total of the analytics page with its change.
type StatTile struct {
	Label, Value, Change, Hint string
	Up, Known, Money           bool
	TestID                     string
}

// Tiles are the totals of the range against the previous period.
func (a Analytics) Tiles() []StatTile {
	cur, prev := a.Current.Total, a.Previous.Total
	days := a.ToDay - a.FromDay + 1
	tile := func(label, id string, c, p int64, hint string) StatTile {
		ch, up, known := change(c, p)
		return StatTile{Label: label, Value: count(c), Change: ch, Up: up, Known: known, TestID: id,
			Hint: fmt.Sprintf("%s against %s in the previous %d days", hint, count(p), days)}
	}
	out := []StatTile{
		tile("Impressions", "total-impressions", cur.Impressions, prev.Impressions, "Paywall views"),
		tile("Unique viewers", "total-viewers", cur.Viewers, prev.Viewers, "Devices that saw a paywall"),
		tile("Conversions", "total-conversions", cur.Purchases, prev.Purchases, "Purchases"),
		tile("Trials", "total-trials", cur.Trials, prev.Trials, "Trial starts"),
	}
	curs := MergeCurrencies(Currencies(cur.Revenue), prev.Revenue)
	if len(curs) == 0 {
		curs = []string{"USD"}
	}
	for _, c := range curs {
		t := tile("Revenue "+c, "total-revenue-"+c, cur.Revenue[c], prev.Revenue[c], "Purchases in "+c)
		t.Value, t.Money = strings.TrimPrefix(money(c, cur.Revenue[c]), c+" "), true
		t.Hint = fmt.Sprintf("Purchases in %s against %s in the previous %d days", c, money(c, prev.Revenue[c]), days)
		out = append(out, t)
	}
	return out
}

// Chart is what static/js/charts.js draws with uPlot: days on x, one line per series.
type Chart struct {
	ID     string
	Title  string
	YLabel string
	Format string // count, percent or money
	Days   []time.Time
	Series []ChartSeries
}

// ChartSeries is one line; nil values are gaps.
type ChartSeries struct {
	Label  string
	Values []*float64
}

// chartColors are the series' colours, distinguishable for the common colour blindnesses.
var chartColors = []string{"#6d28d9", "#0891b2", "#d97706", "#64748b", "#db2777", "#16a34a"}

// JSON is the chart's data for the script.
func (c Chart) JSON() string {
	type series struct {
		Label  string     `json:"label"`
		Color  string     `json:"color"`
		Values []*float64 `json:"values"`
	}
	out := struct {
		X      []int64  `json:"x"`
		Format string   `json:"format"`
		YLabel string   `json:"ylabel"`
		Series []series `json:"series"`
	}{Format: c.Format, YLabel: c.YLabel}
	for _, d := range c.Days {
		out.X = append(out.X, d.Unix())
	}
	for i, s := range c.Series {
		out.Series = append(out.Series, series{Label: s.Label, Color: chartColors[i%len(chartColors)], Values: s.Values})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// cell writes a chart value for the data table.
func (c Chart) cell(v *float64) string {
	if v == nil {
		return "–"
	}
	switch c.Format {
	case "percent":
		return results.Pct(v)
	case "money":
		return fmt.Sprintf("%.2f", *v)
	}
	return count(int64(math.Round(*v)))
}

func f64(n int64) *float64 {
	v := float64(n)
	return &v
}

// ActivityChart is daily impressions and unique viewers.
func (a Analytics) ActivityChart() Chart {
	return a.dailyCounts(Chart{ID: "chart-activity", Title: "Impressions and unique viewers per day"},
		"Impressions", func(d store.DayTotals) int64 { return d.Impressions },
		"Unique viewers", func(d store.DayTotals) int64 { return d.Viewers })
}

// ConversionChart is daily conversions and trial starts.
func (a Analytics) ConversionChart() Chart {
	return a.dailyCounts(Chart{ID: "chart-conversions", Title: "Conversions and trials per day"},
		"Conversions", func(d store.DayTotals) int64 { return d.Purchases },
		"Trials", func(d store.DayTotals) int64 { return d.Trials })
}

// dailyCounts fills c with two counts per day of the range.
func (a Analytics) dailyCounts(c Chart, label1 string, get1 func(store.DayTotals) int64, label2 string, get2 func(store.DayTotals) int64) Chart {
	c.YLabel, c.Format = "Per day", "count"
	one, two := ChartSeries{Label: label1}, ChartSeries{Label: label2}
	for _, d := range a.Current.Days {
		c.Days = append(c.Days, store.DayStart(d.Day))
		one.Values = append(one.Values, f64(get1(d)))
		two.Values = append(two.Values, f64(get2(d)))
	}
	c.Series = []ChartSeries{one, two}
	return c
}

// RevenueChart is daily revenue, one line per currency.
func (a Analytics) RevenueChart() Chart {
	c := Chart{ID: "chart-revenue", Title: "Revenue per day", YLabel: "Revenue", Format: "money"}
	curs := Currencies(a.Current.Total.Revenue)
	for _, d := range a.Current.Days {
		c.Days = append(c.Days, store.DayStart(d.Day))
	}
	for _, cur := range curs {
		s := ChartSeries{Label: cur}
		for _, d := range a.Current.Days {
			v := float64(d.Revenue[cur]) / results.Units
			s.Values = append(s.Values, &v)
		}
		c.Series = append(c.Series, s)
	}
	return c
}

// RatesChart is the results' cumulative conversion rate per arm.
func (v ResultsView) RatesChart() Chart {
	c := Chart{ID: "chart-rates", Title: "Conversion rate by day of first exposure (cumulative)", YLabel: "Conversion rate", Format: "percent"}
	for _, a := range v.Report.Arms {
		c.Series = append(c.Series, ChartSeries{Label: armLabel(a.Arm)})
	}
	for _, p := range v.Report.Daily {
		c.Days = append(c.Days, p.Day)
		for i, r := range p.Rates {
			c.Series[i].Values = append(c.Series[i].Values, r)
		}
	}
	return c
}

func armLabel(arm string) string {
	if arm == results.Holdout {
		return "Holdout"
	}
	return "Variant " + arm
}

// verdictClass colours the verdict card.
func verdictClass(kind string) string {
	switch kind {
	case results.KindWinner:
		return "verdict verdict-winner"
	case results.KindSRM:
		return "verdict verdict-srm"
	case results.KindUndecided:
		return "verdict verdict-undecided"
	}
	return "verdict verdict-waiting"
}

// verdictTitle is the verdict card's heading.
func verdictTitle(v results.Verdict) string {
	switch v.Kind {
	case results.KindWinner:
		return "We have a winner"
	case results.KindSRM:
		return "Sample ratio mismatch"
	case results.KindUndecided:
		return "No clear winner yet"
	case results.KindWaiting:
		return "Collecting data"
	case results.KindSingle:
		return "Nothing to compare"
	}
	return "No data yet"
}

func pct(f *float64) string { return results.Pct(f) }

func signedPtr(f *float64) string {
	if f == nil {
		return "–"
	}
	return results.Signed(*f)
}

func intervalText(a results.Arm) string {
	if a.UpliftLow == nil {
		return "–"
	}
	return results.Signed(*a.UpliftLow) + " to " + results.Signed(*a.UpliftHigh)
}

func chanceText(a results.Arm) string {
	if a.ChanceToBeat == nil {
		return "–"
	}
	return results.ChancePct(*a.ChanceToBeat)
}

func pValueText(p *float64) string {
	if p == nil {
		return "–"
	}
	if *p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", *p)
}

// revenueLines writes an arm's revenue (decimal strings) one currency per line: "EUR 54.99".
func revenueLines(rev map[string]string) []string {
	units := map[string]int64{}
	for c, amount := range rev {
		u, err := results.ParseAmount(amount)
		if err != nil {
			return []string{c + " " + amount} // not from Compute: shown as it is
		}
		units[c] = u
	}
	return revenueUnitLines(units)
}

// revenueUnitLines writes revenue in units one currency per line, or "–" when there is none.
func revenueUnitLines(rev map[string]int64) []string {
	var lines []string
	for _, c := range Currencies(rev) {
		lines = append(lines, money(c, rev[c]))
	}
	if len(lines) == 0 {
		return []string{"–"}
	}
	return lines
}

// barWidth is an arm's conversion rate as a share of the best arm's, for the table's bars.
func barWidth(r results.Report, a results.Arm) string {
	best := rateOf(LeadingArm(r))
	if best <= 0 || a.ConversionRate == nil {
		return "width: 0%"
	}
	return fmt.Sprintf("width: %.1f%%", *a.ConversionRate/best*100)
}

// dayText writes a day for tables: "29 Nov".
func dayText(t time.Time) string { return t.UTC().Format("2 Jan") }

// rangeText says the range of a page: "1 Nov – 30 Nov 2026".
func rangeText(from, to time.Time) string {
	last := to.Add(-time.Millisecond).UTC()
	return from.UTC().Format("2 Jan") + " – " + last.Format("2 Jan 2006")
}

func reportFrom(r results.Report) time.Time {
	t, _ := time.Parse(time.RFC3339, r.From)
	return t
}

func reportTo(r results.Report) time.Time {
	t, _ := time.Parse(time.RFC3339, r.To)
	return t
}

func conversionsOf(r CampaignResultRow) int64 {
	var n int64
	for _, a := range r.Report.Arms {
		n += a.Conversions
	}
	return n
}

func significanceClass(r CampaignResultRow) string { c, _ := significance(r.Report); return c }

func significanceText(r CampaignResultRow) string { _, t := significance(r.Report); return t }

func significance(r results.Report) (string, string) {
	switch r.Verdict.Kind {
	case results.KindWinner:
		return "badge badge-green", r.Verdict.Winner + " wins"
	case results.KindSRM:
		return "badge badge-red", "Split mismatch"
	case results.KindUndecided:
		return "badge badge-amber", "Not significant"
	case results.KindWaiting:
		return "badge", "Needs more data"
	case results.KindSingle:
		return "badge", "One arm"
	}
	return "badge", "No data"
}
