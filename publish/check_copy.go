package publish

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"nami/catalog"
	"nami/offer"
)

// How much copy a phone shows well, in characters (runes) of what the customer reads. The
// paywall templates set the title and the call to action in large type on a 360–390 point wide
// screen: past these lengths a title takes a third line, a subtitle a third line of small type,
// a button label wraps or is cut inside the full-width button, and a body pushes the plans to
// buy below the first screen. Longer copy still works; publishing only warns. These are the hero
// template's limits; copyLimits has every template's.
const (
	MaxTitleChars    = 60  // about two lines of the title's large type
	MaxSubtitleChars = 90  // about two lines of the subtitle's type under the title
	MaxCTAChars      = 30  // one line inside the full-width buy button
	MaxBodyChars     = 600 // the body's visible text (Markdown rendered); beyond it the plans scroll away
)

// copyLimits are the recommended lengths per template and field. The templates share the screen's
// width, so a title or button holds about as many characters in each; they differ in the height
// left for copy above the plans.
var copyLimits = map[string]map[string]int{
	"hero": {"title": MaxTitleChars, "subtitle": MaxSubtitleChars, "cta": MaxCTAChars, "body": MaxBodyChars},
	// Tighter: the plans sit side by side in tall cards under a banner, leaving less height for a subtitle and body.
	"cards": {"title": MaxTitleChars, "subtitle": 80, "cta": MaxCTAChars, "body": 400},
	// Looser: no image, the plans are slim pills, so the copy has most of the screen.
	"minimal": {"title": MaxTitleChars, "subtitle": 120, "cta": MaxCTAChars, "body": 900},
}

// CopyLimits is the recommended maximum of visible characters per copy field ("title",
// "subtitle", "cta", "body") on a phone for a paywall template; the footer has none. An unknown
// template gets the hero's limits, as it is shown with the hero's layout. The map is a copy.
func CopyLimits(template string) map[string]int {
	l, ok := copyLimits[template]
	if !ok {
		l = copyLimits["hero"]
	}
	out := make(map[string]int, len(l))
	for k, v := range l {
		out[k] = v
	}
	return out
}

// CopyLength is the number of characters a customer reads of a copy field's source: the body and
// footer are rendered as Markdown first, the others are trimmed.
func CopyLength(field, src string) int {
	s := strings.TrimSpace(src)
	if (field == "body" || field == "footer") && s != "" {
		s = VisibleText(offer.Markdown(src))
	}
	return utf8.RuneCountInString(s)
}

// The footer has no limit: it holds the subscription terms, which must be complete, and sits
// below the button where scrolling is expected.

// copyField is one text field of a paywall's copy.
type copyField struct {
	key      string // the catalog field: "title", "cta"
	name     string // what a marketer calls it: "call to action"
	markdown bool   // rendered with offer.Markdown
	get      func(catalog.CopyDoc) string
}

// copyFields are the copy's fields in the order the editor shows them. Their limits are in
// copyLimits, by template.
var copyFields = []copyField{
	{key: "title", name: "title", get: func(c catalog.CopyDoc) string { return c.Title }},
	{key: "subtitle", name: "subtitle", get: func(c catalog.CopyDoc) string { return c.Subtitle }},
	{key: "body", name: "body text", markdown: true, get: func(c catalog.CopyDoc) string { return c.Body }},
	{key: "cta", name: "call to action", get: func(c catalog.CopyDoc) string { return c.CTA }},
	{key: "footer", name: "footer", markdown: true, get: func(c catalog.CopyDoc) string { return c.Footer }},
}

// checkCopy looks at the copy of the paywalls the snapshot carries (shown, snapshot.ShownPaywalls: those
// live campaigns show and those marked for SDK use). Errors: the default language's title or call
// to action is empty (or the language has no copy at all); a Markdown field whose source is not
// empty shows nothing once rendered. Warnings: a language lacks a field the default language
// has; a field is longer than a phone shows well with the paywall's template (CopyLimits); a
// palette's text or button label reads poorly
// (themeWarnings).
func checkCopy(f *catalog.File, shown map[string]bool) (errs, warnings []Issue) {
	for _, pw := range f.Paywalls {
		if !shown[pw.Ref] {
			continue
		}
		add := func(list *[]Issue, format string, args ...any) {
			*list = append(*list, Issue{Entity: "paywall", Ref: pw.Ref, Name: pw.Name, Message: fmt.Sprintf(format, args...)})
		}
		themeWarnings(pw.Theme, func(msg string) { add(&warnings, "%s", msg) })
		limits := CopyLimits(pw.Template)
		def := pw.DefaultLocale
		defCopy, hasDefault := pw.Copy[def]
		if !hasDefault {
			add(&errs, "it has no copy in %s, its default language; write a title and a call to action before publishing.",
				LanguageName(def))
		} else {
			for _, fd := range copyFields {
				if (fd.key == "title" || fd.key == "cta") && strings.TrimSpace(fd.get(defCopy)) == "" {
					add(&errs, "the %s %s is empty; write one before publishing.", LanguageName(def), fd.name)
				}
			}
		}
		locales := make([]string, 0, len(pw.Copy))
		for l := range pw.Copy {
			locales = append(locales, l)
		}
		// The default language first, then the others by code.
		slices.SortFunc(locales, func(a, b string) int {
			switch {
			case a == def:
				return -1
			case b == def:
				return 1
			}
			return strings.Compare(a, b)
		})
		for _, l := range locales {
			c := pw.Copy[l]
			var lacks []string
			for _, fd := range copyFields {
				src := fd.get(c)
				shownText := strings.TrimSpace(src)
				if fd.markdown && shownText != "" {
					shownText = VisibleText(offer.Markdown(src))
					if shownText == "" {
						add(&errs, "the %s %s shows nothing on the paywall: HTML and comments are not shown and there is no other text; write some or clear it before publishing.",
							LanguageName(l), fd.name)
					}
				}
				if n := utf8.RuneCountInString(shownText); limits[fd.key] > 0 && n > limits[fd.key] {
					add(&warnings, "the %s %s is %d characters; a phone shows about %d well, so it may wrap or be cut.",
						LanguageName(l), fd.name, n, limits[fd.key])
				}
				if hasDefault && l != def && strings.TrimSpace(src) == "" && strings.TrimSpace(fd.get(defCopy)) != "" {
					lacks = append(lacks, fd.name)
				}
			}
			if len(lacks) > 0 {
				add(&warnings, "the %s copy has no %s, which the %s copy has; devices set to %s show none.",
					LanguageName(l), andList(lacks), LanguageName(def), LanguageName(l))
			}
		}
	}
	return errs, warnings
}

// themeWarnings reports the colour pairs of a paywall's palettes, light and dark, that fall short of
// WCAG AA (offer.PaletteWarnings): the body text on the background, the button's label on the accent.
func themeWarnings(t catalog.ThemeDoc, warn func(string)) {
	palettes := []struct{ name, accent, bg, text string }{{"light", t.Accent, t.Background, t.Text}}
	if d := t.Dark; d != nil {
		palettes = append(palettes, struct{ name, accent, bg, text string }{"dark", d.Accent, d.Background, d.Text})
	}
	for _, p := range palettes {
		for _, w := range offer.PaletteWarnings(p.accent, p.bg, p.text) {
			warn("in its " + p.name + " colours, " + strings.ToLower(w.Message[:1]) + w.Message[1:])
		}
	}
}

// LanguageName is a locale's English name for messages: "English" for "en", "Portuguese
// (pt-BR)" for a locale with a region or script, and the code itself for a language not in
// languageNames.
func LanguageName(locale string) string {
	lang, _, regional := strings.Cut(strings.ReplaceAll(locale, "_", "-"), "-")
	name, ok := languageNames[strings.ToLower(lang)]
	switch {
	case !ok:
		return locale
	case regional:
		return name + " (" + locale + ")"
	}
	return name
}

// languageNames are the English names of the languages the app stores offer for localized
// listings. A small table rather than golang.org/x/text/language/display, whose tables would
// add megabytes to the binary for a word in a message.
var languageNames = map[string]string{
	"ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech", "da": "Danish",
	"de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian",
	"fi": "Finnish", "fil": "Filipino", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
	"hu": "Hungarian", "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ja": "Japanese", "kk": "Kazakh",
	"ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay", "nb": "Norwegian Bokmål", "nl": "Dutch",
	"no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak",
	"sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "th": "Thai",
	"tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	htmlImage   = regexp.MustCompile(`(?i)<img\s`)
	htmlTag     = regexp.MustCompile(`<[^>]*>`)
)

// VisibleText is the text a customer reads in HTML rendered by offer.Markdown: comments (where
// raw HTML was left out) and tags dropped, entities decoded, runs of white space made one space.
// An image counts as visible: it is returned as "[image]".
func VisibleText(rendered string) string {
	s := htmlComment.ReplaceAllString(rendered, " ")
	s = htmlImage.ReplaceAllString(s, " [image] <img ")
	s = html.UnescapeString(htmlTag.ReplaceAllString(s, " "))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) // zero-width spaces and joiners show nothing
	}), " ")
}

// andList joins words as "a", "a and b", "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
