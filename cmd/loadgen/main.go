// Command loadgen measures the SDK API of a running Nami server on this machine: requests per
// second for config and resolve, side by side with a bare net/http handler that writes the same
// config bytes with the same headers, and the rate at which events are accepted and stored in
// SQLite with none lost. `make load` starts a server with the demo app and runs it.
//
// It only talks to loopback addresses, and every phase is bounded by -duration and -requests.
// The bare handler runs in a child process of loadgen (started with -bare), so that it competes
// for the CPUs exactly as the Nami server process does; it is never part of Nami itself.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"nami/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

type options struct {
	base        *url.URL
	key         string
	duration    time.Duration
	requests    int64
	concurrency int
	rounds      int
	batch       int
	db          string
}

func run() error {
	var o options
	rawURL := flag.String("url", "http://127.0.0.1:8080", "the Nami server (loopback only)")
	flag.StringVar(&o.key, "key", "pk_lh8cm96yrkezvtddv4miodnzinfys2kc", "an SDK key of a published platform (default: the demo's iOS key)")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "how long each phase runs (at most 60s)")
	flag.Int64Var(&o.requests, "requests", 1_000_000, "the most requests one phase sends")
	flag.IntVar(&o.concurrency, "concurrency", 32, "parallel keep-alive connections")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds of bare, config and resolve, interleaved; the median is reported")
	flag.IntVar(&o.batch, "batch", 100, "events per events request")
	flag.StringVar(&o.db, "db", "", "the server's database, to check that every accepted event was stored")
	bare := flag.String("bare", "", "internal: serve the config captured in this file as the bare handler")
	flag.Parse()
	if *bare != "" {
		return serveBare(*bare)
	}
	u, err := url.Parse(*rawURL)
	if err != nil {
		return err
	}
	if err := checkLoopback(u); err != nil {
		return err
	}
	o.base = u
	o.duration = min(max(o.duration, 500*time.Millisecond), time.Minute)
	o.requests = min(max(o.requests, 1), 10_000_000)
	o.concurrency = min(max(o.concurrency, 1), 512)
	o.rounds = min(max(o.rounds, 1), 10)
	o.batch = min(max(o.batch, 1), 500)
	return measure(o)
}

// checkLoopback refuses any host that is not this machine.
func checkLoopback(u *url.URL) error {
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url %s: only loopback addresses (127.0.0.1, ::1, localhost) may be load-tested", u)
}

func measure(o options) error {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: o.concurrency, MaxIdleConnsPerHost: o.concurrency, DisableCompression: true}}
	configURL := o.base.JoinPath("sdk/v1/platforms", o.key, "config").String()
	captured, err := waitForConfig(client, configURL)
	if err != nil {
		return err
	}
	bareURL, stopBare, err := startBare(captured)
	if err != nil {
		return err
	}
	defer stopBare()

	resolveURL := o.base.JoinPath("sdk/v1/platforms", o.key, "resolve").String()
	resolveBody := []byte(`{"device_id":"%d","label":"onboarding","attributes":{"country":"US","locale":"en-US","app_version":"3.2.1","days_since_install":3}}`)
	phases := []struct {
		name string
		req  func(i int64) (*http.Request, error)
	}{
		{"bare", func(int64) (*http.Request, error) { return http.NewRequest("GET", bareURL, nil) }},
		{"config", func(int64) (*http.Request, error) { return http.NewRequest("GET", configURL, nil) }},
		{"resolve", func(i int64) (*http.Request, error) {
			return http.NewRequest("POST", resolveURL, bytes.NewReader(fmt.Appendf(nil, string(resolveBody), i)))
		}},
	}
	fmt.Printf("loadgen: %s, %d connections, %s per phase, %d rounds, %d-byte config\n",
		o.base, o.concurrency, o.duration, o.rounds, len(captured.Body))
	warm := o
	warm.duration = min(time.Second, o.duration)
	for _, ph := range phases { // warm up both servers (connections, caches, heap) unmeasured
		if _, err := hammer(client, warm, ph.req, http.StatusOK); err != nil {
			return fmt.Errorf("%s: %w", ph.name, err)
		}
	}
	rates := map[string][]float64{}
	for round := 1; round <= o.rounds; round++ {
		for _, ph := range phases {
			r, err := hammer(client, o, ph.req, http.StatusOK)
			if err != nil {
				return fmt.Errorf("%s: %w", ph.name, err)
			}
			rates[ph.name] = append(rates[ph.name], r.perSecond())
			fmt.Printf("  round %d  %-8s %9.0f req/s  (%d requests, p50 %s, p99 %s)\n", round, ph.name, r.perSecond(), r.n,
				r.quantile(0.5), r.quantile(0.99))
		}
	}
	// Each round measures the three side by side, so the ratio within a round is the fairest
	// comparison on a machine whose load drifts; the median of the rounds is reported.
	fmt.Printf("median   bare     %9.0f req/s\n", median(rates["bare"]))
	for _, name := range []string{"config", "resolve"} {
		ratios := make([]float64, len(rates[name]))
		for i := range ratios {
			ratios[i] = rates[name][i] / rates["bare"][i]
		}
		fmt.Printf("median   %-8s %9.0f req/s  = %.2f of bare in the same round\n", name, median(rates[name]), median(ratios))
	}
	return measureEvents(client, o)
}

// captured is one config answer, replayed by the bare handler.
type captured struct {
	Header http.Header
	Body   []byte
}

// waitForConfig polls config until the server answers 200 (it may be starting, or noticing a
// release), for at most 15 seconds.
func waitForConfig(client *http.Client, configURL string) (captured, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := client.Get(configURL)
		if err == nil {
			body, rerr := io.ReadAll(res.Body)
			res.Body.Close()
			if rerr == nil && res.StatusCode == http.StatusOK {
				res.Header.Del("Date")
				return captured{Header: res.Header, Body: body}, nil
			}
			err = fmt.Errorf("status %d: %s", res.StatusCode, body)
		}
		if time.Now().After(deadline) {
			return captured{}, fmt.Errorf("GET %s: %w (is the server running and the app published?)", configURL, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startBare runs this program again as the bare handler's server and returns its config URL.
func startBare(c captured) (string, func(), error) {
	dir, err := os.MkdirTemp("", "loadgen")
	if err != nil {
		return "", nil, err
	}
	file := filepath.Join(dir, "config.json")
	data, err := json.Marshal(c)
	if err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return "", nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(self, "-bare", file)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Kill() // the child we started, by its process
		cmd.Wait()
		os.RemoveAll(dir)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("starting the bare server: %w", err)
	}
	return "http://" + strings.TrimSpace(line) + "/sdk/v1/_bare/config", stop, nil
}

// serveBare is the child process: a bare net/http handler writing the captured bytes with the
// captured headers, on a loopback port it prints.
func serveBare(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var c captured
	if err := json.Unmarshal(data, &c); err != nil {
		return err
	}
	// A server holding snapshots has tens of MB of live heap, so it collects garbage less often
	// than a process holding one response; the ballast gives the bare server the same headroom,
	// so the comparison is of the handlers, not of GC frequency.
	ballast := make([]byte, 64<<20)
	defer runtime.KeepAlive(ballast)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sdk/v1/_bare/config" {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for name, values := range c.Header {
			h.Set(name, values[0])
		}
		w.WriteHeader(http.StatusOK)
		w.Write(c.Body)
	})
	srv := &http.Server{Handler: bare, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	return srv.Serve(ln)
}

// result is what one phase measured.
type result struct {
	n         int64
	elapsed   time.Duration
	latencies []time.Duration // a sample
}

func (r result) perSecond() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r result) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))].Round(time.Microsecond)
}

// hammer sends requests from o.concurrency workers until o.duration passes or o.requests are
// sent; any answer other than want stops the phase with an error.
func hammer(client *http.Client, o options, newReq func(i int64) (*http.Request, error), want int) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	var sent atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var latencies []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for ctx.Err() == nil {
				i := sent.Add(1)
				if i > o.requests {
					break
				}
				t := time.Now()
				status, err := do(client, newReq, i)
				if err == nil && status != want {
					err = fmt.Errorf("status %d, want %d", status, want)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil && ctx.Err() == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					break
				}
				if i%16 == 0 {
					mine = append(mine, time.Since(t))
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	n := min(sent.Load(), o.requests)
	return result{n: n, elapsed: elapsed, latencies: latencies}, firstErr
}

func do(client *http.Client, newReq func(i int64) (*http.Request, error), i int64) (int, error) {
	req, err := newReq(i)
	if err != nil {
		return 0, err
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, err
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// measureEvents posts batches for o.duration, counting what was accepted (a 503 is retried after
// its Retry-After, as an SDK would), then waits until the database holds every accepted event.
func measureEvents(client *http.Client, o options) error {
	var st *store.Store
	before := 0
	if o.db != "" {
		var err error
		if st, err = store.Open(context.Background(), o.db); err != nil {
			return err
		}
		defer st.Close()
		if before, err = st.CountEvents(context.Background(), 0); err != nil {
			return err
		}
	}
	eventsURL := o.base.JoinPath("sdk/v1/platforms", o.key, "events").String()
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	var accepted, refused, sent atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && sent.Add(1) <= o.requests {
				body := eventBatch(o.batch, fmt.Sprintf("device-%d", w))
				res, err := client.Post(eventsURL, "application/json", bytes.NewReader(body))
				if err != nil {
					if ctx.Err() == nil {
						firstErr.CompareAndSwap(nil, err)
					}
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusAccepted:
					accepted.Add(int64(o.batch))
				case http.StatusServiceUnavailable:
					refused.Add(1)
					time.Sleep(time.Second)
				default:
					firstErr.CompareAndSwap(nil, fmt.Errorf("events: status %d", res.StatusCode))
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	ingest := time.Since(start)
	if err, ok := firstErr.Load().(error); ok && err != nil {
		return err
	}
	n := accepted.Load()
	fmt.Printf("events   accepted %d events in %s = %.0f events/s (%d batches of %d; %d answered 503 and were retried)\n",
		n, ingest.Round(time.Millisecond), float64(n)/ingest.Seconds(), n/int64(o.batch), o.batch, refused.Load())
	if st == nil {
		fmt.Println("events   pass -db to check that they were all stored")
		return nil
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		count, err := st.CountEvents(context.Background(), 0)
		if err != nil {
			return err
		}
		stored := int64(count - before)
		if stored >= n || time.Now().After(deadline) {
			total := time.Since(start)
			fmt.Printf("events   stored %d of %d in SQLite after %s = %.0f events/s sustained; lost %d\n",
				stored, n, total.Round(time.Millisecond), float64(stored)/total.Seconds(), n-stored)
			if stored != n {
				return errors.New("events were lost")
			}
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// eventBatch is n valid events from one device.
func eventBatch(n int, device string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"events":[`)
	now := time.Now().UTC().Format(time.RFC3339)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		typ := []string{"impression", "cta_tap", "close"}[i%3]
		fmt.Fprintf(&b, `{"type":%q,"device_id":%q,"campaign":"onboarding-ab","variant":"a","paywall":"spring","time":%q}`, typ, device, now)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}
