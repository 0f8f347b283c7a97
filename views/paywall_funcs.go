package views

import (
	"regexp"
	"strings"

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
