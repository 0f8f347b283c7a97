package views

import (
	"github.com/a-h/templ"

	"nami/offer"
)

// ScreenCopy is a paywall's copy as shown with one product selected: tokens resolved, Markdown
// rendered to safe HTML.
type ScreenCopy struct {
	SKU        string
	Title      string
	Subtitle   string
	BodyHTML   string
	CTA        string
	FooterHTML string
}

// SourceCopy is a paywall's copy in one locale as the marketer wrote it, tokens and Markdown
// unresolved.
type SourceCopy struct {
	Title, Subtitle, Body, CTA, Footer string
}

// SetCopy fills the screen's copy from src for its locale and products (offer.TokenContext): the
// copy with the initially selected product, each product's badge with that product, and, when
// the copy names the selected product, ByProduct with the copy for each product, which the
// paywall shows as the customer picks plans. Copy whose tokens cannot be read shows as written,
// so a draft shows what the marketer typed. tokens lists s.Products' facts in the same order.
func (s *PaywallScreen) SetCopy(src SourceCopy, tokens []offer.TokenProduct) {
	selected := 0
	for i := range s.Products {
		if isSelected(s.Products, i) {
			selected = i
		}
	}
	ctx := offer.TokenContext{Locale: s.Locale, Products: tokens}
	parsed := [5]offer.Copy{}
	ok := [5]bool{}
	usesSelected := false
	for i, text := range []string{src.Title, src.Subtitle, src.Body, src.CTA, src.Footer} {
		c, err := offer.ParseCopy(text)
		parsed[i], ok[i] = c, err == nil
		usesSelected = usesSelected || ok[i] && c.UsesSelected()
	}
	resolve := func(i int, text string, markdown bool) string {
		out := text
		if ok[i] {
			escape := (func(string) string)(nil)
			if markdown {
				escape = offer.EscapeMarkdown
			}
			out = parsed[i].Resolve(ctx, escape)
		}
		if markdown {
			return offer.Markdown(out)
		}
		return out
	}
	copyFor := func(sel int) ScreenCopy {
		ctx.Selected = sel
		c := ScreenCopy{Title: resolve(0, src.Title, false), Subtitle: resolve(1, src.Subtitle, false),
			BodyHTML: resolve(2, src.Body, true), CTA: resolve(3, src.CTA, false), FooterHTML: resolve(4, src.Footer, true)}
		if sel < len(tokens) {
			c.SKU = tokens[sel].SKU
		}
		return c
	}
	first := copyFor(selected)
	s.Title, s.Subtitle, s.BodyHTML, s.CTA, s.FooterHTML = first.Title, first.Subtitle, first.BodyHTML, first.CTA, first.FooterHTML
	s.ByProduct = nil
	if usesSelected && len(tokens) > 1 {
		for i := range tokens {
			s.ByProduct = append(s.ByProduct, copyFor(i))
		}
	}
	for i := range s.Products {
		if i < len(tokens) {
			ctx.Selected = i
			s.Products[i].Badge = offer.ResolveCopy(s.Products[i].Badge, ctx, nil)
		}
	}
}

// screenCopies is what the template draws: each product's copy when the copy follows the
// selection, else the one copy, marked selected.
func screenCopies(s PaywallScreen) []ScreenCopy {
	if len(s.ByProduct) > 0 {
		return s.ByProduct
	}
	return []ScreenCopy{{Title: s.Title, Subtitle: s.Subtitle, BodyHTML: s.BodyHTML, CTA: s.CTA, FooterHTML: s.FooterHTML}}
}

// copyShown reports whether c is the copy shown before the customer picks a plan.
func copyShown(s PaywallScreen, c ScreenCopy) bool {
	if len(s.ByProduct) == 0 {
		return true
	}
	for i, p := range s.Products {
		if p.SKU == c.SKU {
			return isSelected(s.Products, i)
		}
	}
	return false
}

// pwForAttrs marks one product's copy (data-pw-for, hidden unless shown first) when the copy
// follows the selection; the one copy of a paywall that does not needs no marks.
func pwForAttrs(s PaywallScreen, c ScreenCopy) templ.Attributes {
	if c.SKU == "" || len(s.ByProduct) == 0 {
		return nil
	}
	return templ.Attributes{"data-pw-for": c.SKU, "hidden": !copyShown(s, c)}
}

// LongestCopy is the preview's language choice that shows each copy field's longest text among
// the paywall's languages at once, the worst case for the layout.
const LongestCopy = "longest"
