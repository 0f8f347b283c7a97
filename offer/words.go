package offer

import "strconv"

// unitWords are one language's words for a unit of time: singular and plural, and the word for
// "free" that follows a trial of that length (French agrees it with the unit's gender and number).
// Hebrew and Arabic have a dual that names the number itself ("שבועיים", "أسبوعان": two weeks);
// Arabic also counts 3 to 10 with a plural (few) and 11 to 99 with an accusative singular (many).
type unitWords struct {
	one, other         string
	freeOne, freeOther string
	two, few, many     string
}

// words are a unit's words in a language with only singular and plural.
func words(one, other, freeOne, freeOther string) unitWords {
	return unitWords{one: one, other: other, freeOne: freeOne, freeOther: freeOther}
}

// count is n units in words: "1 week", "3 weeks", "שבועיים", "11 أسبوعًا".
func (w unitWords) count(n int) string {
	switch rest := n % 100; {
	case n == 2 && w.two != "":
		return w.two
	case n == 1:
		return "1 " + w.one
	case w.few != "" && rest >= 3 && rest <= 10:
		return strconv.Itoa(n) + " " + w.few
	case w.many != "" && rest >= 11:
		return strconv.Itoa(n) + " " + w.many
	}
	return strconv.Itoa(n) + " " + w.other
}

// vocabulary returns the words for days (D), weeks (W), months (M) and years (Y) in the
// language of locale, falling back to English.
func vocabulary(locale string) map[byte]unitWords {
	switch languageOf(locale) {
	case "de":
		return map[byte]unitWords{
			'D': words("Tag", "Tage", "gratis", "gratis"),
			'W': words("Woche", "Wochen", "gratis", "gratis"),
			'M': words("Monat", "Monate", "gratis", "gratis"),
			'Y': words("Jahr", "Jahre", "gratis", "gratis"),
		}
	case "fr":
		return map[byte]unitWords{
			'D': words("jour", "jours", "gratuit", "gratuits"),
			'W': words("semaine", "semaines", "gratuite", "gratuites"),
			'M': words("mois", "mois", "gratuit", "gratuits"),
			'Y': words("an", "ans", "gratuit", "gratuits"),
		}
	case "es":
		return map[byte]unitWords{
			'D': words("día", "días", "gratis", "gratis"),
			'W': words("semana", "semanas", "gratis", "gratis"),
			'M': words("mes", "meses", "gratis", "gratis"),
			'Y': words("año", "años", "gratis", "gratis"),
		}
	case "it":
		return map[byte]unitWords{
			'D': words("giorno", "giorni", "gratis", "gratis"),
			'W': words("settimana", "settimane", "gratis", "gratis"),
			'M': words("mese", "mesi", "gratis", "gratis"),
			'Y': words("anno", "anni", "gratis", "gratis"),
		}
	case "pt":
		return map[byte]unitWords{
			'D': words("dia", "dias", "grátis", "grátis"),
			'W': words("semana", "semanas", "grátis", "grátis"),
			'M': words("mês", "meses", "grátis", "grátis"),
			'Y': words("ano", "anos", "grátis", "grátis"),
		}
	case "nl":
		return map[byte]unitWords{
			'D': words("dag", "dagen", "gratis", "gratis"),
			'W': words("week", "weken", "gratis", "gratis"),
			'M': words("maand", "maanden", "gratis", "gratis"),
			'Y': words("jaar", "jaar", "gratis", "gratis"),
		}
	case "ar":
		const free = "مجانًا"
		return map[byte]unitWords{
			'D': {one: "يوم", other: "يوم", two: "يومان", few: "أيام", many: "يومًا", freeOne: free, freeOther: free},
			'W': {one: "أسبوع", other: "أسبوع", two: "أسبوعان", few: "أسابيع", many: "أسبوعًا", freeOne: free, freeOther: free},
			'M': {one: "شهر", other: "شهر", two: "شهران", few: "أشهر", many: "شهرًا", freeOne: free, freeOther: free},
			'Y': {one: "سنة", other: "سنة", two: "سنتان", few: "سنوات", many: "سنة", freeOne: free, freeOther: free},
		}
	case "he":
		const free = "חינם"
		return map[byte]unitWords{
			'D': {one: "יום", other: "ימים", two: "יומיים", freeOne: free, freeOther: free},
			'W': {one: "שבוע", other: "שבועות", two: "שבועיים", freeOne: free, freeOther: free},
			'M': {one: "חודש", other: "חודשים", two: "חודשיים", freeOne: free, freeOther: free},
			'Y': {one: "שנה", other: "שנים", two: "שנתיים", freeOne: free, freeOther: free},
		}
	case "fa":
		return map[byte]unitWords{
			'D': words("روز", "روز", "رایگان", "رایگان"),
			'W': words("هفته", "هفته", "رایگان", "رایگان"),
			'M': words("ماه", "ماه", "رایگان", "رایگان"),
			'Y': words("سال", "سال", "رایگان", "رایگان"),
		}
	case "ur":
		return map[byte]unitWords{
			'D': words("دن", "دن", "مفت", "مفت"),
			'W': words("ہفتہ", "ہفتے", "مفت", "مفت"),
			'M': words("مہینہ", "مہینے", "مفت", "مفت"),
			'Y': words("سال", "سال", "مفت", "مفت"),
		}
	}
	return map[byte]unitWords{
		'D': words("day", "days", "free", "free"),
		'W': words("week", "weeks", "free", "free"),
		'M': words("month", "months", "free", "free"),
		'Y': words("year", "years", "free", "free"),
	}
}

// PeriodWords names a billing period for a price line in the language of locale (English,
// German, French, Spanish, Italian, Portuguese, Dutch, Arabic, Hebrew, Persian or Urdu; English
// otherwise): "P1M" is "month" in
// English and "Monat" in German, "P3M" is "3 months" and "3 Monate". A period it cannot read
// comes back unchanged.
func PeriodWords(period, locale string) string {
	n, unit, ok := parseDuration(period)
	if !ok || n < 1 {
		return period
	}
	w := vocabulary(locale)[unit]
	if n == 1 {
		return w.one
	}
	return w.count(n)
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
	w := vocabulary(locale)[unit]
	if n == 1 {
		return length + " " + w.freeOne
	}
	return length + " " + w.freeOther
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
	return vocabulary(locale)[unit].count(n)
}
