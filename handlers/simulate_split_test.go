package handlers_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// split is the split's JSON answer.
type split struct {
	Devices  int                `json:"devices"`
	Arms     map[string]int     `json:"arms"`
	Expected map[string]float64 `json:"expected"`
}

func getSplit(t *testing.T, c *client, q url.Values) split {
	t.Helper()
	r := c.get(demoPath+"/simulate/split?"+q.Encode(), "Accept", "application/json")
	wantStatus(t, r, http.StatusOK)
	var shape map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &shape); err != nil {
		t.Fatalf("the answer is not a JSON object: %v\n%s", err, r.body)
	}
	if keys := slices.Sorted(maps.Keys(shape)); !slices.Equal(keys, []string{"arms", "devices", "expected"}) {
		t.Errorf("the answer has keys %v", keys)
	}
	var s split
	if err := json.Unmarshal([]byte(r.body), &s); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	if a, e := slices.Sorted(maps.Keys(s.Arms)), slices.Sorted(maps.Keys(s.Expected)); !slices.Equal(a, e) {
		t.Errorf("arms %v and expected %v have different keys", a, e)
	}
	return s
}

func splitQuery(devices, country string) url.Values {
	return url.Values{"platform": {"ios"}, "label": {"onboarding"}, "devices": {devices}, "country": {country}}
}

func TestSplitOfOnboardingABFollowsTheHoldoutAndWeights(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	const n = 10000

	s := getSplit(t, c, splitQuery(strconv.Itoa(n), "US"))
	if s.Devices != n {
		t.Errorf("devices %d, want %d", s.Devices, n)
	}
	want := map[string]float64{"onboarding-ab/a": 0.45, "onboarding-ab/b": 0.45, "onboarding-ab/holdout": 0.10}
	if !maps.Equal(s.Expected, want) {
		t.Errorf("expected %v, want %v (holdout 10%%, then 50/50)", s.Expected, want)
	}
	total := 0
	for key, got := range s.Arms {
		total += got
		if share := float64(got) / n; math.Abs(share-want[key]) > 0.02 {
			t.Errorf("%s: %d devices (%.3f), expected %.2f", key, got, share, want[key])
		}
	}
	if total != n {
		t.Errorf("the arms add up to %d devices, want %d", total, n)
	}
	// Every count is exact: each device's buckets as DESIGN.md computes them.
	exact := map[string]int{}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("device-%d", i)
		switch {
		case designBucket("holdout", "onboarding-ab", id) < 1000:
			exact["onboarding-ab/holdout"]++
		case designBucket("variant", "onboarding-ab", id) < 5000:
			exact["onboarding-ab/a"]++
		default:
			exact["onboarding-ab/b"]++
		}
	}
	if !maps.Equal(s.Arms, exact) {
		t.Errorf("arms %v, want exactly %v", s.Arms, exact)
	}

	// Outside the audience no campaign matches; the default placement has no holdout.
	if s := getSplit(t, c, splitQuery("500", "FR")); !maps.Equal(s.Arms, map[string]int{"none": 500}) || !maps.Equal(s.Expected, map[string]float64{"none": 1}) {
		t.Errorf("in FR: %+v, want every device in none", s)
	}
	s = getSplit(t, c, url.Values{"platform": {"android"}, "devices": {"300"}})
	if !maps.Equal(s.Arms, map[string]int{"default/main": 300}) || !maps.Equal(s.Expected, map[string]float64{"default/main": 1}) {
		t.Errorf("the default placement: %+v", s)
	}
}

func TestSplitRefusesABadDeviceCount(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	for _, tc := range []struct{ devices, want string }{
		{"0", "devices must be a whole number from 1 to 100000; got 0."},
		{"100001", "devices must be a whole number from 1 to 100000; got 100001."},
		{"-3", "devices must be a whole number from 1 to 100000; got -3."},
		{"ten", `devices must be a whole number from 1 to 100000; "ten" is not a whole number.`},
		{"", "Enter how many devices to simulate, from 1 to 100000."},
	} {
		r := c.get(demoPath+"/simulate/split?"+splitQuery(tc.devices, "US").Encode(), "Accept", "application/json")
		wantStatus(t, r, http.StatusBadRequest)
		var e map[string]string
		if err := json.Unmarshal([]byte(r.body), &e); err != nil || e["error"] != tc.want {
			t.Errorf("devices=%q: answer %s, want the error %q", tc.devices, r.body, tc.want)
		}
		page := c.get(demoPath + "/simulate/split?" + splitQuery(tc.devices, "US").Encode())
		wantStatus(t, page, http.StatusBadRequest)
		if msg := fieldError(page.doc.Find(`[data-testid="split-panel"]`), "devices"); msg != tc.want {
			t.Errorf("devices=%q: the page says %q", tc.devices, msg)
		}
		if page.doc.Find(`[data-testid="split-table"]`).Length() != 0 {
			t.Errorf("devices=%q: the page shows a split", tc.devices)
		}
	}
	// The largest count is accepted, and an unknown platform is refused.
	if s := getSplit(t, c, splitQuery("100000", "US")); s.Devices != 100000 {
		t.Errorf("100000 devices: %+v", s)
	}
	r := c.get(demoPath+"/simulate/split?platform=tvos&devices=10", "Accept", "application/json")
	wantStatus(t, r, http.StatusBadRequest)
	if !strings.Contains(r.body, "Unknown platform tvos") {
		t.Errorf("unknown platform: %s", r.body)
	}
}

func TestSplitPanelOnTheSimulatorPage(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)

	// The simulator's form carries the panel's field and button.
	r := c.get(demoPath + "/simulate")
	wantStatus(t, r, http.StatusOK)
	btn := r.doc.Find(`[data-testid="simulate-split"]`)
	if f, _ := btn.Attr("form"); f != "simulate-form" {
		t.Errorf("the split button belongs to form %q", f)
	}
	if fa, _ := btn.Attr("formaction"); fa != demoPath+"/simulate/split" {
		t.Errorf("the split button's formaction is %q", fa)
	}
	if f, _ := field(r.doc.Find(`[data-testid="split-panel"]`), "devices").Attr("form"); f != "simulate-form" {
		t.Errorf("the devices field belongs to form %q", f)
	}
	if r.doc.Find(`[data-testid="split-table"]`).Length() != 0 {
		t.Error("the empty simulator shows a split")
	}

	want := getSplit(t, c, splitQuery("2000", "GB"))
	page := c.get(demoPath + "/simulate/split?" + splitQuery("2000", "GB").Encode())
	wantStatus(t, page, http.StatusOK)
	if got := text(page.doc.Find(`[data-testid="split-summary"]`)); got != "2,000 devices get Onboarding A/B." {
		t.Errorf("summary %q", got)
	}
	rows := page.doc.Find(`[data-testid="split-row"]`)
	var keys []string
	for i := range rows.Length() {
		row := rows.Eq(i)
		key, _ := row.Attr("data-arm")
		keys = append(keys, key)
		cells := row.Find("td")
		devices := strings.ReplaceAll(text(cells.Eq(1)), ",", "")
		share := fmt.Sprintf("%.1f%%", float64(want.Arms[key])/20)
		expected := fmt.Sprintf("%.1f%%", want.Expected[key]*100)
		if devices != strconv.Itoa(want.Arms[key]) || text(cells.Eq(2)) != share || text(cells.Eq(3)) != expected {
			t.Errorf("row %s: %q, want %d devices, %s, expected %s", key, text(row), want.Arms[key], share, expected)
		}
	}
	if !slices.Equal(keys, []string{"onboarding-ab/a", "onboarding-ab/b", "onboarding-ab/holdout"}) {
		t.Errorf("rows %v, want the variants in order, then the holdout", keys)
	}
	if text(rows.Eq(2).Find("td").Eq(0)) != "In the 10% holdout: no paywall onboarding-ab/holdout" {
		t.Errorf("the holdout row says %q", text(rows.Eq(2)))
	}
	// The form keeps what was asked.
	if v := fieldValue(page.doc.Find(`[data-testid="split-panel"]`), "devices"); v != "2000" {
		t.Errorf("the devices field shows %q", v)
	}
	if v := fieldValue(page.doc.Find(`[data-testid="simulate-form"]`), "country"); v != "GB" {
		t.Errorf("the country field shows %q", v)
	}
}

// TestSimulatorSaysTheHoldoutInTheMarketersWords: the trace says whether the device is in the
// holdout in words, and keeps the buckets in its details.
func TestSimulatorSaysTheHoldoutInTheMarketersWords(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	held := deviceWhere(t, "held", "onboarding-ab", func(h, _ uint64) bool { return h < 1000 })
	inA := deviceWhere(t, "dev", "onboarding-ab", func(h, v uint64) bool { return h >= 1000 && v < 5000 })

	for _, tc := range []struct{ device, reason string }{
		{held, "chosen; this device is in the 10% holdout, so no paywall is shown"},
		{inA, "chosen; this device is not in the 10% holdout and gets variant a (50% of the split), paywall spring"},
	} {
		s := simulate(t, c, onboardingQuery(tc.device, "US"))
		if got := s.Trace[1].Reason; got != tc.reason {
			t.Errorf("%s: reason %q, want %q", tc.device, got, tc.reason)
		}
		r := c.get(demoPath + "/simulate?" + onboardingQuery(tc.device, "US").Encode())
		wantStatus(t, r, http.StatusOK)
		step := r.doc.Find(`[data-testid="trace-step"]`).Eq(1)
		if got := text(step.Find("p.small").First()); got != tc.reason {
			t.Errorf("%s: the page says %q, want %q", tc.device, got, tc.reason)
		}
		hb := designBucket("holdout", "onboarding-ab", tc.device)
		details := text(step.Find(`[data-testid="assignment-details"] [data-testid="buckets"]`))
		if !strings.HasPrefix(details, fmt.Sprintf("holdout bucket %d (held out below 1000)", hb)) {
			t.Errorf("%s: the details say %q, want holdout bucket %d", tc.device, details, hb)
		}
	}
}
