package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// A marketer inserts a price token from the menu beside a copy field: the field holds the token,
// the live preview shows the price, and picking another plan in the preview shows that plan's.
func TestTokenMenuInsertsATokenAndThePreviewFollowsThePlan(t *testing.T) {
	srv, st := startServer(t)
	applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)

	const field = `#f-copy\[en\]\[title\]`
	const menu = `[data-testid="token-menu-copy[en][title]"]`
	const shownTitle = `#preview-pane [data-testid="paywall-title"]:not([hidden])`
	b.open("/apps/calm-sky/paywalls/spring", field)
	b.typeInto(field, "Only ")
	b.do("open the title's token menu", chromedp.Click(chromedp.CSS(menu+` summary`)),
		chromedp.WaitVisible(chromedp.CSS(menu+` [data-token="price_per_month"]`)))
	b.shot("token-menu")
	b.do("insert the price per month", chromedp.Click(chromedp.CSS(menu+` [data-token="price_per_month"]`)))
	if got := b.value(field); got != "Only {{product.price_per_month}}" {
		t.Fatalf("the title field holds %q", got)
	}
	if open := get(b, "the menu's state", chromedp.Evaluate[bool](`document.querySelector('`+menu+`').open`)); open {
		t.Error("the menu stays open after inserting a token")
	}
	b.do("type after the token, where the caret is", chromedp.SendKeys(chromedp.CSS(field), " a month"))
	b.waitUntil("the preview shows the yearly plan's price per month",
		`document.querySelector('`+shownTitle+`')?.textContent.trim() === "Only $5.00 a month"`)

	// Position tokens: plan 1 of the menu (the only position every platform of spring fills).
	b.do("open the menu again", chromedp.Click(chromedp.CSS(menu+` summary`)))
	b.choose(menu+` [data-token-plan]`, "products.1")
	b.do("insert plan 1's name", chromedp.Click(chromedp.CSS(menu+` [data-token="name"]`)))
	if got := b.value(field); got != "Only {{product.price_per_month}} a month{{products.1.name}}" {
		t.Errorf("the title field holds %q", got)
	}
	b.typeInto(field, "Only {{product.price_per_month}} a month")
	b.waitUntil("the preview is back to the yearly plan",
		`document.querySelector('`+shownTitle+`')?.textContent.trim() === "Only $5.00 a month"`)

	// Picking the monthly plan in the preview shows its price; the yearly one's copy hides.
	b.do("pick the monthly plan", chromedp.Click(chromedp.CSS(`#preview-pane [data-sku="com.example.calmsky.monthly"]`)))
	b.waitUntil("the preview shows the monthly plan's price",
		`document.querySelector('`+shownTitle+`')?.textContent.trim() === "Only $9.99 a month"`)
	if n := get(b, "titles shown", chromedp.Evaluate[int](`document.querySelectorAll('`+shownTitle+`').length`)); n != 1 {
		t.Errorf("%d titles shown at once", n)
	}
	// The preview redraws as the marketer types and keeps the picked plan.
	b.do("type more", chromedp.SendKeys(chromedp.CSS(field), "!"))
	b.waitUntil("the redrawn preview keeps the monthly plan",
		`document.querySelector('`+shownTitle+`')?.textContent.trim() === "Only $9.99 a month!"`)
	b.shot("token-preview-monthly")
}
