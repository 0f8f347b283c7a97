// Package metrics holds Nami's Prometheus metrics: one registry of its own (not the client
// library's global default) with the Go and process collectors, and exported collectors that the
// SDK API, the event pipeline and the control center update. Updating a collector is an atomic
// add; nothing is exposed unless `nami serve --metrics-addr` is given (Serve).
package metrics

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every metric of the process; Serve exposes it with the collectors given there.
var Registry = prometheus.NewRegistry()

// SDK routes, as the route label of the SDK request metrics.
const (
	RouteConfig  = "config"
	RouteResolve = "resolve"
	RoutePaywall = "paywall"
	RouteEvents  = "events"
	RouteOther   = "other"
)

var (
	// SignInFailures counts refused sign-ins (wrong email or password, or over the attempt limit).
	SignInFailures = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "nami_sign_in_failures_total",
		Help: "Sign-ins refused: a wrong email or password, or too many attempts.",
	})

	sdkRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nami_sdk_requests_total",
		Help: "SDK API requests by route and HTTP status.",
	}, []string{"route", "status"})
	sdkDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "nami_sdk_request_duration_seconds",
		Help:    "SDK API request latency by route (for events: until the batch is committed).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})

	// EventsAccepted counts events newly stored from SDK batches.
	EventsAccepted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "nami_events_accepted_total",
		Help: "Events from SDK batches newly stored.",
	})
	// EventsDuplicates counts events of SDK batches whose id was already stored (retries).
	EventsDuplicates = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "nami_events_duplicates_total",
		Help: "Events from SDK batches already stored (a retried batch).",
	})
	eventsRefused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nami_events_refused_total",
		Help: "Event batches refused (and exposures not recorded), by reason.",
	}, []string{"reason"})

	// CommitEvents observes how many events one group commit of the event writer stored.
	CommitEvents = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "nami_events_commit_size",
		Help:    "Events written per group commit.",
		Buckets: []float64{1, 10, 50, 100, 250, 500, 1000, 2500, 5000},
	})
	// CommitSeconds observes how long one group commit of the event writer took.
	CommitSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "nami_events_commit_duration_seconds",
		Help:    "Time to write and commit one group of event batches.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	})
)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		SignInFailures, sdkRequests, sdkDuration, EventsAccepted, EventsDuplicates, eventsRefused,
		CommitEvents, CommitSeconds,
	)
}

// Route is one SDK route's metrics with its label values curried, so a request costs two atomic
// adds and a map read, and no allocation.
type Route struct {
	name     string
	duration prometheus.Observer
	byStatus map[int]prometheus.Counter // fixed at construction; read without a lock
}

// commonStatuses are the statuses the SDK API answers; others are looked up when they occur.
var commonStatuses = []int{200, 202, 204, 304, 400, 404, 405, 413, 415, 422, 429, 500, 503}

// NewRoute prepares the metrics of one SDK route (RouteConfig, ...).
func NewRoute(name string) *Route {
	r := &Route{name: name, duration: sdkDuration.WithLabelValues(name), byStatus: map[int]prometheus.Counter{}}
	for _, s := range commonStatuses {
		r.byStatus[s] = sdkRequests.WithLabelValues(name, strconv.Itoa(s))
	}
	return r
}

// Observe counts one request answered with status after d.
func (r *Route) Observe(status int, d time.Duration) {
	c := r.byStatus[status]
	if c == nil {
		c = sdkRequests.WithLabelValues(r.name, strconv.Itoa(status))
	}
	c.Inc()
	r.duration.Observe(d.Seconds())
}

// Refused returns the counter of refusals for reason, for a caller to keep.
func Refused(reason string) prometheus.Counter { return eventsRefused.WithLabelValues(reason) }

// Serve exposes /metrics on addr: Registry, plus extra collectors of this server (read on each
// scrape). It returns once listening, with the address it listens on, and a function that
// stops the listener.
func Serve(addr string, extra ...prometheus.Collector) (string, func(context.Context) error, error) {
	local := prometheus.NewRegistry()
	for _, c := range extra {
		if err := local.Register(c); err != nil {
			return "", nil, err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(prometheus.Gatherers{Registry, local}, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) // returns ErrServerClosed after stop
	return ln.Addr().String(), srv.Shutdown, nil
}

// GaugeFunc is a gauge read from f on each scrape.
func GaugeFunc(name, help string, f func() float64) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
}

// LabeledGauges is a gauge with one label whose values are read from f on each scrape.
type LabeledGauges struct {
	desc *prometheus.Desc
	f    func(yield func(label string, v float64))
}

// NewLabeledGauges builds a gauge name{label=...} whose series f yields on each scrape.
func NewLabeledGauges(name, help, label string, f func(yield func(label string, v float64))) *LabeledGauges {
	return &LabeledGauges{desc: prometheus.NewDesc(name, help, []string{label}, nil), f: f}
}

// Describe implements prometheus.Collector.
func (g *LabeledGauges) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

// Collect implements prometheus.Collector.
func (g *LabeledGauges) Collect(ch chan<- prometheus.Metric) {
	g.f(func(label string, v float64) {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, v, label)
	})
}
