// Package results turns a campaign's per-arm counts into its experiment results: conversion
// rates, uplift against a baseline with its interval, the chance to beat the baseline, the
// p-value, the sample ratio check, and the sentences a marketer reads first. It does no I/O:
// the store counts, this package judges.
package results

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"nami/engine"
	"nami/stats"
)

// Holdout names the holdout among the arms; engine validation keeps variants from taking it.
const Holdout = engine.HoldoutArm

// CohortDay counts one arm's devices whose first exposure fell on one UTC day (days since
// 1970-01-01), with what they did within the conversion window.
type CohortDay struct {
	Arm         string
	Day         int64
	Exposed     int64
	Impressions int64
	Viewers     int64 // devices with at least one impression
	Multiple    int64 // devices also exposed in another arm
	Conversions int64 // devices with a purchase within the window
	Trials      int64 // devices with a trial start within the window
}

// Share is an arm the published campaign gives devices to, with its share (any scale).
type Share struct {
	Arm    string
	Weight float64
}

// Input is what results are computed from.
type Input struct {
	Campaign   string
	From, To   time.Time
	WindowDays int
	Baseline   string  // an arm; "" means the first variant with a share or devices
	Shares     []Share // the published arms in order: variants, then the holdout (when it has a share)
	Days       []CohortDay
	Revenue    map[string]map[string]int64 // arm → currency → 1/10000 units
}

// Arm is one arm's line of the results (DESIGN 5b). Pointers are null where a number is
// undefined: no exposures, a zero baseline rate, or the baseline itself.
type Arm struct {
	Arm            string            `json:"arm"`
	Exposed        int64             `json:"exposed"`
	Impressions    int64             `json:"impressions"`
	Viewers        int64             `json:"viewers"`
	Conversions    int64             `json:"conversions"`
	Trials         int64             `json:"trials"`
	Revenue        map[string]string `json:"revenue"`
	ConversionRate *float64          `json:"conversion_rate"`
	Uplift         *float64          `json:"uplift"`
	UpliftLow      *float64          `json:"uplift_low"`
	UpliftHigh     *float64          `json:"uplift_high"`
	ChanceToBeat   *float64          `json:"chance_to_beat"`
	PValue         *float64          `json:"p_value"`

	Share     float64 `json:"-"` // the published share, 0 to 1
	published bool    // the published campaign has this arm (a removed variant has not)
}

// SRM is the sample ratio check: a chi-square test of exposed counts against the shares.
type SRM struct {
	PValue  *float64 `json:"p_value"`
	Flagged bool     `json:"flagged"`
}

// Report is a campaign's results; its JSON is the API's answer.
type Report struct {
	Campaign          string `json:"campaign"`
	From              string `json:"from"`
	To                string `json:"to"`
	WindowDays        int    `json:"window_days"`
	Baseline          string `json:"baseline"`
	Arms              []Arm  `json:"arms"`
	SRM               SRM    `json:"srm"`
	MultipleExposures int64  `json:"multiple_exposures"`
	EnoughData        bool   `json:"enough_data"`

	Daily   []Point `json:"-"` // cumulative conversion rate per arm by day of first exposure
	Verdict Verdict `json:"-"`
}

// Point is one day of the chart: for each arm (in Report.Arms order), the conversion rate of
// the devices first exposed from the range's start through that day; nil before an arm has any.
type Point struct {
	Day   time.Time
	Rates []*float64
}

// ErrUnknownBaseline says the baseline asked for is not one of the arms.
type ErrUnknownBaseline struct {
	Baseline string
	Arms     []string
}

func (e *ErrUnknownBaseline) Error() string {
	return fmt.Sprintf("baseline %q is not an arm of this campaign; choose one of %v", e.Baseline, e.Arms)
}

// Compute builds the report.
func Compute(in Input) (Report, error) {
	r := Report{Campaign: in.Campaign, From: in.From.UTC().Format(time.RFC3339), To: in.To.UTC().Format(time.RFC3339),
		WindowDays: in.WindowDays}
	arms, index := armsOf(in)
	for _, d := range in.Days {
		a := &arms[index[d.Arm]]
		a.Exposed += d.Exposed
		a.Impressions += d.Impressions
		a.Viewers += d.Viewers
		a.Conversions += d.Conversions
		a.Trials += d.Trials
		r.MultipleExposures += d.Multiple
	}
	var names []string
	for i := range arms {
		a := &arms[i]
		names = append(names, a.Arm)
		a.Revenue = map[string]string{}
		for cur, units := range in.Revenue[a.Arm] {
			a.Revenue[cur] = FormatAmount(units)
		}
		if a.Exposed > 0 {
			a.ConversionRate = ptr(float64(a.Conversions) / float64(a.Exposed))
		}
	}
	r.Baseline = in.Baseline
	if r.Baseline == "" && len(arms) > 0 {
		r.Baseline = arms[0].Arm
		for _, a := range arms {
			if !a.dead() {
				r.Baseline = a.Arm
				break
			}
		}
	}
	base, ok := index[r.Baseline]
	if !ok {
		if len(arms) == 0 && in.Baseline == "" {
			r.Arms = []Arm{}
			r.Verdict = verdict(r)
			return r, nil
		}
		return Report{}, &ErrUnknownBaseline{Baseline: in.Baseline, Arms: names}
	}
	b := arms[base]
	for i := range arms {
		if i == base {
			continue
		}
		a := &arms[i]
		if iv, ok := stats.Uplift(a.Conversions, a.Exposed, b.Conversions, b.Exposed); ok {
			a.Uplift, a.UpliftLow, a.UpliftHigh = ptr(iv.Uplift), ptr(iv.Low), ptr(iv.High)
		}
		if a.Exposed > 0 && b.Exposed > 0 {
			if p, ok := stats.ChanceToBeat(a.Conversions, a.Exposed, b.Conversions, b.Exposed); ok {
				a.ChanceToBeat = ptr(p)
			}
		}
		if p, ok := stats.TwoProportionPValue(a.Conversions, a.Exposed, b.Conversions, b.Exposed); ok {
			a.PValue = ptr(p)
		}
	}
	// The split and the sample size are judged over the published arms only: devices of a
	// variant removed since (a declared winner's losers) are history, not a mismatch, and need
	// no more devices; a published arm of weight 0 that gets devices is a mismatch.
	var observed, exposed []int64
	var weights []float64
	for _, a := range arms {
		if !a.published {
			continue
		}
		observed, weights = append(observed, a.Exposed), append(weights, a.Share)
		if !a.dead() {
			exposed = append(exposed, a.Exposed) // a dead arm would wait forever
		}
	}
	if s, ok := stats.SRM(observed, weights); ok {
		r.SRM = SRM{PValue: ptr(s.PValue), Flagged: s.Flagged}
	}
	r.EnoughData = stats.EnoughData(exposed)
	r.Arms = arms
	r.Daily = daily(in, arms, index)
	r.Verdict = verdict(r)
	return r, nil
}

// armsOf lists the arms: the published ones in order with their shares, then arms seen in the
// data but no longer published (a removed variant), by name, with share 0; the holdout last.
func armsOf(in Input) ([]Arm, map[string]int) {
	var total float64
	for _, s := range in.Shares {
		total += s.Weight
	}
	var arms []Arm
	index := map[string]int{}
	add := func(name string, share float64, published bool) {
		if _, ok := index[name]; ok {
			return
		}
		index[name] = len(arms)
		arms = append(arms, Arm{Arm: name, Share: share, published: published})
	}
	holdoutShare := -1.0
	for _, s := range in.Shares {
		share := 0.0
		if total > 0 {
			share = s.Weight / total
		}
		if s.Arm == Holdout {
			holdoutShare = share
			continue
		}
		add(s.Arm, share, true)
	}
	var extra []string
	seenHoldout := false
	for _, d := range in.Days {
		if d.Arm == Holdout {
			seenHoldout = true
			continue
		}
		if _, ok := index[d.Arm]; !ok {
			extra = append(extra, d.Arm)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		add(name, 0, false)
	}
	if holdoutShare > 0 || seenHoldout {
		add(Holdout, max(holdoutShare, 0), holdoutShare >= 0)
	}
	return arms, index
}

// daily accumulates each arm's devices day by day through the range.
func daily(in Input, arms []Arm, index map[string]int) []Point {
	byDay := map[int64][]CohortDay{}
	for _, d := range in.Days {
		byDay[d.Day] = append(byDay[d.Day], d)
	}
	first, last := dayOf(in.From), dayOf(in.To.Add(-time.Millisecond))
	if last-first > 3660 {
		first = last - 3660
	}
	exposed := make([]int64, len(arms))
	conv := make([]int64, len(arms))
	var out []Point
	for day := first; day <= last; day++ {
		for _, d := range byDay[day] {
			i := index[d.Arm]
			exposed[i] += d.Exposed
			conv[i] += d.Conversions
		}
		p := Point{Day: time.UnixMilli(day * 86400000).UTC(), Rates: make([]*float64, len(arms))}
		for i := range arms {
			if exposed[i] > 0 {
				p.Rates[i] = ptr(float64(conv[i]) / float64(exposed[i]))
			}
		}
		out = append(out, p)
	}
	return out
}

// dead reports whether an arm can take no part in the comparison: published with no share
// (a variant at weight 0) and without a device.
func (a Arm) dead() bool { return !a.published || (a.Share == 0 && a.Exposed == 0) }

func dayOf(t time.Time) int64 { return int64(math.Floor(float64(t.UnixMilli()) / 86400000)) }

func ptr(f float64) *float64 { return &f }

// Units is 1/10000 of a currency unit: events carry revenue with at most 4 decimals, so sums
// of units are exact.
const Units = 10000

// ParseAmount turns a checked decimal string ("39.99") into units.
func ParseAmount(s string) (int64, error) {
	// The sign applies to the fraction too: "-1.5" is −15000, not −10000 + 5000.
	digits, neg := strings.CutPrefix(s, "-")
	whole, frac, _ := strings.Cut(digits, ".")
	if len(frac) > 4 {
		return 0, fmt.Errorf("amount %q has more than 4 decimals", s)
	}
	if strings.TrimLeft(frac, "0123456789") != "" {
		return 0, fmt.Errorf("amount %q: the decimals are not digits", s)
	}
	w, err := strconv.ParseUint(whole, 10, 63)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt((frac + "0000")[:4], 10, 64); err != nil {
			return 0, fmt.Errorf("amount %q: %w", s, err)
		}
	}
	n := int64(w)*Units + f
	if neg {
		n = -n
	}
	return n, nil
}

// FormatAmount writes units as a decimal with two to four decimals: "39.99", "0.00", "1.2345".
func FormatAmount(units int64) string {
	sign := ""
	if units < 0 {
		sign, units = "-", -units
	}
	s := fmt.Sprintf("%s%d.%04d", sign, units/Units, units%Units)
	for strings.HasSuffix(s, "0") && len(s)-strings.IndexByte(s, '.') > 3 {
		s = s[:len(s)-1]
	}
	return s
}
