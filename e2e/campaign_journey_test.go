package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"nami/engine"
	"nami/store"
)

// bucketOf is DESIGN.md's bucket: the first 8 bytes of SHA-256(salt:campaign:device), big-endian, mod 10000.
func bucketOf(salt, campaign, device string) uint64 {
	sum := sha256.Sum256([]byte(salt + ":" + campaign + ":" + device))
	return binary.BigEndian.Uint64(sum[:8]) % 10000
}

// deviceFor returns the first device id "<prefix>-<n>" whose holdout and variant buckets satisfy ok.
func deviceFor(t *testing.T, prefix, campaign string, ok func(holdout, variant uint64) bool) string {
	t.Helper()
	for n := 0; n < 100000; n++ {
		id := fmt.Sprintf("%s-%d", prefix, n)
		if ok(bucketOf("holdout", campaign, id), bucketOf("variant", campaign, id)) {
			return id
		}
	}
	t.Fatalf("no device id found for %s", campaign)
	return ""
}

// openBuilder opens a campaign's builder and lets builder.js settle: on a browser's first visit it
// stores the time zone in a cookie and reloads the page once.
func openBuilder(b *browser, path string) {
	b.t.Helper()
	b.open(path, `form#builder`)
	waitAcrossLoads(b, "the zone cookie", `document.readyState === "complete" && document.cookie.split("; ").some(c => c.startsWith("tz="))`)
	b.open(path, `form#builder`)
}

// A marketer turns a new campaign into an A/B test from the template, narrows its audience, splits
// the traffic 70/30, makes it live, and checks in the simulator where two devices land.
func TestCampaignJourneyFromTemplateToSimulatedDevices(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	const (
		newForm  = `[data-testid="new-campaign-form"]`
		total    = `[data-testid="weight-total"]`
		rows     = `[data-testid="variant-row"]`
		conds    = `[data-testid="condition-row"]`
		weight0  = `input[name="variants[0][weight]"]`
		weight1  = `input[name="variants[1][weight]"]`
		outcome  = `[data-testid="sim-outcome"]`
		simForm  = `[data-testid="simulate-form"]`
		simTitle = `[data-testid="simulation-result"] [data-testid="paywall-title"]`
	)

	// A new draft from the list.
	b.open("/apps/calm-sky/campaigns", newForm)
	b.do("type the name", chromedp.SendKeys(chromedp.CSS(newForm+` #f-name`), "Summer test"))
	if !b.eventually(`document.querySelector('` + newForm + ` #f-ref').value === "summer-test"`) {
		t.Errorf("typing Summer test suggested the ref %q", b.value(newForm+` #f-ref`))
		b.typeInto(newForm+` #f-ref`, "summer-test")
	}
	b.typeInto(newForm+` #f-label`, "summer")
	b.do("create the campaign", chromedp.Click(chromedp.CSS(newForm+` button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`form#builder`)))
	path := "/apps/calm-sky/campaigns/summer-test"
	if p := b.path(); p != path {
		t.Fatalf("after creating the campaign the browser is on %s", p)
	}
	openBuilder(b, path)
	b.markPage("builder")

	// The A/B template: two variants, 50/50, a 10% holdout; the label typed at creation stays.
	b.choose(`[data-testid="template-select"]`, "ab")
	b.do("accept the confirmation", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
	b.do("apply the template", chromedp.Click(chromedp.CSS(`[data-testid="apply-template"]`)))
	b.waitUntil("two variants", `document.querySelectorAll('`+rows+`').length === 2`)
	if v := b.value(`#f-label`); v != "summer" {
		t.Errorf("after the template the label is %q, want summer", v)
	}
	if v := b.value(`#f-holdout_percent`); v != "10" {
		t.Errorf("after the template the holdout is %q, want 10", v)
	}
	if got := textNow(b, total); got != "Total 100%" {
		t.Errorf("after the template the total says %q", got)
	}
	b.shot("campaign-template")

	// An audience row.
	b.do("add a condition", chromedp.Click(chromedp.CSS(`[data-testid="add-condition"]`)))
	b.waitUntil("a condition row", `document.querySelectorAll('`+conds+`').length === 1`)
	if v := b.value(conds + ` [data-testid="condition-attribute"]`); v != "country" {
		t.Errorf("the new condition tests %q", v)
	}
	b.typeInto(conds+` [data-testid="condition-values"]`, "US, CA")

	// The weights: the total follows as they are typed.
	b.typeInto(weight0, "70")
	b.waitUntil("the total of 70 and 50", jsText(total)+`.startsWith("Total 120%")`)
	if bad := get(b, "read the total's state", chromedp.Evaluate[bool](`document.querySelector('`+total+`').classList.contains("bad")`)); !bad {
		t.Error("a total of 120% is not marked as wrong")
	}
	b.typeInto(weight1, "30")
	b.waitUntil("the total of 100", jsText(total)+` === "Total 100%"`)
	if ok := get(b, "read the total's state", chromedp.Evaluate[bool](`document.querySelector('`+total+`').classList.contains("ok")`)); !ok {
		t.Error("a total of 100% is not marked as right")
	}
	b.choose(`#f-status`, "live")
	if !b.samePage("builder") {
		t.Error("building loaded a new page; want each step swapped in place")
	}
	b.shot("campaign-built")

	submitAndLoad(b, "save", `[data-testid="save"]`, `form#builder`)
	if f := currentFlash(b); !strings.Contains(f, "Saved Summer test") {
		t.Errorf("after saving the flash says %q", f)
	}
	cp, err := st.Campaign(context.Background(), a.ID, "summer-test")
	if err != nil {
		t.Fatal(err)
	}
	if cp.Status != "live" || cp.Label != "summer" || cp.HoldoutPercent != 10 || cp.Priority != 10 {
		t.Errorf("stored status %q label %q holdout %d priority %d", cp.Status, cp.Label, cp.HoldoutPercent, cp.Priority)
	}
	wantAudience := engine.Audience{Match: "all", Conditions: []engine.Condition{{Attribute: "country", Operator: "in", Values: []string{"US", "CA"}}}}
	if !reflect.DeepEqual(cp.Audience, wantAudience) {
		t.Errorf("stored audience %+v", cp.Audience)
	}
	if len(cp.Variants) != 2 || cp.Variants[0].Weight != 70 || cp.Variants[1].Weight != 30 {
		t.Fatalf("stored variants %+v", cp.Variants)
	}
	nameA, nameB := cp.Variants[0].PaywallName, cp.Variants[1].PaywallName

	// Devices precomputed to land in each arm of the 10% holdout and the 70/30 split.
	inA := deviceFor(t, "phone", "summer-test", func(h, v uint64) bool { return h >= 1000 && v < 7000 })
	inB := deviceFor(t, "phone", "summer-test", func(h, v uint64) bool { return h >= 1000 && v >= 7000 })
	held := deviceFor(t, "phone", "summer-test", func(h, _ uint64) bool { return h < 1000 })

	// The simulator, filled in as a marketer would.
	b.open("/apps/calm-sky/simulate", simForm)
	b.choose(simForm+` #f-platform`, "ios")
	b.typeInto(simForm+` #f-label`, "summer")
	b.typeInto(simForm+` #f-device_id`, inA)
	b.typeInto(simForm+` #f-country`, "US")
	b.do("simulate", chromedp.Click(chromedp.CSS(`[data-testid="simulate"]`)), chromedp.WaitVisible(chromedp.CSS(outcome)))
	if got, want := textNow(b, outcome), "Summer test, variant a: "+nameA; got != want {
		t.Errorf("device %s: the simulator says %q, want %q", inA, got, want)
	}
	if textNow(b, simTitle) == "" {
		t.Error("the simulator shows no preview of variant a's paywall")
	}
	b.shot("simulate-a")

	for _, tc := range []struct{ device, country, want string }{
		{inB, "CA", "Summer test, variant b: " + nameB},
		{held, "US", "Summer test: held out, no paywall"},
		{inA, "FR", "No campaign: no paywall is shown"},
	} {
		q := url.Values{"platform": {"ios"}, "label": {"summer"}, "device_id": {tc.device}, "country": {tc.country}}
		b.open("/apps/calm-sky/simulate?"+q.Encode(), outcome)
		if got := textNow(b, outcome); got != tc.want {
			t.Errorf("device %s in %s: the simulator says %q, want %q", tc.device, tc.country, got, tc.want)
		}
	}
	b.shot("simulate-b")
}

// A marketer in Berlin sees and types the schedule in Berlin time, and it is stored in UTC.
func TestCampaignBuilderShowsTheScheduleInTheBrowsersZone(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) // 09:00 in Berlin
	cp, err := st.Campaign(ctx, a.ID, "onboarding-ab")
	if err != nil {
		t.Fatal(err)
	}
	cp.StartsAt = &start
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateCampaign(ctx, &cp) }); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv.URL)
	tzCtx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(tzCtx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Berlin"}); err != nil {
		t.Fatalf("emulating Berlin time: %v", err)
	}
	if zone := get(b, "read the browser's zone", chromedp.Evaluate[string](`Intl.DateTimeFormat().resolvedOptions().timeZone`)); zone != "Europe/Berlin" {
		t.Fatalf("the browser's zone is %q", zone)
	}
	ownerSetUpInBrowser(b)
	path := "/apps/calm-sky/campaigns/onboarding-ab"
	openBuilder(b, path)

	if got := textNow(b, `[data-testid="zone"]`); !strings.Contains(got, "Europe/Berlin") {
		t.Errorf("the builder says %q, want the times in Europe/Berlin", got)
	}
	if v := b.value(`#f-starts_at`); v != "2026-12-01T09:00" {
		t.Errorf("the start shows as %q, want 2026-12-01T09:00 (Berlin)", v)
	}
	b.do("type the end", chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector('#f-ends_at'); e.value = "2026-12-03T18:30"; e.dispatchEvent(new Event("input", {bubbles: true})) })()`))
	submitAndLoad(b, "save", `[data-testid="save"]`, `form#builder`)
	if f := currentFlash(b); !strings.Contains(f, "Saved") {
		t.Errorf("after saving the flash says %q", f)
	}
	saved, err := st.Campaign(ctx, a.ID, "onboarding-ab")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 3, 17, 30, 0, 0, time.UTC); saved.EndsAt == nil || !saved.EndsAt.Equal(want) {
		t.Errorf("18:30 in Berlin was stored as %v, want %v", saved.EndsAt, want)
	}
	if saved.StartsAt == nil || !saved.StartsAt.Equal(start) {
		t.Errorf("saving moved the start to %v, want %v", saved.StartsAt, start)
	}
}
