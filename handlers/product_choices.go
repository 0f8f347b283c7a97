package handlers

import (
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/offer"
	"nami/store"
	"nami/views"
)

// billingPeriods and trialLengths are the product form's options (offer.PeriodChoices and
// offer.TrialChoices, stored as ISO 8601).
var billingPeriods, trialLengths = options(offer.PeriodChoices), options(offer.TrialChoices)

// noPeriod is the billing period of one-time purchases.
var noPeriod = views.Option{Value: "", Label: "None (one-time purchase)"}

// options turns offer's choices into a form's options.
func options(choices []offer.Choice) []views.Option {
	out := make([]views.Option, len(choices))
	for i, c := range choices {
		out[i] = views.Option{Value: c.Value, Label: c.Label}
	}
	return out
}

func listed(options []views.Option, value string) bool {
	for _, o := range options {
		if o.Value == value {
			return true
		}
	}
	return false
}

// withCurrent returns options with the form's value added at the end when it is not one of
// them, e.g. "Every 5 weeks (P5W)", so that saving a product keeps a period the list lacks.
func withCurrent(options []views.Option, value string, label func(string) string) []views.Option {
	if value == "" || listed(options, value) {
		return options
	}
	return append(append([]views.Option(nil), options...), views.Option{Value: value, Label: label(value)})
}

func periodLabel(p string) string {
	if !offer.IsDuration(p) {
		return p + " (not a valid period)"
	}
	return "Every " + offer.PeriodWords(p, "en") + " (" + p + ")"
}

func trialLabel(p string) string {
	if !offer.IsDuration(p) {
		return p + " (not a valid trial)"
	}
	n := offer.PeriodWords(p, "en")
	if !strings.ContainsAny(n[:1], "0123456789") {
		n = "1 " + n
	}
	return n + " (" + p + ")"
}

// productChoices are a product form's period and trial options, with the form's own values.
func productChoices(f views.Form) views.ProductChoices {
	return views.ProductChoices{
		Periods: withCurrent(append([]views.Option{noPeriod}, billingPeriods...), f.Get("period"), periodLabel),
		Trials:  withCurrent(trialLengths, f.Get("trial"), trialLabel),
	}
}

// checkPeriodChoice checks a subscription's billing period: one of the listed periods, or the
// period the product already has (keep) when that is a valid ISO 8601 duration.
func checkPeriodChoice(period, keep string) error {
	switch {
	case period == "":
		return errors.New("A subscription needs a billing period; choose how often it renews.")
	case listed(billingPeriods, period), period == keep && offer.IsDuration(period):
		return nil
	}
	return errors.New("Choose a billing period from the list.")
}

// marketerLocale is the first language of the request's Accept-Language header when prices can
// be formatted for it ("de-DE" writes 1.299,00 €), and "en" otherwise.
func marketerLocale(c echo.Context) string {
	first, _, _ := strings.Cut(c.Request().Header.Get("Accept-Language"), ",")
	first, _, _ = strings.Cut(first, ";")
	first = strings.TrimSpace(first)
	if offer.CheckLocale(first) == nil && offer.HasPriceFormat(first) {
		return first
	}
	return "en"
}

// priceTextIn is priceText with the amount formatted for locale; the words stay English, as the
// control center is.
func priceTextIn(p store.Product, locale string) string {
	s := offer.FormatPrice(p.Price, p.Currency, locale)
	if p.Kind == offer.KindSubscription && p.Period != "" {
		s += " / " + offer.PeriodWords(p.Period, "en")
	}
	if t := offer.TrialWords(p.Trial, "en"); t != "" {
		s += ", " + t
	}
	return s
}
