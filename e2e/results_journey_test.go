package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nami/demo"
	"nami/publish"
)

// noSideways is a condition: the page does not scroll sideways.
const noSideways = `document.documentElement.scrollWidth <= window.innerWidth + 1`

// chartDrawn is a condition: every chart of the page has its canvas.
const chartDrawn = `document.querySelectorAll(".chart").length > 0 && [...document.querySelectorAll(".chart")].every(c => c.querySelector("canvas") && c.querySelector("canvas").width > 0)`

// A marketer opens the demo app: the overview leads with the last 30 days, the analytics page
// draws its charts, the onboarding test's results name b the winner, and declaring it makes a
// draft change that the Releases page lists. Screenshots at desktop and phone width.
func TestResultsJourneyFromOverviewToDeclaredWinner(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	ctx := context.Background()
	if _, err := publish.Publish(ctx, st, a.Slug, "demo@example.com", "Demo catalog"); err != nil {
		t.Fatal(err)
	}
	if err := demo.History(ctx, st, a, time.Now()); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)

	b.open("/apps/calm-sky", `[data-testid="overview-analytics"]`)
	if got := b.text(`[data-testid="overview-analytics"] [data-testid="total-impressions"]`); !strings.HasPrefix(got, "Impressions") || strings.Contains(got, "Impressions 0 ") {
		t.Errorf("overview impressions tile %q", got)
	}
	if got := b.text(`[data-testid="overview-analytics"]`); !strings.Contains(got, "Onboarding A/B") || !strings.Contains(got, "b wins") {
		t.Errorf("the overview does not say the onboarding test has a winner: %q", got)
	}
	b.shot("overview")

	b.do("open analytics", chromedp.Click(chromedp.CSS(`[data-testid="nav-analytics"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="kpis"]`)))
	b.waitUntil("the charts are drawn", chartDrawn)
	if got := b.text(`[data-testid="paywall-analytics"]`); !strings.Contains(got, "Spring offer") || !strings.Contains(got, "Yearly focus") {
		t.Errorf("paywall table %q", got)
	}
	if got := b.text(`[data-testid="demo-notice"]`); !strings.Contains(got, "Demo data") {
		t.Errorf("demo notice %q", got)
	}
	b.shot("analytics-desktop")

	b.do("open the onboarding test's results", chromedp.Click(chromedp.CSS(`[data-testid="results-link-onboarding-ab"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="verdict"]`)))
	b.waitUntil("the chart is drawn", chartDrawn)
	if kind := get(b, "read the verdict", chromedp.Evaluate[string](`document.querySelector('[data-testid="verdict"]').dataset.kind`)); kind != "winner" {
		t.Errorf("verdict %q, want winner", kind)
	}
	headline := b.text(`[data-testid="headline"]`)
	if !strings.HasPrefix(headline, "Variant b converts ") || !strings.Contains(headline, "chance to be better") || !strings.Contains(headline, "Holdout: ") {
		t.Errorf("headline %q", headline)
	}
	if got := b.text(`[data-testid="arm-b"]`); !strings.Contains(got, "winner") {
		t.Errorf("arm b row %q does not say winner", got)
	}
	b.shot("results-desktop")

	b.do("narrow the window to a phone", chromedp.EmulateViewport(390, 844))
	b.open(b.path(), `[data-testid="verdict"]`)
	b.waitUntil("the chart is drawn", chartDrawn)
	if !b.eventually(noSideways) {
		t.Errorf("the results page scrolls sideways on a phone (%v px wide)", get(b, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)))
	}
	b.shot("results-phone")
	b.open("/apps/calm-sky/analytics", `[data-testid="kpis"]`)
	b.waitUntil("the charts are drawn", chartDrawn)
	if !b.eventually(noSideways) {
		t.Errorf("the analytics page scrolls sideways on a phone")
	}
	b.shot("analytics-phone")
	b.do("widen the window", chromedp.EmulateViewport(1280, 900))

	// Declare b the winner and drop the holdout.
	b.open("/apps/calm-sky/campaigns/onboarding-ab/results", `[data-testid="winner"]`)
	if checked := get(b, "read the proposed winner", chromedp.Evaluate[bool](`document.querySelector('[data-testid="winner-b"]').checked`)); !checked {
		t.Error("the form does not propose b, the winner")
	}
	b.do("accept the confirmation", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
	b.do("drop the holdout", chromedp.Click(chromedp.CSS(`[data-testid="drop-holdout"]`)))
	b.do("declare the winner", chromedp.Click(chromedp.CSS(`[data-testid="declare-winner"]`)))
	waitAcrossLoads(b, "the flash", `document.querySelector(".flash-success") && document.querySelector(".flash-success").textContent.includes("Variant b is now the only variant")`)
	b.shot("winner-declared")

	b.open("/apps/calm-sky/releases", `[data-testid="nav-releases"]`)
	if got := b.text("main"); !strings.Contains(got, "changed onboarding-ab holdout_percent, variants") {
		t.Errorf("the Releases page does not list the campaign's change: %q", got)
	}
	b.open("/apps/calm-sky/campaigns/onboarding-ab", `form#builder`)
	if got := b.text(`form#builder`); strings.Contains(got, "spring") && strings.Contains(got, "Spring offer") {
		t.Errorf("the builder still shows variant a's paywall: %q", got)
	}
	cp, err := st.Campaign(ctx, a.ID, "onboarding-ab")
	if err != nil {
		t.Fatal(err)
	}
	if len(cp.Variants) != 1 || cp.Variants[0].Ref != "b" || cp.Variants[0].Weight != 100 || cp.HoldoutPercent != 0 {
		t.Errorf("campaign after the declaration: holdout %d, variants %+v", cp.HoldoutPercent, cp.Variants)
	}
}
