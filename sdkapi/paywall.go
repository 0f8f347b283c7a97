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
// by the same templ components as the editor's preview. Its buttons hand the chosen sku to the
// host app through the WebKit, Android or postMessage bridge (static/js/paywall.js, inlined).
// A page is rendered once per release, paywall, resolved locale and device, then kept.
func (s *Server) paywallPage(w http.ResponseWriter, r *http.Request, e *liveRelease, ref string) {
	pw := e.paywalls[ref]
	if pw == nil {
		s.writeJSON(w, http.StatusNotFound, errUnknownPaywall)
		return
	}
	q := r.URL.Query()
	locale := offer.ResolveLocale(pw.locales, q.Get("locale"), pw.doc.DefaultLocale)
	device := screenDevice(q.Get("device"))
	key := pageKey{ref: ref, locale: locale, device: device}
	page, ok := e.pages.Load(key)
	if !ok {
		var buf bytes.Buffer
		screen := snapshotScreen(pw.doc, e.products, locale, device)
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

// pageKey names one rendering of a web paywall; locale is the resolved one, so the cache
// holds at most paywalls × their locales × 3 devices pages per release.
type pageKey struct {
	ref, locale, device string
}

// screenDevice keeps tablet and tv and reads anything else as phone, as the preview does.
func screenDevice(d string) string {
	if d == "tablet" || d == "tv" {
		return d
	}
	return "phone"
}

// snapshotScreen is buildScreen for a published paywall: the copy of the resolved locale (its
// HTML already rendered at publish time) and the platform's products in the paywall's order,
// with prices in that locale.
func snapshotScreen(pw snapshot.Paywall, products map[string]snapshot.Product, locale, device string) views.PaywallScreen {
	cp := pw.Copy[locale]
	s := views.PaywallScreen{
		Ref: pw.Ref, Template: pw.Template, Device: device, Locale: locale,
		Accent: pw.Theme.Accent, Background: pw.Theme.Background, Text: pw.Theme.Text,
		Title: cp.Title, Subtitle: cp.Subtitle, CTA: cp.CTA, BodyHTML: cp.BodyHTML, FooterHTML: cp.FooterHTML,
	}
	if pw.HeroImage != nil {
		s.HeroImageURL = *pw.HeroImage
	}
	for _, pp := range pw.Products {
		pr, ok := products[pp.SKU]
		if !ok {
			continue
		}
		s.Products = append(s.Products, views.ScreenProduct{SKU: pr.SKU, Name: pr.Name,
			Price: offer.PriceLine(pr.Price, pr.Currency, pr.Kind, pr.Period, locale),
			Trial: offer.TrialWords(pr.Trial, locale), Badge: pp.Badge, Highlighted: pp.Highlighted})
	}
	return s
}
