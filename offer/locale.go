package offer

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// CheckLocale reports whether tag is a well-formed BCP 47 language tag of the shape paywall copy
// uses: a language, an optional script and an optional region, such as "en", "en-US", "pt-BR"
// or "zh-Hant-TW".
func CheckLocale(tag string) error {
	const examples = "use a code like en, de-AT or pt-BR"
	if tag == "" {
		return errors.New("Enter a language code, e.g. en or en-US.")
	}
	if strings.Contains(tag, "_") {
		if fixed := strings.ReplaceAll(tag, "_", "-"); CheckLocale(fixed) == nil {
			return fmt.Errorf("Use a hyphen, not an underscore: %s.", fixed)
		}
	}
	if !isLocaleShape(tag) {
		return fmt.Errorf("%q is not a language code; %s.", tag, examples)
	}
	if _, err := language.Parse(tag); err != nil {
		return fmt.Errorf("%q is not a known language code; %s.", tag, examples)
	}
	return nil
}

// isLocaleShape reports whether tag is language[-Script][-REGION]: 2 or 3 letters, then
// optionally 4 letters, then optionally 2 letters or 3 digits.
func isLocaleShape(tag string) bool {
	parts := strings.Split(tag, "-")
	if len(parts) > 3 || len(parts[0]) < 2 || len(parts[0]) > 3 || !isASCIILetters(parts[0]) {
		return false
	}
	parts = parts[1:]
	if len(parts) > 0 && len(parts[0]) == 4 && isASCIILetters(parts[0]) {
		parts = parts[1:]
	}
	if len(parts) == 0 {
		return true
	}
	region := parts[0]
	return len(parts) == 1 && (len(region) == 2 && isASCIILetters(region) || len(region) == 3 && allDigits(region))
}

// ResolveLocale picks the locale of paywall copy to show for a requested locale: the requested
// tag if available (compared ignoring case; the available spelling is returned), then its
// language alone ("de-AT" falls back to "de"), then defaultLocale. An underscore in requested
// is read as a hyphen, since some devices report "en_US".
func ResolveLocale(available []string, requested, defaultLocale string) string {
	requested = strings.ReplaceAll(requested, "_", "-")
	if requested == "" {
		return defaultLocale
	}
	if found, ok := findLocale(available, requested); ok {
		return found
	}
	if lang, _, cut := strings.Cut(requested, "-"); cut {
		if found, ok := findLocale(available, lang); ok {
			return found
		}
	}
	return defaultLocale
}

func findLocale(available []string, tag string) (string, bool) {
	for _, a := range available {
		if strings.EqualFold(a, tag) {
			return a, true
		}
	}
	return "", false
}

// languageOf returns the lowercased language subtag of a locale such as "de-AT" or "pt_BR".
func languageOf(locale string) string {
	lang, _, _ := strings.Cut(strings.ReplaceAll(locale, "_", "-"), "-")
	return strings.ToLower(lang)
}
