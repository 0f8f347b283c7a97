package handlers

import (
	"nami/offer"
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

// buildScreen resolves a paywall for one device: the locale by fallback, the copy rendered from
// Markdown, and only the given platform's products with prices in that locale.
func buildScreen(pw store.Paywall, products map[string]store.Product, platform, locale, device string) views.PaywallScreen {
	loc := offer.ResolveLocale(pw.Locales(), locale, pw.DefaultLocale)
	cp, _ := pw.CopyFor(loc)
	if device != "tablet" && device != "tv" {
		device = "phone"
	}
	s := views.PaywallScreen{
		Ref: pw.Ref, Template: pw.Template, Device: device, Locale: loc,
		Accent: pw.Theme.Accent, Background: pw.Theme.Background, Text: pw.Theme.Text,
		Title: cp.Title, Subtitle: cp.Subtitle, CTA: cp.CTA,
		BodyHTML: offer.Markdown(cp.Body), FooterHTML: offer.Markdown(cp.Footer),
	}
	if pw.HeroImage != "" {
		s.HeroImageURL = urls.Image(pw.HeroImage)
	}
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
	}
	return s
}
