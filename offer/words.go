package offer

import "strconv"

// unitWords are one language's words for a unit of time: singular and plural, and the word for
// "free" that follows a trial of that length (French agrees it with the unit's gender and number).
type unitWords struct {
	one, other         string
	freeOne, freeOther string
}

// vocabulary returns the words for days (D), weeks (W), months (M) and years (Y) in the
// language of locale, falling back to English.
func vocabulary(locale string) map[byte]unitWords {
	switch languageOf(locale) {
	case "de":
		return map[byte]unitWords{
			'D': {"Tag", "Tage", "gratis", "gratis"},
			'W': {"Woche", "Wochen", "gratis", "gratis"},
			'M': {"Monat", "Monate", "gratis", "gratis"},
			'Y': {"Jahr", "Jahre", "gratis", "gratis"},
		}
	case "fr":
		return map[byte]unitWords{
			'D': {"jour", "jours", "gratuit", "gratuits"},
			'W': {"semaine", "semaines", "gratuite", "gratuites"},
			'M': {"mois", "mois", "gratuit", "gratuits"},
			'Y': {"an", "ans", "gratuit", "gratuits"},
		}
	case "es":
		return map[byte]unitWords{
			'D': {"día", "días", "gratis", "gratis"},
			'W': {"semana", "semanas", "gratis", "gratis"},
			'M': {"mes", "meses", "gratis", "gratis"},
			'Y': {"año", "años", "gratis", "gratis"},
		}
	case "it":
		return map[byte]unitWords{
			'D': {"giorno", "giorni", "gratis", "gratis"},
			'W': {"settimana", "settimane", "gratis", "gratis"},
			'M': {"mese", "mesi", "gratis", "gratis"},
			'Y': {"anno", "anni", "gratis", "gratis"},
		}
	case "pt":
		return map[byte]unitWords{
			'D': {"dia", "dias", "grátis", "grátis"},
			'W': {"semana", "semanas", "grátis", "grátis"},
			'M': {"mês", "meses", "grátis", "grátis"},
			'Y': {"ano", "anos", "grátis", "grátis"},
		}
	case "nl":
		return map[byte]unitWords{
			'D': {"dag", "dagen", "gratis", "gratis"},
			'W': {"week", "weken", "gratis", "gratis"},
			'M': {"maand", "maanden", "gratis", "gratis"},
			'Y': {"jaar", "jaar", "gratis", "gratis"},
		}
	}
	return map[byte]unitWords{
		'D': {"day", "days", "free", "free"},
		'W': {"week", "weeks", "free", "free"},
		'M': {"month", "months", "free", "free"},
		'Y': {"year", "years", "free", "free"},
	}
}

// PeriodWords names a billing period for a price line in the language of locale (English,
// German, French, Spanish, Italian, Portuguese or Dutch; English otherwise): "P1M" is "month" in
// English and "Monat" in German, "P3M" is "3 months" and "3 Monate". A period it cannot read
// comes back unchanged.
func PeriodWords(period, locale string) string {
	n, unit, ok := parseDuration(period)
	if !ok || n < 1 {
		return period
	}
	words := vocabulary(locale)[unit]
	if n == 1 {
		return words.one
	}
	return strconv.Itoa(n) + " " + words.other
}

// PriceLine is the price as a paywall shows it: "$9.99 / month" or "34,99 € / Jahr" for a
// subscription, and the price alone ("$4.99") for a one-time purchase.
func PriceLine(price, currencyCode, kind, period, locale string) string {
	formatted := FormatPrice(price, currencyCode, locale)
	if kind != KindSubscription || period == "" {
		return formatted
	}
	return formatted + " / " + PeriodWords(period, locale)
}

// TrialWords describes a free trial in the language of locale: "P1W" is "1 week free" in
// English and "1 Woche gratis" in German, "P3D" is "3 days free"; no trial ("") gives "".
// A trial it cannot read comes back unchanged.
func TrialWords(trial, locale string) string {
	length := TrialLength(trial, locale)
	n, unit, ok := parseDuration(trial)
	if !ok || n < 1 {
		return length
	}
	words := vocabulary(locale)[unit]
	if n == 1 {
		return length + " " + words.freeOne
	}
	return length + " " + words.freeOther
}

// TrialLength names a trial's length in the language of locale, without the word "free":
// "P1W" is "1 week" in English and "1 Woche" in German; no trial ("") gives "". A trial it
// cannot read comes back unchanged.
func TrialLength(trial, locale string) string {
	if trial == "" {
		return ""
	}
	n, unit, ok := parseDuration(trial)
	if !ok || n < 1 {
		return trial
	}
	words := vocabulary(locale)[unit]
	if n == 1 {
		return "1 " + words.one
	}
	return strconv.Itoa(n) + " " + words.other
}
