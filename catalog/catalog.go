// Package catalog reads, checks, applies and writes catalog files: one app's drafts (platforms,
// entitlements, products, and later paywalls and campaigns) as a JSON document, the format of
// `nami apply` and `nami export` (DESIGN.md section 4).
//
// Each section of the file has a Doc type, a validation step that needs no database, an upsert
// step and a prune step, so adding a section means adding one of each.
package catalog

import "encoding/json"

// Format is the value of the "format" field that this package reads and writes.
const Format = "nami.catalog/v1"

// File is one app's drafts as a catalog file.
type File struct {
	Format       string            `json:"format"`
	App          AppDoc            `json:"app"`
	Platforms    []PlatformDoc     `json:"platforms"`
	Entitlements []EntitlementDoc  `json:"entitlements"`
	Products     []ProductDoc      `json:"products"`
	Paywalls     []json.RawMessage `json:"paywalls"`  // only an empty list is accepted for now
	Campaigns    []json.RawMessage `json:"campaigns"` // only an empty list is accepted for now
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

// stores lists the store codes a platform may name; it mirrors the store_platforms rows seeded
// by migration 002, so that a file can be checked without the database.
var stores = []string{"apple", "google", "amazon", "roku", "web"}

// environments lists the values of a platform's environment.
var environments = []string{"production", "sandbox"}
