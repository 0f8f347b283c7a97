package offer

// rtlLanguages are the languages of paywall copy written right to left.
var rtlLanguages = map[string]bool{"ar": true, "he": true, "fa": true, "ur": true}

// Direction returns the writing direction of copy in locale, "rtl" or "ltr", decided by its
// language subtag alone: Arabic, Hebrew, Persian and Urdu ("ar-SA", "he", "fa_IR") are right to
// left, everything else (including an empty or malformed locale) is left to right.
func Direction(locale string) string {
	if rtlLanguages[languageOf(locale)] {
		return "rtl"
	}
	return "ltr"
}
