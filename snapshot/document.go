// Package snapshot compiles what one app platform's devices see in a release: the JSON document
// the SDK API serves as config, its gzip form and its ETag.
//
// Compilation is pure: it takes an app's drafts as a catalog file (catalog.Export, or the file a
// past release stored) and returns the document; it does no I/O. The same file always compiles
// to the same bytes, so a snapshot's ETag only changes when what devices see changes (or the
// release number does).
package snapshot

import (
	"time"

	"nami/engine"
)

// Format is the value of the document's "format" field.
const Format = "nami.snapshot/v1"

// Document is one platform's published configuration (DESIGN.md section 5).
type Document struct {
	Format       string            `json:"format"`
	Release      int               `json:"release"`
	PublishedAt  time.Time         `json:"published_at"`
	App          App               `json:"app"`
	Platform     Platform          `json:"platform"`
	Entitlements []Entitlement     `json:"entitlements"`
	Products     []Product         `json:"products"`
	Paywalls     []Paywall         `json:"paywalls"`
	Campaigns    []engine.Campaign `json:"campaigns"`
}

// App names the app.
type App struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// Platform is the app platform the document is for. Its SDK key is not part of it: keys can be
// rotated without a release.
type Platform struct {
	Ref         string `json:"ref"`
	Store       string `json:"store"`
	Name        string `json:"name"`
	BundleID    string `json:"bundle_id"`
	Environment string `json:"environment"`
}

// Entitlement is access that products grant; Ref is what app code checks.
type Entitlement struct {
	Ref         string `json:"ref"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Product is one of the platform's products, with the refs of the entitlements it grants.
// Period and Trial are ISO 8601 durations, or "" when the product has none.
type Product struct {
	SKU          string   `json:"sku"`
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	Price        string   `json:"price"`
	Currency     string   `json:"currency"`
	Period       string   `json:"period"`
	Trial        string   `json:"trial"`
	Entitlements []string `json:"entitlements"`
}

// Paywall is a paywall with its copy per locale and the platform's products it offers, in order.
// HeroImage is the image's URL path on the server ("/images/<sha256>"), or nil for none.
type Paywall struct {
	Ref           string           `json:"ref"`
	Name          string           `json:"name"`
	Template      string           `json:"template"`
	DefaultLocale string           `json:"default_locale"`
	Theme         Theme            `json:"theme"`
	HeroImage     *string          `json:"hero_image"`
	Copy          map[string]Copy  `json:"copy"`
	Products      []PaywallProduct `json:"products"`
}

// Locales lists the locales the paywall has copy for, in no particular order.
func (p Paywall) Locales() []string {
	out := make([]string, 0, len(p.Copy))
	for l := range p.Copy {
		out = append(out, l)
	}
	return out
}

// Theme is a paywall's colours, each "#RRGGBB". Dark is the palette to show in a dark
// appearance (the device's dark mode), or nil when the paywall has none: then the light colours
// show in every appearance.
type Theme struct {
	Accent     string   `json:"accent"`
	Background string   `json:"background"`
	Text       string   `json:"text"`
	Dark       *Palette `json:"dark"`
}

// Palette is a paywall's colours for a dark appearance, each "#RRGGBB".
type Palette struct {
	Accent     string `json:"accent"`
	Background string `json:"background"`
	Text       string `json:"text"`
}

// Copy is a paywall's text in one locale, once: body and footer as the Markdown the marketer
// wrote, which SDKs render themselves (docs/sdk-api.md says how, safely); the server's web
// paywall renders the same source with offer.Markdown. Tokens stay unresolved.
type Copy struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle"`
	Body     string `json:"body"`
	CTA      string `json:"cta"`
	Footer   string `json:"footer"`
	// TokenValues, when the paywall's copy or badges use tokens ("{{product.price}}", left
	// unresolved above), holds every token field's value for each product in this locale, by
	// sku then field ("price", "trial"…).
	TokenValues map[string]map[string]string `json:"token_values,omitempty"`
}

// PaywallProduct is one product a paywall offers on this platform, named by its sku.
type PaywallProduct struct {
	SKU         string `json:"sku"`
	Badge       string `json:"badge"`
	Highlighted bool   `json:"highlighted"`
}
