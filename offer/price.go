package offer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Spaces in formatted prices. Wherever CLDR puts a space between an amount and its currency
// symbol it is a no-break space, so a price never wraps across lines; French and a few other
// locales group thousands with the narrow no-break space.
const (
	nbsp       = "\u00a0"
	narrowNBSP = "\u202f"
)

// priceFormat is one locale's CLDR currency pattern, reduced to what prices need.
type priceFormat struct {
	symbolFirst bool   // "¤#,##0.00" rather than "#,##0.00 ¤"
	spaced      bool   // a no-break space between the symbol and the digits
	decimal     string // decimal separator
	group       string // thousands separator
	minGrouping int    // 2 where a four-digit amount stays ungrouped ("1234,50 €" in Spanish)
}

// priceFormatFor returns the currency pattern for a language and region, taken by hand from
// CLDR 47 (as ICU 77 formats), for the locales paywalls are most often shown in. Regional rules
// come first; any other region of a listed language uses the language's rule.
func priceFormatFor(lang, region string) (priceFormat, bool) {
	switch lang + "-" + region {
	case "de-AT":
		return priceFormat{symbolFirst: true, spaced: true, decimal: ",", group: ".", minGrouping: 1}, true
	case "de-CH", "de-LI":
		return priceFormat{symbolFirst: true, spaced: true, decimal: ".", group: "’", minGrouping: 1}, true
	case "fr-CA":
		return priceFormat{spaced: true, decimal: ",", group: nbsp, minGrouping: 1}, true
	case "fr-CH":
		return priceFormat{spaced: true, decimal: ".", group: narrowNBSP, minGrouping: 1}, true
	case "es-MX", "es-US", "es-419":
		return priceFormat{symbolFirst: true, decimal: ".", group: ",", minGrouping: 1}, true
	case "pt-PT":
		return priceFormat{spaced: true, decimal: ",", group: narrowNBSP, minGrouping: 2}, true
	}
	switch lang {
	case "en", "ja", "ko", "zh":
		return priceFormat{symbolFirst: true, decimal: ".", group: ",", minGrouping: 1}, true
	case "de", "da":
		return priceFormat{spaced: true, decimal: ",", group: ".", minGrouping: 1}, true
	case "es", "it":
		return priceFormat{spaced: true, decimal: ",", group: ".", minGrouping: 2}, true
	case "fr", "sv", "fi":
		return priceFormat{spaced: true, decimal: ",", group: narrowNBSP, minGrouping: 1}, true
	case "pl":
		return priceFormat{spaced: true, decimal: ",", group: narrowNBSP, minGrouping: 2}, true
	case "ru":
		return priceFormat{spaced: true, decimal: ",", group: nbsp, minGrouping: 1}, true
	case "nl", "pt":
		return priceFormat{symbolFirst: true, spaced: true, decimal: ",", group: ".", minGrouping: 1}, true
	case "tr":
		return priceFormat{symbolFirst: true, decimal: ",", group: ".", minGrouping: 1}, true
	// Right-to-left languages, with Latin digits (CLDR's "latn" numbering; Arabic and Persian
	// default to their own digits, which apps often do not use for prices). A paywall isolates
	// the price (<bdi>), so the amount reads left to right inside right-to-left copy.
	case "ar", "he":
		return priceFormat{spaced: true, decimal: ".", group: ",", minGrouping: 1}, true
	case "fa", "ur":
		return priceFormat{symbolFirst: true, decimal: ".", group: ",", minGrouping: 1}, true
	}
	return priceFormat{}, false
}

// FormatPrice formats a decimal amount such as "9.99" in a currency for display in a locale,
// following CLDR: "$39.99" (USD, en), "34,99 €" (EUR, de), "€ 34,99" (EUR, de-AT), "￥1,299"
// (JPY, ja), "CA$9.99" (CAD, en-US). Symbols come from CLDR via golang.org/x/text; the amount is
// rounded half up to the currency's digits (none for JPY and KRW). Every space in the result is
// a no-break space (U+00A0), and French, Swedish, Finnish, Polish and Portuguese (Portugal) group
// thousands with U+202F. In a locale outside the table the result is the ISO code, a no-break
// space and the plain amount ("EUR 34.99"); an amount or code that cannot be read comes back as
// "price currency" unchanged, so a bad value shows rather than hides.
func FormatPrice(price, currencyCode, locale string) string {
	whole, frac, ok := splitDecimal(price)
	code := strings.ToUpper(currencyCode)
	if !ok || len(code) != 3 || !isASCIILetters(code) {
		return strings.TrimSpace(price + " " + currencyCode)
	}
	unit, err := currency.ParseISO(code)
	known := err == nil
	scale := 2
	if known {
		scale, _ = currency.Standard.Rounding(unit)
	}
	whole, frac = roundDecimal(trimLeadingZeros(whole), frac, scale)

	tag, format, ok := localeFormat(locale)
	if !ok {
		return code + nbsp + joinDecimal(whole, frac, ".")
	}
	symbol := code
	if known {
		symbol = message.NewPrinter(tag).Sprint(currency.Symbol(unit))
	}
	digits := joinDecimal(groupThousands(whole, format.group, format.minGrouping), frac, format.decimal)
	if format.symbolFirst {
		last, _ := utf8.DecodeLastRuneInString(symbol)
		if format.spaced || needsSpacing(last) {
			return symbol + nbsp + digits
		}
		return symbol + digits
	}
	first, _ := utf8.DecodeRuneInString(symbol)
	if format.spaced || needsSpacing(first) {
		return digits + nbsp + symbol
	}
	return digits + symbol
}

// needsSpacing applies CLDR's currency spacing: a symbol whose side next to the digits is not
// itself a symbol, such as "CHF" or "kr", is kept apart from them ("CHF 9.99", but "CA$9.99").
func needsSpacing(r rune) bool {
	return !unicode.IsSymbol(r)
}

// localeFormat parses locale and finds its price format, trying the region's rule and then the
// language's.
func localeFormat(locale string) (language.Tag, priceFormat, bool) {
	if !isLocaleShape(strings.ReplaceAll(locale, "_", "-")) {
		return language.Und, priceFormat{}, false
	}
	tag, err := language.Parse(locale)
	if err != nil {
		return language.Und, priceFormat{}, false
	}
	base, _ := tag.Base()
	region, confidence := tag.Region()
	regionCode := ""
	if confidence == language.Exact {
		regionCode = region.String()
	}
	format, ok := priceFormatFor(base.String(), regionCode)
	return tag, format, ok
}

// trimLeadingZeros turns "007" into "7" and keeps a lone "0".
func trimLeadingZeros(whole string) string {
	trimmed := strings.TrimLeft(whole, "0")
	if trimmed == "" {
		return "0"
	}
	return trimmed
}

// roundDecimal rounds the decimal whole.frac half up to scale fraction digits, padding with zeros.
func roundDecimal(whole, frac string, scale int) (string, string) {
	if len(frac) <= scale {
		return whole, frac + strings.Repeat("0", scale-len(frac))
	}
	roundUp := frac[scale] >= '5'
	digits := []byte(whole + frac[:scale])
	for i := len(digits) - 1; roundUp && i >= 0; i-- {
		if digits[i] == '9' {
			digits[i] = '0'
			continue
		}
		digits[i]++
		roundUp = false
	}
	if roundUp {
		digits = append([]byte{'1'}, digits...)
	}
	cut := len(digits) - scale
	return string(digits[:cut]), string(digits[cut:])
}

func joinDecimal(whole, frac, separator string) string {
	if frac == "" {
		return whole
	}
	return whole + separator + frac
}

// groupThousands inserts separator every three digits from the right, once whole has at least
// 3 + minGrouping digits.
func groupThousands(whole, separator string, minGrouping int) string {
	if len(whole) < 3+minGrouping {
		return whole
	}
	var b strings.Builder
	head := len(whole) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(whole[:head])
	for i := head; i < len(whole); i += 3 {
		b.WriteString(separator)
		b.WriteString(whole[i : i+3])
	}
	return b.String()
}
