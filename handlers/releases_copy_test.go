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

// editSpringCopy changes the demo paywall spring's copy in the drafts, marking them changed as
// the paywall editor does.
func editSpringCopy(t *testing.T, ts *testServer, appID int64, edit func(locale string, c *store.Copy)) {
	t.Helper()
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		pw, err := tx.Paywall(ctx, appID, "spring")
		if err != nil {
			return err
		}
		for i := range pw.Copy {
			edit(pw.Copy[i].Locale, &pw.Copy[i])
		}
		if err := tx.UpdatePaywall(ctx, &pw); err != nil {
			return err
		}
		return tx.TouchApp(ctx, appID)
	})
}

func TestReleasesPageRefusesAPaywallWithoutATitle(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	applySDKDemo(t, ts.st)
	app, err := ts.st.AppBySlug(context.Background(), "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	editSpringCopy(t, ts, app.ID, func(locale string, c *store.Copy) {
		if locale == "en" {
			c.Title = ""
		}
	})
	const want = `Paywall "Spring offer": the English title is empty; write one before publishing.`
	page := owner.get("/apps/calm-sky/releases")
	wantStatus(t, page, http.StatusOK)
	errs := page.doc.Find(`[data-testid="publish-error"]`)
	if errs.Length() != 1 || text(errs) != want {
		t.Errorf("errors %q, want %q", text(errs), want)
	}
	if href, _ := errs.Find("a").Attr("href"); href != "/apps/calm-sky/paywalls/spring" {
		t.Errorf("the error links to %q, want the paywall", href)
	}
	if _, disabled := page.doc.Find(`[data-testid="publish"]`).Attr("disabled"); !disabled {
		t.Errorf("the publish button is enabled despite an error")
	}
	r := owner.post("/apps/calm-sky/releases", url.Values{"note": {"spring"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(text(r.doc.Find(`[data-testid="form-error"]`)), "Nothing was published") ||
		text(r.doc.Find(`[data-testid="publish-error"]`)) != want {
		t.Errorf("the refused publish shows %q and %q", text(r.doc.Find(`[data-testid="form-error"]`)), text(r.doc.Find(`[data-testid="publish-errors"]`)))
	}
	if n := releaseCount(t, ts, app.ID); n != 0 {
		t.Errorf("%d releases stored despite the empty title", n)
	}
}

func TestReleasesPageShowsCopyBeforeAndAfterAndAsksToConfirm(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	applySDKDemo(t, ts.st)
	app, err := ts.st.AppBySlug(context.Background(), "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	page := owner.get("/apps/calm-sky/releases")
	if got, want := page.doc.Find(`[data-testid="publish-form"]`).AttrOr("data-confirm", ""),
		"Publish release 1: 4 platforms, 2 entitlements, 8 products, 3 paywalls, 4 campaigns."; got != want {
		t.Errorf("first confirmation %q, want %q", got, want)
	}
	wantRedirect(t, owner.post("/apps/calm-sky/releases", url.Values{}), "/apps/calm-sky/releases")

	long := "Sleep better this spring with guided sessions, stories and courses for every night"
	editSpringCopy(t, ts, app.ID, func(locale string, c *store.Copy) {
		switch locale {
		case "en":
			c.Title = "Sleep better"
			c.Body = long
		case "de":
			c.Subtitle = "" // a warning: English has one
		}
	})
	page = owner.get("/apps/calm-sky/releases")
	change := page.doc.Find(`[data-testid="change"][data-ref="spring"]`)
	if !strings.Contains(text(change), "changed spring copy") {
		t.Errorf("change %q", text(change))
	}
	var texts []string
	change.Find(`[data-testid="change-text"]`).Each(func(_ int, s *goquery.Selection) { texts = append(texts, text(s)) })
	want := []string{
		`de subtitle: "Kostenlos testen, jederzeit kündbar" → (empty)`,
		`en title: "Sleep better this spring" → "Sleep better"`,
	}
	got := strings.Join(texts, "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("change texts lack %q:\n%s", w, got)
		}
	}
	if !strings.Contains(got, `→ "Sleep better this spring with guided sessions, stories and…"`) {
		t.Errorf("the long body is not cut with an ellipsis:\n%s", got)
	}
	warnings := text(page.doc.Find(`[data-testid="publish-warning"]`))
	if !strings.Contains(warnings, `Paywall "Spring offer": the German copy has no subtitle, which the English copy has`) {
		t.Errorf("warnings %q", warnings)
	}
	if got, want := page.doc.Find(`[data-testid="publish-form"]`).AttrOr("data-confirm", ""),
		"Publish release 2: 1 paywall changed; 1 warning."; got != want {
		t.Errorf("confirmation %q, want %q", got, want)
	}
	// Warnings do not block.
	wantRedirect(t, owner.post("/apps/calm-sky/releases", url.Values{}), "/apps/calm-sky/releases")
	if n := releaseCount(t, ts, app.ID); n != 2 {
		t.Errorf("%d releases, want 2", n)
	}
}
