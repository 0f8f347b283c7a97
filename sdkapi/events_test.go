package sdkapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"nami/sdkapi"
	"nami/store"
)

// sdkEventBody is a batch of n valid events from one device: impressions, and a purchase last.
func sdkEventBody(n int, device string) string {
	var b strings.Builder
	b.WriteString(`{"events":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		typ, sku := "impression", ""
		if i == n-1 && n > 1 {
			typ, sku = "purchase", "com.example.calmsky.yearly"
		}
		fmt.Fprintf(&b, `{"type":%q,"device_id":%q,"campaign":"onboarding-ab","variant":"a","paywall":"spring","sku":%q,"time":"2026-05-01T12:00:%02d.5+02:00"}`,
			typ, device, sku, i%60)
	}
	b.WriteString(`]}`)
	return b.String()
}

// platformID finds a demo platform's id by its key.
func platformID(t *testing.T, st *store.Store, key string) int64 {
	t.Helper()
	p, err := st.PlatformByKey(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func countEvents(t *testing.T, st *store.Store, platform int64) int {
	t.Helper()
	n, err := st.CountEvents(context.Background(), platform)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSDKEventsAreAcceptedAndStored(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.Start()
	// Events need no release: the key is enough.
	a := env.do("POST", eventsPath(demoIOS), sdkEventBody(3, "d1"))
	wantSDKStatus(t, a, http.StatusAccepted)
	if string(a.body) != `{"accepted":3}` {
		t.Errorf("body %s", a.body)
	}
	if err := env.sdk.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	ios := platformID(t, env.st, demoIOS)
	events, err := env.st.Events(context.Background(), ios, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 || countEvents(t, env.st, 0) != 3 {
		t.Fatalf("stored %d events for iOS (%d in all), want 3", len(events), countEvents(t, env.st, 0))
	}
	last := events[2]
	want := time.Date(2026, 5, 1, 10, 0, 2, 500_000_000, time.UTC)
	if last.Type != "purchase" || last.SKU != "com.example.calmsky.yearly" || last.DeviceID != "d1" || last.Campaign != "onboarding-ab" ||
		last.Variant != "a" || last.Paywall != "spring" || !last.OccurredAt.Equal(want) || last.ReceivedAt.IsZero() {
		t.Errorf("stored %+v", last)
	}
}

func TestSDKEventsRefuseABadBatchNamingTheEvent(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	good := `{"type":"impression","device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`
	for _, tc := range []struct {
		event string
		words []string
	}{
		{`{"type":"view","device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{`events[1].type: "view" is not one of impression, close, purchase, restore, cta_tap`}},
		{`{"device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].type: missing"}},
		{`{"type":"close","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].device_id: missing"}},
		{`{"type":"close","device_id":"d1","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].paywall: missing"}},
		{`{"type":"close","device_id":"d1","paywall":"Spring!","time":"2026-05-01T12:00:00Z"}`, []string{`events[1].paywall: "Spring!" is not a ref`}},
		{`{"type":"close","device_id":"d1","paywall":"spring","campaign":"onboarding-ab","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].variant", "both"}},
		{`{"type":"purchase","device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].sku: missing"}},
		{`{"type":"cta_tap","device_id":"d1","paywall":"spring","time":"yesterday"}`, []string{`events[1].time: "yesterday" is not an RFC 3339 time`}},
		{`{"type":"cta_tap","device_id":"d1","paywall":"spring"}`, []string{"events[1].time: missing"}},
		{`{"type":5,"device_id":"d1","paywall":"spring","time":"2026-05-01T12:00:00Z"}`, []string{"events[1].type: must be a string, not a number"}},
		{`"impression"`, []string{"events[1]: an event must be a JSON object, not a string"}},
	} {
		a := env.do("POST", eventsPath(demoIOS), `{"events":[`+good+`,`+tc.event+`]}`)
		wantSDKError(t, a, http.StatusBadRequest, "invalid_event", tc.words...)
	}
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), `{"events":`), http.StatusBadRequest, "bad_request", "not valid JSON")
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), `{}`), http.StatusBadRequest, "bad_request", "events is missing")
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), `{"events":[]}`), http.StatusBadRequest, "bad_request", "events is empty")
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), sdkEventBody(501, "d1")), http.StatusRequestEntityTooLarge, "too_many_events", "501 events", "at most 500")
	huge := `{"events":[{"type":"impression","device_id":"` + strings.Repeat("d", 1<<20) + `"}]}`
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), huge), http.StatusRequestEntityTooLarge, "too_large")
	wantSDKError(t, env.do("POST", eventsPath("pk_nosuchkeynosuchkeynosuchkey00"), sdkEventBody(1, "d")), http.StatusNotFound, "unknown_key")
	wantSDKStatus(t, env.do("POST", eventsPath(demoIOS), sdkEventBody(500, "d1")), http.StatusAccepted)

	// Nothing of a refused batch was kept.
	if err := env.sdk.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(t, env.st, 0); n != 500 {
		t.Errorf("%d events stored, want the 500 of the one good batch", n)
	}
}

func TestSDKEventsFullQueueAnswers503(t *testing.T) {
	// The writer is not started, so nothing leaves the queue until Close.
	env := newSDKEnv(t, sdkapi.Options{QueueCapacity: 5})
	wantSDKStatus(t, env.do("POST", eventsPath(demoIOS), sdkEventBody(4, "d1")), http.StatusAccepted)
	full := env.do("POST", eventsPath(demoIOS), sdkEventBody(2, "d2"))
	wantSDKError(t, full, http.StatusServiceUnavailable, "busy")
	if full.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q, want 1", full.header.Get("Retry-After"))
	}
	wantSDKStatus(t, env.do("POST", eventsPath(demoIOS), sdkEventBody(1, "d3")), http.StatusAccepted)
	if err := env.sdk.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(t, env.st, 0); n != 5 {
		t.Errorf("%d events stored, want the 5 accepted", n)
	}
	// After Close, batches are refused, not dropped.
	wantSDKError(t, env.do("POST", eventsPath(demoIOS), sdkEventBody(1, "d4")), http.StatusServiceUnavailable, "busy")
}

func TestSDKEventBatchingSurvivesShutdown(t *testing.T) {
	// A flush interval of an hour: only Close writes what concurrent requests queued.
	env := newSDKEnv(t, sdkapi.Options{FlushInterval: time.Hour})
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
	// Shut down as serve does: the server stops taking requests, then the queue is flushed.
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
