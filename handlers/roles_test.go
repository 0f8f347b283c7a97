package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"nami/store"
)

func TestViewerCannotChangeAnything(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	s := seedCatalog(t, ts)
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	ed := addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	viewer := login(t, ts, "vi@example.com", userPassword)
	before := exportApp(t, ts, "calm-sky")

	platform := url.Values{"ref": {"android"}, "store": {"google"}, "name": {"Android"}, "environment": {"production"}}
	entitlement := url.Values{"ref": {"offline"}, "name": {"Offline"}}
	product := url.Values{"platform": {"ios"}, "sku": {"calmsky.yearly"}, "name": {"Yearly"}, "kind": {"subscription"},
		"price": {"59.99"}, "currency": {"USD"}, "period": {"P1Y"}, "version": {"1"}}
	edits := func(v url.Values, extra ...string) url.Values {
		out := url.Values{}
		for k, x := range v {
			out[k] = x
		}
		for i := 0; i+1 < len(extra); i += 2 {
			out.Set(extra[i], extra[i+1])
		}
		return out
	}
	routes := []struct {
		path string
		form url.Values
	}{
		{"/apps", url.Values{"name": {"Other"}, "slug": {"other"}}},
		{s.appsPath + "/delete", nil},
		{s.appsPath + "/platforms", platform},
		{s.appsPath + "/platforms/ios", edits(platform, "ref", "ios", "store", "apple", "version", "1")},
		{s.appsPath + "/platforms/ios/rotate-key", nil},
		{s.appsPath + "/platforms/ios/delete", nil},
		{s.appsPath + "/entitlements", entitlement},
		{s.appsPath + "/entitlements/premium", edits(entitlement, "ref", "premium", "version", "1")},
		{s.appsPath + "/entitlements/premium/delete", nil},
		{s.appsPath + "/products", product},
		{s.appsPath + "/products/ios/calmsky.monthly", edits(product, "sku", "calmsky.monthly", "price", "1.99")},
		{s.appsPath + "/products/ios/calmsky.monthly/delete", nil},
		{"/team", url.Values{"email": {"new@example.com"}, "name": {"New"}, "role": {"viewer"}, "password": {"new-password-1"}}},
		{"/team/" + strconv.FormatInt(ed.ID, 10) + "/role", url.Values{"role": {"owner"}}},
	}
	for _, rt := range routes {
		for _, hx := range []bool{false, true} {
			var headers []string
			if hx {
				headers = htmx
			}
			r := viewer.post(rt.path, rt.form, headers...)
			if r.status != http.StatusForbidden {
				t.Errorf("viewer POST %s (htmx %v): status %d, want 403", rt.path, hx, r.status)
				continue
			}
			msg := text(r.doc.Find(`[data-testid="error"]`))
			if hx {
				msg = strings.TrimSpace(r.body)
			}
			if !strings.Contains(msg, "Your role does not allow this") {
				t.Errorf("viewer POST %s (htmx %v): message %q", rt.path, hx, msg)
			}
		}
	}

	wantUnchanged(t, ts, "calm-sky", before)
	if n := appCount(t, ts); n != 1 {
		t.Errorf("%d apps, want 1", n)
	}
	if n := userCount(t, ts); n != 3 {
		t.Errorf("%d users, want 3", n)
	}
	if u, _ := ts.st.UserByEmail(context.Background(), "ed@example.com"); u.Role != store.RoleEditor {
		t.Errorf("the viewer changed ed's role to %s", u.Role)
	}

	// The owner, on the same server, is allowed (so the 403s above are about the role).
	wantRedirect(t, owner.post(s.appsPath+"/entitlements", entitlement), s.appsPath+"/entitlements")
}

func TestViewerSeesNoForms(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	s := seedCatalog(t, ts)
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	viewer := login(t, ts, "vi@example.com", userPassword)

	r := viewer.get("/apps")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="new-app-form"], [data-testid="new-app-link"]`).Length() != 0 {
		t.Error("the viewer is offered the new app form")
	}
	if r.doc.Find(`[data-testid="app-card"]`).Length() != 1 {
		t.Error("the viewer does not see the app")
	}

	pages := []struct {
		path, form, row, heading string
	}{
		{s.appsPath + "/platforms", "new-platform-form", "platform-row", "Add a platform"},
		{s.appsPath + "/entitlements", "new-entitlement-form", "entitlement-row", "Add an entitlement"},
		{s.appsPath + "/products", "new-product-form", "product-row", "Add a product"},
	}
	for _, pg := range pages {
		r := viewer.get(pg.path)
		wantStatus(t, r, http.StatusOK)
		if r.doc.Find(`[data-testid="`+pg.form+`"]`).Length() != 0 {
			t.Errorf("%s: the viewer is offered %s", pg.path, pg.form)
		}
		r.doc.Find("h2").Each(func(_ int, h2 *goquery.Selection) {
			if strings.TrimSpace(h2.Text()) == pg.heading {
				t.Errorf("%s: the viewer sees the heading %q", pg.path, pg.heading)
			}
		})
		if n := r.doc.Find(`[data-testid="` + pg.row + `"]`).Length(); n != 1 {
			t.Errorf("%s: the viewer sees %d rows, want 1", pg.path, n)
		}
		if n := r.doc.Find(`[data-testid="edit"], [data-testid="delete"], [data-testid="rotate-key"]`).Length(); n != 0 {
			t.Errorf("%s: the viewer sees %d edit, delete or rotate buttons", pg.path, n)
		}
	}
}

// A viewer who opens an edit URL directly should not get a form they cannot submit.
func TestViewerGetsNoEditFormFromAnEditURL(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	s := seedCatalog(t, ts)
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	viewer := login(t, ts, "vi@example.com", userPassword)
	for _, pg := range []struct{ path, editRow string }{
		{s.appsPath + "/platforms/ios", "platform-edit-row"},
		{s.appsPath + "/entitlements/premium", "entitlement-edit-row"},
		{s.appsPath + "/products/ios/calmsky.monthly", "product-edit-row"},
	} {
		r := viewer.get(pg.path)
		if r.status == http.StatusForbidden {
			continue
		}
		if n := r.doc.Find(`[data-testid="` + pg.editRow + `"] form`).Length(); n != 0 {
			t.Errorf("viewer GET %s: status %d with an edit form (which answers 403 when saved); want 403 or no form", pg.path, r.status)
		}
	}
}

func TestEditorCanCreate(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	ed := login(t, ts, "ed@example.com", userPassword)

	wantRedirect(t, ed.post("/apps", url.Values{"name": {"Calm Sky"}, "slug": {"calm-sky"}}), "/apps/calm-sky/platforms")
	r := ed.get("/apps/calm-sky/platforms")
	wantStatus(t, r, http.StatusOK)
	if flash := text(r.doc.Find(`[data-testid="flash"]`)); !strings.Contains(flash, "Created Calm Sky") {
		t.Errorf("flash after creating the app = %q", flash)
	}
	if r.doc.Find(`[data-testid="new-platform-form"]`).Length() != 1 {
		t.Error("the editor is not offered the new platform form")
	}

	wantRedirect(t, ed.post("/apps/calm-sky/platforms", url.Values{"ref": {"ios"}, "store": {"apple"}, "name": {"iOS"},
		"bundle_id": {"com.example.calmsky"}, "environment": {"production"}}), "/apps/calm-sky/platforms")
	wantRedirect(t, ed.post("/apps/calm-sky/entitlements", url.Values{"ref": {"premium"}, "name": {"Premium"},
		"description": {"All sessions"}}), "/apps/calm-sky/entitlements")
	wantRedirect(t, ed.post("/apps/calm-sky/products", url.Values{"platform": {"ios"}, "sku": {"calmsky.monthly"},
		"name": {"Monthly"}, "kind": {"subscription"}, "price": {"9.99"}, "currency": {"usd"}, "period": {"P1M"},
		"trial": {"p1w"}, "entitlements": {"premium"}}), "/apps/calm-sky/products")

	f := exportApp(t, ts, "calm-sky")
	if len(f.Platforms) != 1 || f.Platforms[0].Ref != "ios" || f.Platforms[0].Store != "apple" || f.Platforms[0].BundleID != "com.example.calmsky" {
		t.Errorf("platforms = %+v", f.Platforms)
	}
	if len(f.Entitlements) != 1 || f.Entitlements[0].Ref != "premium" || f.Entitlements[0].Description != "All sessions" {
		t.Errorf("entitlements = %+v", f.Entitlements)
	}
	if len(f.Products) != 1 {
		t.Fatalf("products = %+v", f.Products)
	}
	p := f.Products[0]
	if p.SKU != "calmsky.monthly" || p.Price != "9.99" || p.Currency != "USD" || p.Period != "P1M" || p.Trial != "P1W" ||
		len(p.Entitlements) != 1 || p.Entitlements[0] != "premium" {
		t.Errorf("product = %+v; want the currency and trial upper-cased and the grant stored", p)
	}

	r = ed.get("/apps/calm-sky/products")
	row := r.doc.Find(`[data-testid="product-row"]`)
	if row.Length() != 1 || text(row.Find(`[data-testid="price"]`)) != "$9.99 / month, 1 week free" {
		t.Errorf("product rows: %d, price %q", row.Length(), text(row.Find(`[data-testid="price"]`)))
	}
	if got := text(row.Find(".badge-violet")); got != "premium" {
		t.Errorf("grants shown = %q, want premium", got)
	}

	// Editors manage the catalog, not the team.
	wantStatus(t, ed.post("/team", url.Values{"email": {"x@example.com"}, "name": {"X"}, "role": {"viewer"}, "password": {"x-password-1"}}), http.StatusForbidden)
	wantStatus(t, ed.post("/apps/calm-sky/delete", nil), http.StatusForbidden)
}
