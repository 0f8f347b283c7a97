package handlers_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"nami/engine"
	"nami/store"
)

// designBucket is DESIGN.md's bucket, written out again here so that the test does not take the
// engine's word for it: the first 8 bytes of SHA-256(salt:campaign:device), big-endian, mod 10000.
func designBucket(salt, campaign, device string) uint64 {
	sum := sha256.Sum256([]byte(salt + ":" + campaign + ":" + device))
	return binary.BigEndian.Uint64(sum[:8]) % 10000
}

// deviceWhere returns the first device id "<prefix>-<n>" for which ok holds, checking that the
// engine's Bucket agrees with the design's for it.
func deviceWhere(t *testing.T, prefix, campaign string, ok func(holdout, variant uint64) bool) string {
	t.Helper()
	for n := 0; n < 100000; n++ {
		id := fmt.Sprintf("%s-%d", prefix, n)
		h, v := designBucket("holdout", campaign, id), designBucket("variant", campaign, id)
		if ok(h, v) {
			if eh, ev := engine.Bucket(engine.SaltHoldout, campaign, id), engine.Bucket(engine.SaltVariant, campaign, id); eh != h || ev != v {
				t.Fatalf("engine.Bucket disagrees with DESIGN.md for %s: holdout %d vs %d, variant %d vs %d", id, eh, h, ev, v)
			}
			return id
		}
	}
	t.Fatalf("no device id found for %s", campaign)
	return ""
}

// simulation is the simulator's JSON answer.
type simulation struct {
	Campaign *struct{ Ref, Name string } `json:"campaign"`
	Variant  *string                     `json:"variant"`
	Holdout  bool                        `json:"holdout"`
	Paywall  *struct {
		Ref, Name, Template, Locale, Title string
	} `json:"paywall"`
	Trace []engine.TraceStep `json:"trace"`
}

// simulate asks the simulator for JSON and checks the answer's shape.
func simulate(t *testing.T, c *client, query url.Values) simulation {
	t.Helper()
	r := c.get(demoPath+"/simulate?"+query.Encode(), "Accept", "application/json")
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	var shape map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &shape); err != nil {
		t.Fatalf("the answer is not a JSON object: %v\n%s", err, r.body)
	}
	var keys []string
	for k := range shape {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"campaign", "holdout", "paywall", "trace", "variant"}; !slices.Equal(keys, want) {
		t.Errorf("the answer has keys %v, want %v", keys, want)
	}
	if string(shape["trace"]) == "null" {
		t.Error(`"trace" is null, want a list`)
	}
	var s simulation
	if err := json.Unmarshal([]byte(r.body), &s); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	return s
}

func onboardingQuery(device, country string, extra ...string) url.Values {
	q := url.Values{"platform": {"ios"}, "label": {"onboarding"}, "device_id": {device}, "country": {country}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

func TestSimulatorJSONAgreesWithTheBuckets(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)

	// onboarding-ab: country in US, CA, GB; holdout 10%; a: spring 50%, b: yearly-focus 50%.
	held := deviceWhere(t, "held", "onboarding-ab", func(h, _ uint64) bool { return h < 1000 })
	inA := deviceWhere(t, "dev", "onboarding-ab", func(h, v uint64) bool { return h >= 1000 && v < 5000 })
	inB := deviceWhere(t, "dev", "onboarding-ab", func(h, v uint64) bool { return h >= 1000 && v >= 5000 })
	// Either side of the split at bucket 5000, and just above the holdout's threshold.
	edgeA := deviceWhere(t, "edge", "onboarding-ab", func(h, v uint64) bool { return h >= 1000 && v >= 4990 && v < 5000 })
	edgeB := deviceWhere(t, "edge", "onboarding-ab", func(h, v uint64) bool { return h >= 1000 && v >= 5000 && v < 5010 })
	edgeHeld := deviceWhere(t, "edge", "onboarding-ab", func(h, _ uint64) bool { return h >= 990 && h < 1000 })
	edgeIn := deviceWhere(t, "edge", "onboarding-ab", func(h, v uint64) bool { return h >= 1000 && h < 1010 && v < 5000 })

	cases := []struct {
		device, variant, paywall, title string
		holdout                         bool
	}{
		{held, "", "", "", true},
		{inA, "a", "spring", "Sleep better this spring", false},
		{inB, "b", "yearly-focus", "Make calm a habit", false},
		{edgeA, "a", "spring", "Sleep better this spring", false},
		{edgeB, "b", "yearly-focus", "Make calm a habit", false},
		{edgeHeld, "", "", "", true},
		{edgeIn, "a", "spring", "Sleep better this spring", false},
	}
	for _, tc := range cases {
		t.Run(tc.device, func(t *testing.T) {
			s := simulate(t, c, onboardingQuery(tc.device, "US"))
			if s.Campaign == nil || s.Campaign.Ref != "onboarding-ab" || s.Campaign.Name != "Onboarding A/B" {
				t.Fatalf("campaign %+v, want onboarding-ab", s.Campaign)
			}
			if s.Holdout != tc.holdout {
				t.Errorf("holdout %v, want %v (holdout bucket %d)", s.Holdout, tc.holdout, designBucket("holdout", "onboarding-ab", tc.device))
			}
			if tc.holdout {
				if s.Variant != nil || s.Paywall != nil {
					t.Errorf("a held-out device gets variant %v and paywall %+v", s.Variant, s.Paywall)
				}
				return
			}
			if s.Variant == nil || *s.Variant != tc.variant {
				t.Errorf("variant %v, want %s (variant bucket %d)", s.Variant, tc.variant, designBucket("variant", "onboarding-ab", tc.device))
			}
			if s.Paywall == nil || s.Paywall.Ref != tc.paywall || s.Paywall.Title != tc.title || s.Paywall.Locale != "en" {
				t.Errorf("paywall %+v, want %s titled %q in en", s.Paywall, tc.paywall, tc.title)
			}
			var chosen *engine.TraceStep
			for i := range s.Trace {
				if s.Trace[i].Outcome == engine.OutcomeChosen {
					chosen = &s.Trace[i]
				}
			}
			if chosen == nil || chosen.Ref != "onboarding-ab" || chosen.Assignment == nil || chosen.Assignment.VariantBucket == nil ||
				*chosen.Assignment.VariantBucket != designBucket("variant", "onboarding-ab", tc.device) {
				t.Errorf("the trace's chosen step %+v does not show the device's variant bucket", chosen)
			}
		})
	}

	// The paywall's copy follows the device's locale, with the language fallback.
	s := simulate(t, c, onboardingQuery(inA, "CA", "locale", "de-AT"))
	if s.Paywall == nil || s.Paywall.Locale != "de" || s.Paywall.Title != "Besser schlafen in diesem Frühling" {
		t.Errorf("in de-AT variant a shows %+v, want the de copy", s.Paywall)
	}
	s = simulate(t, c, onboardingQuery(inB, "GB", "locale", "de-AT"))
	if s.Paywall == nil || s.Paywall.Locale != "en" {
		t.Errorf("in de-AT variant b (English only) shows %+v, want the default en", s.Paywall)
	}
	// The same device always gets the same answer, on any platform.
	for _, platform := range []string{"android", "web"} {
		s := simulate(t, c, onboardingQuery(inB, "US", "platform", platform))
		if s.Variant == nil || *s.Variant != "b" {
			t.Errorf("on %s the device gets variant %v, want b", platform, s.Variant)
		}
	}
	// The default placement.
	s = simulate(t, c, url.Values{"platform": {"ios"}, "device_id": {inA}})
	if s.Campaign == nil || s.Campaign.Ref != "default" || s.Paywall == nil || s.Paywall.Ref != "quiet" {
		t.Errorf("the default placement gives %+v / %+v", s.Campaign, s.Paywall)
	}
}

func TestSimulatorOutsideTheAudienceGetsNoCampaign(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	inA := deviceWhere(t, "dev", "onboarding-ab", func(h, v uint64) bool { return h >= 1000 && v < 5000 })

	for _, country := range []string{"FR", ""} {
		s := simulate(t, c, onboardingQuery(inA, country))
		if s.Campaign != nil || s.Variant != nil || s.Paywall != nil || s.Holdout {
			t.Errorf("country %q: campaign %+v variant %v paywall %+v holdout %v; want none", country, s.Campaign, s.Variant, s.Paywall, s.Holdout)
		}
		var ab *engine.TraceStep
		for i := range s.Trace {
			if s.Trace[i].Ref == "onboarding-ab" {
				ab = &s.Trace[i]
			}
		}
		if ab == nil || ab.Outcome != engine.OutcomeSkipped || !strings.Contains(ab.Reason, "audience does not match") {
			t.Fatalf("country %q: the trace's onboarding-ab step is %+v", country, ab)
		}
		cond := ab.Audience.Conditions[0]
		if cond.Result || cond.Attribute != "country" || cond.Present != (country != "") || cond.DeviceValue != country {
			t.Errorf("country %q: the condition's trace is %+v", country, cond)
		}
	}
}

func TestSimulatorTraceSaysWhyAPausedCampaignIsSkipped(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)

	s := simulate(t, c, onboardingQuery("any-device", "US"))
	var refs []string
	for _, st := range s.Trace {
		refs = append(refs, st.Ref)
	}
	if !slices.Equal(refs, []string{"black-friday", "onboarding-ab"}) {
		t.Fatalf("the trace lists %v, want black-friday (priority 20) then onboarding-ab", refs)
	}
	bf := s.Trace[0]
	if bf.Outcome != engine.OutcomeSkipped || bf.Live || bf.Status != "paused" || bf.Priority != 20 || !strings.Contains(bf.Reason, "status is paused") {
		t.Errorf("black-friday's step is %+v, want skipped because paused", bf)
	}
	if s.Trace[1].Outcome != engine.OutcomeChosen {
		t.Errorf("onboarding-ab's step is %+v, want chosen", s.Trace[1])
	}

	// The page says the same in words.
	r := c.get(demoPath + "/simulate?" + onboardingQuery("any-device", "US").Encode())
	wantStatus(t, r, http.StatusOK)
	steps := r.doc.Find(`[data-testid="trace-step"]`)
	if steps.Length() != 2 || !strings.Contains(text(steps.Eq(0)), "Black Friday") || !strings.Contains(text(steps.Eq(0)), "status is paused") {
		t.Errorf("the page's trace: %q", text(r.doc.Find(`[data-testid="trace"]`)))
	}
}

func TestSimulatorPassesCustomAttributesToTheEngine(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	quiet := storedPaywall(t, ts, a.ID, "quiet")
	addCampaign(t, ts, store.Campaign{AppID: a.ID, Ref: "gold-members", Name: "Gold members", Label: "vip", Status: "live", Priority: 5,
		Audience: engine.Audience{Match: "all", Conditions: []engine.Condition{
			{Attribute: "custom.tier", Operator: "equals", Values: []string{"gold"}},
			{Attribute: "platform", Operator: "equals", Values: []string{"apple"}}}},
		Variants: []store.CampaignVariant{{Ref: "main", PaywallID: quiet.ID, Weight: 100}}})

	for _, tc := range []struct {
		name  string
		query url.Values
		want  bool
	}{
		{"custom.tier=gold", url.Values{"custom.tier": {"gold"}}, true},
		{"custom.tier=GOLD (case ignored)", url.Values{"custom.tier": {"GOLD"}}, true},
		{"tier=gold in the custom box", url.Values{"custom": {"tier=gold\nplan = yearly"}}, true},
		{"custom.tier=silver", url.Values{"custom.tier": {"silver"}}, false},
		{"no tier", url.Values{}, false},
		{"gold on android", url.Values{"custom.tier": {"gold"}, "platform": {"android"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"platform": {"ios"}, "label": {"vip"}, "device_id": {"d1"}}
			for k, v := range tc.query {
				q[k] = v
			}
			s := simulate(t, c, q)
			if got := s.Campaign != nil && s.Campaign.Ref == "gold-members"; got != tc.want {
				t.Errorf("chosen %v, want %v (campaign %+v, trace %+v)", got, tc.want, s.Campaign, s.Trace)
			}
			if len(s.Trace) != 1 || s.Trace[0].Audience == nil {
				t.Fatalf("trace %+v", s.Trace)
			}
			tier := s.Trace[0].Audience.Conditions[0]
			if sent := tc.query.Get("custom.tier") != "" || tc.query.Get("custom") != ""; tier.Present != sent {
				t.Errorf("the engine saw custom.tier present=%v (value %q), want %v", tier.Present, tier.DeviceValue, sent)
			}
		})
	}
}

func TestSimulatorRefusesAnIncompleteDevice(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	for _, tc := range []struct {
		query url.Values
		want  string
	}{
		{url.Values{"platform": {"tvos"}, "device_id": {"d1"}}, "Unknown platform tvos"},
		{url.Values{"platform": {"ios"}, "device_id": {"  "}}, "Enter a device id"},
	} {
		r := c.get(demoPath+"/simulate?"+tc.query.Encode(), "Accept", "application/json")
		wantStatus(t, r, http.StatusBadRequest)
		var e map[string]string
		if err := json.Unmarshal([]byte(r.body), &e); err != nil || !strings.Contains(e["error"], tc.want) {
			t.Errorf("%v: answer %s, want an error saying %q", tc.query, r.body, tc.want)
		}
		page := c.get(demoPath + "/simulate?" + tc.query.Encode())
		wantStatus(t, page, http.StatusOK)
		if msg := text(page.doc.Find(`[data-testid="simulation-result"] .field-error`)); !strings.Contains(msg, tc.want) {
			t.Errorf("%v: the page says %q", tc.query, msg)
		}
	}
}

func TestSimulatorPageShowsTheOutcome(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	held := deviceWhere(t, "held", "onboarding-ab", func(h, _ uint64) bool { return h < 1000 })
	inA := deviceWhere(t, "dev", "onboarding-ab", func(h, v uint64) bool { return h >= 1000 && v < 5000 })
	inB := deviceWhere(t, "dev", "onboarding-ab", func(h, v uint64) bool { return h >= 1000 && v >= 5000 })

	for _, tc := range []struct{ device, country, outcome, title string }{
		{inA, "US", "Onboarding A/B, variant a: Spring offer", "Sleep better this spring"},
		{inB, "US", "Onboarding A/B, variant b: Yearly focus", "Make calm a habit"},
		{held, "US", "Onboarding A/B: held out, no paywall", ""},
		{inA, "FR", "No campaign: no paywall is shown", ""},
	} {
		r := c.get(demoPath + "/simulate?" + onboardingQuery(tc.device, tc.country).Encode())
		wantStatus(t, r, http.StatusOK)
		if got := text(r.doc.Find(`[data-testid="sim-outcome"]`)); got != tc.outcome {
			t.Errorf("%s in %s: the page says %q, want %q", tc.device, tc.country, got, tc.outcome)
		}
		if got := text(r.doc.Find(`[data-testid="simulation-result"] [data-testid="paywall-title"]`)); got != tc.title {
			t.Errorf("%s in %s: the preview shows %q, want %q", tc.device, tc.country, got, tc.title)
		}
		// The form keeps the device that was asked about.
		if v := fieldValue(r.doc.Find(`[data-testid="simulate-form"]`), "device_id"); v != tc.device {
			t.Errorf("the device field shows %q", v)
		}
	}
	// Before anything is asked there is no result.
	r := c.get(demoPath + "/simulate")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="simulation-result"]`).Length() != 0 {
		t.Error("the empty simulator shows a result")
	}
}
