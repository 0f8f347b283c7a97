package sdkapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"nami/events"
	"nami/metrics"
	"nami/static"
	"nami/store"
)

// SDK serves the public SDK API (DESIGN.md section 5) under /sdk/v1/platforms/{key}/: config,
// resolve, paywalls/{ref} and events. It is a plain net/http handler mounted ahead of Echo (see
// Combine), so none of the control center's session, CSRF or request-log middleware runs:
// no cookie is read or set, any origin may call it, and only errors are logged.
//
// Requests never touch SQLite: published snapshots are held in memory (see liveSet) and
// reloaded when a release is published, by this process (Refresh) or by another one on the same
// database (a poller notices within PollInterval). Events are stored through one writer in
// transactions that carry many requests' batches (package events); a 202 means committed.
type Server struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time

	live   atomic.Pointer[liveSet]
	loadMu sync.Mutex // one Refresh at a time

	pipeline    *events.Pipeline
	exposureIDs *exposureIDs

	pageCSS, pageJS string // inlined into web paywalls
	pageCSP         []string

	// PollInterval is how often the poller checks the database for a new release.
	PollInterval time.Duration

	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// Options tunes the SDK API; the zero value is the production setting.
type Options struct {
	Events events.Options // rate limit, retention and back-pressure of the events route
}

// NewSDK builds the SDK API and loads the published snapshots.
func New(ctx context.Context, st *store.Store, log *slog.Logger, opts Options) (*Server, error) {
	css, err := fs.ReadFile(static.Files, "paywall.css")
	if err != nil {
		return nil, fmt.Errorf("sdkapi.New: %w", err)
	}
	js, err := fs.ReadFile(static.Files, "js/paywall.js")
	if err != nil {
		return nil, fmt.Errorf("sdkapi.New: %w", err)
	}
	s := &Server{
		store:        st,
		log:          log,
		now:          func() time.Time { return time.Now().UTC() },
		pageCSS:      string(css),
		pageJS:       string(js),
		PollInterval: 500 * time.Millisecond,
		stop:         make(chan struct{}),
	}
	s.pageCSP = []string{webPaywallCSP(s.pageJS)}
	s.pipeline = events.New(st, log, opts.Events)
	s.pipeline.Start() // requests wait for its commits, so it runs as long as the server
	s.exposureIDs = newExposureIDs()
	if err := s.Refresh(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// webPaywallCSP allows the web paywall's one inline script by its hash, inline styles (the
// theme sets colours per element), and images from the server and data: URIs; nothing else.
func webPaywallCSP(script string) string {
	sum := sha256.Sum256([]byte(script))
	return "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
}

// Start runs the poller, which loads releases published by other processes, until Close.
func (s *Server) Start() {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.poll()
	}()
}

// poll reloads the snapshots when the database says something was published.
func (s *Server) poll() {
	t := time.NewTicker(s.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := s.Refresh(ctx); err != nil {
				s.log.Error("sdk: reloading snapshots", "err", err)
			}
			cancel()
		}
	}
}

// Close stops the poller and the event pipeline; call it after the HTTP server has stopped
// taking requests, so that every batch being answered has been committed. It gives up when
// ctx ends.
func (s *Server) Close(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.stop) })
	s.wg.Wait()
	return s.pipeline.Close(ctx)
}

// Health says whether the database takes event writes; nil when it does.
func (s *Server) Health(ctx context.Context) error { return s.pipeline.Health(ctx) }

// Refusals counts the event batches refused so far, by reason.
func (s *Server) Refusals() map[string]int64 { return s.pipeline.Refusals.Counts() }

// Releases yields the release number each SDK key is served, for the metrics; keys of apps
// that have not published are left out.
func (s *Server) Releases(yield func(key string, release int)) {
	for key, e := range s.live.Load().byKey {
		if e.rel != nil {
			yield(key, e.rel.number)
		}
	}
}

// Pipeline is the event pipeline behind the events route, for retention runs and tests.
func (s *Server) Pipeline() *events.Pipeline { return s.pipeline }

// Release returns the release number a key is served, and whether the key is known and published.
func (s *Server) Release(key string) (int, bool) {
	e := s.live.Load().byKey[key]
	if e == nil || e.rel == nil {
		return 0, false
	}
	return e.rel.number, true
}

// Combine serves /sdk/ with sdk and every other path with controlCenter, so the SDK API runs
// ahead of Echo and its middleware.
func Combine(sdk, controlCenter http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/sdk/") {
			sdk.ServeHTTP(w, r)
			return
		}
		controlCenter.ServeHTTP(w, r)
	})
}

// Shared header values: allocated once, never modified (net/http only reads them).
var (
	hdrAnyOrigin      = []string{"*"}
	hdrExposed        = []string{"ETag, Retry-After"}
	hdrNoSniff        = []string{"nosniff"}
	hdrJSON           = []string{"application/json"}
	hdrHTML           = []string{"text/html; charset=utf-8"}
	hdrConfigCache    = []string{"public, max-age=60, stale-if-error=86400"}
	hdrPageCache      = []string{"public, max-age=60"}
	hdrNoStore        = []string{"no-store"}
	hdrVaryEncoding   = []string{"Accept-Encoding"}
	hdrGzip           = []string{"gzip"}
	hdrAllowMethods   = []string{"GET, HEAD, POST, OPTIONS"}
	hdrAllowHeaders   = []string{"Content-Type, If-None-Match"}
	hdrPreflightAge   = []string{"86400"}
	hdrNoReferrer     = []string{"no-referrer"}
	hdrAllowGet       = []string{"GET, HEAD, OPTIONS"}
	hdrAllowPost      = []string{"POST, OPTIONS"}
	sdkPathPrefix     = "/sdk/v1/platforms/"
	errNotPublished   = []byte(`{"error":"not_published"}`)
	errUnknownKey     = []byte(`{"error":"unknown_key","message":"no platform has this SDK key"}`)
	errNotFound       = []byte(`{"error":"not_found","message":"the SDK API has config, resolve, paywalls/{ref} and events under /sdk/v1/platforms/{key}/"}`)
	errUnknownPaywall = []byte(`{"error":"unknown_paywall","message":"the published snapshot has no paywall with this ref: it carries only paywalls a live campaign shows or marked for SDK use"}`)
)

// Each route's request metrics, labels curried once.
var (
	routeConfig  = metrics.NewRoute(metrics.RouteConfig)
	routeResolve = metrics.NewRoute(metrics.RouteResolve)
	routePaywall = metrics.NewRoute(metrics.RoutePaywall)
	routeEvents  = metrics.NewRoute(metrics.RouteEvents)
	routeOther   = metrics.NewRoute(metrics.RouteOther)
)

// statusWriter remembers the status of an answer, for the request metrics; pooled, so that
// counting costs no allocation.
type statusWriter struct {
	http.ResponseWriter
	status int
}

var statusWriters = sync.Pool{New: func() any { return new(statusWriter) }}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ServeHTTP routes /sdk/v1/platforms/{key}/{config|resolve|events|paywalls/{ref}} and counts
// each request by route and status, with its latency. A request whose client went away before
// it was answered is counted as status 499.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := statusWriters.Get().(*statusWriter)
	sw.ResponseWriter, sw.status = w, 0
	route := s.serve(sw, r)
	status := sw.status
	if status == 0 {
		status = 499
	}
	route.Observe(status, time.Since(start))
	sw.ResponseWriter = nil
	statusWriters.Put(sw)
}

// serve answers one request and says which route's metrics count it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) (route *metrics.Route) {
	route = routeOther
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("sdk: panic", "method", r.Method, "path", r.URL.Path, "panic", v)
			s.fail(w, r, http.StatusInternalServerError, "internal", "the server failed; try again")
		}
	}()
	h := w.Header()
	h["Access-Control-Allow-Origin"] = hdrAnyOrigin
	h["Access-Control-Expose-Headers"] = hdrExposed
	h["X-Content-Type-Options"] = hdrNoSniff
	if r.Method == http.MethodOptions {
		h["Access-Control-Allow-Methods"] = hdrAllowMethods
		h["Access-Control-Allow-Headers"] = hdrAllowHeaders
		h["Access-Control-Max-Age"] = hdrPreflightAge
		w.WriteHeader(http.StatusNoContent)
		return route
	}
	if !strings.HasPrefix(r.URL.Path, sdkPathPrefix) && s.serveWebSDK(w, r) {
		return route
	}
	rest, ok := strings.CutPrefix(r.URL.Path, sdkPathPrefix)
	key, name, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || key == "" {
		s.writeJSON(w, http.StatusNotFound, errNotFound)
		return route
	}
	var ref string
	switch {
	case name == "config":
		route = routeConfig
	case name == "resolve":
		route = routeResolve
	case name == "events":
		route = routeEvents
	case strings.HasPrefix(name, "paywalls/") && len(name) > len("paywalls/") && !strings.Contains(name[len("paywalls/"):], "/"):
		name, ref, route = "paywalls", name[len("paywalls/"):], routePaywall
	default:
		s.writeJSON(w, http.StatusNotFound, errNotFound)
		return route
	}
	if !methodAllowed(name, r.Method) {
		if name == "resolve" || name == "events" {
			h["Allow"] = hdrAllowPost
		} else {
			h["Allow"] = hdrAllowGet
		}
		s.fail(w, r, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here")
		return route
	}
	e := s.live.Load().byKey[key]
	if e == nil {
		s.writeJSON(w, http.StatusNotFound, errUnknownKey)
		return route
	}
	if name == "events" {
		s.ingest(w, r, e)
		return route
	}
	if e.rel == nil {
		s.writeJSON(w, http.StatusNotFound, errNotPublished)
		return route
	}
	switch name {
	case "config":
		s.config(w, r, e.rel)
	case "resolve":
		s.resolve(w, r, e)
	case "paywalls":
		s.paywallPage(w, r, e.rel, ref)
	}
	return route
}

func methodAllowed(route, method string) bool {
	if route == "resolve" || route == "events" {
		return method == http.MethodPost
	}
	return method == http.MethodGet || method == http.MethodHead
}

// writeJSON writes a pre-encoded JSON answer that must not be cached.
func (s *Server) writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["Cache-Control"] = hdrNoStore
	w.WriteHeader(status)
	w.Write(body)
}

// fail answers {"error": code, "message": msg}; server errors are logged, client errors are
// logged at debug level only, so a misbehaving app cannot flood the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(r.Context(), level, "sdk request failed", "method", r.Method, "path", r.URL.Path, "status", status, "error", msg)
	s.writeError(w, status, code, msg)
}

// writeError answers {"error": code, "message": msg}.
func (s *Server) writeError(w http.ResponseWriter, status int, code, msg string) {
	body, err := encodeJSON(struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}{code, msg})
	if err != nil {
		body = []byte(`{"error":"internal"}`)
	}
	s.writeJSON(w, status, body)
}
