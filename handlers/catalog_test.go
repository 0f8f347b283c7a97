package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"nami/store"
)

func TestHTMXRequestsGetTheSectionFragment(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)

	for _, section := range []string{"platforms", "entitlements", "products"} {
		path := s.appsPath + "/" + section
		full := c.get(path)
		wantStatus(t, full, http.StatusOK)
		if full.doc.Find("head title").Length() != 1 || full.doc.Find("nav.sidebar").Length() != 1 || full.doc.Find("#section").Length() != 1 {
			t.Errorf("GET %s: want the whole page with its sidebar and #section", path)
		}

		frag := c.get(path, htmx...)
		wantStatus(t, frag, http.StatusOK)
		if frag.doc.Find("head title").Length() != 0 || frag.doc.Find("nav.sidebar").Length() != 0 ||
			frag.doc.Find(`meta[name="csrf-token"]`).Length() != 0 {
			t.Errorf("htmx GET %s: got the whole page, want only the fragment", path)
		}
		if got := frag.doc.Find("body").Children().First(); got.AttrOr("id", "") != "section" {
			t.Errorf("htmx GET %s: the fragment starts with <%s id=%q>, want #section", path, goquery.NodeName(got), got.AttrOr("id", ""))
		}
		if frag.doc.Find(`[data-testid="`+strings.TrimSuffix(section, "s")+`-row"]`).Length() != 1 {
			t.Errorf("htmx GET %s: the fragment has no row", path)
		}

		// A boosted navigation is a page load, not a fragment swap.
		boosted := c.get(path, "HX-Request", "true", "HX-Boosted", "true")
		if boosted.doc.Find("head title").Length() != 1 {
			t.Errorf("boosted GET %s: want the whole page", path)
		}
	}

	// An htmx create answers 201 with the new list and the flash swapped out of band.
	r := c.post(s.appsPath+"/entitlements", validEntitlement, htmx...)
	wantStatus(t, r, http.StatusCreated)
	if r.doc.Find("head title").Length() != 0 {
		t.Error("htmx POST got the whole page")
	}
	if n := r.doc.Find(`#section [data-testid="entitlement-row"]`).Length(); n != 2 {
		t.Errorf("the swapped section lists %d entitlements, want 2", n)
	}
	flash := r.doc.Find(`#flash`)
	if flash.AttrOr("hx-swap-oob", "") != "true" || !strings.Contains(text(flash), "Added Offline") {
		t.Errorf("out-of-band flash = %q (hx-swap-oob %q)", text(flash), flash.AttrOr("hx-swap-oob", ""))
	}
	// The new form is empty again, ready for the next one.
	if v := fieldValue(r.doc.Find(`[data-testid="new-entitlement-form"]`), "ref"); v != "" {
		t.Errorf("the new entitlement form still shows ref %q", v)
	}
}

func TestProductListSaysThePriceInWords(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	addProduct(t, ts, store.Product{PlatformID: s.ios.ID, SKU: "calmsky.yearly", Name: "Yearly", Kind: "subscription",
		Price: "59.99", Currency: "EUR", Period: "P1Y"})
	addProduct(t, ts, store.Product{PlatformID: s.ios.ID, SKU: "calmsky.coins", Name: "Coins", Kind: "consumable",
		Price: "0.99", Currency: "USD"})

	r := c.get(s.appsPath + "/products")
	wantStatus(t, r, http.StatusOK)
	prices := map[string]string{}
	r.doc.Find(`[data-testid="product-table"] [data-testid="product-row"]`).Each(func(_ int, row *goquery.Selection) {
		prices[text(row.Find(".mono"))] = text(row.Find(`[data-testid="price"]`))
	})
	want := map[string]string{
		"calmsky.monthly": "$9.99 / month, 1 week free",
		"calmsky.yearly":  "€59.99 / year",
		"calmsky.coins":   "$0.99",
	}
	for sku, w := range want {
		if prices[sku] != w {
			t.Errorf("price of %s = %q, want %q", sku, prices[sku], w)
		}
	}
}

func TestProductListFiltersByPlatform(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	android := addPlatform(t, ts, s.app.ID, "android", "google", "Android")
	addProduct(t, ts, store.Product{PlatformID: android.ID, SKU: "calmsky_monthly", Name: "Monthly (Android)", Kind: "subscription",
		Price: "9.99", Currency: "USD", Period: "P1M"})
	addProduct(t, ts, store.Product{PlatformID: s.ios.ID, SKU: "calmsky.yearly", Name: "Yearly", Kind: "subscription",
		Price: "59.99", Currency: "USD", Period: "P1Y"})

	rowPlatforms := func(r *response) []string {
		var out []string
		r.doc.Find(`[data-testid="product-row"]`).Each(func(_ int, row *goquery.Selection) {
			out = append(out, text(row.Find("td").Eq(1)))
		})
		return out
	}

	all := c.get(s.appsPath + "/products")
	if got := rowPlatforms(all); len(got) != 3 {
		t.Errorf("unfiltered list shows platforms %q, want 3 rows", got)
	}

	ios := c.get(s.appsPath + "/products?platform=ios")
	wantStatus(t, ios, http.StatusOK)
	if got := rowPlatforms(ios); !slices.Equal(got, []string{"iOS", "iOS"}) {
		t.Errorf("?platform=ios shows rows of %q, want two iOS rows", got)
	}
	tab := ios.doc.Find(`[data-testid="platform-filter"] [aria-selected="true"]`)
	if text(tab) != "iOS" {
		t.Errorf("selected filter tab = %q, want iOS", text(tab))
	}
	// The create form starts on the filtered platform, and remembers the filter.
	form := ios.doc.Find(`[data-testid="new-product-form"]`)
	if got := fieldValue(form, "platform"); got != "ios" {
		t.Errorf("new product form's platform = %q, want ios", got)
	}
	if got := form.Find(`input[name="filter"]`).AttrOr("value", ""); got != "ios" {
		t.Errorf("new product form's filter = %q, want ios", got)
	}

	if got := rowPlatforms(c.get(s.appsPath + "/products?platform=android")); !slices.Equal(got, []string{"Android"}) {
		t.Errorf("?platform=android shows rows of %q", got)
	}
	if got := rowPlatforms(c.get(s.appsPath + "/products?platform=nope")); len(got) != 3 {
		t.Errorf("an unknown filter shows %q, want every row", got)
	}
	frag := c.get(s.appsPath+"/products?platform=ios", htmx...)
	if got := rowPlatforms(frag); !slices.Equal(got, []string{"iOS", "iOS"}) {
		t.Errorf("htmx ?platform=ios shows rows of %q", got)
	}

	// Creating from the filtered list goes back to it.
	r := c.post(s.appsPath+"/products", with(validProduct, "sku", "calmsky.weekly", "period", "P1W", "filter", "ios"))
	wantRedirect(t, r, s.appsPath+"/products?platform=ios")
}

// staleCase edits one row through its edit page while "someone else" saves it in between.
type staleCase struct {
	name      string
	editPath  string // the row's edit URL, under the app
	editRow   string // data-testid of the row being edited
	theirEdit func(t *testing.T, ts *testServer, s seeded)
	myForm    url.Values // what the user submits (without version)
	what      string     // "platform", ...
	theirDiff string     // what the message says they changed
	check     func(t *testing.T, ts *testServer, s seeded) (theirs, mine bool)
}

func TestEditingAStaleVersionIsAConflict(t *testing.T) {
	ctx := context.Background()
	cases := []staleCase{
		{
			name: "platform", editPath: "/platforms/ios", editRow: "platform-edit-row", what: "platform",
			theirEdit: func(t *testing.T, ts *testServer, s seeded) {
				p := s.ios
				p.Name = "iPhone"
				inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePlatform(ctx, &p) })
			},
			myForm:    url.Values{"ref": {"ios"}, "store": {"apple"}, "name": {"iOS (mine)"}, "bundle_id": {"com.example.mine"}, "environment": {"sandbox"}},
			theirDiff: `name to "iPhone"`,
			check: func(t *testing.T, ts *testServer, s seeded) (bool, bool) {
				p, err := ts.st.Platform(ctx, s.app.ID, "ios")
				if err != nil {
					t.Fatal(err)
				}
				return p.Name == "iPhone", p.Name == "iOS (mine)" && p.BundleID == "com.example.mine" && p.Environment == "sandbox"
			},
		},
		{
			name: "entitlement", editPath: "/entitlements/premium", editRow: "entitlement-edit-row", what: "entitlement",
			theirEdit: func(t *testing.T, ts *testServer, s seeded) {
				e := s.premium
				e.Description = "Theirs"
				inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateEntitlement(ctx, &e) })
			},
			myForm:    url.Values{"ref": {"premium"}, "name": {"Premium (mine)"}, "description": {"Mine"}},
			theirDiff: `description to "Theirs"`,
			check: func(t *testing.T, ts *testServer, s seeded) (bool, bool) {
				e, err := ts.st.Entitlement(ctx, s.app.ID, "premium")
				if err != nil {
					t.Fatal(err)
				}
				return e.Description == "Theirs", e.Name == "Premium (mine)" && e.Description == "Mine"
			},
		},
		{
			name: "product", editPath: "/products/ios/calmsky.monthly", editRow: "product-edit-row", what: "product",
			theirEdit: func(t *testing.T, ts *testServer, s seeded) {
				p := s.monthly
				p.Price = "7.99"
				inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateProduct(ctx, &p) })
			},
			myForm: url.Values{"platform": {"ios"}, "sku": {"calmsky.monthly"}, "name": {"Monthly (mine)"}, "kind": {"subscription"},
				"price": {"12.99"}, "currency": {"USD"}, "period": {"P1M"}, "trial": {"P3D"}, "entitlements": {"premium"}},
			theirDiff: `price to "7.99 USD"`,
			check: func(t *testing.T, ts *testServer, s seeded) (bool, bool) {
				p, err := ts.st.Product(ctx, s.app.ID, "ios", "calmsky.monthly")
				if err != nil {
					t.Fatal(err)
				}
				return p.Price == "7.99", p.Price == "12.99" && p.Name == "Monthly (mine)" && p.Trial == "P3D"
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t)
			c := signUp(t, ts)
			s := seedCatalog(t, ts)

			r := c.get(s.appsPath + tc.editPath)
			wantStatus(t, r, http.StatusOK)
			row := r.doc.Find(`[data-testid="` + tc.editRow + `"]`)
			version := row.Find(`input[name="version"]`).AttrOr("value", "")
			if version != "1" {
				t.Fatalf("the edit form carries version %q, want 1", version)
			}

			tc.theirEdit(t, ts, s)

			r = c.post(s.appsPath+tc.editPath, with(tc.myForm, "version", version))
			wantStatus(t, r, http.StatusConflict)
			row = r.doc.Find(`[data-testid="` + tc.editRow + `"]`)
			msg := text(row.Find(`[data-testid="form-error"]`))
			if !strings.Contains(msg, "Someone else saved this "+tc.what+" while you were editing.") || !strings.Contains(msg, tc.theirDiff) {
				t.Errorf("form error = %q; want it to say someone else saved it and that they changed %s", msg, tc.theirDiff)
			}
			wantKept(t, row, tc.myForm)
			if v := row.Find(`input[name="version"]`).AttrOr("value", ""); v != "2" {
				t.Errorf("after the conflict the form carries version %q, want 2 (theirs), so saving again replaces it", v)
			}
			if theirs, _ := tc.check(t, ts, s); !theirs {
				t.Error("the stale save overwrote the other user's change")
			}

			// Saving again, now on their version, replaces it.
			wantStatus(t, c.get(s.appsPath+"/platforms"), http.StatusOK)
			r = c.post(s.appsPath+tc.editPath, with(tc.myForm, "version", "2"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("saving again: status %d, want 303 (%s)", r.status, text(r.doc.Find(".field-error, [data-testid=form-error]")))
			}
			if _, mine := tc.check(t, ts, s); !mine {
				t.Error("saving again on the current version did not store the user's edit")
			}
		})
	}
}

func TestDeletePlatformRemovesItsProducts(t *testing.T) {
	ctx := context.Background()
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	web := addPlatform(t, ts, s.app.ID, "web", "web", "Web")
	addProduct(t, ts, store.Product{PlatformID: web.ID, SKU: "calmsky-web", Name: "Web monthly", Kind: "subscription",
		Price: "8.99", Currency: "USD", Period: "P1M", Entitlements: []string{"premium"}})

	r := c.get(s.appsPath + "/platforms")
	var confirm string
	r.doc.Find(`[data-testid="platform-row"]`).Each(func(_ int, row *goquery.Selection) {
		if strings.Contains(row.Text(), "iOS") {
			confirm = row.Find(`form[data-confirm]`).Last().AttrOr("data-confirm", "")
		}
	})
	if !strings.Contains(confirm, "1 product will be deleted") {
		t.Errorf("delete question = %q; want it to warn that 1 product goes too", confirm)
	}

	wantRedirect(t, c.post(s.appsPath+"/platforms/ios/delete", nil), s.appsPath+"/platforms")
	if _, err := ts.st.Platform(ctx, s.app.ID, "ios"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the platform is still there: %v", err)
	}
	products, err := ts.st.Products(ctx, s.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(products) != 1 || products[0].SKU != "calmsky-web" {
		t.Errorf("products after deleting ios = %+v; want only the web one", products)
	}
	if e, _ := ts.st.Entitlement(ctx, s.app.ID, "premium"); e.Products != 1 {
		t.Errorf("premium is granted by %d products, want 1", e.Products)
	}

	r = c.get(s.appsPath + "/platforms")
	if flash := text(r.doc.Find(`[data-testid="flash"]`)); !strings.Contains(flash, "Deleted iOS") {
		t.Errorf("flash = %q", flash)
	}
	if n := r.doc.Find(`[data-testid="platform-row"]`).Length(); n != 1 {
		t.Errorf("the platform list shows %d rows, want 1", n)
	}
	r = c.get(s.appsPath + "/products")
	if n := r.doc.Find(`[data-testid="product-row"]`).Length(); n != 1 {
		t.Errorf("the product list shows %d rows, want 1", n)
	}
	if flash := text(r.doc.Find(`[data-testid="flash"]`)); flash != "" {
		t.Errorf("the flash showed twice: %q", flash)
	}

	// Deleting what is not there is a 404, not a 500.
	wantStatus(t, c.post(s.appsPath+"/platforms/ios/delete", nil), http.StatusNotFound)
}

func TestRotateKeyChangesTheKey(t *testing.T) {
	ctx := context.Background()
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	old := s.ios.Key

	r := c.get(s.appsPath + "/platforms")
	if got := text(r.doc.Find(`[data-testid="platform-row"] [data-testid="sdk-key"]`)); got != old {
		t.Errorf("the page shows key %q, want %q", got, old)
	}

	wantRedirect(t, c.post(s.appsPath+"/platforms/ios/rotate-key", nil), s.appsPath+"/platforms")
	p, err := ts.st.Platform(ctx, s.app.ID, "ios")
	if err != nil {
		t.Fatal(err)
	}
	if p.Key == old || !regexp.MustCompile(`^pk_[A-Za-z0-9_]{16,64}$`).MatchString(p.Key) {
		t.Errorf("key after rotation = %q (was %q); want a new pk_ key", p.Key, old)
	}
	if _, err := ts.st.PlatformByKey(ctx, old); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old key still resolves: %v", err)
	}
	r = c.get(s.appsPath + "/platforms")
	if got := text(r.doc.Find(`[data-testid="platform-row"] [data-testid="sdk-key"]`)); got != p.Key {
		t.Errorf("the page shows key %q, want the new %q", got, p.Key)
	}

	// Over htmx the answer is the refreshed section.
	r = c.post(s.appsPath+"/platforms/ios/rotate-key", nil, htmx...)
	wantStatus(t, r, http.StatusOK)
	p2, _ := ts.st.Platform(ctx, s.app.ID, "ios")
	if p2.Key == p.Key {
		t.Error("the htmx rotation kept the key")
	}
	if got := text(r.doc.Find(`#section [data-testid="sdk-key"]`)); got != p2.Key {
		t.Errorf("the swapped section shows key %q, want %q", got, p2.Key)
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	for _, path := range []string{"/login", "/apps", s.appsPath + "/products", "/apps/nope", "/no-such-page"} {
		r := c.get(path)
		h := r.header
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", path, got)
		}
		switch rp := h.Get("Referrer-Policy"); rp {
		case "same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin":
		default:
			t.Errorf("%s: Referrer-Policy = %q", path, rp)
		}
		csp := parseCSP(h.Get("Content-Security-Policy"))
		if csp == nil {
			t.Errorf("%s: no Content-Security-Policy", path)
			continue
		}
		script, ok := csp["script-src"]
		if !ok {
			script = csp["default-src"]
		}
		if len(script) == 0 || slices.Contains(script, "'unsafe-inline'") || slices.Contains(script, "'unsafe-eval'") || slices.Contains(script, "*") {
			t.Errorf("%s: script-src %q; want scripts from the site only, no 'unsafe-inline'", path, script)
		}
		if fa := csp["frame-ancestors"]; !slices.Equal(fa, []string{"'none'"}) {
			t.Errorf("%s: frame-ancestors %q, want 'none'", path, fa)
		}
	}
}

// parseCSP splits a Content-Security-Policy into its directives.
func parseCSP(header string) map[string][]string {
	if header == "" {
		return nil
	}
	out := map[string][]string{}
	for _, d := range strings.Split(header, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[strings.ToLower(f[0])] = f[1:]
		}
	}
	return out
}

func TestHealthz(t *testing.T) {
	ts := newTestServer(t)
	c := ts.newClient(t)
	r := c.get("/healthz")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.header.Get("Content-Type"), "application/json") || !strings.Contains(r.body, `"ok"`) {
		t.Errorf("GET /healthz = %s %q", r.header.Get("Content-Type"), r.body)
	}
}

func TestUnknownAppIsNotFound(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	r := c.get("/apps/nope/products")
	wantStatus(t, r, http.StatusNotFound)
	if r.doc.Find(`[data-testid="error"]`).Length() != 1 {
		t.Error("the 404 has no error page")
	}
}

// Renaming a row to a ref (or sku) another row holds is the user's mistake, told beside the
// field (422); it is not someone else's concurrent save (409).
func TestEditingToATakenRefIsAValidationError(t *testing.T) {
	ctx := context.Background()
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	addPlatform(t, ts, s.app.ID, "web", "web", "Web")
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		return tx.CreateEntitlement(ctx, &store.Entitlement{AppID: s.app.ID, Ref: "offline", Name: "Offline"})
	})
	addProduct(t, ts, store.Product{PlatformID: s.ios.ID, SKU: "calmsky.yearly", Name: "Yearly", Kind: "subscription",
		Price: "59.99", Currency: "USD", Period: "P1Y"})
	before := exportApp(t, ts, "calm-sky")

	tests := []struct {
		path, editRow, field, want string
		form                       url.Values
	}{
		{"/platforms/web", "platform-edit-row", "ref", "already has a platform with this ref",
			url.Values{"ref": {"ios"}, "store": {"web"}, "name": {"Web"}, "environment": {"production"}, "version": {"1"}}},
		{"/entitlements/offline", "entitlement-edit-row", "ref", "already has an entitlement with this ref",
			url.Values{"ref": {"premium"}, "name": {"Offline"}, "version": {"1"}}},
		{"/products/ios/calmsky.yearly", "product-edit-row", "sku", "already has a product with this SKU",
			url.Values{"platform": {"ios"}, "sku": {"calmsky.monthly"}, "name": {"Yearly"}, "kind": {"subscription"},
				"price": {"59.99"}, "currency": {"USD"}, "period": {"P1Y"}, "version": {"1"}}},
	}
	for _, tt := range tests {
		c.get(s.appsPath + tt.path)
		r := c.post(s.appsPath+tt.path, tt.form)
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: status %d, want 422", tt.path, r.status)
			continue
		}
		row := r.doc.Find(`[data-testid="` + tt.editRow + `"]`)
		if msg := fieldError(row, tt.field); !strings.Contains(msg, tt.want) {
			t.Errorf("POST %s: message beside %s = %q", tt.path, tt.field, msg)
		}
		if row.Find(`[data-testid="form-error"]`).Length() != 0 {
			t.Errorf("POST %s: a taken ref is reported as someone else's save", tt.path)
		}
		wantKept(t, row, tt.form)
	}
	wantUnchanged(t, ts, "calm-sky", before)
	if p, _ := ts.st.Platform(ctx, s.app.ID, "web"); p.Version != 1 {
		t.Errorf("the web platform's version moved to %d", p.Version)
	}
}

func TestChangesAreAudited(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	wantRedirect(t, c.post("/apps", validApp), "/apps/rainy-day/platforms")
	wantRedirect(t, c.post("/apps/rainy-day/platforms", validPlatform), "/apps/rainy-day/platforms")
	entries, err := ts.st.AuditLog(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.UserEmail == ownerEmail && e.AppSlug == "rainy-day" {
			got = append(got, e.Action+" "+e.Entity+" "+e.Ref)
		}
	}
	want := []string{"created platform android", "created app rainy-day"}
	if !slices.Equal(got, want) {
		t.Errorf("audit entries = %q, want %q (newest first)", got, want)
	}
	r := c.get("/audit")
	wantStatus(t, r, http.StatusOK)
	found := false
	r.doc.Find(`[data-testid="audit-table"] tbody tr`).Each(func(_ int, row *goquery.Selection) {
		cells := row.Find("td")
		found = found || text(cells.Eq(1)) == ownerEmail && text(cells.Eq(2)) == "rainy-day" &&
			text(cells.Eq(3)) == "created platform android"
	})
	if !found {
		t.Errorf("the audit page does not show the platform change:\n%s", text(r.doc.Find(`[data-testid="audit-table"]`)))
	}
}
