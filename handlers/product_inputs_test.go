package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"nami/store"
)

// storedProduct reads one product of the app from the database.
func storedProduct(t *testing.T, ts *testServer, appID int64, platform, sku string) store.Product {
	t.Helper()
	p, err := ts.st.Product(context.Background(), appID, platform, sku)
	if err != nil {
		t.Fatalf("product %s/%s: %v", platform, sku, err)
	}
	return p
}

// productFormValues is what the browser would send for the form: every named input, select and
// checked checkbox, as they are shown.
func productFormValues(form *goquery.Selection) url.Values {
	v := url.Values{}
	form.Find("input[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch {
		case goquery.NodeName(s) == "select":
			val, _ := s.Find("option[selected]").Attr("value")
			v.Add(name, val)
		case s.AttrOr("type", "") == "checkbox":
			if _, ok := s.Attr("checked"); ok {
				v.Add(name, s.AttrOr("value", ""))
			}
		case name != "_csrf":
			v.Add(name, s.AttrOr("value", ""))
		}
	})
	return v
}

func TestProductPriceAcceptsTheDecimalComma(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	c.get(s.appsPath + "/products")

	r := c.post(s.appsPath+"/products", with(validProduct, "price", "99,99"))
	wantRedirect(t, r, s.appsPath+"/products")
	if p := storedProduct(t, ts, s.app.ID, "ios", "calmsky.yearly"); p.Price != "99.99" {
		t.Errorf("stored price %q, want 99.99", p.Price)
	}

	// Editing keeps working with a comma too.
	form := c.get(s.appsPath + "/products/ios/calmsky.monthly").doc.Find(`[data-testid="product-edit-row"] form`)
	vals := productFormValues(form)
	vals.Set("price", "12,5")
	wantRedirect(t, c.post(s.appsPath+"/products/ios/calmsky.monthly", vals), s.appsPath+"/products")
	if p := storedProduct(t, ts, s.app.ID, "ios", "calmsky.monthly"); p.Price != "12.5" {
		t.Errorf("stored price %q after the edit, want 12.5", p.Price)
	}
}

func TestProductPriceRefusesThousandsSeparatorsBesideTheField(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	c.get(s.appsPath + "/products")
	before := exportApp(t, ts, "calm-sky")

	for price, want := range map[string]string{
		"1.299,00": "Leave out the thousands separator: write 1299,00.",
		"1,299.00": "Leave out the thousands separator: write 1299.00.",
		"1,299":    "if , is a thousands separator, leave it out: 1299.",
		"9,9,9":    "Enter the price as a number",
	} {
		r := c.post(s.appsPath+"/products", with(validProduct, "price", price), htmx...)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		form := r.doc.Find(`[data-testid="new-product-form"]`)
		if msg := fieldError(form, "price"); !strings.Contains(msg, want) {
			t.Errorf("%s: message beside price = %q, want it to contain %q", price, msg, want)
		}
		if got := fieldsWithErrors(form); len(got) != 1 || got[0] != "price" {
			t.Errorf("%s: fields with messages %v, want only price", price, got)
		}
		if got := fieldValue(form, "price"); got != price {
			t.Errorf("%s: price shows %q, want the input kept", price, got)
		}
	}
	wantUnchanged(t, ts, "calm-sky", before)
}

func TestProductListFormatsPricesInTheBrowsersLanguage(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	addProduct(t, ts, store.Product{PlatformID: s.ios.ID, SKU: "calmsky.lifetime", Name: "Lifetime", Kind: "non_consumable",
		Price: "1299.5", Currency: "EUR"})
	for _, tc := range []struct{ header, monthly, lifetime string }{
		{"", "$9.99 / month, 1 week free", "€1,299.50"},
		{"de-DE,de;q=0.9,en;q=0.8", "9,99\u00a0$ / month, 1 week free", "1.299,50\u00a0€"},
		{"fr-FR", "9,99\u00a0$US / month, 1 week free", "1\u202f299,50\u00a0€"},
		{"xx-YY, de", "$9.99 / month, 1 week free", "€1,299.50"}, // unknown first language: English
	} {
		var headers []string
		if tc.header != "" {
			headers = []string{"Accept-Language", tc.header}
		}
		prices := map[string]string{}
		c.get(s.appsPath+"/products", headers...).doc.Find(`[data-testid="product-row"]`).Each(func(_ int, row *goquery.Selection) {
			prices[text(row.Find(".col-main strong"))] = strings.TrimSpace(row.Find(`[data-testid="price"]`).Text())
		})
		if prices["Monthly"] != tc.monthly || prices["Lifetime"] != tc.lifetime {
			t.Errorf("Accept-Language %q: prices %q, want %q and %q", tc.header, prices, tc.monthly, tc.lifetime)
		}
	}
}

func TestProductFormOffersPeriodsAndTrialsFromLists(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)

	form := c.get(s.appsPath + "/products").doc.Find(`[data-testid="new-product-form"]`)
	if n := field(form, "trial").Length(); n != 1 || goquery.NodeName(field(form, "trial")) != "select" {
		t.Fatal("the trial is not a select")
	}
	for name, values := range map[string][]string{
		"period": {"", "P1W", "P1M", "P2M", "P3M", "P6M", "P1Y"},
		"trial":  {"", "P3D", "P1W", "P2W", "P1M", "P3M"},
	} {
		var got []string
		field(form, name).Find("option").Each(func(_ int, o *goquery.Selection) { got = append(got, o.AttrOr("value", "?")) })
		if strings.Join(got, " ") != strings.Join(values, " ") {
			t.Errorf("%s offers %q, want %q", name, got, values)
		}
	}
	if fieldValue(form, "period") != "P1M" || fieldValue(form, "trial") != "" {
		t.Errorf("new form selects period %q and trial %q, want P1M and no trial", fieldValue(form, "period"), fieldValue(form, "trial"))
	}

	// The stored choices are selected when editing, and saving keeps the ISO values.
	edit := c.get(s.appsPath + "/products/ios/calmsky.monthly").doc.Find(`[data-testid="product-edit-row"] form`)
	if fieldValue(edit, "period") != "P1M" || fieldValue(edit, "trial") != "P1W" {
		t.Errorf("edit form selects period %q and trial %q, want P1M and P1W", fieldValue(edit, "period"), fieldValue(edit, "trial"))
	}
	vals := productFormValues(edit)
	vals.Set("period", "P2M")
	vals.Set("trial", "P3M")
	wantRedirect(t, c.post(s.appsPath+"/products/ios/calmsky.monthly", vals), s.appsPath+"/products")
	if p := storedProduct(t, ts, s.app.ID, "ios", "calmsky.monthly"); p.Period != "P2M" || p.Trial != "P3M" {
		t.Errorf("stored period %q and trial %q, want P2M and P3M", p.Period, p.Trial)
	}
}

func TestProductFormKeepsAPeriodTheListLacks(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	addProduct(t, ts, store.Product{PlatformID: s.ios.ID, SKU: "calmsky.odd", Name: "Odd", Kind: "subscription",
		Price: "4.99", Currency: "USD", Period: "P5W", Trial: "P5D"})

	edit := c.get(s.appsPath + "/products/ios/calmsky.odd").doc.Find(`[data-testid="product-edit-row"] form`)
	if fieldValue(edit, "period") != "P5W" || fieldValue(edit, "trial") != "P5D" {
		t.Errorf("edit form selects period %q and trial %q, want P5W and P5D", fieldValue(edit, "period"), fieldValue(edit, "trial"))
	}
	if got := text(field(edit, "period").Find(`option[value="P5W"]`)); got != "Every 5 weeks (P5W)" {
		t.Errorf("the extra period option reads %q", got)
	}
	if got := text(field(edit, "trial").Find(`option[value="P5D"]`)); got != "5 days (P5D)" {
		t.Errorf("the extra trial option reads %q", got)
	}
	// The create form does not offer another product's odd period.
	if hasOption(c.get(s.appsPath+"/products").doc.Find(`[data-testid="new-product-form"]`), "period", "P5W") {
		t.Error("the create form offers P5W")
	}

	vals := productFormValues(edit)
	vals.Set("name", "Odd (renamed)")
	wantRedirect(t, c.post(s.appsPath+"/products/ios/calmsky.odd", vals), s.appsPath+"/products")
	if p := storedProduct(t, ts, s.app.ID, "ios", "calmsky.odd"); p.Name != "Odd (renamed)" || p.Period != "P5W" || p.Trial != "P5D" {
		t.Errorf("stored %+v; want the new name with P5W and P5D kept", p)
	}

	// Another product cannot be given the odd period.
	r := c.post(s.appsPath+"/products", with(validProduct, "period", "P5W"))
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := fieldError(r.doc.Find(`[data-testid="new-product-form"]`), "period"); msg != "Choose a billing period from the list." {
		t.Errorf("message beside period = %q", msg)
	}
}
