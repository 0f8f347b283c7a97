package handlers

import (
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/urls"
)

// maxSearchHits is how many matches the quick switcher gets at most.
const maxSearchHits = 20

// searchHit is one match of the quick switcher (Ctrl/Cmd+K).
type searchHit struct {
	Kind   string `json:"kind"` // app, paywall, campaign, product, entitlement or platform
	Name   string `json:"name"`
	Ref    string `json:"ref"` // the slug, ref or SKU
	App    string `json:"app"` // the app's name
	Detail string `json:"detail,omitempty"`
	URL    string `json:"url"`

	rank, kind int
}

// searchKinds orders the kinds of equally good matches.
var searchKinds = map[string]int{"app": 0, "paywall": 1, "campaign": 2, "product": 3, "entitlement": 4, "platform": 5}

// Search answers the quick switcher: up to 20 apps, paywalls, campaigns, products,
// entitlements and platforms of every app whose name or ref contains ?q= (ignoring case),
// best matches first (store.SearchCatalog ranks them), as JSON.
func (h *Handler) Search(c echo.Context) error {
	q := strings.ToLower(strings.TrimSpace(c.QueryParam("q")))
	if r := []rune(q); len(r) > 100 {
		q = string(r[:100])
	}
	hits := []searchHit{}
	c.Response().Header().Set("Cache-Control", "no-store")
	if q == "" {
		return c.JSON(http.StatusOK, hits)
	}
	found, err := h.store.SearchCatalog(c.Request().Context(), q, maxSearchHits)
	if err != nil {
		return err
	}
	for _, f := range found {
		hit := searchHit{Kind: f.Kind, Name: f.Name, Ref: f.Ref, App: f.AppName, Detail: f.Detail, rank: f.Rank, kind: searchKinds[f.Kind]}
		switch f.Kind {
		case "app":
			hit.URL = urls.App(f.AppSlug)
		case "paywall":
			hit.URL = urls.Paywall(f.AppSlug, f.Ref)
		case "campaign":
			hit.URL = urls.Campaign(f.AppSlug, f.Ref)
		case "platform":
			hit.URL = urls.Platform(f.AppSlug, f.Ref)
		case "product":
			hit.URL = urls.Product(f.AppSlug, f.PlatformRef, f.Ref)
		case "entitlement":
			hit.URL = urls.Entitlement(f.AppSlug, f.Ref)
		}
		hits = append(hits, hit)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if an, bn := strings.ToLower(a.Name), strings.ToLower(b.Name); an != bn {
			return an < bn
		}
		return a.App < b.App
	})
	if len(hits) > maxSearchHits {
		hits = hits[:maxSearchHits]
	}
	return c.JSON(http.StatusOK, hits)
}
