// Package catalog reads, checks, applies and writes catalog files: one app's drafts (platforms,
// entitlements, products, paywalls and campaigns) as a JSON document, the format of
// `nami apply` and `nami export` (DESIGN.md section 4).
//
// Each section of the file has a Doc type, a validation step that needs no database, an upsert
// step and a prune step, so adding a section means adding one of each.
package catalog

// Format is the value of the "format" field that this package reads and writes.
const Format = "nami.catalog/v1"

// File is one app's drafts as a catalog file.
type File struct {
	Format       string           `json:"format"`
	App          AppDoc           `json:"app"`
	Platforms    []PlatformDoc    `json:"platforms"`
	Entitlements []EntitlementDoc `json:"entitlements"`
	Products     []ProductDoc     `json:"products"`
	Paywalls     []PaywallDoc     `json:"paywalls"`
	Campaigns    []CampaignDoc    `json:"campaigns"`
}

// AppDoc names the app the file describes; the slug identifies it, the name is its display name.
type AppDoc struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// PlatformDoc is the app's presence on one store. Key is the public SDK key: kept when given,
// generated for a new platform when absent.
type PlatformDoc struct {
	Ref         string `json:"ref"`
	Store       string `json:"store"`
	Name        string `json:"name"`
	BundleID    string `json:"bundle_id,omitempty"`
	Environment string `json:"environment"`
	Key         string `json:"key,omitempty"`
}

// EntitlementDoc is access to a set of features, named by the ref that app code checks.
type EntitlementDoc struct {
	Ref         string `json:"ref"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// ProductDoc is an in-app purchase on one platform, named by the platform's ref and its sku,
// with the refs of the entitlements it grants.
type ProductDoc struct {
	Platform     string   `json:"platform"`
	SKU          string   `json:"sku"`
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	Price        string   `json:"price"`
	Currency     string   `json:"currency"`
	Period       string   `json:"period,omitempty"`
	Trial        string   `json:"trial,omitempty"`
	Entitlements []string `json:"entitlements"`
}

// PaywallDoc is a visual offer. Copy maps a locale (BCP 47, e.g. "en" or "pt-BR") to the text
// shown in it; Products name products of the file, in the order the paywall offers them.
// HeroImage is a data URI ("data:image/png;base64,...") or empty for none.
type PaywallDoc struct {
	Ref           string              `json:"ref"`
	Name          string              `json:"name"`
	Template      string              `json:"template"`
	DefaultLocale string              `json:"default_locale"`
	Theme         ThemeDoc            `json:"theme"`
	HeroImage     string              `json:"hero_image,omitempty"`
	Copy          map[string]CopyDoc  `json:"copy"`
	Products      []PaywallProductDoc `json:"products"`
	// SDK marks the paywall for SDK use: snapshots include it even when no live campaign shows
	// it, so apps can open it by ref. Paywalls a live campaign shows are included anyway.
	SDK bool `json:"sdk,omitempty"`
}

// ThemeDoc is a paywall's colours, each "#RRGGBB". Dark, when present, is the palette devices
// in a dark appearance see instead.
type ThemeDoc struct {
	Accent     string      `json:"accent"`
	Background string      `json:"background"`
	Text       string      `json:"text"`
	Dark       *PaletteDoc `json:"dark,omitempty"`
}

// PaletteDoc is the palette of a paywall's dark appearance, each colour "#RRGGBB".
type PaletteDoc struct {
	Accent     string `json:"accent"`
	Background string `json:"background"`
	Text       string `json:"text"`
}

// CopyDoc is a paywall's text in one locale; body and footer are Markdown.
type CopyDoc struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle"`
	Body     string `json:"body"`
	CTA      string `json:"cta"`
	Footer   string `json:"footer"`
}

// PaywallProductDoc is one product a paywall offers, named by its platform's ref and its sku.
type PaywallProductDoc struct {
	Platform    string `json:"platform"`
	SKU         string `json:"sku"`
	Badge       string `json:"badge,omitempty"`
	Highlighted bool   `json:"highlighted,omitempty"`
}

// CampaignDoc is the rules for when and how paywalls are shown at one placement label.
// StartsAt and EndsAt are RFC 3339 times or null for an open bound; they are kept as text here
// so that Validate can name a malformed one by its path.
type CampaignDoc struct {
	Ref            string       `json:"ref"`
	Name           string       `json:"name"`
	Label          string       `json:"label"`
	Status         string       `json:"status"`
	Priority       int          `json:"priority"`
	StartsAt       *string      `json:"starts_at"`
	EndsAt         *string      `json:"ends_at"`
	HoldoutPercent int          `json:"holdout_percent"`
	Audience       AudienceDoc  `json:"audience"`
	Variants       []VariantDoc `json:"variants"`
}

// AudienceDoc says which devices a campaign is for (DESIGN.md section 5); no conditions
// matches everyone.
type AudienceDoc struct {
	Match      string         `json:"match"`
	Conditions []ConditionDoc `json:"conditions"`
}

// ConditionDoc is one test of a device attribute, such as country in US, CA.
type ConditionDoc struct {
	Attribute string   `json:"attribute"`
	Operator  string   `json:"operator"`
	Values    []string `json:"values"`
}

// VariantDoc is one arm of a campaign: the ref of a paywall of the file and the whole percent
// of devices that see it.
type VariantDoc struct {
	Ref     string `json:"ref"`
	Paywall string `json:"paywall"`
	Weight  int    `json:"weight"`
}

// stores lists the store codes a platform may name; it mirrors the store_platforms rows seeded
// by migration 002, so that a file can be checked without the database.
var stores = []string{"apple", "google", "amazon", "roku", "web"}

// environments lists the values of a platform's environment.
var environments = []string{"production", "sandbox"}

// templates lists the paywall templates, in the order messages name them.
var templates = []string{"hero", "cards", "minimal"}

// maxBadgeLength bounds a paywall product's badge, which shows on a small label.
const maxBadgeLength = 40
