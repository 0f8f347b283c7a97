package urls

import "strconv"

// Route patterns of the saved versions of paywalls and campaigns.
const (
	PatternPaywallHistory  = PatternPaywall + "/history"
	PatternPaywallRestore  = PatternPaywall + "/history/:version/restore"
	PatternCampaignHistory = PatternCampaign + "/history"
	PatternCampaignRestore = PatternCampaign + "/history/:version/restore"
)

// PaywallHistory lists a paywall's saved versions.
func PaywallHistory(slug, ref string) string { return Sub(slug, "paywalls", ref, "history") }

// PaywallRestore is the POST target that makes version n the paywall's draft again.
func PaywallRestore(slug, ref string, n int) string {
	return Sub(slug, "paywalls", ref, "history", strconv.Itoa(n), "restore")
}

// CampaignHistory lists a campaign's saved versions.
func CampaignHistory(slug, ref string) string { return Sub(slug, "campaigns", ref, "history") }

// CampaignRestore is the POST target that makes version n the campaign's draft again.
func CampaignRestore(slug, ref string, n int) string {
	return Sub(slug, "campaigns", ref, "history", strconv.Itoa(n), "restore")
}
