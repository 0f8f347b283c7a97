package offer

import (
	"errors"
	"fmt"
	"strings"
)

// priceSeparators are the characters people type between groups of digits in a price: the
// decimal comma or dot, and the thousands separators of the common locales (spaces, apostrophes).
const priceSeparators = ",. \u00a0\u202f'’"

// NormalizePrice reads a price as a marketer types it and returns it in the stored form that
// CheckPrice accepts: a decimal comma becomes a dot ("99,99" is "99.99", "0,5" is "0.5"). Prices
// never have more than 2 decimals, so the last comma or dot followed by 1 or 2 digits is the
// decimal separator. Thousands separators are refused rather than guessed at, with the price
// written without them in the message ("1.299,00" and "1,299.00" ask for "1299,00" and
// "1299.00"); "1,299" or "1.299", three decimals or a thousand, is refused with both readings.
// Anything else comes back trimmed, for CheckPrice to judge.
func NormalizePrice(s string) (string, error) {
	t := strings.TrimSpace(s)
	if !strings.ContainsAny(t, priceSeparators) {
		return t, nil
	}
	dec := -1
	if i := strings.LastIndexAny(t, ",."); i >= 0 {
		if n := len(t) - i - 1; n >= 1 && n <= 2 && allDigits(t[i+1:]) {
			dec = i
		}
	}
	whole, frac := t, ""
	if dec >= 0 {
		whole, frac = t[:dec], t[dec+1:]
	}
	if strings.ContainsAny(whole, priceSeparators) {
		if plain, ok := groupedDigits(whole); ok {
			fix := plain
			if dec < 0 && strings.Count(whole, whole[len(whole)-4:len(whole)-3]) == 1 && strings.ContainsAny(whole, ",.") {
				// "1.999" or "1,999": three decimals or a thousands separator, both refused.
				return "", fmt.Errorf("Use at most 2 decimal places, e.g. 9.99; if %s is a thousands separator, leave it out: %s.", whole[len(whole)-4:len(whole)-3], fix)
			}
			if dec >= 0 {
				fix += t[dec:dec+1] + frac
			}
			return "", fmt.Errorf("Leave out the thousands separator: write %s.", fix)
		}
	} else if dec >= 0 && t[dec] == ',' {
		return whole + "." + frac, nil
	}
	if strings.Contains(t, ",") {
		return "", errors.New("Enter the price as a number, e.g. 9.99 or 9,99.")
	}
	return t, nil
}

// groupedDigits reports whether whole is digits in groups of three after a first group of 1 to
// 3 digits (no leading zero), split by one kind of thousands separator, and returns the digits.
func groupedDigits(whole string) (string, bool) {
	i := strings.IndexAny(whole, priceSeparators)
	if i < 0 {
		return "", false
	}
	sep := whole[i:]
	for j := range sep {
		if j > 0 {
			sep = sep[:j]
			break
		}
	}
	groups := strings.Split(whole, sep)
	if len(groups[0]) < 1 || len(groups[0]) > 3 || groups[0][0] == '0' {
		return "", false
	}
	for k, g := range groups {
		if !allDigits(g) || g == "" || k > 0 && len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// IsDuration reports whether s is a one-unit ISO 8601 duration of at least 1, such as "P1M",
// "P5W" or "P3D", the shape billing periods and trials are stored in.
func IsDuration(s string) bool {
	n, _, ok := parseDuration(s)
	return ok && n >= 1
}

// HasPriceFormat reports whether FormatPrice knows how locale writes prices; for other locales
// it falls back to the ISO code and the plain amount.
func HasPriceFormat(locale string) bool {
	_, _, ok := localeFormat(locale)
	return ok
}
