// Package urls is the one place that spells the control center's URLs: the route table registers
// these patterns, and pages build links with these functions, so a link cannot drift from its route.
package urls

import (
	"net/url"
	"strings"
)

// Route patterns, in Echo's syntax.
const (
	PatternApp          = "/apps/:slug"
	PatternPlatforms    = "/apps/:slug/platforms"
	PatternPlatform     = "/apps/:slug/platforms/:ref"
	PatternEntitlements = "/apps/:slug/entitlements"
	PatternEntitlement  = "/apps/:slug/entitlements/:ref"
	PatternProducts     = "/apps/:slug/products"
	PatternProduct      = "/apps/:slug/products/:platform/:sku"
	PatternPaywalls     = "/apps/:slug/paywalls"
	PatternPaywall      = "/apps/:slug/paywalls/:ref"
	PatternCampaigns    = "/apps/:slug/campaigns"
	PatternCampaign     = "/apps/:slug/campaigns/:ref"
	PatternReleases     = "/apps/:slug/releases"
	PatternSimulate     = "/apps/:slug/simulate"
	PatternAnalytics    = "/apps/:slug/analytics"
)

func seg(s string) string { return url.PathEscape(s) }

// Apps is the app list.
func Apps() string { return "/apps" }

// App is an app's overview.
func App(slug string) string { return "/apps/" + seg(slug) }

// Sub is a page under an app, e.g. Sub(slug, "platforms").
func Sub(slug string, parts ...string) string {
	esc := make([]string, len(parts))
	for i, p := range parts {
		esc[i] = seg(p)
	}
	return App(slug) + "/" + strings.Join(esc, "/")
}

// Platforms is an app's platform list.
func Platforms(slug string) string { return Sub(slug, "platforms") }

// Platform is one platform's edit page.
func Platform(slug, ref string) string { return Sub(slug, "platforms", ref) }

// Entitlements is an app's entitlement list.
func Entitlements(slug string) string { return Sub(slug, "entitlements") }

// Entitlement is one entitlement's edit page.
func Entitlement(slug, ref string) string { return Sub(slug, "entitlements", ref) }

// Products is an app's product list.
func Products(slug string) string { return Sub(slug, "products") }

// Product is one product's edit page.
func Product(slug, platform, sku string) string { return Sub(slug, "products", platform, sku) }

// Paywalls is an app's paywall list.
func Paywalls(slug string) string { return Sub(slug, "paywalls") }

// Paywall is a paywall's editor.
func Paywall(slug, ref string) string { return Sub(slug, "paywalls", ref) }

// Campaigns is an app's campaign list.
func Campaigns(slug string) string { return Sub(slug, "campaigns") }

// Campaign is a campaign's builder.
func Campaign(slug, ref string) string { return Sub(slug, "campaigns", ref) }

// CampaignResults is a campaign's experiment results.
func CampaignResults(slug, ref string) string { return Sub(slug, "campaigns", ref, "results") }

// CampaignWinner declares a campaign's winning variant.
func CampaignWinner(slug, ref string) string { return Sub(slug, "campaigns", ref, "winner") }

// Analytics is an app's analytics.
func Analytics(slug string) string { return Sub(slug, "analytics") }

// Releases is an app's release history and publish page.
func Releases(slug string) string { return Sub(slug, "releases") }

// Simulate is an app's decision simulator.
func Simulate(slug string) string { return Sub(slug, "simulate") }

// Delete is the POST target that deletes the resource at base.
func Delete(base string) string { return base + "/delete" }

// Image is the content-addressed URL of an uploaded image; it never changes, so it is cached forever.
func Image(hash string) string { return "/images/" + seg(hash) }

// PaywallPreview is the preview page of a paywall's draft.
func PaywallPreview(slug, ref string) string { return Sub(slug, "paywalls", ref, "preview") }

// CampaignSimulation is the simulator pre-filled for a label.
func CampaignSimulation(slug, label string) string {
	return Simulate(slug) + "?label=" + url.QueryEscape(label)
}
