package views

import (
	"regexp"
	"strings"

	"github.com/a-h/templ"

	"nami/offer"
)

var hexColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// colorOr returns c if it is a #RRGGBB colour, else def; drafts being typed may be half-written.
func colorOr(c, def string) string {
	if hexColor.MatchString(c) {
		return c
	}
	return def
}

// themeStyle sets the paywall's palettes as CSS variables, the light one (--pw-light-*) and the
// dark one (--pw-dark-*) when there is one; paywall.css picks the palette by data-appearance and
// prefers-color-scheme. Only validated #RRGGBB values get through. The call to action's label
// (--pw-*-on-accent) is offer.OnAccent's choice, the colour the editor's contrast warnings check.
func themeStyle(s PaywallScreen) templ.SafeCSS {
	accent, bg := colorOr(s.Accent, "#6D28D9"), colorOr(s.Background, "#FFFFFF")
	text := colorOr(s.Text, "#111827")
	css := "--pw-light-accent:" + accent + ";--pw-light-bg:" + bg + ";--pw-light-text:" + text +
		";--pw-light-on-accent:" + offer.OnAccent(accent, bg) + ";"
	if m, ok := offer.MutedText(text, bg, offer.MutedShareLight); ok {
		css += "--pw-light-muted:" + m + ";"
	}
	if s.Dark != nil {
		accent, bg, text := colorOr(s.Dark.Accent, "#A78BFA"), colorOr(s.Dark.Background, "#111827"), colorOr(s.Dark.Text, "#F9FAFB")
		css += "--pw-dark-accent:" + accent + ";--pw-dark-bg:" + bg + ";--pw-dark-text:" + text +
			";--pw-dark-on-accent:" + offer.OnAccent(accent, bg) + ";"
		if m, ok := offer.MutedText(text, bg, offer.MutedShareDark); ok {
			css += "--pw-dark-muted:" + m + ";"
		}
	}
	return templ.SafeCSS(css)
}

// appearanceAttr is the paywall's data-appearance: "dark" forces the dark palette, "auto" follows
// the device's prefers-color-scheme, "light" (also for a paywall without a dark palette, whatever
// was asked) shows the light one.
func appearanceAttr(s PaywallScreen) string {
	if s.Dark == nil {
		return "light"
	}
	return Appearance(s.Appearance)
}

// Appearance reads a requested appearance: "light", "dark", or "auto" for anything else.
func Appearance(a string) string {
	switch a {
	case "light", "dark":
		return a
	}
	return "auto"
}

// Appearances lists the preview's appearances.
var Appearances = []Option{{Value: "light", Label: "Light"}, {Value: "dark", Label: "Dark"}}

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

// paywallUI holds the few words a paywall shows besides the marketer's copy, per language.
var paywallUI = map[string]map[string]string{
	"en": {"continue": "Continue", "restore": "Restore purchases", "close": "Close", "no_products": "No products on this platform yet."},
	"de": {"continue": "Weiter", "restore": "Käufe wiederherstellen", "close": "Schließen", "no_products": "Auf dieser Plattform gibt es noch keine Produkte."},
	"fr": {"continue": "Continuer", "restore": "Restaurer les achats", "close": "Fermer", "no_products": "Aucun produit sur cette plateforme pour l’instant."},
	"es": {"continue": "Continuar", "restore": "Restaurar compras", "close": "Cerrar", "no_products": "Todavía no hay productos en esta plataforma."},
	"it": {"continue": "Continua", "restore": "Ripristina acquisti", "close": "Chiudi", "no_products": "Ancora nessun prodotto su questa piattaforma."},
	"pt": {"continue": "Continuar", "restore": "Restaurar compras", "close": "Fechar", "no_products": "Ainda não há produtos nesta plataforma."},
	"nl": {"continue": "Doorgaan", "restore": "Aankopen herstellen", "close": "Sluiten", "no_products": "Nog geen producten op dit platform."},
	"ja": {"continue": "続ける", "restore": "購入を復元", "close": "閉じる", "no_products": "このプラットフォームにはまだ商品がありません。"},
	"ar": {"continue": "متابعة", "restore": "استعادة المشتريات", "close": "إغلاق", "no_products": "لا توجد منتجات على هذه المنصة بعد."},
	"he": {"continue": "המשך", "restore": "שחזור רכישות", "close": "סגירה", "no_products": "עדיין אין מוצרים בפלטפורמה הזו."},
	"fa": {"continue": "ادامه", "restore": "بازیابی خریدها", "close": "بستن", "no_products": "هنوز محصولی در این پلتفرم نیست."},
	"ur": {"continue": "جاری رکھیں", "restore": "خریداریاں بحال کریں", "close": "بند کریں", "no_products": "اس پلیٹ فارم پر ابھی کوئی پروڈکٹ نہیں ہے۔"},
}

// uiText returns a paywall's built-in word in the locale's language, falling back to English.
func uiText(locale, key string) string {
	lang := strings.ToLower(locale)
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	if words, ok := paywallUI[lang]; ok {
		return words[key]
	}
	return paywallUI["en"][key]
}

// copyFieldKey is the field of a copy form field's name: "body" for "copy[en][body]".
func copyFieldKey(name string) string {
	name = strings.TrimSuffix(name, "]")
	if i := strings.LastIndex(name, "["); i >= 0 {
		return name[i+1:]
	}
	return name
}

// contrastFields are the colour fields that carry a contrast warning: the text (on the background)
// and the accent (the button's label on it) of the light palette, and of the dark one if there is one.
func contrastFields(hasDark bool) []string {
	if hasDark {
		return []string{"theme[text]", "theme[accent]", "theme[dark][text]", "theme[dark][accent]"}
	}
	return []string{"theme[text]", "theme[accent]"}
}

func isContrastField(name string) bool {
	switch name {
	case "theme[text]", "theme[accent]", "theme[dark][text]", "theme[dark][accent]":
		return true
	}
	return false
}

// contrastID is the id of a colour field's contrast warning: "contrast-text", "contrast-dark-accent".
func contrastID(name string) string {
	return "contrast-" + strings.NewReplacer("theme[", "", "][", "-", "]", "").Replace(name)
}
