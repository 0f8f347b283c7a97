package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nami/catalog"
	"nami/demo"
	"nami/events"
	"nami/publish"
	"nami/store"
)

// resultsApp is the demo catalog, published, with its platforms by ref.
type resultsApp struct {
	app       store.App
	platforms map[string]store.AppPlatform
	path      string // /apps/calm-sky
}

func seedResults(t *testing.T, ts *testServer) resultsApp {
	t.Helper()
	ctx := context.Background()
	res, err := catalog.ApplyDemo(ctx, ts.st, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Publish(ctx, ts.st, res.App, "test", "first"); err != nil {
		t.Fatal(err)
	}
	a, err := ts.st.AppBySlug(ctx, res.App)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := ts.st.Platforms(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := resultsApp{app: a, platforms: map[string]store.AppPlatform{}, path: "/apps/" + a.Slug}
	for _, p := range ps {
		out.platforms[p.Ref] = p
	}
	return out
}

// ev is one event as an SDK sends it.
type ev map[string]any

// send stores a batch through the SDK API's own check and the store's event insert, as
// POST /sdk/v1/platforms/{key}/events does, and folds it into the aggregates.
func send(t *testing.T, ts *testServer, platformID int64, batch ...ev) {
	t.Helper()
	body, err := json.Marshal(map[string][]ev{"events": batch})
	if err != nil {
		t.Fatal(err)
	}
	checked, problem := events.Parse(body, platformID, time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC))
	if problem != nil {
		t.Fatalf("events.Parse: %s", problem.Message)
	}
	if _, err := ts.st.CommitEvents(context.Background(), [][]store.Event{checked}); err != nil {
		t.Fatal(err)
	}
	if err := ts.st.AggregateAll(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func exposure(id, device, at, variant string) ev {
	e := ev{"id": id, "type": "exposure", "device_id": device, "time": at, "campaign": "onboarding-ab", "placement": "onboarding"}
	if variant == "holdout" {
		e["holdout"] = true
	} else {
		e["variant"] = variant
	}
	return e
}

func purchase(id, device, at, amount, currency string) ev {
	return ev{"id": id, "type": "purchase", "device_id": device, "time": at, "sku": "com.example.calmsky.monthly", "revenue": amount, "currency": currency}
}

// knownHistory is a small history whose results are worked out by hand in TestCampaignResultsJSON.
func knownHistory(t *testing.T, ts *testServer, ra resultsApp) {
	ios, android := ra.platforms["ios"].ID, ra.platforms["android"].ID
	d1 := []ev{
		exposure("d1-x", "d1", "2026-11-02T10:00:00Z", "a"),
		{"id": "d1-i1", "type": "impression", "device_id": "d1", "time": "2026-11-02T10:00:01Z", "campaign": "onboarding-ab", "variant": "a", "paywall": "spring"},
		{"id": "d1-i2", "type": "impression", "device_id": "d1", "time": "2026-11-03T09:00:00Z", "campaign": "onboarding-ab", "variant": "a", "paywall": "spring"},
		purchase("d1-p", "d1", "2026-11-05T10:00:00Z", "9.99", "USD"),
	}
	send(t, ts, ios, d1...)
	send(t, ts, ios, d1...) // a retried batch: same ids, counted once
	send(t, ts, ios,
		// d2 buys exactly 7 days after its exposure: outside a 7-day window.
		exposure("d2-x", "d2", "2026-11-03T12:00:00Z", "a"),
		purchase("d2-p", "d2", "2026-11-10T12:00:00Z", "9.99", "USD"),
		// d3 buys one second before the window closes.
		exposure("d3-x", "d3", "2026-11-03T12:00:00Z", "a"),
		purchase("d3-p", "d3", "2026-11-10T11:59:59Z", "9.99", "USD"),
		// d4 bought before it was exposed: not a conversion.
		purchase("d4-p", "d4", "2026-11-04T10:00:00Z", "59.99", "USD"),
		exposure("d4-x", "d4", "2026-11-05T10:00:00Z", "a"),
	)
	// d5's second exposure (arm a) arrives before its first (arm b): it stays in b, exposed twice.
	send(t, ts, ios, exposure("d5-x2", "d5", "2026-11-03T08:00:00Z", "a"))
	send(t, ts, ios,
		exposure("d5-x1", "d5", "2026-11-02T08:00:00Z", "b"),
		ev{"id": "d5-i", "type": "impression", "device_id": "d5", "time": "2026-11-02T08:00:01Z", "campaign": "onboarding-ab", "variant": "b", "paywall": "yearly-focus"},
		purchase("d5-p", "d5", "2026-11-04T08:00:00Z", "54.99", "EUR"),
		// d6 starts a trial and buys twice: one conversion, both purchases in revenue.
		exposure("d6-x", "d6", "2026-11-06T08:00:00Z", "b"),
		ev{"id": "d6-t", "type": "trial_start", "device_id": "d6", "time": "2026-11-06T08:05:00Z", "sku": "com.example.calmsky.yearly", "revenue": "0", "currency": "USD"},
		purchase("d6-p1", "d6", "2026-11-07T08:00:00Z", "59.99", "USD"),
		purchase("d6-p2", "d6", "2026-11-08T08:00:00Z", "9.99", "USD"),
		// d8 was first exposed before the range: it is not a device of this range.
		exposure("d8-x1", "d8", "2026-10-31T23:00:00Z", "b"),
		exposure("d8-x2", "d8", "2026-11-02T10:00:00Z", "b"),
		purchase("d8-p", "d8", "2026-11-02T11:00:00Z", "9.99", "USD"),
	)
	// d7 is held out, on Android, and buys from the app's own screen.
	send(t, ts, android,
		exposure("d7-x", "d7", "2026-11-02T10:00:00Z", "holdout"),
		purchase("d7-p", "d7", "2026-11-03T10:00:00Z", "9.99", "USD"),
	)
}

// report is the JSON of the results, decoded loosely so that nulls show.
type report struct {
	Campaign          string           `json:"campaign"`
	From              string           `json:"from"`
	To                string           `json:"to"`
	WindowDays        int              `json:"window_days"`
	Baseline          string           `json:"baseline"`
	Arms              []map[string]any `json:"arms"`
	SRM               map[string]any   `json:"srm"`
	MultipleExposures int64            `json:"multiple_exposures"`
	EnoughData        bool             `json:"enough_data"`
}

func (r report) arm(t *testing.T, name string) map[string]any {
	t.Helper()
	for _, a := range r.Arms {
		if a["arm"] == name {
			return a
		}
	}
	t.Fatalf("no arm %q in %v", name, r.Arms)
	return nil
}

func getReport(t *testing.T, c *client, path string) report {
	t.Helper()
	r := c.get(path, "Accept", "application/json")
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON", ct)
	}
	var rep report
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	return rep
}

func near(t *testing.T, what string, got any, want float64) {
	t.Helper()
	f, ok := got.(float64)
	if !ok || math.Abs(f-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantCount(t *testing.T, a map[string]any, field string, want float64) {
	t.Helper()
	if a[field] != want {
		t.Errorf("arm %v: %s = %v, want %v", a["arm"], field, a[field], want)
	}
}

const resultsRange = "from=2026-11-01&to=2026-11-30"

func TestCampaignResultsJSON(t *testing.T) {
	ts := newTestServer(t)
	ra := seedResults(t, ts)
	knownHistory(t, ts, ra)
	c := signUp(t, ts)
	path := ra.path + "/campaigns/onboarding-ab/results?" + resultsRange

	rep := getReport(t, c, path)
	if rep.Campaign != "onboarding-ab" || rep.From != "2026-11-01T00:00:00Z" || rep.To != "2026-12-01T00:00:00Z" || rep.WindowDays != 7 || rep.Baseline != "a" {
		t.Errorf("header = %+v", rep)
	}
	var names []string
	for _, a := range rep.Arms {
		names = append(names, a["arm"].(string))
	}
	if strings.Join(names, ",") != "a,b,holdout" {
		t.Fatalf("arms = %v, want the variants in order, then the holdout", names)
	}
	// a: d1, d2, d3, d4 exposed; d1 (3 days) and d3 (7 days less a second) converted; d2 at
	// exactly 7 days and d4 before its exposure did not. Revenue 9.99 + 9.99. d1's retried
	// batch counts once: two impressions by one viewer.
	a := rep.arm(t, "a")
	wantCount(t, a, "exposed", 4)
	wantCount(t, a, "conversions", 2)
	wantCount(t, a, "impressions", 2)
	wantCount(t, a, "viewers", 1)
	wantCount(t, a, "trials", 0)
	near(t, "a conversion_rate", a["conversion_rate"], 0.5)
	if rev := fmt.Sprint(a["revenue"]); rev != "map[USD:19.98]" {
		t.Errorf("a revenue = %s", rev)
	}
	for _, f := range []string{"uplift", "uplift_low", "uplift_high", "chance_to_beat", "p_value"} {
		if a[f] != nil {
			t.Errorf("the baseline's %s = %v, want null", f, a[f])
		}
	}
	// b: d5 (first exposed in b, then a) and d6 exposed, both converted; d6's trial counts, and
	// both of its purchases add to revenue; d5 paid in EUR. d8 was first exposed before the range.
	b := rep.arm(t, "b")
	wantCount(t, b, "exposed", 2)
	wantCount(t, b, "conversions", 2)
	wantCount(t, b, "trials", 1)
	wantCount(t, b, "impressions", 1)
	wantCount(t, b, "viewers", 1)
	near(t, "b conversion_rate", b["conversion_rate"], 1)
	if rev := fmt.Sprint(b["revenue"]); rev != "map[EUR:54.99 USD:69.98]" {
		t.Errorf("b revenue = %s", rev)
	}
	// Uplift 1/0.5 − 1 = 1. Delta method with p_b = 1, p_a = 0.5, n = 2 and 4:
	// var = 1·0/(2·0.25) + 1·0.5·0.5/(4·0.0625) = 1, half-width 1.959964.
	near(t, "b uplift", b["uplift"], 1)
	near(t, "b uplift_low", b["uplift_low"], 1-1.959963984540054)
	near(t, "b uplift_high", b["uplift_high"], 1+1.959963984540054)
	// Pooled z-test: p = 4/6, se = sqrt(p(1−p)(1/2 + 1/4)) = sqrt(1/6), z = 0.5·sqrt(6);
	// two-sided p = erfc(z/√2).
	near(t, "b p_value", b["p_value"], math.Erfc(0.5*math.Sqrt(6)/math.Sqrt2))
	if ch, ok := b["chance_to_beat"].(float64); !ok || ch < 0.5 || ch > 1 {
		t.Errorf("b chance_to_beat = %v", b["chance_to_beat"])
	}
	h := rep.arm(t, "holdout")
	wantCount(t, h, "exposed", 1)
	wantCount(t, h, "conversions", 1)
	if rep.MultipleExposures != 1 {
		t.Errorf("multiple_exposures = %d, want 1 (d5)", rep.MultipleExposures)
	}
	if rep.EnoughData {
		t.Error("enough_data with 4, 2 and 1 exposed devices")
	}
	if rep.SRM["flagged"] != false || rep.SRM["p_value"] == nil {
		t.Errorf("srm = %v, want a p-value and not flagged", rep.SRM)
	}

	// A 30-day window takes d2's purchase in; Android alone has only the holdout.
	rep = getReport(t, c, path+"&window_days=30")
	wantCount(t, rep.arm(t, "a"), "conversions", 3)
	rep = getReport(t, c, path+"&platform=android")
	wantCount(t, rep.arm(t, "holdout"), "exposed", 1)
	wantCount(t, rep.arm(t, "a"), "exposed", 0)
	if rep.arm(t, "a")["conversion_rate"] != nil {
		t.Error("an arm without exposures has a conversion rate")
	}

	// Baseline b: a converts 0.5 against 1, an uplift of −50%.
	rep = getReport(t, c, path+"&baseline=b")
	near(t, "a uplift against b", rep.arm(t, "a")["uplift"], -0.5)
	if rep.arm(t, "b")["uplift"] != nil || rep.Baseline != "b" {
		t.Errorf("baseline b: %+v", rep.arm(t, "b"))
	}
}

func TestCampaignResultsRejectsBadFilters(t *testing.T) {
	ts := newTestServer(t)
	ra := seedResults(t, ts)
	c := signUp(t, ts)
	base := ra.path + "/campaigns/onboarding-ab/results?"
	for _, tc := range []struct{ query, want string }{
		{"from=yesterday", `from: "yesterday" is not a date`},
		{"from=2026-11-10&to=2026-11-01", "from: the start must be before the end"},
		{"window_days=0", `window_days: "0" is not a number of days from 1 to 90`},
		{"platform=tv", `platform: this app has no platform "tv"`},
		{"baseline=c", `baseline: "c" is not an arm of this campaign; choose one of a, b, holdout`},
	} {
		r := c.get(base+tc.query, "Accept", "application/json")
		wantStatus(t, r, http.StatusBadRequest)
		var answer struct{ Error string }
		if err := json.Unmarshal([]byte(r.body), &answer); err != nil || !strings.Contains(answer.Error, tc.want) {
			t.Errorf("%s: %s, want %q", tc.query, r.body, tc.want)
		}
		page := c.get(base + tc.query)
		wantStatus(t, page, http.StatusBadRequest)
		field := strings.SplitN(tc.want, ":", 2)[0]
		if msg := fieldError(page.doc.Find(`[data-testid="results-filters"]`), field); msg == "" {
			t.Errorf("%s: the page shows no message beside %s", tc.query, field)
		}
	}
	wantStatus(t, c.get(ra.path+"/campaigns/nope/results", "Accept", "application/json"), http.StatusNotFound)
}

func TestCampaignResultsSRMOnSkewedSplit(t *testing.T) {
	ts := newTestServer(t)
	ra := seedResults(t, ts)
	ios := ra.platforms["ios"].ID
	// 45/45/10 published; 300 devices in a, 200 in b, 50 held out. Expected 247.5, 247.5, 55:
	// chi-square = 52.5²/247.5 + 47.5²/247.5 + 5²/55 = 11.136 + 9.116 + 0.455 = 20.71, p ≈ 3e-5.
	var batch []ev
	add := func(n int, arm string) {
		for i := range n {
			batch = append(batch, exposure(fmt.Sprintf("%s-%d", arm, i), fmt.Sprintf("%s-dev-%d", arm, i), "2026-11-10T10:00:00Z", arm))
			if len(batch) == events.MaxBatch {
				send(t, ts, ios, batch...)
				batch = nil
			}
		}
	}
	add(300, "a")
	add(200, "b")
	add(50, "holdout")
	send(t, ts, ios, batch...)
	c := signUp(t, ts)
	path := ra.path + "/campaigns/onboarding-ab/results?" + resultsRange
	rep := getReport(t, c, path)
	chi := 52.5*52.5/247.5 + 47.5*47.5/247.5 + 5.0*5/55
	if p, ok := rep.SRM["p_value"].(float64); !ok || math.Abs(p-math.Exp(-chi/2)) > 1e-9 || rep.SRM["flagged"] != true {
		// With two degrees of freedom the chi-square survival function is exp(−x/2).
		t.Errorf("srm = %v, want flagged with p = %v", rep.SRM, math.Exp(-chi/2))
	}
	if rep.EnoughData {
		t.Error("enough_data true with a holdout of 50 exposed devices")
	}
	page := c.get(path)
	if kind, _ := page.doc.Find(`[data-testid="verdict"]`).Attr("data-kind"); kind != "srm" {
		t.Errorf("verdict kind %q, want srm", kind)
	}
	if advice := text(page.doc.Find(`[data-testid="advice"]`)); !strings.Contains(advice, "not split as the weights say") {
		t.Errorf("advice %q", advice)
	}
}

func TestCampaignResultsCSVAndPageShowTheJSONNumbers(t *testing.T) {
	ts := newTestServer(t)
	ra := seedResults(t, ts)
	knownHistory(t, ts, ra)
	c := signUp(t, ts)
	path := ra.path + "/campaigns/onboarding-ab/results?" + resultsRange
	rep := getReport(t, c, path)

	r := c.get(path + "&format=csv")
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV Content-Type %q", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	if len(rows) != 1+len(rep.Arms) {
		t.Fatalf("CSV has %d rows for %d arms:\n%s", len(rows), len(rep.Arms), r.body)
	}
	page := c.get(path)
	wantStatus(t, page, http.StatusOK)
	for i, arm := range rep.Arms {
		row := rows[1+i]
		name := arm["arm"].(string)
		if row[col["arm"]] != name {
			t.Errorf("CSV row %d is %s, want %s", i, row[col["arm"]], name)
		}
		tr := page.doc.Find(`[data-testid="arm-` + name + `"]`)
		for _, f := range []string{"exposed", "impressions", "viewers", "conversions", "trials"} {
			want := fmt.Sprint(arm[f])
			if row[col[f]] != want {
				t.Errorf("CSV %s %s = %s, JSON %s", name, f, row[col[f]], want)
			}
			if got := text(tr.Find(`[data-testid="` + f + `"]`)); got != want {
				t.Errorf("page %s %s = %q, JSON %s", name, f, got, want)
			}
		}
		if rate, ok := arm["conversion_rate"].(float64); ok {
			if row[col["conversion_rate"]] != fmt.Sprint(rate) {
				t.Errorf("CSV %s rate %s, JSON %v", name, row[col["conversion_rate"]], rate)
			}
			if got, want := text(tr.Find(`[data-testid="rate"]`)), fmt.Sprintf("%.1f%%", rate*100); got != want {
				t.Errorf("page %s rate %q, want %q", name, got, want)
			}
		}
	}
	if rows[2][col["revenue_EUR"]] != "54.99" || rows[2][col["revenue_USD"]] != "69.98" {
		t.Errorf("CSV revenue of b: %v", rows[2])
	}
	if got := text(page.doc.Find(`[data-testid="arm-b"] [data-testid="revenue"]`)); got != "EUR 54.99 USD 69.98" {
		t.Errorf("page revenue of b %q", got)
	}
	// Four devices is far from enough: the page says what it waits for.
	if got := text(page.doc.Find(`[data-testid="advice"]`)); got != "Keep it running: the holdout has 1 exposed devices of the 150 needed before the numbers mean anything." {
		t.Errorf("advice %q", got)
	}
	if got := text(page.doc.Find(`[data-testid="headline"]`)); !strings.HasPrefix(got, "Variant b converts 100.0% of exposed devices against 50.0% for a: +100% (95% interval −96% to +296%)") {
		t.Errorf("headline %q", got)
	}
}

func TestDeclareWinnerMakesADraftChangeWithTheResultsInTheAudit(t *testing.T) {
	ts := newTestServer(t)
	ra := seedResults(t, ts)
	knownHistory(t, ts, ra)
	owner := signUp(t, ts)
	addUser(t, ts, "vic@example.com", "Vic Viewer", store.RoleViewer)
	viewer := login(t, ts, "vic@example.com", userPassword)
	results := ra.path + "/campaigns/onboarding-ab/results"

	// Every role reads results; only editors declare.
	vp := viewer.get(results + "?" + resultsRange)
	wantStatus(t, vp, http.StatusOK)
	if vp.doc.Find(`[data-testid="declare-winner"]`).Length() != 0 {
		t.Error("a viewer is offered to declare a winner")
	}
	wantStatus(t, viewer.post(results[:len(results)-len("results")]+"winner", url.Values{"variant": {"b"}}), http.StatusForbidden)

	page := owner.get(results + "?" + resultsRange)
	form := page.doc.Find(`form[action$="/winner"]`)
	if form.Length() != 1 {
		t.Fatal("no declare-winner form for the owner")
	}
	version, _ := form.Find(`input[name="version"]`).Attr("value")
	query, _ := form.Find(`input[name="query"]`).Attr("value")
	r := owner.post(ra.path+"/campaigns/onboarding-ab/winner", url.Values{"variant": {"b"}, "holdout": {"drop"}, "version": {version}, "query": {query}})
	wantStatus(t, r, http.StatusSeeOther)

	cp, err := ts.st.Campaign(context.Background(), ra.app.ID, "onboarding-ab")
	if err != nil {
		t.Fatal(err)
	}
	if len(cp.Variants) != 1 || cp.Variants[0].Ref != "b" || cp.Variants[0].Weight != 100 || cp.Variants[0].PaywallRef != "yearly-focus" || cp.HoldoutPercent != 0 {
		t.Errorf("campaign after declaring b: holdout %d, variants %+v", cp.HoldoutPercent, cp.Variants)
	}
	unpublished, err := publish.Unpublished(context.Background(), ts.st.Reader, ra.app.Slug)
	if err != nil || !unpublished {
		t.Errorf("the winner is not a draft change waiting for a release (unpublished %v, %v)", unpublished, err)
	}
	rel := owner.get(ra.path + "/releases")
	if body := text(rel.doc.Find("main")); !strings.Contains(body, "changed onboarding-ab holdout_percent, variants") {
		t.Error("the Releases page does not list the campaign's change")
	}
	log, err := ts.st.AuditLog(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	e := log[0]
	if e.Action != "declared winner" || e.Ref != "onboarding-ab" || e.UserEmail != ownerEmail {
		t.Fatalf("audit entry %+v", e)
	}
	for _, want := range []string{"Declared variant b (Yearly focus) the winner", "holdout dropped (was 10%)",
		"Results 2026-11-01 to 2026-11-30, conversion window 7 days, baseline a", "a 2 of 4 exposed converted (50.0%)",
		"b 2 of 2 exposed converted (100.0%), +100% (95% interval −96% to +296%)"} {
		if !strings.Contains(e.Detail, want) {
			t.Errorf("audit detail %q lacks %q", e.Detail, want)
		}
	}

	// A stale form changes nothing.
	r = owner.post(ra.path+"/campaigns/onboarding-ab/winner", url.Values{"variant": {"b"}, "version": {version}})
	wantStatus(t, r, http.StatusSeeOther)
	after, _ := ts.st.Campaign(context.Background(), ra.app.ID, "onboarding-ab")
	if after.Version != cp.Version {
		t.Error("a stale declare-winner form saved")
	}
}

func TestDemoHistoryShowsAWinnerAndARunningTest(t *testing.T) {
	ts := newTestServer(t)
	ra := seedResults(t, ts)
	now := time.Now().UTC()
	if err := demo.History(context.Background(), ts.st, ra.app, now); err != nil {
		t.Fatal(err)
	}
	c := signUp(t, ts)
	rep := getReport(t, c, ra.path+"/campaigns/onboarding-ab/results")
	b := rep.arm(t, "b")
	if !rep.EnoughData || rep.SRM["flagged"] != false {
		t.Errorf("the finished demo test: enough_data %v, srm %v", rep.EnoughData, rep.SRM)
	}
	if ch, _ := b["chance_to_beat"].(float64); ch < 0.95 {
		t.Errorf("b's chance to beat a is %v; the demo should show a clear winner", b["chance_to_beat"])
	}
	page := c.get(ra.path + "/campaigns/onboarding-ab/results")
	if kind, _ := page.doc.Find(`[data-testid="verdict"]`).Attr("data-kind"); kind != "winner" {
		t.Errorf("onboarding-ab verdict %q, want winner", kind)
	}
	if page.doc.Find(`[data-testid="demo-notice"]`).Length() == 0 {
		t.Error("the demo history is not marked as demo data")
	}
	running := c.get(ra.path + "/campaigns/upgrade-prompt/results")
	if kind, _ := running.doc.Find(`[data-testid="verdict"]`).Attr("data-kind"); kind != "waiting" {
		t.Errorf("upgrade-prompt verdict %q, want waiting", kind)
	}
	if advice := text(running.doc.Find(`[data-testid="advice"]`)); !strings.HasPrefix(advice, "Keep it running: ") {
		t.Errorf("upgrade-prompt advice %q", advice)
	}
}
