package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nami/engine"
	"nami/store"
)

// growDemo gives the demo app 1,000 more products, 150 more paywalls and 300 more live
// campaigns (many sharing a priority), as a large catalog has them.
func growDemo(t *testing.T, st *store.Store, a store.App) {
	t.Helper()
	ctx := context.Background()
	err := st.InTx(ctx, func(tx *store.Tx) error {
		ios, err := tx.Platform(ctx, a.ID, "ios")
		if err != nil {
			return err
		}
		for i := 0; i < 1000; i++ {
			pr := store.Product{PlatformID: ios.ID, SKU: fmt.Sprintf("com.example.calmsky.generated.plan.%04d", i), Name: fmt.Sprintf("Generated plan %04d", i),
				Kind: "subscription", Price: "4.99", Currency: "USD", Period: "P1M"}
			if err := tx.CreateProduct(ctx, &pr); err != nil {
				return err
			}
		}
		var first store.Paywall
		for i := 0; i < 150; i++ {
			pw := store.Paywall{AppID: a.ID, Ref: fmt.Sprintf("gen-%03d", i), Name: fmt.Sprintf("Generated offer %03d", i), Template: "hero", DefaultLocale: "en",
				Theme: store.Theme{Accent: "#6D28D9", Background: "#FFFFFF", Text: "#111827"}, Copy: []store.Copy{{Locale: "en", Title: "Unlock everything", CTA: "Continue"}}}
			if err := tx.CreatePaywall(ctx, &pw); err != nil {
				return err
			}
			if i == 0 {
				first = pw
			}
		}
		for i := 0; i < 300; i++ {
			cp := store.Campaign{AppID: a.ID, Ref: fmt.Sprintf("gen-%03d", i), Name: fmt.Sprintf("Generated campaign %03d", i), Label: fmt.Sprintf("gen-%d", i%3),
				Status: engine.StatusLive, Priority: i % 7, Audience: engine.Audience{Match: engine.MatchAll},
				Variants: []store.CampaignVariant{{Ref: "a", PaywallID: first.ID, Weight: 100}}}
			if err := tx.CreateCampaign(ctx, &cp); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("growing the demo: %v", err)
	}
}

// With a thousand rows, the lists show a page at a time with search and paging, fit a desktop
// and a phone window, and the choosers offer a bounded, searchable list.
func TestListsAtScale(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	growDemo(t, st, a)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)

	pages := []struct{ name, path, ready string }{
		{"products", "/apps/calm-sky/products", `[data-testid="product-table"]`},
		{"products-page-2", "/apps/calm-sky/products?q=generated&page=2", `[data-testid="product-table"]`},
		{"campaigns", "/apps/calm-sky/campaigns", `[data-testid="campaign-table"]`},
		{"paywalls", "/apps/calm-sky/paywalls", `[data-testid="paywall-list"]`},
		{"entitlements", "/apps/calm-sky/entitlements", `[data-testid="entitlement-table"]`},
		{"audit", "/audit", `[data-testid="audit-table"]`},
	}
	for _, v := range []viewport{desktop, phone} {
		b.resize(v)
		for _, pg := range pages {
			b.open(pg.path, pg.ready)
			var m struct {
				Elements, ScrollWidth int
				Pager                 rect
			}
			measure(b, pg.name, `(() => { `+rectJS+` return JSON.stringify({Elements: document.getElementsByTagName("*").length,
				ScrollWidth: document.scrollingElement.scrollWidth, Pager: r('[data-testid="pager"]')}); })()`, &m)
			b.shot(pg.name + "-" + v.name)
			if m.ScrollWidth > int(v.width) {
				t.Errorf("%s, %s: the page is %d px wide in a %d px window", pg.name, v.name, m.ScrollWidth, v.width)
			}
			if m.Elements > 6000 {
				t.Errorf("%s, %s: %d elements", pg.name, v.name, m.Elements)
			}
			if !m.Pager.visible() {
				t.Errorf("%s, %s: no pager shown", pg.name, v.name)
			}
		}
	}

	b.resize(desktop)
	b.open("/apps/calm-sky/campaigns", `[data-testid="campaign-table"]`)
	if n := get(b, "count the warning boxes", chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="campaign-warnings"]').length`)); n > 4 {
		t.Errorf("%d warning boxes on the campaigns page", n)
	}
	b.do("unfold a warning", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="campaign-warnings"] summary').click()`))
	b.shot("campaign-warnings-open")

	// Bulk delete: two rows ticked on page 2 of a search, then back to the same page with the report.
	b.open("/apps/calm-sky/products?q=generated&page=2", `[data-testid="product-table"]`)
	b.do("tick two rows", chromedp.Click(chromedp.CSS(`[data-testid="row-check"][value="ios/com.example.calmsky.generated.plan.0100"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="row-check"][value="ios/com.example.calmsky.generated.plan.0101"]`)))
	b.answerDialogs(true)
	submitAndLoad(b, "delete the selected", `[data-testid="bulk-delete"]`, `[data-testid="product-table"]`)
	if got := currentFlash(b); !strings.HasPrefix(got, "Deleted 2 products: Generated plan 0100") {
		t.Errorf("after the bulk delete the flash says %q", got)
	}
	if p := b.path(); p != "/apps/calm-sky/products?page=2&q=generated" {
		t.Errorf("after the bulk delete the page is %s", p)
	}
	b.shot("bulk-deleted")

	// The paywall editor's product chooser: 50 products, narrowed as one types.
	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`)
	if n := get(b, "count the product choices", chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="add-product-select"] option:not([disabled])').length`)); n > 50 {
		t.Errorf("the product chooser offers %d products", n)
	}
	b.typeInto(`[data-testid="product-search"]`, "plan 0042")
	b.waitUntil("the chooser narrowed", `document.querySelectorAll('[data-testid="add-product-select"] option:not([disabled])').length === 1`)
	b.do("add the found product", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="add-product"]').click()`))
	b.waitUntil("the product added", rowWith(`[data-testid="products-card"] li`, "Generated plan 0042"))
	b.shot("editor-product-chooser")

	// The campaign builder's paywall chooser, likewise.
	b.open("/apps/calm-sky/campaigns/gen-000", `[data-testid="variant-paywall"]`)
	b.typeInto(`[data-testid="paywall-search"]`, "offer 14")
	b.waitUntil("the paywall chooser narrowed", `document.querySelectorAll('[data-testid="variant-paywall"] option:not([disabled])').length === 11`)
	b.shot("builder-paywall-chooser")
}
