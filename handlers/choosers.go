package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/store"
	"nami/views"
)

// maxChoices bounds the options of a chooser (products of the paywall editor, paywalls of the
// campaign builder); a search narrows them.
const maxChoices = 50

// productMatches says whether a product's name or SKU contains q, ignoring case.
func productMatches(pr store.Product, q string) bool {
	q = strings.ToLower(q)
	return q == "" || strings.Contains(strings.ToLower(pr.Name), q) || strings.Contains(strings.ToLower(pr.SKU), q)
}

// productGroups groups at most maxChoices of offer by platform (in the platforms' order) for the
// product chooser, and says how many more there are.
func productGroups(offer []store.Product, platforms []store.AppPlatform) ([]views.ProductGroup, int) {
	more := max(0, len(offer)-maxChoices)
	offer = offer[:min(len(offer), maxChoices)]
	var groups []views.ProductGroup
	for _, p := range platforms {
		g := views.ProductGroup{Label: p.Name}
		for _, pr := range offer {
			if pr.PlatformRef == p.Ref {
				g.Options = append(g.Options, views.Option{Value: productKey(pr.PlatformRef, pr.SKU), Label: pr.Name + " — " + priceText(pr)})
			}
		}
		if len(g.Options) > 0 {
			groups = append(groups, g)
		}
	}
	return groups, more
}

// PaywallProductChoices answers the product chooser's search (?product_q=) with the options of
// its select: at most 50 products whose name or SKU matches, leaving out those the posted draft
// already offers (products[i][platform], products[i][sku]).
func (h *Handler) PaywallProductChoices(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	q := c.QueryParams()
	picked := map[string]bool{}
	for i := 0; ; i++ {
		sku, ok := q[views.ProductFieldName(i, "sku")]
		if !ok || len(sku) == 0 || i > 1000 {
			break
		}
		picked[productKey(q.Get(views.ProductFieldName(i, "platform")), sku[0])] = true
	}
	found, err := h.store.SearchProducts(ctx, a.ID, strings.TrimSpace(q.Get("product_q")), maxChoices+len(picked)+1, nil)
	if err != nil {
		return err
	}
	var offer []store.Product
	for _, pr := range found {
		if !picked[productKey(pr.PlatformRef, pr.SKU)] {
			offer = append(offer, pr)
		}
	}
	platforms, err := h.store.Platforms(ctx, a.ID)
	if err != nil {
		return err
	}
	groups, more := productGroups(offer, platforms)
	return h.render(c, http.StatusOK, views.ProductChoiceOptions(groups, more))
}

// paywallChoices are the options of a variant's paywall chooser: its own paywall (if it still
// exists) first, then the others of found, at most maxChoices in all; more says whether found
// had more than that.
func paywallChoices(found []store.PaywallSummary, own store.Paywall) ([]views.Option, bool) {
	var out []views.Option
	if own.Ref != "" {
		out = append(out, views.Option{Value: own.Ref, Label: own.Name})
	}
	more := false
	for _, s := range found {
		if s.Ref == own.Ref {
			continue
		}
		if len(out) >= maxChoices {
			more = true
			break
		}
		out = append(out, views.Option{Value: s.Ref, Label: s.Name})
	}
	return out, more
}

// CampaignPaywallChoices answers a variant's paywall search (?paywall_q=, with the variant's
// current paywall as ?selected=) with the options of its select: the current paywall and at
// most 50 whose name or ref matches.
func (h *Handler) CampaignPaywallChoices(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	found, err := h.store.SearchPaywalls(ctx, a.ID, strings.TrimSpace(c.QueryParam("paywall_q")), maxChoices+2)
	if err != nil {
		return err
	}
	var own store.Paywall
	if ref := c.QueryParam("selected"); ref != "" {
		if sums, err := h.store.PaywallSummariesByRef(ctx, a.ID, []string{ref}); err != nil {
			return err
		} else if len(sums) == 1 {
			own = store.Paywall{Ref: sums[0].Ref, Name: sums[0].Name}
		}
	}
	choices, more := paywallChoices(found, own)
	return h.render(c, http.StatusOK, views.PaywallChoiceOptions(choices, c.QueryParam("selected"), more))
}
