package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A marketer sets up a fresh install and builds an app's catalog: the owner account, the app
// (its slug suggested from its name), a platform, an entitlement and a product that grants it,
// each added through the inline htmx forms and each listed in its table.
func TestJourneyFromSetUpToAProductThatGrantsAnEntitlement(t *testing.T) {
	srv, st := startServer(t)
	b := newBrowser(t, srv.URL)
	const (
		setup    = `[data-testid="setup-form"]`
		newApp   = `[data-testid="new-app-form"]`
		newPlat  = `[data-testid="new-platform-form"]`
		newEnt   = `[data-testid="new-entitlement-form"]`
		newProd  = `[data-testid="new-product-form"]`
		submit   = ` button[type="submit"]`
		platRow  = `[data-testid="platform-row"]`
		entRow   = `[data-testid="entitlement-row"]`
		prodRow  = `[data-testid="product-row"]`
		appCards = `[data-testid="app-card"]`
	)

	// A fresh install sends the first visitor to set-up.
	b.open("/apps", setup)
	if p := b.path(); p != "/setup" {
		t.Errorf("a fresh install opened %s, want /setup", p)
	}
	b.shot("setup")
	b.typeInto(setup+` #f-name`, "Ada Lovelace")
	b.typeInto(setup+` #f-email`, "ada@example.com")
	b.typeInto(setup+` #f-password`, "analytical-engine")
	b.do("create the owner", chromedp.Click(chromedp.CSS(setup+submit)), chromedp.WaitVisible(chromedp.CSS(newApp)))
	if p := b.path(); p != "/apps" {
		t.Errorf("after set-up the browser is on %s, want /apps", p)
	}
	if who := b.text(`[data-testid="current-user"] .user-name`); who != "Ada Lovelace" {
		t.Errorf("signed in as %q, want Ada Lovelace", who)
	}
	b.shot("apps-empty")

	// The app: typing its name suggests the slug.
	b.do("type the app name", chromedp.SendKeys(chromedp.CSS(newApp+` #f-name`), "Calm Sky"))
	if !b.eventually(`document.querySelector('` + newApp + ` #f-slug').value === "calm-sky"`) {
		t.Errorf("typing the name Calm Sky left the slug at %q; want calm-sky suggested", b.value(newApp+` #f-slug`))
		b.typeInto(newApp+` #f-slug`, "calm-sky")
	}
	b.do("create the app", chromedp.Click(chromedp.CSS(newApp+submit)), chromedp.WaitVisible(chromedp.CSS(newPlat)))
	if p := b.path(); p != "/apps/calm-sky/platforms" {
		t.Errorf("after creating the app the browser is on %s, want /apps/calm-sky/platforms", p)
	}
	if f := b.flash(); !strings.Contains(f, "Created Calm Sky") {
		t.Errorf("flash after creating the app = %q", f)
	}
	b.shot("platforms-empty")

	// A platform, through the inline form: the list is swapped in place, the page stays.
	b.markPage("platforms")
	b.do("type the platform name", chromedp.SendKeys(chromedp.CSS(newPlat+` #f-name`), "iOS"))
	if !b.eventually(`document.querySelector('` + newPlat + ` #f-ref').value === "ios"`) {
		t.Errorf("typing the name iOS left the ref at %q; want ios suggested", b.value(newPlat+` #f-ref`))
		b.typeInto(newPlat+` #f-ref`, "ios")
	}
	b.choose(newPlat+` #f-store`, "apple")
	b.typeInto(newPlat+` #f-bundle_id`, "com.example.calmsky")
	b.choose(newPlat+` #f-environment`, "production")
	b.do("add the platform", chromedp.Click(chromedp.CSS(newPlat+submit)))
	b.waitUntil("the iOS row", rowWith(platRow, "iOS", "Apple App Store", "com.example.calmsky"))
	if !b.samePage("platforms") {
		t.Error("adding the platform loaded a new page; want the htmx form to swap the list in place")
	}
	b.wantNavCount("platforms", "1")
	key := b.text(platRow + ` [data-testid="sdk-key"]`)
	if !sdkKey.MatchString(key) {
		t.Errorf("the iOS row shows SDK key %q", key)
	}
	if v := b.value(newPlat + ` #f-ref`); v != "" {
		t.Errorf("after adding, the new platform form still holds ref %q", v)
	}
	b.shot("platforms")

	// An entitlement, from the sidebar.
	b.do("open the entitlements", chromedp.Click(chromedp.CSS(`[data-testid="nav-entitlements"]`)), chromedp.WaitVisible(chromedp.CSS(newEnt)))
	if p := b.path(); p != "/apps/calm-sky/entitlements" {
		t.Errorf("the sidebar link opened %s", p)
	}
	b.markPage("entitlements")
	b.do("type the entitlement name", chromedp.SendKeys(chromedp.CSS(newEnt+` #f-name`), "Premium"))
	if !b.eventually(`document.querySelector('` + newEnt + ` #f-ref').value === "premium"`) {
		t.Errorf("typing the name Premium left the ref at %q; want premium suggested", b.value(newEnt+` #f-ref`))
		b.typeInto(newEnt+` #f-ref`, "premium")
	}
	b.typeInto(newEnt+` #f-description`, "All sessions and courses")
	b.do("add the entitlement", chromedp.Click(chromedp.CSS(newEnt+submit)))
	b.waitUntil("the premium row", rowWith(entRow, "Premium", "premium", "All sessions and courses"))
	if !b.samePage("entitlements") {
		t.Error("adding the entitlement loaded a new page; want an htmx swap")
	}
	b.wantNavCount("entitlements", "1")
	b.shot("entitlements")

	// A product that grants it. A mistake first: the message shows beside the price, in place,
	// and nothing typed is lost.
	b.do("open the products", chromedp.Click(chromedp.CSS(`[data-testid="nav-products"]`)), chromedp.WaitVisible(chromedp.CSS(newProd)))
	b.markPage("products")
	b.choose(newProd+` #f-platform`, "ios")
	b.typeInto(newProd+` #f-name`, "Premium Monthly")
	b.typeInto(newProd+` #f-sku`, "calmsky.monthly")
	b.choose(newProd+` #f-kind`, "subscription")
	b.typeInto(newProd+` #f-price`, "9.999")
	b.typeInto(newProd+` #f-currency`, "USD")
	b.choose(newProd+` #f-period`, "P1M")
	b.choose(newProd+` #f-trial`, "P1W")
	b.do("tick premium", chromedp.Click(chromedp.CSS(newProd+` input[name="entitlements"][value="premium"]`)))
	b.do("add the product", chromedp.Click(chromedp.CSS(newProd+submit)))
	b.waitUntil("the price error", `(document.querySelector('`+newProd+` #f-price')?.closest(".field")?.querySelector(".field-error")?.textContent || "").includes("2 decimal places")`)
	if !b.samePage("products") {
		t.Error("the rejected product loaded a new page; want the 422 form swapped in place")
	}
	if v := b.value(newProd + ` #f-sku`); v != "calmsky.monthly" {
		t.Errorf("after the error the sku field holds %q, want what was typed", v)
	}
	if v := b.value(newProd + ` #f-price`); v != "9.999" {
		t.Errorf("after the error the price field holds %q, want what was typed", v)
	}
	if !get(b, "read the grant box", chromedp.Evaluate[bool](`document.querySelector('`+newProd+` input[name="entitlements"][value="premium"]').checked`)) {
		t.Error("after the error premium is no longer ticked")
	}
	b.shot("product-error")

	b.typeInto(newProd+` #f-price`, "9.99")
	b.do("add the product again", chromedp.Click(chromedp.CSS(newProd+submit)))
	b.waitUntil("the product row", rowWith(prodRow, "Premium Monthly", "calmsky.monthly"))
	if !b.samePage("products") {
		t.Error("adding the product loaded a new page; want an htmx swap")
	}
	b.wantNavCount("products", "1")
	if price := b.text(prodRow + ` [data-testid="price"]`); price != "$9.99 / month, 1 week free" {
		t.Errorf("the product row says %q, want $9.99 / month, 1 week free", price)
	}
	if grants := b.text(prodRow + ` .badge-violet`); grants != "premium" {
		t.Errorf("the product row grants %q, want premium", grants)
	}
	b.shot("products")

	// The entitlement list now counts the product that grants it.
	b.open("/apps/calm-sky/entitlements", entRow)
	if got := b.text(entRow + ` td:nth-child(3)`); got != "1 product" {
		t.Errorf("premium is granted by %q, want 1 product", got)
	}

	// The overview shows the platform with the same key, and the app list shows the app.
	b.open("/apps/calm-sky", `[data-testid="overview-platforms"]`)
	if got := b.text(`[data-testid="overview-platforms"] [data-testid="sdk-key"]`); got != key {
		t.Errorf("the overview shows key %q, the platform list showed %q", got, key)
	}
	b.shot("overview")
	b.open("/apps", appCards)
	if got := b.text(appCards + ` .app-name`); got != "Calm Sky" {
		t.Errorf("the app list shows %q", got)
	}
	b.shot("apps")

	// What the pages showed is what the database holds.
	ctx := context.Background()
	a, err := st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatalf("the app is not in the database: %v", err)
	}
	p, err := st.Platform(ctx, a.ID, "ios")
	if err != nil || p.Store != "apple" || p.BundleID != "com.example.calmsky" || p.Key != key {
		t.Errorf("platform in the database = %+v, %v", p, err)
	}
	pr, err := st.Product(ctx, a.ID, "ios", "calmsky.monthly")
	if err != nil || pr.Price != "9.99" || pr.Currency != "USD" || pr.Period != "P1M" || pr.Trial != "P1W" ||
		!slices.Equal(pr.Entitlements, []string{"premium"}) {
		t.Errorf("product in the database = %+v, %v", pr, err)
	}
}

// flash is the text of the flash message, or "" when there is none (success messages leave on
// their own after a few seconds, so this does not wait for one).
func (b *browser) flash() string {
	b.t.Helper()
	return strings.TrimSpace(get(b, "read the flash", chromedp.Evaluate[string](
		`(document.querySelector('[data-testid="flash"]') || {}).textContent || ""`)))
}

// wantNavCount checks the count beside a sidebar entry, which should follow what was just added
// even when only the list was swapped.
func (b *browser) wantNavCount(section, want string) {
	b.t.Helper()
	if got := b.text(`[data-testid="nav-` + section + `"] .count`); got != want {
		b.t.Errorf("after adding, the sidebar says %s %s; want %s", section, got, want)
	}
}
