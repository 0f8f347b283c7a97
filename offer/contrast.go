package offer

import (
	"fmt"
	"math"
	"strconv"
)

// MinContrast is the contrast ratio WCAG 2 level AA asks of body text (1.4.3): 4.5:1.
const MinContrast = 4.5

// White is the colour of the call to action's label on a light palette, as paywall.css has it.
const White = "#FFFFFF"

// Luminance is the WCAG 2 relative luminance of a "#RRGGBB" colour, from 0 (black) to 1 (white),
// and false for anything else.
func Luminance(hex string) (float64, bool) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, false
	}
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return 0, false
	}
	channel := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(v>>16&0xFF) + 0.7152*channel(v>>8&0xFF) + 0.0722*channel(v&0xFF), true
}

// Contrast is the WCAG 2 contrast ratio of two "#RRGGBB" colours, from 1 to 21, whichever is
// lighter; false if either is not such a colour.
func Contrast(a, b string) (float64, bool) {
	la, ok1 := Luminance(a)
	lb, ok2 := Luminance(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05), true
}

// ContrastText is a ratio as people read it, "4.48:1": rounded to two decimals, except that a
// ratio just under MinContrast is cut instead, so that a failing ratio never shows as "4.50:1".
func ContrastText(r float64) string {
	d := math.Round(r*100) / 100
	if r < MinContrast && d >= MinContrast {
		d = math.Floor(r*100) / 100
	}
	return strconv.FormatFloat(d, 'f', 2, 64) + ":1"
}

// OnAccent is the colour of the call to action's label (and badges) on a palette's accent: white,
// unless the palette's background reads better on the accent, as it does on the light accents of
// a dark palette. paywall.css gets it through views' themeStyle; warnings use it too.
func OnAccent(accent, background string) string {
	w, ok1 := Contrast(White, accent)
	b, ok2 := Contrast(background, accent)
	if ok1 && ok2 && b > w {
		return background
	}
	return White
}

// ContrastWarning is one colour pair of a palette that reads poorly.
type ContrastWarning struct {
	Field   string // "text" (text on the background) or "accent" (the call to action's label on the accent)
	Ratio   float64
	Message string
}

// PaletteWarnings checks a palette's body text on its background and its call to action's label
// on its accent against WCAG AA (MinContrast); colours that are not "#RRGGBB" are skipped, as
// their own check reports them.
func PaletteWarnings(accent, background, text string) []ContrastWarning {
	var out []ContrastWarning
	if r, ok := Contrast(text, background); ok && r < MinContrast {
		out = append(out, ContrastWarning{Field: "text", Ratio: r, Message: fmt.Sprintf(
			"Text on the background has a contrast of %s; body text needs %.1f:1 (WCAG AA) to read well.", ContrastText(r), MinContrast)})
	}
	if r, ok := Contrast(OnAccent(accent, background), accent); ok && r < MinContrast {
		out = append(out, ContrastWarning{Field: "accent", Ratio: r, Message: fmt.Sprintf(
			"The button's label on the accent has a contrast of %s; it needs %.1f:1 (WCAG AA) to read well.", ContrastText(r), MinContrast)})
	}
	return out
}

// The share of the text colour in a palette's muted text (subtitle, footer, restore), the rest
// being the background, as CSS color-mix(in srgb) mixes them: light palettes mix less text in than
// dark ones, whose surfaces need a lighter grey to stay readable.
const (
	MutedShareLight = 0.62
	MutedShareDark  = 0.72
)

// MutedText is a palette's muted text colour: the text mixed with the background at share, or,
// when that mix would read under MinContrast on the background, the least text-heavy mix that
// reaches it (the text itself at worst, so the muted text is never weaker than the body text).
// Colours that are not "#RRGGBB" give "" and false; paywall.css then mixes its own fallback.
func MutedText(text, background string, share float64) (string, bool) {
	t, ok1 := rgb(text)
	b, ok2 := rgb(background)
	if !ok1 || !ok2 {
		return "", false
	}
	for s := math.Round(share*100) / 100; ; s += 0.01 {
		if s >= 1 {
			return text, true
		}
		c := mix(t, b, s)
		if r, _ := Contrast(c, background); r >= MinContrast {
			return c, true
		}
	}
}

// rgb reads "#RRGGBB" into its channels.
func rgb(hex string) ([3]float64, bool) {
	if _, ok := Luminance(hex); !ok {
		return [3]float64{}, false
	}
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	return [3]float64{float64(v >> 16 & 0xFF), float64(v >> 8 & 0xFF), float64(v & 0xFF)}, true
}

// mix is CSS color-mix(in srgb, a share, b): the gamma-encoded channels interpolated.
func mix(a, b [3]float64, share float64) string {
	var out [3]int
	for i := range a {
		out[i] = int(math.Round(a[i]*share + b[i]*(1-share)))
	}
	return fmt.Sprintf("#%02X%02X%02X", out[0], out[1], out[2])
}
