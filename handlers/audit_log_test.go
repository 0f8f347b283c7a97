package handlers_test

import (
	"context"
	"encoding/csv"
	"nami/store"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The audit log filters by app, person and kind, links each entry to its item, shows what a
// paywall's save changed, and exports CSV.
func TestAuditLogFiltersLinksAndShowsChanges(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := seedResults(t, ts) // the demo catalog, applied and published by "test"

	// The owner changes the spring paywall's title through the editor.
	page := c.get(a.path + "/paywalls/spring")
	vals := formValues(page.doc, "pw-form")
	vals.Set("copy[en][title]", "Sleep better all year")
	wantStatus(t, c.post(a.path+"/paywalls/spring", vals), http.StatusSeeOther)

	log := c.get("/audit?entity=paywall&user=" + url.QueryEscape(ownerEmail))
	wantStatus(t, log, http.StatusOK)
	rows := log.doc.Find(`[data-testid="audit-row"]`)
	if rows.Length() != 1 {
		t.Fatalf("%d rows for the owner's paywall changes, want 1", rows.Length())
	}
	if href, _ := rows.Find(`[data-testid="audit-link"]`).Attr("href"); href != a.path+"/paywalls/spring" {
		t.Errorf("the entry links to %q", href)
	}
	change := text(rows.Find(`[data-testid="change"][data-field="en title"]`))
	if !strings.Contains(change, "this") || !strings.Contains(change, "all year") {
		t.Errorf("the entry shows the change %q", change)
	}
	// Another person's entries and other kinds are filtered out; the filters offer every value.
	if n := c.get("/audit?user=nobody@example.com").doc.Find(`[data-testid="audit-row"]`).Length(); n != 0 {
		t.Errorf("%d rows for a person with no entries", n)
	}
	all := c.get("/audit")
	if all.doc.Find(`select[name="entity"] option[value="paywall"]`).Length() != 1 || all.doc.Find(`select[name="app"] option[value="calm-sky"]`).Length() != 1 {
		t.Error("the filters do not offer the log's apps and kinds")
	}

	r := c.get("/audit?format=csv&app=calm-sky")
	wantStatus(t, r, http.StatusOK)
	recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 3 || strings.Join(recs[0], ",") != "at,user,app,action,entity,ref,detail" {
		t.Fatalf("CSV %q", recs)
	}
	found := false
	for _, rec := range recs[1:] {
		found = found || (rec[4] == "paywall" && rec[5] == "spring" && rec[1] == ownerEmail)
	}
	if !found {
		t.Error("the CSV lacks the paywall change")
	}
}

// A failed sign-in of an existing account is in the audit log; after a link sets a password,
// the sign-in page says so even though a signed-out browser keeps no session.
func TestFailedSignInIsAuditedAndLinkUseIsAnnounced(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	c := ts.newClient(t)
	wantStatus(t, c.get("/login"), http.StatusOK)
	wantStatus(t, c.post("/login", url.Values{"email": {ownerEmail}, "password": {"not-the-password-1"}}), http.StatusUnauthorized)
	log := owner.get("/audit?entity=user")
	if got := text(log.doc.Find(`[data-testid="audit-table"]`)); !strings.Contains(got, "failed sign-in") {
		t.Errorf("the audit log lacks the failed sign-in: %q", got)
	}
	for q, want := range map[string]string{"?password=set": "Your new password is set", "?joined=1": "Your password is set"} {
		if got := text(c.get("/login" + q).doc.Find("body")); !strings.Contains(got, want) {
			t.Errorf("/login%s does not say %q", q, want)
		}
	}
}

// Editing a product records what changed, field by field, and the entry links to the product.
func TestAuditLogShowsAProductsChangedFields(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	form := c.get(s.appsPath + "/products/ios/calmsky.monthly").doc.Find(`[data-testid="product-edit-row"] form`)
	vals := productFormValues(form)
	vals.Set("price", "8.99")
	vals.Set("name", "Monthly plan")
	wantRedirect(t, c.post(s.appsPath+"/products/ios/calmsky.monthly", vals), s.appsPath+"/products")
	row := c.get("/audit?entity=product").doc.Find(`[data-testid="audit-row"]`).First()
	if got := text(row); !strings.Contains(got, `name: "Monthly" → "Monthly plan"`) || !strings.Contains(got, `price: "9.99" → "8.99"`) || strings.Contains(got, "currency:") {
		t.Errorf("the entry says %q", got)
	}
	if href, _ := row.Find(`[data-testid="audit-link"]`).Attr("href"); href != s.appsPath+"/products/ios/calmsky.monthly" {
		t.Errorf("the entry links to %q", href)
	}
}

// Exported text that a spreadsheet would run as a formula starts with an apostrophe.
func TestCSVCellsAreNotFormulas(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	ra := seedResults(t, ts)
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		cp, err := tx.Campaign(ctx, ra.app.ID, "default")
		if err != nil {
			return err
		}
		cp.Name = `=HYPERLINK("http://x","Open")`
		return tx.UpdateCampaign(ctx, &cp)
	})
	r := c.get(ra.path + "/analytics?format=csv&table=campaigns")
	wantStatus(t, r, http.StatusOK)
	recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("CSV %q: %v", r.body, err)
	}
	found := false
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("a cell starts a formula: %q", cell)
			}
			found = found || cell == `'=HYPERLINK("http://x","Open")`
		}
	}
	if !found {
		t.Errorf("the campaign's name is not in the CSV: %q", recs)
	}
}
