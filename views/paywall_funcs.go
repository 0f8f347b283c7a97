package views

import (
	"regexp"

	"github.com/a-h/templ"
)

var hexColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// colorOr returns c if it is a #RRGGBB colour, else def; drafts being typed may be half-written.
func colorOr(c, def string) string {
	if hexColor.MatchString(c) {
		return c
	}
	return def
}

// themeStyle sets the paywall's colours as CSS variables; only validated #RRGGBB values get through.
func themeStyle(s PaywallScreen) templ.SafeCSS {
	return templ.SafeCSS("--pw-accent:" + colorOr(s.Accent, "#6D28D9") + ";--pw-bg:" + colorOr(s.Background, "#FFFFFF") +
		";--pw-text:" + colorOr(s.Text, "#111827") + ";")
}

// templateClass maps a template name to its layout, falling back to hero for unknown names.
func templateClass(t string) string {
	switch t {
	case "cards", "minimal":
		return t
	}
	return "hero"
}

// isSelected reports whether product i starts selected: the first highlighted one, else the first.
func isSelected(ps []ScreenProduct, i int) bool {
	for j, p := range ps {
		if p.Highlighted {
			return j == i
		}
	}
	return i == 0
}

// Templates lists the paywall templates with a one-line description each.
var Templates = []Option{
	{Value: "hero", Label: "Hero — image on top, copy, products stacked"},
	{Value: "cards", Label: "Cards — products side by side, the highlighted one emphasised"},
	{Value: "minimal", Label: "Minimal — centred text, no image needed"},
}

// Devices lists the preview sizes.
var Devices = []Option{{Value: "phone", Label: "Phone"}, {Value: "tablet", Label: "Tablet"}, {Value: "tv", Label: "TV"}}
