package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// with returns a copy of base with the given name, value pairs set ("" deletes the field).
func with(base url.Values, pairs ...string) url.Values {
	out := url.Values{}
	for k, v := range base {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "\x00" {
			out.Del(pairs[i])
			continue
		}
		out.Set(pairs[i], pairs[i+1])
	}
	return out
}

// without is the marker value that makes with delete a field.
const without = "\x00"

var (
	validApp         = url.Values{"name": {"Rainy Day"}, "slug": {"rainy-day"}}
	validPlatform    = url.Values{"ref": {"android"}, "store": {"google"}, "name": {"Android"}, "bundle_id": {"com.example.android"}, "environment": {"production"}}
	validEntitlement = url.Values{"ref": {"offline"}, "name": {"Offline"}, "description": {"Listen offline"}}
	validProduct     = url.Values{"platform": {"ios"}, "sku": {"calmsky.yearly"}, "name": {"Yearly"}, "kind": {"subscription"},
		"price": {"59.99"}, "currency": {"USD"}, "period": {"P1Y"}, "trial": {"P2W"}, "entitlements": {"premium"}}
)

func TestValidationKeepsTheInputAndShowsTheMessageBesideTheField(t *testing.T) {
	tests := []struct {
		name  string
		path  string // under /apps/calm-sky, or /apps itself when it starts with /
		form  url.Values
		scope string // data-testid of the form re-rendered with the error
		field string
		want  string // a phrase of the message
	}{
		{"app: bad slug", "/apps", with(validApp, "slug", "Rainy Day"), "new-app-form", "slug", `Spaces are not allowed; use - or _ instead, e.g. "rainy-day".`},
		{"app: uppercase slug", "/apps", with(validApp, "slug", "RainyDay"), "new-app-form", "slug", `Use lowercase letters only, e.g. "rainyday".`},
		{"app: taken slug", "/apps", with(validApp, "slug", "calm-sky"), "new-app-form", "slug", "Another app already uses this slug."},
		{"app: no name", "/apps", with(validApp, "name", "  "), "new-app-form", "name", "Enter the app's name."},

		{"platform: bad ref", "platforms", with(validPlatform, "ref", "Android"), "new-platform-form", "ref", `Use lowercase letters only, e.g. "android".`},
		{"platform: taken ref", "platforms", with(validPlatform, "ref", "ios"), "new-platform-form", "ref", "This app already has a platform with this ref."},
		{"platform: unknown store", "platforms", with(validPlatform, "store", "windows"), "new-platform-form", "store", "Choose one of the stores in the list."},
		{"platform: unknown environment", "platforms", with(validPlatform, "environment", "staging"), "new-platform-form", "environment", "Choose production or sandbox."},

		{"entitlement: bad ref", "entitlements", with(validEntitlement, "ref", "pro plan"), "new-entitlement-form", "ref", `Spaces are not allowed; use - or _ instead, e.g. "pro-plan".`},
		{"entitlement: taken ref", "entitlements", with(validEntitlement, "ref", "premium"), "new-entitlement-form", "ref", "This app already has an entitlement with this ref."},
		{"entitlement: no name", "entitlements", with(validEntitlement, "name", ""), "new-entitlement-form", "name", "Enter a name."},

		{"product: unknown kind", "products", with(validProduct, "kind", "rental"), "new-product-form", "kind", `"rental" is not a kind of product`},
		{"product: price 0", "products", with(validProduct, "price", "0"), "new-product-form", "price", "The price must be more than zero."},
		{"product: price 1.999", "products", with(validProduct, "price", "1.999"), "new-product-form", "price", "Use at most 2 decimal places"},
		{"product: price abc", "products", with(validProduct, "price", "abc"), "new-product-form", "price", "Enter the price as a number"},
		{"product: currency usd1", "products", with(validProduct, "currency", "usd1"), "new-product-form", "currency", "Enter a 3-letter ISO 4217 currency code"},
		{"product: subscription without a period", "products", with(validProduct, "period", without), "new-product-form", "period", "A subscription needs a billing period"},
		{"product: unknown period P5W", "products", with(validProduct, "period", "P5W"), "new-product-form", "period", "Choose a billing period"},
		{"product: bad trial", "products", with(validProduct, "trial", "2 weeks"), "new-product-form", "trial", "Write the trial as P"},
		{"product: taken sku", "products", with(validProduct, "sku", "calmsky.monthly"), "new-product-form", "sku", "This platform already has a product with this SKU."},
		{"product: bad sku", "products", with(validProduct, "sku", "calm sky"), "new-product-form", "sku", "Use only letters, digits, dots"},
		{"product: unknown platform", "products", with(validProduct, "platform", "windows"), "new-product-form", "platform", "Choose one of this app's platforms."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			c := signUp(t, ts)
			s := seedCatalog(t, ts)
			path := tt.path
			if !strings.HasPrefix(path, "/") {
				path = s.appsPath + "/" + path
			}
			wantStatus(t, c.get(path), http.StatusOK)
			before := exportApp(t, ts, "calm-sky")

			r := c.post(path, tt.form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.doc.Find("head title").Length() != 1 {
				t.Error("a plain POST got a fragment; want the whole page")
			}
			form := r.doc.Find(`[data-testid="` + tt.scope + `"]`)
			if form.Length() != 1 {
				t.Fatalf("the answer has %d %s forms, want 1", form.Length(), tt.scope)
			}
			if msg := fieldError(form, tt.field); !strings.Contains(msg, tt.want) {
				t.Errorf("message beside %s = %q, want it to contain %q", tt.field, msg, tt.want)
			}
			if got := fieldsWithErrors(form); !slices.Equal(got, []string{tt.field}) {
				t.Errorf("fields with a message = %q, want only %q", got, tt.field)
			}
			if inv, _ := field(form, tt.field).Attr("aria-invalid"); inv != "true" {
				t.Errorf("%s has aria-invalid=%q, want true", tt.field, inv)
			}
			wantKept(t, form, tt.form)

			wantUnchanged(t, ts, "calm-sky", before)
			if n := appCount(t, ts); n != 1 {
				t.Errorf("%d apps after a failed POST, want 1", n)
			}
		})
	}
}

// wantKept checks that every posted field shows what the user sent (a select only when it
// offers the value; the grants as checked boxes).
func wantKept(t *testing.T, form *goquery.Selection, posted url.Values) {
	t.Helper()
	for name, vals := range posted {
		if name == "_csrf" || name == "filter" || name == "version" {
			continue
		}
		if name == "entitlements" {
			for _, v := range vals {
				box := form.Find(`input[type="checkbox"][name="entitlements"][value="` + v + `"]`)
				if _, checked := box.Attr("checked"); box.Length() == 1 && !checked {
					t.Errorf("grant %q is no longer checked", v)
				}
			}
			continue
		}
		f := field(form, name)
		if f.Length() == 0 {
			t.Errorf("the re-rendered form has no field %q", name)
			continue
		}
		if goquery.NodeName(f) == "select" && !hasOption(form, name, vals[0]) {
			continue
		}
		if got := fieldValue(form, name); got != vals[0] {
			t.Errorf("field %s shows %q, want the input %q kept", name, got, vals[0])
		}
	}
}

// The form hides the billing period and the trial for one-time purchases, but a browser still
// sends the hidden select's value (P1M by default). The sensible answer is to accept the product
// and store it without a period or trial, not to reject a field the user cannot see.
func TestOneTimeProductIgnoresAHiddenPeriod(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	c.get(s.appsPath + "/products")

	form := with(validProduct, "sku", "calmsky.lifetime", "name", "Lifetime", "kind", "non_consumable",
		"price", "149.99", "period", "P1M", "trial", "P1W")
	wantRedirect(t, c.post(s.appsPath+"/products", form), s.appsPath+"/products")
	pr, err := ts.st.Product(context.Background(), s.app.ID, "ios", "calmsky.lifetime")
	if err != nil {
		t.Fatalf("the one-time product was not stored: %v", err)
	}
	if pr.Kind != "non_consumable" || pr.Period != "" || pr.Trial != "" {
		t.Errorf("stored %+v; want a non_consumable with no period and no trial", pr)
	}
	r := c.get(s.appsPath + "/products")
	var price string
	r.doc.Find(`[data-testid="product-row"]`).Each(func(_ int, row *goquery.Selection) {
		if strings.Contains(row.Text(), "calmsky.lifetime") {
			price = text(row.Find(`[data-testid="price"]`))
		}
	})
	if price != "$149.99" {
		t.Errorf("price shown = %q, want $149.99 (no billing period for a one-time purchase)", price)
	}
}

func TestValidationOverHTMXAnswersTheFragment(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	c.get(s.appsPath + "/products")
	before := exportApp(t, ts, "calm-sky")

	r := c.post(s.appsPath+"/products", with(validProduct, "price", "1.999"), htmx...)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.doc.Find("head title").Length() != 0 || r.doc.Find("nav.sidebar").Length() != 0 {
		t.Error("htmx got the whole page; want the #section fragment")
	}
	form := r.doc.Find(`#section [data-testid="new-product-form"]`)
	if msg := fieldError(form, "price"); !strings.Contains(msg, "2 decimal places") {
		t.Errorf("message beside price = %q", msg)
	}
	if got := fieldValue(form, "price"); got != "1.999" {
		t.Errorf("price shows %q, want the input kept", got)
	}
	wantUnchanged(t, ts, "calm-sky", before)
}
