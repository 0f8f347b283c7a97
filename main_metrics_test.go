package main

import (
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestServeExposesPrometheusMetrics runs `nami serve --metrics-addr`, makes SDK traffic and
// scrapes /metrics on its own listener: requests by route and status, events accepted,
// duplicates and refused, group commits, the release each key is served, the database size,
// the sign-in failures counter and the Go and process collectors.
func TestServeExposesPrometheusMetrics(t *testing.T) {
	db := tempDB(t)
	metricsAddr := freeAddr(t)
	srv := startServer(t, exec.Command(namiBinary(t), "serve", "--db", db, "--demo", "--events-rate", "0", "--metrics-addr", metricsAddr))
	sdk := srv.url + "/sdk/v1/platforms/" + demoIOSKey
	do := func(method, url, body string, want int) {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d", method, url, res.StatusCode, want)
		}
	}
	for range 3 {
		do("GET", sdk+"/config", "", http.StatusOK)
	}
	do("POST", sdk+"/config", "", http.StatusMethodNotAllowed)
	do("GET", srv.url+"/sdk/v1/nowhere", "", http.StatusNotFound)
	const n = 7
	batch := crashBatch("metrics", n)
	do("POST", sdk+"/events", batch, http.StatusAccepted)
	do("POST", sdk+"/events", batch, http.StatusAccepted) // a retry: all duplicates
	do("POST", sdk+"/events", `{"events":[{"id":"x"}]}`, http.StatusBadRequest)

	res, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(raw)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d\n%s", res.StatusCode, page)
	}
	value := func(series string) float64 {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("/metrics has no series %s", series)
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for series, want := range map[string]float64{
		`nami_sdk_requests_total{route="config",status="200"}`:               3,
		`nami_sdk_requests_total{route="config",status="405"}`:               1,
		`nami_sdk_requests_total{route="other",status="404"}`:                1,
		`nami_sdk_requests_total{route="events",status="202"}`:               2,
		`nami_sdk_requests_total{route="events",status="400"}`:               1,
		`nami_sdk_request_duration_seconds_count{route="config"}`:            4,
		`nami_sdk_request_duration_seconds_count{route="events"}`:            3,
		`nami_events_accepted_total`:                                         n,
		`nami_events_duplicates_total`:                                       n,
		`nami_events_refused_total{reason="invalid"}`:                        1,
		`nami_events_refused_total{reason="rate_limited"}`:                   0,
		`nami_sdk_release{key="` + demoIOSKey + `"}`:                         1,
		`nami_sign_in_failures_total`:                                        0,
		`nami_sdk_requests_total{route="resolve",status="200"}`:              0,
		`nami_sdk_request_duration_seconds_count{route="paywall"}`:           0,
		`nami_sdk_request_duration_seconds_bucket{route="config",le="+Inf"}`: 4,
	} {
		if got := value(series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if v := value("nami_events_commit_size_sum"); v < 2*n {
		t.Errorf("nami_events_commit_size_sum = %v, want at least %d (both batches)", v, 2*n)
	}
	if v := value("nami_events_commit_duration_seconds_count"); v < 1 {
		t.Errorf("nami_events_commit_duration_seconds_count = %v, want a commit", v)
	}
	if v := value("nami_database_size_bytes"); v < 4096 {
		t.Errorf("nami_database_size_bytes = %v, want the database's size", v)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(page, "\n"+name+" ") {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	// The control center's listener does not serve the metrics.
	res, err = http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(raw), "nami_sdk_requests_total") {
		t.Errorf("GET /metrics on the control center's address shows the metrics; want them only on --metrics-addr")
	}
}

// TestServeRefusesABadBaseURL checks that --base-url and NAMI_BASE_URL must be an http or
// https address, and that serve stops before opening the database.
func TestServeRefusesABadBaseURL(t *testing.T) {
	db := tempDB(t)
	for _, args := range [][]string{{"--base-url", "nami.example.com"}, {"--base-url", "ftp://nami.example.com"}} {
		_, _, err := cli(t, "", append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, args...)...)
		if err == nil || !strings.Contains(err.Error(), "--base-url") {
			t.Errorf("serve %v: %v, want a --base-url error", args, err)
		}
	}
	t.Setenv("NAMI_BASE_URL", "javascript:alert(1)")
	if _, _, err := cli(t, "", "serve", "--db", db, "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("serve with NAMI_BASE_URL=javascript:alert(1): %v, want a --base-url error", err)
	}
}
