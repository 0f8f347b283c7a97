package sdkapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"nami/events"
	"nami/sdkapi"
	"nami/store"
)

// sdkEventBody is a batch of n valid events from one device with ids prefix-0 … prefix-(n-1):
// an exposure first, impressions, and a purchase last.
func sdkEventBody(n int, device string) string {
	return eventBatch(device, n, device)
}

func eventBatch(prefix string, n int, device string) string {
	var b strings.Builder
	b.WriteString(`{"events":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		ts := fmt.Sprintf("2026-05-01T12:00:%02d.5+02:00", i%60)
		switch {
		case i == 0:
			fmt.Fprintf(&b, `{"id":"%s-%d","type":"exposure","device_id":%q,"placement":"onboarding","campaign":"onboarding-ab","variant":"a","paywall":"spring","time":%q}`, prefix, i, device, ts)
		case i == n-1:
			fmt.Fprintf(&b, `{"id":"%s-%d","type":"purchase","device_id":%q,"campaign":"onboarding-ab","variant":"a","paywall":"spring","sku":"com.example.calmsky.yearly","revenue":"39.99","currency":"USD","time":%q}`, prefix, i, device, ts)
		default:
			fmt.Fprintf(&b, `{"id":"%s-%d","type":"impression","device_id":%q,"campaign":"onboarding-ab","variant":"a","paywall":"spring","time":%q}`, prefix, i, device, ts)
		}
	}
	b.WriteString(`]}`)
	return b.String()
}

// platformID finds a demo platform's id by its key.
func platformID(t testing.TB, st *store.Store, key string) int64 {
	t.Helper()
	p, err := st.PlatformByKey(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func countEvents(t testing.TB, st *store.Store, platform int64) int {
	t.Helper()
	n, err := st.CountEvents(context.Background(), platform)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func wantAccepted(t *testing.T, a sdkAnswer, accepted, duplicates int) {
	t.Helper()
	wantSDKStatus(t, a, http.StatusAccepted)
	if want := fmt.Sprintf(`{"accepted":%d,"duplicates":%d}`, accepted, duplicates); string(a.body) != want {
		t.Errorf("answer %s, want %s", a.body, want)
	}
}

func TestSDKEventsAreStoredBeforeThe202(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.Start()
	// Events need no release: the key is enough. The 202 means committed: the database has them
	// the moment it arrives, without waiting for any flush or shutdown.
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), sdkEventBody(3, "d1")), 3, 0)
	ios := platformID(t, env.st, demoIOS)
	evs, err := env.st.Events(context.Background(), ios, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 || countEvents(t, env.st, 0) != 3 {
		t.Fatalf("stored %d events for iOS (%d in all), want 3", len(evs), countEvents(t, env.st, 0))
	}
	first, last := evs[0], evs[2]
	if first.ID != "d1-0" || first.Type != "exposure" || first.Placement != "onboarding" || first.Campaign != "onboarding-ab" || first.Variant != "a" {
		t.Errorf("stored exposure %+v", first)
	}
	want := time.Date(2026, 5, 1, 10, 0, 2, 500_000_000, time.UTC)
	if last.ID != "d1-2" || last.Type != "purchase" || last.SKU != "com.example.calmsky.yearly" || last.Revenue != "39.99" || last.Currency != "USD" ||
		last.DeviceID != "d1" || last.Paywall != "spring" || !last.OccurredAt.Equal(want) || last.ReceivedAt.IsZero() {
		t.Errorf("stored purchase %+v", last)
	}
	holdout := `{"events":[{"id":"h-1","type":"exposure","device_id":"d2","campaign":"onboarding-ab","holdout":true,"time":"2026-05-01T12:00:00Z"}]}`
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), holdout), 1, 0)
	evs, err = env.st.Events(context.Background(), ios, 10)
	if err != nil {
		t.Fatal(err)
	}
	if h := evs[len(evs)-1]; !h.Holdout || h.Variant != "" || h.Campaign != "onboarding-ab" {
		t.Errorf("stored holdout exposure %+v", h)
	}
}

func TestSDKEventsRetriedBatchesCountOnce(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.Start()
	body := eventBatch("retry", 5, "d1")
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), body), 5, 0)
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), body), 0, 5)
	// A batch that overlaps: the first three were stored, two are new.
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), eventBatch("retry", 7, "d1")), 2, 5)
	// The same id twice in one batch is one event.
	twice := `{"events":[{"id":"x-1","type":"restore","device_id":"d9","time":"2026-05-01T12:00:00Z"},{"id":"x-1","type":"restore","device_id":"d9","time":"2026-05-01T12:00:00Z"}]}`
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), twice), 1, 1)
	// Ids are unique per platform key: another platform may use the same ones.
	wantAccepted(t, env.do("POST", eventsPath(demoAndroid), body), 5, 0)
	if n := countEvents(t, env.st, platformID(t, env.st, demoIOS)); n != 8 {
		t.Errorf("%d iOS events stored, want 8", n)
	}
	if n := countEvents(t, env.st, 0); n != 13 {
		t.Errorf("%d events stored, want 13", n)
	}
}

func TestSDKEventsRefuseABadBatchNamingTheEvent(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.Start()
	good := `{"id":"g-1","type":"impression","device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`
	future := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		event string
		words []string
	}{
		{`{"type":"impression","device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].id: missing", "unique id"}},
		{`{"id":"a b","type":"impression","device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{`events[1].id: "a b" is not an event id`}},
		{`{"id":"` + strings.Repeat("x", 65) + `","type":"impression","device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].id:", "1 to 64"}},
		{`{"id":"e1","type":"view","device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{`events[1].type: "view" is not one of exposure, impression, close, cta_tap, trial_start, purchase or restore`}},
		{`{"id":"e1","device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].type: missing"}},
		{`{"id":"e1","type":"close","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].device_id: missing"}},
		{`{"id":"e1","type":"close","device_id":"` + strings.Repeat("d", 257) + `","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].device_id: 257 bytes long"}},
		{`{"id":"e1","type":"close","device_id":"d1","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].paywall: missing"}},
		{`{"id":"e1","type":"impression","device_id":"d1","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].paywall: missing"}},
		{`{"id":"e1","type":"cta_tap","device_id":"d1","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].paywall: missing"}},
		{`{"id":"e1","type":"close","device_id":"d1","paywall":"Spring!","time":"2026-05-01T12:00:00Z"}`, []string{`events[1].paywall: "Spring!" is not a ref`}},
		{`{"id":"e1","type":"exposure","device_id":"d1","variant":"a","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].campaign: missing", "exposure"}},
		{`{"id":"e1","type":"exposure","device_id":"d1","campaign":"onboarding-ab","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].variant: missing", "holdout"}},
		{`{"id":"e1","type":"exposure","device_id":"d1","campaign":"onboarding-ab","holdout":true,"variant":"a","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].holdout:", "without variant"}},
		{`{"id":"e1","type":"impression","device_id":"d1","paywall":"spring","holdout":true,"time":"2026-05-01T12:00:00Z"}`, []string{"events[1].holdout: only an exposure"}},
		{`{"id":"e1","type":"exposure","device_id":"d1","campaign":"onboarding-ab","holdout":"yes","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].holdout: must be true or false, not a string"}},
		{`{"id":"e1","type":"purchase","device_id":"d1","revenue":"9.99","currency":"USD","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].sku: missing"}},
		{`{"id":"e1","type":"purchase","device_id":"d1","sku":"m1","currency":"USD","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].revenue: missing", `"39.99"`}},
		{`{"id":"e1","type":"trial_start","device_id":"d1","sku":"m1","currency":"USD","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].revenue: missing", `"0" for a free trial`}},
		{`{"id":"e1","type":"purchase","device_id":"d1","sku":"m1","revenue":"9.99","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].currency: missing"}},
		{`{"id":"e1","type":"purchase","device_id":"d1","sku":"m1","revenue":"9.99","currency":"dollars","time":"2026-05-01T12:00:00Z"}`, []string{`events[1].currency: "dollars" is not an ISO 4217 code`}},
		{`{"id":"e1","type":"purchase","device_id":"d1","sku":"m1","revenue":"9,99","currency":"EUR","time":"2026-05-01T12:00:00Z"}`, []string{`events[1].revenue: "9,99" is not a decimal amount`}},
		{`{"id":"e1","type":"purchase","device_id":"d1","sku":"m1","revenue":"-1","currency":"EUR","time":"2026-05-01T12:00:00Z"}`, []string{`events[1].revenue: "-1" is negative`}},
		{`{"id":"e1","type":"purchase","device_id":"d1","sku":"m1","revenue":9.99,"currency":"EUR","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].revenue: must be a string, not a number"}},
		{`{"id":"e1","type":"purchase","device_id":"d1","sku":"m1","revenue":"1.23456","currency":"EUR","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].revenue:", "more than 4 decimals"}},
		{`{"id":"e1","type":"restore","device_id":"d1","revenue":"1","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].currency: revenue and currency go together"}},
		{`{"id":"e1","type":"purchase","device_id":"d1","sku":"has space","revenue":"1","currency":"EUR","time":"2026-05-01T12:00:00Z"}`, []string{`events[1].sku: "has space" is not a sku`}},
		{`{"id":"e1","type":"cta_tap","device_id":"d1","paywall":"spring","time":"yesterday"}`, []string{`events[1].time: "yesterday" is not an RFC 3339 time`}},
		{`{"id":"e1","type":"cta_tap","device_id":"d1","paywall":"spring","time":"` + future + `"}`, []string{"events[1].time:", "not a plausible time"}},
		{`{"id":"e1","type":"cta_tap","device_id":"d1","paywall":"spring"}`, []string{"events[1].time: missing"}},
		{`{"id":"e1","type":"close","device_id":"d1","paywall":"spring","placement":"` + strings.Repeat("p", 65) + `","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].placement: 65 bytes long"}},
		{`{"id":"e1","type":5,"device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].type: must be a string, not a number"}},
		{`"impression"`, []string{"events[1]: an event must be a JSON object, not a string"}},
	} {
		a := env.do("POST", eventsPath(demoIOS), `{"events":[`+good+`,`+tc.event+`]}`)
		wantSDKError(t, a, http.StatusBadRequest, "invalid_event", tc.words...)
	}
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), `{"events":`), http.StatusBadRequest, "bad_request", "not valid JSON")
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), `{}`), http.StatusBadRequest, "bad_request", "events is missing")
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), `[]`), http.StatusBadRequest, "bad_request", "must be a JSON object")
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), ``), http.StatusBadRequest, "bad_request", "the body is empty")
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), `{"events":[]}`), http.StatusBadRequest, "bad_request", "events is empty")
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), sdkEventBody(501, "d1")), http.StatusRequestEntityTooLarge, "too_many_events", "501 events", "at most 500")
	huge := `{"events":[{"type":"impression","device_id":"` + strings.Repeat("d", 1<<20) + `"}]}`
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), huge), http.StatusRequestEntityTooLarge, "too_large")
	wantSDKError(t, env.do("POST", eventsPath("pk_nosuchkeynosuchkeynosuchkey00"), sdkEventBody(1, "d")), http.StatusNotFound, "unknown_key")
	// Unknown fields are ignored.
	extra := `{"events":[{"id":"u-1","type":"restore","device_id":"d1","time":"2026-05-01T12:00:00Z","app_build":"1234"}],"sdk":"ios/1.0"}`
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), extra), 1, 0)
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), sdkEventBody(500, "d1")), 500, 0)

	// Nothing of a refused batch was kept.
	if n := countEvents(t, env.st, 0); n != 501 {
		t.Errorf("%d events stored, want the 501 of the two good batches", n)
	}
	if got := env.sdk.Refusals()[events.RefusedInvalid]; got < 30 {
		t.Errorf("%d invalid batches counted, want every one refused above", got)
	}
}

func TestSDKEventsOverTheRateAnswer429AndConfigIsNotLimited(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{Events: events.Options{Rate: 1000}})
	env.sdk.Start()
	env.publishApp("calm-sky")
	// A burst of one second's worth passes; the next batch does not.
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), eventBatch("r1", 500, "d1")), 500, 0)
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), eventBatch("r2", 500, "d1")), 500, 0)
	limited := env.do("POST", eventsPath(demoIOS), eventBatch("r3", 500, "d1"))
	wantSDKError(t, limited, http.StatusTooManyRequests, "rate_limited", "more than 1000 events a second", "send the batch again after")
	if ra, err := strconv.Atoi(limited.header.Get("Retry-After")); err != nil || ra < 1 || ra > 2 {
		t.Errorf("Retry-After %q, want 1 or 2 seconds", limited.header.Get("Retry-After"))
	}
	// Another key has its own budget.
	wantAccepted(t, env.do("POST", eventsPath(demoAndroid), eventBatch("r3", 500, "d1")), 500, 0)
	// Config and resolve are never limited by the events rate.
	for range 50 {
		wantSDKStatus(t, env.do("GET", configPath(demoIOS), ""), http.StatusOK)
		wantSDKStatus(t, env.do("POST", resolvePath(demoIOS), `{"device_id":"d1","label":"onboarding"}`), http.StatusOK)
	}
	// After the Retry-After, the batch passes.
	time.Sleep(time.Duration(500+100) * time.Millisecond)
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), eventBatch("r3", 500, "d1")), 500, 0)
	if got := env.sdk.Refusals()[events.RefusedRateLimited]; got != 1 {
		t.Errorf("%d rate-limited batches counted, want 1", got)
	}
}

func TestSDKEventsWhenTheDiskIsFull(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.Start()
	ctx := context.Background()
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), eventBatch("before", 10, "d1")), 10, 0)
	wantSDKStatus(t, env.do("GET", "/healthz", ""), http.StatusOK)
	// Fill the disk: the database may not grow by a page.
	pages, err := env.st.PageCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.st.LimitPages(ctx, pages); err != nil {
		t.Fatal(err)
	}
	full := env.do("POST", eventsPath(demoIOS), eventBatch("full", 500, "d2"))
	wantSDKError(t, full, http.StatusServiceUnavailable, "unavailable", "disk is full", "send the batch again after 5 seconds")
	if full.header.Get("Retry-After") != "5" {
		t.Errorf("Retry-After %q, want 5", full.header.Get("Retry-After"))
	}
	health := env.do("GET", "/healthz", "")
	wantSDKStatus(t, health, http.StatusServiceUnavailable)
	if !strings.Contains(string(health.body), "disk is full") || !strings.Contains(string(health.body), `"unavailable":1`) {
		t.Errorf("/healthz says %s, want the reason and the count of batches refused", health.body)
	}
	// While it cannot write, batches are refused at once, and config still answers.
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), eventBatch("full", 1, "d2")), http.StatusServiceUnavailable, "unavailable")
	wantSDKStatus(t, env.do("GET", configPath(demoIOS), ""), http.StatusNotFound) // nothing published: answered from memory
	// Free the disk: both recover by themselves within a few seconds.
	if err := env.st.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for env.do("GET", "/healthz", "").status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("/healthz did not recover within 10 s of the disk being freed")
		}
		time.Sleep(100 * time.Millisecond)
	}
	wantAccepted(t, env.do("POST", eventsPath(demoIOS), eventBatch("full", 500, "d2")), 500, 0)
	if n := countEvents(t, env.st, 0); n != 510 {
		t.Errorf("%d events stored, want 510", n)
	}
}

func TestSDKEventsAcknowledgedBeforeShutdownAreStored(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.Start()
	const clients, batches, perBatch = 8, 20, 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				a := env.do("POST", eventsPath(demoAndroid), sdkEventBody(perBatch, fmt.Sprintf("c%d-b%d", c, b)))
				if a.status != http.StatusAccepted {
					t.Errorf("batch: %d %s", a.status, a.body)
					return
				}
				mu.Lock()
				accepted += perBatch
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// Shut down as serve does: the server stops taking requests, then the pipeline stops.
	env.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.sdk.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(t, env.st, platformID(t, env.st, demoAndroid)); n != accepted || n != clients*batches*perBatch {
		t.Errorf("%d events stored, %d accepted, want %d", n, accepted, clients*batches*perBatch)
	}
}

func TestSDKEventsAfterCloseAreRefusedNotDropped(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.Start()
	if err := env.sdk.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := env.do("POST", eventsPath(demoIOS), sdkEventBody(1, "d4"))
	wantSDKError(t, a, http.StatusServiceUnavailable, "busy")
	if a.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q, want 1", a.header.Get("Retry-After"))
	}
	if n := countEvents(t, env.st, 0); n != 0 {
		t.Errorf("%d events stored after close", n)
	}
}

func TestSDKResolveRecordsTheExposure(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.Start()
	env.publishApp("calm-sky")
	ios := platformID(t, env.st, demoIOS)
	var got struct {
		Campaign *struct{ Ref string } `json:"campaign"`
		Variant  *string               `json:"variant"`
		Holdout  bool                  `json:"holdout"`
		Paywall  *struct{ Ref string } `json:"paywall"`
	}
	a := env.do("POST", resolvePath(demoIOS), `{"device_id":"dev-42","label":"onboarding","attributes":{"country":"US"}}`)
	wantSDKStatus(t, a, http.StatusOK)
	if err := json.Unmarshal(a.body, &got); err != nil || got.Campaign == nil {
		t.Fatalf("resolve chose no campaign (%v): %s", err, a.body)
	}
	// The exposure is committed with the writer's next group, within milliseconds.
	evs := waitForEvents(t, env.st, ios, 1)
	ex := evs[0]
	if ex.Type != "exposure" || !strings.HasPrefix(ex.ID, "resolve:") || ex.DeviceID != "dev-42" || ex.Placement != "onboarding" ||
		ex.Campaign != got.Campaign.Ref || ex.Holdout != got.Holdout {
		t.Errorf("exposure %+v for answer %s", ex, a.body)
	}
	if got.Variant != nil && (ex.Variant != *got.Variant || got.Paywall == nil || ex.Paywall != got.Paywall.Ref) {
		t.Errorf("exposure %+v names another variant than the answer %s", ex, a.body)
	}
	// A label no campaign serves records nothing.
	a = env.do("POST", resolvePath(demoIOS), `{"device_id":"dev-42","label":"no-such-placement"}`)
	wantSDKStatus(t, a, http.StatusOK)
	// Two resolves are two exposures with distinct ids. Close commits whatever was handed over.
	env.do("POST", resolvePath(demoIOS), `{"device_id":"dev-42","label":"onboarding","attributes":{"country":"US"}}`)
	if err := env.sdk.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	evs, err := env.st.Events(context.Background(), ios, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].ID == evs[1].ID || evs[1].Type != "exposure" {
		t.Errorf("after three resolves, one of which chose nothing: %+v, want two exposures", evs)
	}
}

// waitForEvents waits up to 5 seconds until a platform has n events stored, and returns them.
func waitForEvents(t *testing.T, st *store.Store, platform int64, n int) []store.Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		evs, err := st.Events(context.Background(), platform, n+10)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) >= n || time.Now().After(deadline) {
			if len(evs) != n {
				t.Fatalf("%d events stored, want %d", len(evs), n)
			}
			return evs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSDKEventsRetentionDeletesOnlyOldEvents(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{Events: events.Options{RetentionDays: 30}})
	env.sdk.Start()
	ctx := context.Background()
	ios := platformID(t, env.st, demoIOS)
	now := time.Now().UTC()
	batch := func(prefix string, n int, received time.Time) []store.Event {
		out := make([]store.Event, n)
		for i := range out {
			out[i] = store.Event{PlatformID: ios, ID: fmt.Sprintf("%s-%d", prefix, i), Type: "restore", DeviceID: "d1",
				OccurredAt: received, ReceivedAt: received}
		}
		return out
	}
	p := env.sdk.Pipeline()
	for _, b := range [][]store.Event{batch("old", 4500, now.AddDate(0, 0, -31)), batch("edge", 10, now.AddDate(0, 0, -29)), batch("new", 20, now)} {
		if _, err := p.Ingest(ctx, ios, b); err != nil {
			t.Fatal(err)
		}
	}
	deleted, err := p.Prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if deleted != 4500 {
		t.Errorf("retention deleted %d events, want the 4500 older than 30 days", deleted)
	}
	ids, err := env.st.EventIDs(ctx, ios)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 30 || !ids["edge-9"] || !ids["new-0"] || ids["old-0"] {
		t.Errorf("kept %d events, want the 30 younger than 30 days", len(ids))
	}
	if again, err := p.Prune(ctx); err != nil || again != 0 {
		t.Errorf("a second run deleted %d (%v), want 0", again, err)
	}
}

func TestSDKShutdownDoesNotWaitForAWriterThatCannotWrite(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	ctx := context.Background()
	pages, err := env.st.PageCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.st.LimitPages(ctx, pages); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := env.do("POST", eventsPath(demoIOS), eventBatch(fmt.Sprintf("s%d", c), 500, "d1"))
			if a.status != http.StatusServiceUnavailable {
				t.Errorf("a batch on a full disk: %d %s, want 503", a.status, a.body)
			}
		}()
	}
	wg.Wait()
	// serve gives the pipeline 5 seconds; failed batches are answered at once, so it needs none of them.
	closeCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := env.sdk.Close(closeCtx); err != nil {
		t.Errorf("Close with a writer that cannot write: %v", err)
	}
	if n := countEvents(t, env.st, 0); n != 0 {
		t.Errorf("%d events stored on a full disk", n)
	}
}
