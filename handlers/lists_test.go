package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"nami/engine"
	"nami/store"
)

// manyProducts gives the seeded app 249 more iOS products (250 in all): "Plan 001" (gen.001) to
// "Plan 248" (gen.248) and "Zebra yearly ÜBER" (zz.special).
func manyProducts(t *testing.T, ts *testServer, s seeded) {
	t.Helper()
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		for i := 1; i <= 248; i++ {
			pr := store.Product{PlatformID: s.ios.ID, SKU: fmt.Sprintf("gen.%03d", i), Name: fmt.Sprintf("Plan %03d", i), Kind: "non_consumable",
				Price: "1.99", Currency: "USD"}
			if err := tx.CreateProduct(ctx, &pr); err != nil {
				return err
			}
		}
		pr := store.Product{PlatformID: s.ios.ID, SKU: "zz.special", Name: "Zebra yearly ÜBER", Kind: "non_consumable", Price: "4.99", Currency: "USD"}
		return tx.CreateProduct(ctx, &pr)
	})
}

func productSKUs(r *response) []string {
	var out []string
	r.doc.Find(`[data-testid="product-row"] td.col-main .mono`).Each(func(_ int, s *goquery.Selection) { out = append(out, text(s)) })
	return out
}

func linkQuery(t *testing.T, r *response, testid string) url.Values {
	t.Helper()
	href, ok := r.doc.Find(`[data-testid="` + testid + `"]`).Attr("href")
	if !ok {
		t.Fatalf("no %s link", testid)
	}
	u, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestProductListPagesAndSearches(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	manyProducts(t, ts, s)

	first := c.get(s.appsPath + "/products")
	wantStatus(t, first, http.StatusOK)
	if n := len(productSKUs(first)); n != 100 {
		t.Fatalf("the first page shows %d products, want 100", n)
	}
	if got := text(first.doc.Find(`[data-testid="list-total"]`)); got != "250 products · showing 1–100" {
		t.Errorf("the first page says %q", got)
	}
	if first.doc.Find(`[data-testid="prev-page"]`).Length() != 0 {
		t.Error("the first page links to a previous page")
	}

	r := c.get(s.appsPath + "/products?page=2")
	wantStatus(t, r, http.StatusOK)
	skus := productSKUs(r)
	if len(skus) != 100 || skus[0] != "gen.100" || skus[99] != "gen.199" {
		t.Fatalf("page 2 shows %d products from %q to %q, want rows 101–200 (gen.100 to gen.199)", len(skus), skus[0], skus[len(skus)-1])
	}
	if got := text(r.doc.Find(`[data-testid="list-total"]`)); got != "250 products · showing 101–200" {
		t.Errorf("page 2 says %q", got)
	}
	if q := linkQuery(t, r, "next-page"); q.Get("page") != "3" {
		t.Errorf("next from page 2 goes to %v", q)
	}
	if q := linkQuery(t, r, "prev-page"); q.Has("page") {
		t.Errorf("previous from page 2 goes to %v, want the first page", q)
	}
	last := c.get(s.appsPath + "/products?page=3")
	if n := len(productSKUs(last)); n != 50 || last.doc.Find(`[data-testid="next-page"]`).Length() != 0 {
		t.Errorf("the last page shows %d rows and a next link: %d", n, last.doc.Find(`[data-testid="next-page"]`).Length())
	}
	if got := len(productSKUs(c.get(s.appsPath + "/products?page=99"))); got != 50 {
		t.Errorf("a page past the end shows %d rows, want the last page's 50", got)
	}

	// Search by name (ignoring case), by SKU, and a search that matches nothing.
	for q, want := range map[string][]string{"zebra": {"zz.special"}, "ZZ.SPEC": {"zz.special"}, "über": {"zz.special"}, "gen.12": {"gen.120", "gen.121", "gen.122", "gen.123",
		"gen.124", "gen.125", "gen.126", "gen.127", "gen.128", "gen.129"}, "monthly": {"calmsky.monthly"}} {
		r := c.get(s.appsPath + "/products?q=" + url.QueryEscape(q))
		wantStatus(t, r, http.StatusOK)
		if got := productSKUs(r); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("?q=%s shows %q, want %q", q, got, want)
		}
		if v, _ := r.doc.Find(`[data-testid="list-q"]`).Attr("value"); v != q {
			t.Errorf("?q=%s: the search box says %q", q, v)
		}
	}
	for _, wild := range []string{"%", "_"} { // LIKE's wildcards are searched for as such
		if got := productSKUs(c.get(s.appsPath + "/products?q=" + url.QueryEscape(wild))); len(got) != 0 {
			t.Errorf("?q=%s shows %d products, want none", wild, len(got))
		}
	}
	none := c.get(s.appsPath + "/products?q=nothing-like-this")
	if none.doc.Find(`[data-testid="no-match"]`).Length() != 1 || strings.Contains(none.body, "No products yet") {
		t.Errorf("a search without match shows %q", text(none.doc.Find(`[data-testid="empty-state"]`)))
	}
	if !strings.Contains(text(none.doc.Find(`[data-testid="list-total"]`)), "0 products matching “nothing-like-this”") {
		t.Errorf("the no-match total says %q", text(none.doc.Find(`[data-testid="list-total"]`)))
	}

	// The platform filter and the search are kept in every link and in the search form.
	addPlatform(t, ts, s.app.ID, "android", "google", "Android")
	r = c.get(s.appsPath + "/products?platform=ios&q=plan&page=2")
	wantStatus(t, r, http.StatusOK)
	if got := text(r.doc.Find(`[data-testid="list-total"]`)); got != "248 products matching “plan” · showing 101–200" {
		t.Errorf("filtered page 2 says %q", got)
	}
	for _, id := range []string{"next-page", "prev-page", "select-all"} {
		q := linkQuery(t, r, id)
		if q.Get("platform") != "ios" || q.Get("q") != "plan" {
			t.Errorf("the %s link drops the filters: %v", id, q)
		}
	}
	if q := linkQuery(t, r, "clear-search"); q.Get("platform") != "ios" || q.Has("q") {
		t.Errorf("clearing the search goes to %v, want the platform kept", q)
	}
	if href, _ := r.doc.Find(`[data-testid="platform-filter"] a`).Last().Attr("href"); href != s.appsPath+"/products?platform=android&q=plan" {
		t.Errorf("the Android tab goes to %q, want the search kept", href)
	}
	if v, _ := r.doc.Find(`[data-testid="list-search"] input[name="platform"]`).Attr("value"); v != "ios" {
		t.Errorf("the search form does not keep the platform: %q", v)
	}
	if r.doc.Find(`[data-testid="product-row"] [data-testid="row-check"]:checked`).Length() != 0 {
		t.Error("rows start selected")
	}
	sel := c.get(s.appsPath + "/products?platform=ios&q=plan&page=2&select=all")
	if n := sel.doc.Find(`[data-testid="row-check"][checked]`).Length(); n != 100 {
		t.Errorf("select all on this page checks %d rows, want 100", n)
	}
}

func TestBulkDeleteProducts(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	manyProducts(t, ts, s)
	ctx := context.Background()
	count := func() int {
		n, err := ts.st.CountProducts(ctx, s.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Nothing selected: the error is beside the bulk bar and nothing changes.
	r := c.post("/apps/calm-sky/bulk/products/delete", url.Values{"q": {"plan"}, "page": {"2"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := text(r.doc.Find(`[data-testid="bulk-bar"] .field-error`)); !strings.Contains(msg, "Select the products") {
		t.Errorf("the bulk bar's error is %q", msg)
	}
	if count() != 250 {
		t.Fatal("an empty bulk delete deleted something")
	}

	// Without the token, or as a viewer, nothing is deleted.
	r = c.postRaw("/apps/calm-sky/bulk/products/delete", url.Values{"sel": {"ios/gen.001"}})
	if r.status != http.StatusForbidden {
		t.Errorf("a bulk delete without CSRF token answered %d", r.status)
	}
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	viewer := login(t, ts, "vi@example.com", userPassword)
	viewer.get(s.appsPath + "/products")
	if r := viewer.post("/apps/calm-sky/bulk/products/delete", url.Values{"sel": {"ios/gen.001"}}); r.status != http.StatusForbidden {
		t.Errorf("a viewer's bulk delete answered %d", r.status)
	}
	if viewer.get(s.appsPath+"/products").doc.Find(`[data-testid="bulk-bar"], [data-testid="row-check"]`).Length() != 0 {
		t.Error("the viewer is offered bulk actions")
	}
	if count() != 250 {
		t.Fatal("a refused bulk delete deleted something")
	}

	r = c.post("/apps/calm-sky/bulk/products/delete", url.Values{"sel": {"ios/gen.001", "ios/gen.002", "ios/gone"}, "platform": {"ios"}, "q": {"plan"}, "page": {"2"}})
	wantRedirect(t, r, s.appsPath+"/products?page=2&platform=ios&q=plan")
	if count() != 248 {
		t.Errorf("%d products left, want 248", count())
	}
	flash := text(c.get(s.appsPath + "/products").doc.Find(`[data-testid="flash"]`))
	for _, want := range []string{"Deleted 2 products: Plan 001 (gen.001), Plan 002 (gen.002).", "Refused 1: ios/gone: it no longer exists."} {
		if !strings.Contains(flash, want) {
			t.Errorf("the report %q does not say %q", flash, want)
		}
	}
	log := c.get("/audit?entity=product")
	var refs []string
	log.doc.Find(`[data-testid="audit-row"]`).Each(func(_ int, row *goquery.Selection) {
		if strings.Contains(text(row), "deleted product") {
			refs = append(refs, text(row.Find(`[data-testid="audit-link"]`)))
		}
	})
	if strings.Join(refs, " ") != "ios/gen.002 ios/gen.001" {
		t.Errorf("the audit log has deletions of %q", refs)
	}
}

func TestBulkDeletePaywallsRefusesOnesInUse(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	c.get(demoPath + "/paywalls")
	wantRedirect(t, c.post(demoPath+"/paywalls", url.Values{"name": {"Unused"}, "ref": {"unused"}, "template": {"hero"}}), demoPath+"/paywalls/unused")
	used := storedPaywall(t, ts, a.ID, "yearly-focus")

	list := c.get(demoPath + "/paywalls")
	if list.doc.Find(`[data-testid="paywall-card"] [data-testid="row-check"][value="unused"]`).Length() != 1 {
		t.Fatal("the paywall cards have no checkboxes")
	}
	r := c.post("/apps/calm-sky/bulk/paywalls/delete", url.Values{"sel": {"unused", "yearly-focus"}})
	wantRedirect(t, r, demoPath+"/paywalls")
	flash := text(c.get(demoPath + "/paywalls").doc.Find(`[data-testid="flash"]`))
	if !strings.Contains(flash, "Deleted 1 paywall: Unused.") || !strings.Contains(flash, "Refused 1: "+used.Name+": used by the campaign") {
		t.Errorf("the report says %q", flash)
	}
	if _, err := ts.st.Paywall(context.Background(), a.ID, "unused"); err == nil {
		t.Error("the unused paywall is still there")
	}
	storedPaywall(t, ts, a.ID, "yearly-focus")
	rows := c.get("/audit?entity=paywall").doc.Find(`[data-testid="audit-row"]`)
	if !strings.Contains(text(rows.First()), "deleted paywall unused") || strings.Contains(text(rows), "deleted paywall yearly-focus") {
		t.Errorf("the audit log says %q", text(rows.First()))
	}
}

func TestBulkDeleteEntitlements(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		for i := 0; i < 120; i++ {
			e := store.Entitlement{AppID: s.app.ID, Ref: fmt.Sprintf("ent-%03d", i), Name: fmt.Sprintf("Feature %03d", i)}
			if err := tx.CreateEntitlement(ctx, &e); err != nil {
				return err
			}
		}
		return nil
	})
	r := c.get(s.appsPath + "/entitlements?page=2")
	if got := text(r.doc.Find(`[data-testid="list-total"]`)); got != "121 entitlements · showing 101–121" {
		t.Errorf("page 2 says %q", got)
	}
	if n := r.doc.Find(`[data-testid="entitlement-row"]`).Length(); n != 21 {
		t.Errorf("page 2 shows %d rows", n)
	}
	if n := c.get(s.appsPath + "/entitlements?q=premium").doc.Find(`[data-testid="entitlement-row"]`).Length(); n != 1 {
		t.Errorf("?q=premium shows %d rows", n)
	}
	wantRedirect(t, c.post("/apps/calm-sky/bulk/entitlements/delete", url.Values{"sel": {"ent-000", "premium"}, "q": {"e"}}), s.appsPath+"/entitlements?q=e")
	if _, err := ts.st.Entitlement(context.Background(), s.app.ID, "premium"); err == nil {
		t.Error("premium is still there")
	}
	pr, err := ts.st.Product(context.Background(), s.app.ID, "ios", "calmsky.monthly")
	if err != nil || len(pr.Entitlements) != 0 {
		t.Errorf("the product still grants %q (%v)", pr.Entitlements, err)
	}
	if flash := text(c.get(s.appsPath + "/entitlements").doc.Find(`[data-testid="flash"]`)); flash != "Deleted 2 entitlements: Feature 000, Premium." {
		t.Errorf("the report says %q", flash)
	}
}

func TestBulkCampaignStatus(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	bf := storedCampaign(t, ts, a.ID, "black-friday")
	if bf.Status != engine.StatusPaused {
		t.Fatalf("black-friday is %s in the demo", bf.Status)
	}
	c.get(demoPath + "/campaigns")

	// A status the list does not offer: the error is beside the status and nothing changes.
	r := c.post("/apps/calm-sky/bulk/campaigns/status", url.Values{"sel": {"black-friday"}, "status": {"ended"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := text(r.doc.Find(`[data-testid="bulk-bar"] .field-error`)); msg != "Choose live or paused." {
		t.Errorf("the status error says %q", msg)
	}
	if storedCampaign(t, ts, a.ID, "black-friday").Version != bf.Version {
		t.Fatal("a refused bulk status changed the campaign")
	}

	r = c.post("/apps/calm-sky/bulk/campaigns/status", url.Values{"sel": {"black-friday", "onboarding-ab"}, "status": {"live"}})
	wantRedirect(t, r, demoPath+"/campaigns")
	if got := storedCampaign(t, ts, a.ID, "black-friday"); got.Status != engine.StatusLive || got.Version != bf.Version+1 {
		t.Errorf("black-friday is %s at version %d", got.Status, got.Version)
	}
	flash := text(c.get(demoPath + "/campaigns").doc.Find(`[data-testid="flash"]`))
	if !strings.Contains(flash, "Made live 1 campaign: Black Friday") || !strings.Contains(flash, "Refused 1: Onboarding A/B: it is already live.") {
		t.Errorf("the report says %q", flash)
	}
	row := c.get("/audit?entity=campaign").doc.Find(`[data-testid="audit-row"]`).First()
	if !strings.Contains(text(row), "updated campaign black-friday") || !strings.Contains(text(row), `status: "paused" → "live"`) {
		t.Errorf("the audit entry says %q", text(row))
	}

	wantRedirect(t, c.post("/apps/calm-sky/bulk/campaigns/status", url.Values{"sel": {"black-friday", "onboarding-ab"}, "status": {"paused"}}), demoPath+"/campaigns")
	for _, ref := range []string{"black-friday", "onboarding-ab"} {
		if got := storedCampaign(t, ts, a.ID, ref); got.Status != engine.StatusPaused {
			t.Errorf("%s is %s after pausing", ref, got.Status)
		}
	}
}

func TestCampaignTieWarningsAreSummarized(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	yearly := storedPaywall(t, ts, a.ID, "yearly-focus")
	for i := 0; i < 30; i++ {
		addCampaign(t, ts, store.Campaign{AppID: a.ID, Ref: fmt.Sprintf("tie-%02d", i), Name: fmt.Sprintf("Tie %02d", i), Label: "tie", Status: "live",
			Priority: 5 + i%2, Audience: engine.Audience{Match: "all"}, Variants: []store.CampaignVariant{{Ref: "main", PaywallID: yearly.ID, Weight: 100}}})
	}
	r := c.get(demoPath + "/campaigns")
	wantStatus(t, r, http.StatusOK)
	g := r.doc.Find(`[data-testid="label-group"][data-label="tie"]`)
	box := g.Find(`details[data-testid="campaign-warnings"]`)
	if box.Length() != 1 {
		t.Fatalf("the tie group has %d warning boxes, want one", box.Length())
	}
	// 15 campaigns at priority 6 and 15 at 5: 2 × 105 pairs; those at 5 can never win.
	if got := text(box.Find("summary")); got != "210 pairs of live campaigns share a priority; 15 campaigns can never win; show them" {
		t.Errorf("the summary says %q", got)
	}
	if _, open := box.Attr("open"); open {
		t.Error("the warnings start unfolded")
	}
	lines := box.Find(`[data-testid="campaign-warning"]`)
	if lines.Length() != 2+15 {
		t.Errorf("%d warning lines, want one per shared priority and one per campaign that can never win", lines.Length())
	}
	if first := text(lines.First()); !strings.Contains(first, "15 live campaigns share priority 6") || !strings.Contains(first, "and 10 more") {
		t.Errorf("the first line says %q", first)
	}
	if n := r.doc.Find(`.warning:not(details)`).Length(); n != 0 {
		t.Errorf("%d warnings outside the summaries", n)
	}
}

func TestCampaignListPagesAndSearches(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	yearly := storedPaywall(t, ts, a.ID, "yearly-focus")
	for i := 0; i < 120; i++ {
		addCampaign(t, ts, store.Campaign{AppID: a.ID, Ref: fmt.Sprintf("zz-%03d", i), Name: fmt.Sprintf("Bulk %03d", i), Label: "zz", Status: "draft",
			Audience: engine.Audience{Match: "all"}, Variants: []store.CampaignVariant{{Ref: "main", PaywallID: yearly.ID, Weight: 100}}})
	}
	r := c.get(demoPath + "/campaigns?page=2")
	wantStatus(t, r, http.StatusOK)
	if n := r.doc.Find(`[data-testid="campaign-row"]`).Length(); n != 24 {
		t.Errorf("page 2 shows %d campaigns", n)
	}
	if got := text(r.doc.Find(`[data-testid="list-total"]`)); !strings.HasPrefix(got, "124 campaigns · showing 101–124") {
		t.Errorf("page 2 says %q", got)
	}
	s := c.get(demoPath + "/campaigns?q=onboarding")
	var refs []string
	s.doc.Find(`[data-testid="campaign-row"] td.col-campaign div.mono`).Each(func(_ int, x *goquery.Selection) { refs = append(refs, text(x)) })
	if strings.Join(refs, " ") != "black-friday onboarding-ab" {
		t.Errorf("?q=onboarding (a label) shows %q", refs)
	}
	if c.get(demoPath+"/campaigns?q=nope-nope").doc.Find(`[data-testid="no-match"]`).Length() != 1 {
		t.Error("a search without match does not say so")
	}
}

func TestAuditLogPagesKeepingFilters(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		for i := 0; i < 150; i++ {
			if err := tx.Audit(ctx, store.AuditEntry{UserEmail: ownerEmail, AppSlug: "calm-sky", Action: "updated", Entity: "product", Ref: fmt.Sprintf("ios/p%03d", i)}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, store.AuditEntry{UserEmail: ownerEmail, AppSlug: "calm-sky", Action: "updated", Entity: "paywall", Ref: "spring"})
	})
	r := c.get("/audit?entity=product&page=2")
	wantStatus(t, r, http.StatusOK)
	if n := r.doc.Find(`[data-testid="audit-row"]`).Length(); n != 50 {
		t.Errorf("page 2 shows %d entries", n)
	}
	if got := text(r.doc.Find(`[data-testid="list-total"]`)); got != "150 entries · showing 101–150" {
		t.Errorf("page 2 says %q", got)
	}
	if q := linkQuery(t, r, "prev-page"); q.Get("entity") != "product" {
		t.Errorf("the previous link drops the filter: %v", q)
	}
	if q := linkQuery(t, c.get("/audit?entity=product"), "next-page"); q.Get("entity") != "product" || q.Get("page") != "2" {
		t.Errorf("the next link is %v", q)
	}
	if n := c.get("/audit?entity=product&q=p14").doc.Find(`[data-testid="audit-row"]`).Length(); n != 10 {
		t.Errorf("?q=p14 shows %d entries, want 10", n)
	}
	if c.get("/audit?q=nothing-here").doc.Find(`[data-testid="no-match"]`).Length() != 1 {
		t.Error("a search without match does not say so")
	}
}

func TestChoosersAreBounded(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	manyProducts(t, ts, s)
	wantRedirect(t, c.post(s.appsPath+"/paywalls", url.Values{"name": {"Spring"}, "ref": {"spring"}, "template": {"hero"}}), s.appsPath+"/paywalls/spring")

	ed := c.get(s.appsPath + "/paywalls/spring")
	wantStatus(t, ed, http.StatusOK)
	sel := ed.doc.Find(`[data-testid="add-product-select"]`)
	if n := sel.Find(`option[value!=""]`).Length(); n != 50 {
		t.Errorf("the product chooser offers %d products, want 50", n)
	}
	if sel.Find(`[data-testid="more-choices"]`).Length() != 1 || ed.doc.Find(`[data-testid="product-search"]`).Length() != 1 {
		t.Error("the product chooser does not say that more match, or has no search")
	}
	r := c.get(s.appsPath + "/paywalls/spring/product-choices?product_q=zebra")
	wantStatus(t, r, http.StatusOK)
	if vals := r.doc.Find(`option[value!=""]`); vals.Length() != 1 || vals.AttrOr("value", "") != "ios/zz.special" {
		t.Errorf("searching zebra offers %q", text(vals))
	}
	r = c.get(s.appsPath + "/paywalls/spring/product-choices?product_q=gen.12&" + url.Values{"products[0][platform]": {"ios"}, "products[0][sku]": {"gen.120"}}.Encode())
	if n := r.doc.Find(`option[value!=""]`).Length(); n != 9 {
		t.Errorf("searching gen.12 with gen.120 on the paywall offers %d, want 9", n)
	}
	if r := c.get(s.appsPath + "/paywalls/spring?product_q=zebra"); r.doc.Find(`[data-testid="add-product-select"] option[value!=""]`).Length() != 1 {
		t.Error("the editor without JavaScript does not apply the search")
	}

	// The campaign builder's paywall chooser: its paywall and at most 50 others.
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		for i := 0; i < 80; i++ {
			pw := store.Paywall{AppID: s.app.ID, Ref: fmt.Sprintf("pw-%03d", i), Name: fmt.Sprintf("Offer %03d", i), Template: "hero", DefaultLocale: "en",
				Theme: store.Theme{Accent: "#6D28D9", Background: "#FFFFFF", Text: "#111827"}, Copy: []store.Copy{{Locale: "en", Title: "Hi", CTA: "Go"}}}
			if err := tx.CreatePaywall(ctx, &pw); err != nil {
				return err
			}
		}
		return nil
	})
	wantRedirect(t, c.post(s.appsPath+"/campaigns", url.Values{"name": {"Push"}, "ref": {"push"}}), s.appsPath+"/campaigns/push")
	b := c.get(s.appsPath + "/campaigns/push")
	wantStatus(t, b, http.StatusOK)
	ch := b.doc.Find(`[data-testid="variant-paywall"]`)
	if n := ch.Find(`option[value!=""]`).Length(); n != 50 {
		t.Errorf("the paywall chooser offers %d paywalls, want 50", n)
	}
	if ch.Find(`option[selected]`).Length() != 1 || ch.Find(`[data-testid="more-choices"]`).Length() != 1 {
		t.Error("the paywall chooser lacks its selection or the more line")
	}
	r = c.get(s.appsPath + "/campaigns/push/paywall-choices?paywall_q=offer+07&selected=spring")
	var got []string
	r.doc.Find(`option[value!=""]`).Each(func(_ int, o *goquery.Selection) { got = append(got, o.AttrOr("value", "")) })
	if strings.Join(got, " ") != "spring pw-070 pw-071 pw-072 pw-073 pw-074 pw-075 pw-076 pw-077 pw-078 pw-079" {
		t.Errorf("searching offer 07 offers %q", got)
	}
}

func TestSimulatorAndOverviewAreBounded(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	yearly := storedPaywall(t, ts, a.ID, "yearly-focus")
	for i := 0; i < 30; i++ {
		addCampaign(t, ts, store.Campaign{AppID: a.ID, Ref: fmt.Sprintf("many-%02d", i), Name: fmt.Sprintf("Many %02d", i), Label: "many", Status: "live",
			Priority: 100 - i, Audience: engine.Audience{Match: "all", Conditions: []engine.Condition{{Attribute: "country", Operator: "in", Values: []string{"FR"}}}},
			Variants: []store.CampaignVariant{{Ref: "main", PaywallID: yearly.ID, Weight: 100}}})
	}
	r := c.get(demoPath + "/simulate?platform=ios&label=many&device_id=d1&country=FR")
	wantStatus(t, r, http.StatusOK)
	steps := r.doc.Find(`[data-testid="trace-step"]`).Length()
	if steps != 20 {
		t.Errorf("the trace shows %d steps, want 20", steps)
	}
	if got := text(r.doc.Find(`[data-testid="trace-more"]`)); got != "and 10 more campaigns of this label, not shown." {
		t.Errorf("the trace ends with %q", got)
	}

	o := c.get(demoPath)
	wantStatus(t, o, http.StatusOK)
	if more := text(o.doc.Find(`[data-testid="more-live"]`)); !strings.Contains(more, "more live campaigns") {
		t.Errorf("the overview does not link to the rest: %q", more)
	}
	if n := o.doc.Find(`[data-testid="more-live"]`).Prev().Find("li").Length(); n != 10 {
		t.Errorf("the overview lists %d live campaigns, want 10", n)
	}
}
