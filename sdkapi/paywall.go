package sdkapi

import (
	"bytes"
	"net/http"

	"nami/offer"
	"nami/snapshot"
	"nami/views"
)

// paywallPage answers GET /sdk/v1/platforms/{key}/paywalls/{ref}: the published paywall as one
// self-contained HTML page for a web view (?locale= with the DESIGN fallback, ?device=), drawn
// by the same templ components as the editor's preview; ?appearance=light|dark forces a palette,
// else the page follows the web view's prefers-color-scheme. Its buttons hand the chosen sku to the
// host app through the WebKit, Android or postMessage bridge (static/js/paywall.js, inlined).
// A page is rendered once per release, paywall, resolved locale, device and appearance, then kept.
func (s *Server) paywallPage(w http.ResponseWriter, r *http.Request, e *liveRelease, ref string) {
	pw := e.paywalls[ref]
	if pw == nil {
		s.writeJSON(w, http.StatusNotFound, errUnknownPaywall)
		return
	}
	q := r.URL.Query()
	locale := offer.ResolveLocale(pw.locales, q.Get("locale"), pw.doc.DefaultLocale)
	device := screenDevice(q.Get("device"))
	appearance := "light" // a paywall without a dark palette looks the same in every appearance: one page
	if pw.doc.Theme.Dark != nil {
		appearance = views.Appearance(q.Get("appearance"))
	}
	key := pageKey{ref: ref, locale: locale, device: device, appearance: appearance}
	page, ok := e.pages.Load(key)
	if !ok {
		var buf bytes.Buffer
		screen := snapshotScreen(pw.doc, e.products, locale, device)
		screen.Appearance = appearance
		if err := views.PaywallDocument(screen, pw.doc.Name, true, s.pageCSS, s.pageJS).Render(r.Context(), &buf); err != nil {
			s.fail(w, r, http.StatusInternalServerError, "internal", "the paywall could not be drawn")
			return
		}
		page, _ = e.pages.LoadOrStore(key, buf.Bytes())
	}
	h := w.Header()
	h["Content-Type"] = hdrHTML
	h["Cache-Control"] = hdrPageCache
	h["Content-Security-Policy"] = s.pageCSP
	h["Referrer-Policy"] = hdrNoReferrer
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(page.([]byte))
	}
}

// pageKey names one rendering of a web paywall; locale is the resolved one and appearance is
// "light" for a paywall without a dark palette, so the cache holds at most paywalls × their
// locales × 3 devices × 3 appearances pages per release.
type pageKey struct {
	ref, locale, device, appearance string
}

// screenDevice keeps tablet and tv and reads anything else as phone, as the preview does.
func screenDevice(d string) string {
	if d == "tablet" || d == "tv" {
		return d
	}
	return "phone"
}

// snapshotScreen is buildScreen for a published paywall: the platform's products in the
// paywall's order, with prices in the resolved locale, and that locale's copy with its tokens
// resolved for them (the snapshot keeps them unresolved for SDKs).
func snapshotScreen(pw snapshot.Paywall, products map[string]snapshot.Product, locale, device string) views.PaywallScreen {
	cp := pw.Copy[locale]
	s := views.PaywallScreen{
		Ref: pw.Ref, Template: pw.Template, Device: device, Locale: locale,
		Accent: pw.Theme.Accent, Background: pw.Theme.Background, Text: pw.Theme.Text,
	}
	if d := pw.Theme.Dark; d != nil {
		s.Dark = &views.ScreenPalette{Accent: d.Accent, Background: d.Background, Text: d.Text}
	}
	if pw.HeroImage != nil {
		s.HeroImageURL = *pw.HeroImage
	}
	var tokens []offer.TokenProduct
	for _, pp := range pw.Products {
		pr, ok := products[pp.SKU]
		if !ok {
			continue
		}
		s.Products = append(s.Products, views.ScreenProduct{SKU: pr.SKU, Name: pr.Name,
			Price: offer.PriceLine(pr.Price, pr.Currency, pr.Kind, pr.Period, locale),
			Trial: offer.TrialWords(pr.Trial, locale), Badge: pp.Badge, Highlighted: pp.Highlighted})
		tokens = append(tokens, offer.TokenProduct{SKU: pr.SKU, Name: pr.Name, Price: pr.Price, Currency: pr.Currency,
			Kind: pr.Kind, Period: pr.Period, Trial: pr.Trial})
	}
	s.SetCopy(views.SourceCopy{Title: cp.Title, Subtitle: cp.Subtitle, Body: cp.Body, CTA: cp.CTA, Footer: cp.Footer}, tokens)
	return s
}
