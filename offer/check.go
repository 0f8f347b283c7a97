package offer

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The kinds of product SKU, as stored and as written in the catalog file.
const (
	KindSubscription  = "subscription"
	KindNonConsumable = "non_consumable"
	KindConsumable    = "consumable"
)

// Limits on paywall copy in characters, generous for marketing text and small enough for a
// snapshot: the editor's fields and nami apply both hold them.
const (
	MaxTitleLength    = 200
	MaxSubtitleLength = 300
	MaxBodyLength     = 5000
	MaxCTALength      = 200 // room for a {{#product.trial}} section; what a phone shows well is publish.CopyLimits
	MaxFooterLength   = 2000
)

// MaxCopyLength is the limit of each copy field, by its catalog name.
var MaxCopyLength = map[string]int{"title": MaxTitleLength, "subtitle": MaxSubtitleLength, "body": MaxBodyLength,
	"cta": MaxCTALength, "footer": MaxFooterLength}

// MaxRefLength is the longest ref or slug allowed.
const MaxRefLength = 64

// CheckRef reports whether s can be a ref or slug: 1 to 64 lowercase letters, digits, '-' and '_'.
func CheckRef(s string) error {
	if s == "" {
		return errors.New("Enter 1 to 64 characters: lowercase letters, digits, - or _.")
	}
	if n := len([]rune(s)); n > MaxRefLength {
		return fmt.Errorf("Use at most %d characters; this has %d.", MaxRefLength, n)
	}
	if isRef(s) {
		return nil
	}
	// Suggest the nearest valid spelling when lowercasing and hyphenating spaces would do.
	fixed := strings.Join(strings.Fields(strings.ToLower(s)), "-")
	if strings.ContainsFunc(s, unicode.IsSpace) {
		if isRef(fixed) {
			return fmt.Errorf("Spaces are not allowed; use - or _ instead, e.g. %q.", fixed)
		}
		return errors.New("Spaces are not allowed; use - or _ instead.")
	}
	if isRef(fixed) {
		return fmt.Errorf("Use lowercase letters only, e.g. %q.", fixed)
	}
	for _, r := range s {
		if !isRefRune(r) && !unicode.IsUpper(r) {
			return fmt.Errorf("The character %q is not allowed; use only lowercase letters, digits, - and _.", string(r))
		}
	}
	return errors.New("Use only lowercase letters, digits, - and _.")
}

func isRef(s string) bool {
	if s == "" || len(s) > MaxRefLength {
		return false
	}
	for _, r := range s {
		if !isRefRune(r) {
			return false
		}
	}
	return true
}

func isRefRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

// maxPriceDigits bounds the whole part of a price; no store sells anything near a billion.
const maxPriceDigits = 9

// CheckPrice reports whether s is a positive decimal amount with at most 2 decimal places,
// written with a dot and no thousands separators, such as "9.99", "10" or "0.5".
func CheckPrice(s string) error {
	switch {
	case s == "":
		return errors.New("Enter a price, e.g. 9.99.")
	case strings.TrimSpace(s) != s:
		return errors.New("Remove the spaces around the price.")
	case strings.HasPrefix(s, "-"):
		return errors.New("The price must be more than zero.")
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Sc, r) }):
		return errors.New("Enter the amount without a currency symbol; the currency is chosen separately.")
	case strings.Contains(s, ","):
		return errors.New("Use a dot for decimals and no thousands separators, e.g. 1299.99.")
	case strings.ContainsAny(s, "eE") && strings.Trim(s, "0123456789.eE+-") == "":
		return errors.New("Write the price as plain digits, e.g. 1000 rather than 1e3.")
	}
	whole, frac, ok := splitDecimal(s)
	if !ok {
		if strings.HasPrefix(s, ".") {
			return errors.New("Write a 0 before the decimal point, e.g. 0.5.")
		}
		return errors.New("Enter the price as a number, e.g. 9.99.")
	}
	if len(frac) > 2 {
		return errors.New("Use at most 2 decimal places, e.g. 9.99.")
	}
	if len(whole) > 1 && whole[0] == '0' {
		return errors.New("Remove the leading zeros from the price.")
	}
	if len(whole) > maxPriceDigits {
		return fmt.Errorf("The price is too large; use at most %d digits before the decimal point.", maxPriceDigits)
	}
	if strings.Trim(whole+frac, "0") == "" {
		return errors.New("The price must be more than zero.")
	}
	return nil
}

// splitDecimal splits "123.45" into "123" and "45"; ok is false unless s is digits with an
// optional dot followed by at least one digit.
func splitDecimal(s string) (whole, frac string, ok bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || dot && (frac == "" || !allDigits(frac)) {
		return "", "", false
	}
	return whole, frac, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// CheckCurrency reports whether s has the shape of an ISO 4217 code: exactly 3 uppercase ASCII letters.
func CheckCurrency(s string) error {
	if s == "" {
		return errors.New("Enter a currency code, e.g. USD.")
	}
	if len(s) == 3 && isASCIILetters(s) {
		if upper := strings.ToUpper(s); upper != s {
			return fmt.Errorf("Use uppercase letters: %s.", upper)
		}
		return nil
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Sc, r) }) {
		return errors.New("Enter the 3-letter currency code rather than the symbol, e.g. USD or EUR.")
	}
	return errors.New("Enter a 3-letter ISO 4217 currency code, e.g. USD or EUR.")
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// CheckKind reports whether kind is one of subscription, non_consumable or consumable.
func CheckKind(kind string) error {
	switch kind {
	case KindSubscription, KindNonConsumable, KindConsumable:
		return nil
	case "":
		return errors.New("Choose a kind: subscription, non_consumable or consumable.")
	}
	return fmt.Errorf("%q is not a kind of product; choose subscription, non_consumable or consumable.", kind)
}

// CheckPeriod reports whether period suits a product of the given kind: a subscription needs one
// of P1W, P1M, P3M, P6M or P1Y; one-time purchases have none. With an unknown kind only the
// period's own spelling is checked, since CheckKind reports the kind.
func CheckPeriod(kind, period string) error {
	if kind == KindNonConsumable || kind == KindConsumable {
		if period != "" {
			return errors.New("Only subscriptions have a billing period; leave it empty for one-time purchases.")
		}
		return nil
	}
	if period == "" {
		if kind == KindSubscription {
			return errors.New("A subscription needs a billing period, e.g. P1M for monthly.")
		}
		return nil
	}
	if isChoice(PeriodChoices, period) {
		return nil
	}
	if upper := strings.ToUpper(period); isChoice(PeriodChoices, upper) {
		return fmt.Errorf("Use capital letters: %s.", upper)
	}
	return errors.New("Choose a billing period: P1W (weekly), P1M (monthly), P3M (every 3 months), P6M (every 6 months) or P1Y (yearly).")
}

// CheckTrial reports whether trial is a valid free trial for a product of the given kind: empty,
// or on a subscription an ISO 8601 length of 1 to 99 days, weeks or months such as P3D, P1W or P1M.
func CheckTrial(kind, trial string) error {
	if trial == "" {
		return nil
	}
	if kind == KindNonConsumable || kind == KindConsumable {
		return errors.New("Only subscriptions can have a free trial.")
	}
	if _, _, ok := parseTrial(trial); ok {
		return nil
	}
	if upper := strings.ToUpper(trial); upper != trial {
		if _, _, ok := parseTrial(upper); ok {
			return fmt.Errorf("Use capital letters: %s.", upper)
		}
	}
	if n, unit, ok := parseDuration(trial); ok && strings.ContainsRune("DWM", rune(unit)) && (n < 1 || n > 99) {
		return errors.New("The trial length must be between 1 and 99.")
	}
	return errors.New("Write the trial as P, a number and D, W or M, e.g. P3D (3 days), P1W (1 week) or P1M (1 month).")
}

// parseTrial accepts the trial lengths CheckTrial allows.
func parseTrial(s string) (n int, unit byte, ok bool) {
	n, unit, ok = parseDuration(s)
	if !ok || n < 1 || n > 99 || !strings.ContainsRune("DWM", rune(unit)) {
		return 0, 0, false
	}
	return n, unit, true
}

// parseDuration parses the one-unit ISO 8601 durations this package deals in: "P", a whole
// number without leading zeros, and one of D, W, M or Y.
func parseDuration(s string) (n int, unit byte, ok bool) {
	if len(s) < 3 || len(s) > 6 || s[0] != 'P' {
		return 0, 0, false
	}
	digits, unit := s[1:len(s)-1], s[len(s)-1]
	if !allDigits(digits) || len(digits) > 1 && digits[0] == '0' || !strings.ContainsRune("DWMY", rune(unit)) {
		return 0, 0, false
	}
	for i := 0; i < len(digits); i++ {
		n = n*10 + int(digits[i]-'0')
	}
	return n, unit, true
}

// CheckColor reports whether s is a color written as "#RRGGBB" (hex digits in either case).
func CheckColor(s string) error {
	switch {
	case s == "":
		return errors.New("Enter a color as #RRGGBB, e.g. #6D28D9.")
	case len(s) == 7 && s[0] == '#' && isHex(s[1:]):
		return nil
	case len(s) == 6 && isHex(s):
		return fmt.Errorf("Start the color with #: #%s.", s)
	case len(s) == 4 && s[0] == '#' && isHex(s[1:]):
		long := "#" + strings.Repeat(s[1:2], 2) + strings.Repeat(s[2:3], 2) + strings.Repeat(s[3:4], 2)
		return fmt.Errorf("Use the 6-digit form: %s.", long)
	}
	return errors.New("Enter a color as # and 6 hex digits, e.g. #6D28D9.")
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// MaxSKULength is the longest product id (sku) accepted; the stores' own limits are lower.
const MaxSKULength = 200

// CheckSKU reports whether sku can be a store's product id: 1 to 200 ASCII letters, digits,
// '.', '-' and '_', the characters every store accepts.
func CheckSKU(sku string) error {
	if sku == "" || utf8.RuneCountInString(sku) > MaxSKULength {
		return fmt.Errorf("Enter the store's product id (1 to %d characters).", MaxSKULength)
	}
	for i := 0; i < len(sku); i++ {
		c := sku[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return errors.New("Use only letters, digits, dots, - and _, as the stores do.")
		}
	}
	if strings.Trim(sku, ".-_") == "" {
		return errors.New("Include at least one letter or digit.")
	}
	return nil
}
