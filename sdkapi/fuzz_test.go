package sdkapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"nami/events"
	"nami/sdkapi"
)

// fuzzBody sends body to path through the SDK API and checks the contract every answer keeps:
// never a server error, and every refusal a 4xx with a code and a message.
func fuzzBody(t *testing.T, sdk http.Handler, path string, body []byte, ok int) {
	rec := httptest.NewRecorder()
	sdk.ServeHTTP(rec, httptest.NewRequest("POST", path, bytes.NewReader(body)))
	if rec.Code == ok {
		return
	}
	if rec.Code < 400 || rec.Code >= 500 {
		t.Fatalf("POST %s %q: status %d, want %d or a 4xx: %s", path, body, rec.Code, ok, rec.Body)
	}
	var answer struct{ Error, Message string }
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || answer.Error == "" || answer.Message == "" {
		t.Fatalf("POST %s %q: %d without a code and a message: %s", path, body, rec.Code, rec.Body)
	}
}

// FuzzEventsBody feeds the events route arbitrary bodies; `make test` runs the seeds, and
// `go test -fuzz FuzzEventsBody ./sdkapi` explores further.
func FuzzEventsBody(f *testing.F) {
	for _, seed := range []string{
		sdkEventBody(3, "d1"),
		eventBatch("s", 1, "d2"),
		`{"events":[{"id":"h-1","type":"exposure","device_id":"d2","campaign":"onboarding-ab","holdout":true,"time":"2026-05-01T12:00:00Z"}]}`,
		`{"events":[{"id":"p","type":"purchase","device_id":"d","sku":"m","revenue":"0.0001","currency":"EUR","time":"2026-05-01T12:00:00+14:00"}]}`,
		`{"events":[{"id":"p","type":"purchase","device_id":"d","sku":"m","revenue":1,"currency":"EUR","time":"2026-05-01T12:00:00Z"}]}`,
		`{"events":[null]}`, `{"events":null}`, `{"events":{}}`, `{"events":[[]]}`, `[]`, `null`, ``, `{`, "\x00",
		`{"events":[{"id":"\u00e9","type":"close","device_id":"d","paywall":"p","time":"2026-05-01T12:00:00Z"}]}`,
		`{"events":[{"id":"x","type":"close","device_id":"d","paywall":"p","time":"99999-05-01T12:00:00Z"}]}`,
	} {
		f.Add([]byte(seed))
	}
	sdk, _ := benchSDK(f, sdkapi.Options{Events: events.Options{Rate: -1}})
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, sdk, eventsPath(demoIOS), body, http.StatusAccepted)
	})
}

// FuzzResolveBody feeds the resolve route arbitrary bodies: both the fast scanner and
// encoding/json must refuse what is not a resolve request with a clear 400.
func FuzzResolveBody(f *testing.F) {
	for _, seed := range []string{
		`{"device_id":"d1","label":"onboarding","attributes":{"country":"US","days_since_install":3,"custom.vip":true,"x":null}}`,
		`{"device_id":"d1"}`, `{"device_id":"d\u00e9","label":"onboarding"}`, `{"device_id":"","label":""}`,
		`{"device_id":"d1","device_id":"d2"}`, `{"device_id":"d1","attributes":{"country":["US"]}}`,
		`{"device_id":"d1","attributes":{"n":-0.5e3}}`, `{"device_id":1}`, `{}`, `[]`, ``, `{"device_id":"d1",}`,
		`{"device_id":"d1","label":"onboarding","attributes":{"app_version":"1.2.3","locale":"de-AT"}} `,
	} {
		f.Add([]byte(seed))
	}
	sdk, _ := benchSDK(f, sdkapi.Options{})
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, sdk, resolvePath(demoIOS), body, http.StatusOK)
	})
}
