package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axe-core, vendored for the tests only from the npm package (e2e/testdata/axe/README.md).
var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

func axeScript(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		b, err := os.ReadFile("testdata/axe/axe.min.js")
		axeSource, axeErr = string(b), err
	})
	if axeErr != nil {
		t.Fatalf("axe-core: %v", axeErr)
	}
	return axeSource
}

// axeViolation is what axe reports for one rule, with the nodes that break it.
type axeViolation struct {
	ID     string
	Impact string
	Help   string
	Nodes  []struct {
		Target  []any
		Summary string
	}
}

// runAxe injects axe-core into the current page (once per document) and returns the violations
// of the WCAG 2.x A and AA rules and axe's best practices.
func runAxe(b *browser) []axeViolation {
	b.t.Helper()
	if !get(b, "is axe loaded", chromedp.Evaluate[bool](`typeof window.axe === "object"`)) {
		b.do("inject axe-core", chromedp.Evaluate[chromedp.Void](axeScript(b.t)+"\n;undefined"))
	}
	raw := get(b, "run axe", chromedp.Evaluate[string](`axe.run(document, {
			resultTypes: ["violations"],
			runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
		}).then(r => JSON.stringify(r.violations.map(v => ({
			ID: v.id, Impact: v.impact || "", Help: v.help,
			Nodes: v.nodes.map(n => ({Target: n.target, Summary: n.failureSummary || ""}))
		}))))`, chromedp.EvalAwaitPromise))
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("axe's answer: %v", err)
	}
	return vs
}

// describe is one violation with every target, for the failure message.
func (v axeViolation) describe() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&s, "\n\t\t%v", n.Target)
		if sum := strings.Join(strings.Fields(n.Summary), " "); sum != "" {
			if len(sum) > 240 {
				sum = sum[:240] + "…"
			}
			fmt.Fprintf(&s, " — %s", sum)
		}
	}
	return s.String()
}

// axePages are the main pages of the control center over the demo app, with an element that
// shows each has loaded.
var axePages = []struct{ name, path, ready string }{
	{"apps list", "/apps", `[data-testid="page-title"]`},
	{"app overview", "/apps/calm-sky", `[data-testid="overview-platforms"]`},
	{"analytics", "/apps/calm-sky/analytics", `[data-testid="page-title"]`},
	{"platforms", "/apps/calm-sky/platforms", `[data-testid="page-title"]`},
	{"entitlements", "/apps/calm-sky/entitlements", `[data-testid="page-title"]`},
	{"products", "/apps/calm-sky/products", `[data-testid="page-title"]`},
	{"paywalls list", "/apps/calm-sky/paywalls", `[data-testid="page-title"]`},
	{"paywall editor", "/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`},
	{"paywall editor (cards)", "/apps/calm-sky/paywalls/yearly-focus", `[data-testid="paywall-editor"]`},
	{"campaigns", "/apps/calm-sky/campaigns", `[data-testid="page-title"]`},
	{"campaign builder", "/apps/calm-sky/campaigns/onboarding-ab", `form#builder`},
	{"simulator", "/apps/calm-sky/simulate", `[data-testid="page-title"]`},
	{"releases", "/apps/calm-sky/releases", `[data-testid="page-title"]`},
	{"results", "/apps/calm-sky/campaigns/onboarding-ab/results", `[data-testid="page-title"]`},
	{"team", "/team", `[data-testid="page-title"]`},
	{"audit log", "/audit", `[data-testid="page-title"]`},
}

// TestAxeFindsNoSeriousViolations runs axe-core on the main pages, signed in as the owner of the
// demo app, and on the sign-in page: no serious or critical violation may remain. Moderate and
// minor ones are logged.
func TestAxeFindsNoSeriousViolations(t *testing.T) {
	b := layoutSession(t)
	check := func(name string) {
		t.Helper()
		for _, v := range runAxe(b) {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s: %s", name, v.describe())
			} else {
				t.Logf("%s (not failing): %s", name, v.describe())
			}
		}
	}
	for _, p := range axePages {
		b.open(p.path, p.ready)
		check(p.name)
	}
	// The phone layout with the menu open.
	b.resize(phone)
	b.open("/apps/calm-sky", `[data-testid="overview-platforms"]`)
	b.do("open the menu", chromedp.Click(chromedp.CSS(`.topbar [data-toggle-nav]`)))
	b.waitUntil("the menu open", `document.body.classList.contains("nav-open")`)
	check("overview on a phone, menu open")
	b.resize(desktop)
	b.open("/apps", `[data-testid="page-title"]`)
	b.do("sign out", chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)), chromedp.WaitVisible(chromedp.CSS(`input[type="password"]`)))
	b.open("/login", `input[type="password"]`)
	check("sign-in")
}
