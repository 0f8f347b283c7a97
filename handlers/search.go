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

// searchRank says how well q (lowercased) matches a name and a ref: 0 for an exact name or ref,
// then a name prefix, a ref prefix, a word of the name, anywhere in the name, anywhere in the
// ref; -1 for no match.
func searchRank(q, name, ref string) int {
	n, r := strings.ToLower(name), strings.ToLower(ref)
	switch {
	case n == q || r == q:
		return 0
	case strings.HasPrefix(n, q):
		return 1
	case strings.HasPrefix(r, q):
		return 2
	case strings.Contains(n, " "+q):
		return 3
	case strings.Contains(n, q):
		return 4
	case strings.Contains(r, q):
		return 5
	}
	return -1
}

// Search answers the quick switcher: up to 20 apps, paywalls, campaigns, products,
// entitlements and platforms of every app whose name or ref contains ?q= (ignoring case),
// best matches first, as JSON.
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
	add := func(kind, name, ref, app, detail, url string) {
		if rank := searchRank(q, name, ref); rank >= 0 {
			hits = append(hits, searchHit{Kind: kind, Name: name, Ref: ref, App: app, Detail: detail, URL: url, rank: rank, kind: searchKinds[kind]})
		}
	}
	ctx := c.Request().Context()
	apps, err := h.store.AppSummaries(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		add("app", a.Name, a.Slug, a.Name, "", urls.App(a.Slug))
		paywalls, err := h.store.PaywallSummaries(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, p := range paywalls {
			add("paywall", p.Name, p.Ref, a.Name, "", urls.Paywall(a.Slug, p.Ref))
		}
		campaigns, err := h.store.Campaigns(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, cp := range campaigns {
			add("campaign", cp.Name, cp.Ref, a.Name, cp.Status, urls.Campaign(a.Slug, cp.Ref))
		}
		platforms, err := h.store.Platforms(ctx, a.ID)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, p := range platforms {
			names[p.Ref] = p.Name
			add("platform", p.Name, p.Ref, a.Name, "", urls.Platform(a.Slug, p.Ref))
		}
		products, err := h.store.Products(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, p := range products {
			add("product", p.Name, p.SKU, a.Name, names[p.PlatformRef], urls.Product(a.Slug, p.PlatformRef, p.SKU))
		}
		ents, err := h.store.Entitlements(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, e := range ents {
			add("entitlement", e.Name, e.Ref, a.Name, "", urls.Entitlement(a.Slug, e.Ref))
		}
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
