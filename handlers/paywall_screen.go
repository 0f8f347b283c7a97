package handlers

import (
	"nami/offer"
	"nami/publish"
	"nami/store"
	"nami/urls"
	"nami/views"
)

// productKey names a product within an app: its platform ref and sku.
func productKey(platform, sku string) string { return platform + "/" + sku }

// productIndex maps "platform/sku" to the app's products.
func productIndex(products []store.Product) map[string]store.Product {
	m := make(map[string]store.Product, len(products))
	for _, p := range products {
		m[productKey(p.PlatformRef, p.SKU)] = p
	}
	return m
}

// previewPlatform picks the platform a preview shows: the wanted one if the app has it, else the
// platform of the paywall's first product, else the app's first platform (nil platforms: no check).
func previewPlatform(pw store.Paywall, platforms []store.AppPlatform, wanted string) string {
	for _, p := range platforms {
		if p.Ref == wanted {
			return wanted
		}
	}
	if len(pw.Products) > 0 {
		return pw.Products[0].PlatformRef
	}
	if len(platforms) > 0 {
		return platforms[0].Ref
	}
	return ""
}

// buildScreen resolves a paywall for one device: the locale by fallback, only the given
// platform's products with prices in that locale, and the copy with its tokens resolved for
// them and rendered from Markdown.
func buildScreen(pw store.Paywall, products map[string]store.Product, platform, locale, device string) views.PaywallScreen {
	loc := offer.ResolveLocale(pw.Locales(), locale, pw.DefaultLocale)
	cp, _ := pw.CopyFor(loc)
	if locale == views.LongestCopy {
		cp, loc = longestCopy(pw)
	}
	if device != "tablet" && device != "tv" {
		device = "phone"
	}
	s := views.PaywallScreen{
		Ref: pw.Ref, Template: pw.Template, Device: device, Locale: loc,
		Accent: pw.Theme.Accent, Background: pw.Theme.Background, Text: pw.Theme.Text,
	}
	if pw.Theme.HasDark() {
		s.Dark = &views.ScreenPalette{Accent: pw.Theme.Dark.Accent, Background: pw.Theme.Dark.Background, Text: pw.Theme.Dark.Text}
	}
	if pw.HeroImage != "" {
		s.HeroImageURL = urls.Image(pw.HeroImage)
	}
	var tokens []offer.TokenProduct
	for _, pp := range pw.Products {
		if pp.PlatformRef != platform {
			continue
		}
		pr, ok := products[productKey(pp.PlatformRef, pp.SKU)]
		if !ok {
			continue
		}
		s.Products = append(s.Products, views.ScreenProduct{SKU: pr.SKU, Name: pr.Name,
			Price: offer.PriceLine(pr.Price, pr.Currency, pr.Kind, pr.Period, loc),
			Trial: offer.TrialWords(pr.Trial, loc), Badge: pp.Badge, Highlighted: pp.Highlighted})
		tokens = append(tokens, offer.TokenProduct{SKU: pr.SKU, Name: pr.Name, Price: pr.Price, Currency: pr.Currency,
			Kind: pr.Kind, Period: pr.Period, Trial: pr.Trial})
	}
	s.SetCopy(views.SourceCopy{Title: cp.Title, Subtitle: cp.Subtitle, Body: cp.Body, CTA: cp.CTA, Footer: cp.Footer}, tokens)
	return s
}

// longestCopy is the worst case for a layout: each copy field's longest text among the
// paywall's languages, as a customer reads it (publish.CopyLength). Its locale, which sets the
// direction and the price format, is that of the longest title.
func longestCopy(pw store.Paywall) (store.Copy, string) {
	var out store.Copy
	locale, longest := pw.DefaultLocale, map[string]int{}
	for _, c := range pw.Copy {
		for _, f := range []struct {
			key      string
			src, dst *string
		}{{"title", &c.Title, &out.Title}, {"subtitle", &c.Subtitle, &out.Subtitle}, {"body", &c.Body, &out.Body},
			{"cta", &c.CTA, &out.CTA}, {"footer", &c.Footer, &out.Footer}} {
			if n := publish.CopyLength(f.key, *f.src); n > longest[f.key] {
				longest[f.key], *f.dst = n, *f.src
				if f.key == "title" {
					locale = c.Locale
				}
			}
		}
	}
	out.Locale = locale
	return out, locale
}
