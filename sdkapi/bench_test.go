package sdkapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"nami/events"
	"nami/publish"
	"nami/sdkapi"
	"nami/store"
)

// The SDK benchmarks run each route two ways:
//
//   - handler: ServeHTTP called in process with a reused request and a ResponseWriter that
//     discards the body, so ns/op and allocs/op are the handler's own cost;
//   - http: real requests over loopback from parallel keep-alive clients (b.RunParallel), so
//     ns/op is the inverse of requests per second with the whole net/http stack, which is
//     what the "at least 0.8 (config) and 0.5 (resolve) of a bare handler" targets compare.
//
// BenchmarkConfigBare is that bare handler: plain net/http writing the same bytes with the same
// headers as config.

// benchSDK is the demo app published once, served by the SDK API (benchmarks and fuzz tests).
func benchSDK(b testing.TB, opts sdkapi.Options) (*sdkapi.Server, *store.Store) {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "nami.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	applySDKDemo(b, st)
	if _, err := publish.Publish(ctx, st, "calm-sky", "bench", ""); err != nil {
		b.Fatal(err)
	}
	sdk, err := sdkapi.New(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	if err != nil {
		b.Fatal(err)
	}
	sdk.Start()
	b.Cleanup(func() {
		if err := sdk.Close(context.Background()); err != nil {
			b.Error(err)
		}
	})
	return sdk, st
}

// discardWriter is a ResponseWriter that keeps the status and headers and drops the body,
// reused across iterations.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
func (w *discardWriter) reset()                      { clear(w.h); w.status, w.n = 200, 0 }

// rewindBody is a request body that can be read again.
type rewindBody struct{ bytes.Reader }

func (*rewindBody) Close() error { return nil }

// serveInProcess runs h b.N times on req; body, when set, is rewound before each request.
func serveInProcess(b *testing.B, h http.Handler, req *http.Request, body []byte, wantStatus int) {
	b.Helper()
	w := &discardWriter{h: http.Header{}}
	var rb *rewindBody
	if body != nil {
		rb = &rewindBody{}
		req.Body = rb
		req.ContentLength = int64(len(body))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w.reset()
		if rb != nil {
			rb.Reset(body)
		}
		h.ServeHTTP(w, req)
		if w.status != wantStatus {
			b.Fatalf("status %d, want %d", w.status, wantStatus)
		}
	}
}

// serveOverHTTP sends b.N requests to h over loopback from 32 parallel keep-alive clients, as
// make load does (resolve waits for its exposure's group commit, so it needs concurrency).
func serveOverHTTP(b *testing.B, h http.Handler, method, path string, body []byte, wantStatus int) {
	b.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 256}}
	b.ReportAllocs()
	b.SetParallelism(32 / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var rd io.Reader
			if body != nil {
				rd = bytes.NewReader(body)
			}
			req, err := http.NewRequest(method, srv.URL+path, rd)
			if err != nil {
				b.Error(err)
				return
			}
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := io.Copy(io.Discard, res.Body); err != nil {
				b.Error(err)
			}
			res.Body.Close()
			if res.StatusCode != wantStatus {
				b.Errorf("status %d, want %d", res.StatusCode, wantStatus)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func BenchmarkConfig(b *testing.B) {
	sdk, _ := benchSDK(b, sdkapi.Options{})
	b.Run("handler", func(b *testing.B) {
		serveInProcess(b, sdk, httptest.NewRequest("GET", configPath(demoIOS), nil), nil, http.StatusOK)
	})
	b.Run("handler-gzip", func(b *testing.B) {
		req := httptest.NewRequest("GET", configPath(demoIOS), nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		serveInProcess(b, sdk, req, nil, http.StatusOK)
	})
	b.Run("handler-304", func(b *testing.B) {
		req := httptest.NewRequest("GET", configPath(demoIOS), nil)
		req.Header.Set("If-None-Match", configETag(b, sdk))
		serveInProcess(b, sdk, req, nil, http.StatusNotModified)
	})
	b.Run("http", func(b *testing.B) {
		serveOverHTTP(b, sdk, "GET", configPath(demoIOS), nil, http.StatusOK)
	})
}

// BenchmarkConfigBare is the yardstick for BenchmarkConfig: a bare net/http handler that writes
// the bytes config answers, with the same headers, and does nothing else.
func BenchmarkConfigBare(b *testing.B) {
	sdk, _ := benchSDK(b, sdkapi.Options{})
	bare := bareConfigHandler(b, sdk)
	b.Run("handler", func(b *testing.B) {
		serveInProcess(b, bare, httptest.NewRequest("GET", configPath(demoIOS), nil), nil, http.StatusOK)
	})
	b.Run("http", func(b *testing.B) {
		serveOverHTTP(b, bare, "GET", configPath(demoIOS), nil, http.StatusOK)
	})
}

// bareConfigHandler captures one config answer and replays it.
func bareConfigHandler(b *testing.B, sdk http.Handler) http.Handler {
	b.Helper()
	rec := httptest.NewRecorder()
	sdk.ServeHTTP(rec, httptest.NewRequest("GET", configPath(demoIOS), nil))
	if rec.Code != http.StatusOK {
		b.Fatalf("config: %d", rec.Code)
	}
	body := rec.Body.Bytes()
	var headers [][2]string
	for name, values := range rec.Header() {
		headers = append(headers, [2]string{name, values[0]})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range headers {
			h.Set(kv[0], kv[1])
		}
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
}

func configETag(b *testing.B, sdk http.Handler) string {
	rec := httptest.NewRecorder()
	sdk.ServeHTTP(rec, httptest.NewRequest("GET", configPath(demoIOS), nil))
	return rec.Header().Get("ETag")
}

// resolveBody is a typical request: a device on the onboarding label with a few attributes.
var resolveBody = []byte(`{"device_id":"6f1c2a9e-4b7d-4f3e-9a51-2c8d7e0b1f42","label":"onboarding",` +
	`"attributes":{"country":"US","locale":"en-US","app_version":"3.2.1","os_version":"17.4","form_factor":"phone","days_since_install":3}}`)

func BenchmarkResolve(b *testing.B) {
	sdk, _ := benchSDK(b, sdkapi.Options{})
	b.Run("handler", func(b *testing.B) {
		serveInProcess(b, sdk, httptest.NewRequest("POST", resolvePath(demoIOS), nil), resolveBody, http.StatusOK)
	})
	b.Run("http", func(b *testing.B) {
		serveOverHTTP(b, sdk, "POST", resolvePath(demoIOS), resolveBody, http.StatusOK)
	})
}

// BenchmarkEvents posts batches of 100 events from 32 parallel clients through the handler; a
// 202 means the batch is committed to SQLite, so the time covers storing every event, and the
// benchmark fails if an acknowledged event is missing. stored-events/s is the durable rate.
func BenchmarkEvents(b *testing.B) {
	const perBatch = 100
	sdk, st := benchSDK(b, sdkapi.Options{Events: events.Options{Rate: -1}})
	before, err := st.CountEvents(context.Background(), 0)
	if err != nil {
		b.Fatal(err)
	}
	var next, refused atomic.Int64
	run := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	b.ReportAllocs()
	b.SetParallelism(16) // 32 clients on 2 cores, as make load sends
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		rb := &rewindBody{}
		req := httptest.NewRequest("POST", eventsPath(demoIOS), nil)
		req.Body = rb
		for pb.Next() {
			body := []byte(eventBatch(fmt.Sprintf("%s-%d", run, next.Add(1)), perBatch, "6f1c2a9e-4b7d-4f3e-9a51-2c8d7e0b1f42"))
			req.ContentLength = int64(len(body))
			for {
				w.reset()
				rb.Reset(body)
				sdk.ServeHTTP(w, req)
				if w.status == http.StatusAccepted {
					break
				}
				if w.status != http.StatusServiceUnavailable {
					b.Errorf("status %d", w.status)
					return
				}
				refused.Add(1) // back-pressure: try again as an SDK would
				time.Sleep(time.Millisecond)
			}
		}
	})
	b.StopTimer()
	after, err := st.CountEvents(context.Background(), 0)
	if err != nil {
		b.Fatal(err)
	}
	if stored := after - before; stored != b.N*perBatch {
		b.Fatalf("stored %d events, acknowledged %d: lost %d", stored, b.N*perBatch, b.N*perBatch-stored)
	}
	b.ReportMetric(float64(b.N*perBatch)/b.Elapsed().Seconds(), "stored-events/s")
	b.ReportMetric(float64(refused.Load()), "503s")
}
