package main

// `loadgen scale` measures the control center against generated catalogs of growing size (`make
// scale`): for each size it applies the catalog into a fresh database with the nami binary (the
// first apply, then a no-op apply), publishes, starts `nami serve`, signs up, makes one pending
// paywall edit (an apply of the catalog with one title changed) and times every app page, the
// releases page and a publish through HTTP; then config bytes and resolve throughput. Every
// timing is the median of -repeat runs. A last case measures 200 apps of size S: a page and the
// start-up time of serve.
//
// Sizes: S is 20 products, 10 paywalls, 20 campaigns; M is 10x; L 50x; 2xL 100x.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"nami/catalog"
	"nami/publish"
	"nami/store"
)

type scaleSize struct {
	name  string
	times int // multiple of S
}

var scaleSizes = []scaleSize{{"S", 1}, {"M", 10}, {"L", 50}, {"2xL", 100}}

type scaleOptions struct {
	nami, dir, sizes string
	skip             string // pages not to time, comma-separated names
	repeat           int
	resolveFor       time.Duration
	apps             int
}

func scale(args []string) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	var o scaleOptions
	fs.StringVar(&o.nami, "nami", "./nami", "the nami binary to measure")
	fs.StringVar(&o.dir, "dir", "", "a scratch directory (default: a new temp directory, removed after)")
	fs.StringVar(&o.sizes, "sizes", "S,M,L,2xL,apps", "the sizes to measure, comma-separated: S, M, L, 2xL, apps (200 apps of size S)")
	fs.IntVar(&o.repeat, "repeat", 5, "timings per figure; the median is reported")
	fs.DurationVar(&o.resolveFor, "resolve-duration", 2*time.Second, "how long resolve is hammered per size")
	fs.IntVar(&o.apps, "apps", 200, "apps of size S in the many-apps case")
	fs.StringVar(&o.skip, "skip", "", "pages not to time, comma-separated (e.g. overview)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.repeat = min(max(o.repeat, 1), 20)
	if o.dir == "" {
		d, err := os.MkdirTemp("", "nami-scale-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		o.dir = d
	}
	nami, err := filepath.Abs(o.nami)
	if err != nil {
		return err
	}
	o.nami = nami
	for _, name := range strings.Split(o.sizes, ",") {
		name = strings.TrimSpace(name)
		if name == "apps" || name == "200" {
			if err := scaleApps(o); err != nil {
				return fmt.Errorf("apps: %w", err)
			}
			continue
		}
		i := slices.IndexFunc(scaleSizes, func(s scaleSize) bool { return strings.EqualFold(s.name, name) })
		if i < 0 {
			return fmt.Errorf("unknown size %q (S, M, L, 2xL, apps)", name)
		}
		if err := scaleOne(o, scaleSizes[i]); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// scaleCatalog builds a catalog file of n times size S for the app slug: 2 entitlements, 2 platforms
// (ios, android), 20n products (10n per platform), 10n paywalls of two locales with 4 products
// each, 20n campaigns over n labels... capped so a label has at most 200 campaigns: 80% live,
// each with a country condition and two variants.
func scaleCatalog(slug string, n int, title string) map[string]any {
	platforms := []map[string]any{
		{"ref": "ios", "store": "apple", "name": "iOS", "bundle_id": "com.example." + slug, "environment": "production",
			"key": keyFor(slug, "ios")},
		{"ref": "android", "store": "google", "name": "Android", "bundle_id": "com.example." + slug, "environment": "production",
			"key": keyFor(slug, "android")},
	}
	ents := []map[string]any{
		{"ref": "premium", "name": "Premium", "description": "Everything"},
		{"ref": "offline", "name": "Offline", "description": "Listen offline"},
	}
	var products []map[string]any
	for _, pl := range []string{"ios", "android"} {
		for i := range 10 * n {
			p := map[string]any{"platform": pl, "sku": fmt.Sprintf("%s.sku%04d", slug, i), "name": fmt.Sprintf("Plan %d", i),
				"kind": "subscription", "price": fmt.Sprintf("%d.99", 1+i%50), "currency": "USD",
				"period": []string{"P1M", "P1Y"}[i%2], "entitlements": []string{"premium"}}
			if i%3 == 0 {
				p["trial"] = "P1W"
			}
			products = append(products, p)
		}
	}
	var paywalls []map[string]any
	for i := range 10 * n {
		t := fmt.Sprintf("Unlock everything %d", i)
		if i == 0 && title != "" {
			t = title
		}
		var pp []map[string]any
		for j := range 2 {
			k := (i*2 + j) % (10 * n)
			pp = append(pp, map[string]any{"platform": "ios", "sku": fmt.Sprintf("%s.sku%04d", slug, k)},
				map[string]any{"platform": "android", "sku": fmt.Sprintf("%s.sku%04d", slug, k)})
		}
		paywalls = append(paywalls, map[string]any{"ref": fmt.Sprintf("pw%04d", i), "name": fmt.Sprintf("Paywall %d", i),
			"template": "minimal", "default_locale": "en",
			"theme": map[string]any{"accent": "#334155", "background": "#F8FAFC", "text": "#0F172A"},
			"copy": map[string]any{
				"en": map[string]any{"title": t, "subtitle": "Sleep better", "body": "All sessions, courses and **stories**.",
					"cta": "Subscribe", "footer": "Cancel anytime."},
				"fr": map[string]any{"title": fmt.Sprintf("Tout débloquer %d", i), "subtitle": "Dormez mieux",
					"body": "Toutes les séances.", "cta": "S'abonner", "footer": "Résiliable à tout moment."},
			},
			"products": pp})
	}
	labels := max(1, (20*n+199)/200)
	var campaigns []map[string]any
	for i := range 20 * n {
		status := "live"
		if i%5 == 4 {
			status = "paused"
		}
		pw := 10 * n
		campaigns = append(campaigns, map[string]any{"ref": fmt.Sprintf("c%04d", i), "name": fmt.Sprintf("Campaign %d", i),
			"label": fmt.Sprintf("label%d", i%labels), "status": status, "priority": i, "holdout_percent": 5,
			"audience": map[string]any{"match": "all", "conditions": []map[string]any{
				{"attribute": "country", "operator": "in", "values": []string{"US", "CA", "GB", "DE", "FR"}[:1+i%5]}}},
			"variants": []map[string]any{
				{"ref": "a", "paywall": fmt.Sprintf("pw%04d", i%pw), "weight": 50},
				{"ref": "b", "paywall": fmt.Sprintf("pw%04d", (i+1)%pw), "weight": 50}}})
	}
	return map[string]any{"format": "nami.catalog/v1", "app": map[string]any{"slug": slug, "name": "Scale " + slug},
		"platforms": platforms, "entitlements": ents, "products": products, "paywalls": paywalls, "campaigns": campaigns}
}

// keyFor is a stable SDK key (pk_ and 32 lowercase letters or digits) for an app's platform.
func keyFor(slug, platform string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var h uint64 = 1469598103934665603
	for _, b := range []byte(slug + "/" + platform) {
		h = (h ^ uint64(b)) * 1099511628211
	}
	out := make([]byte, 32)
	for i := range out {
		h = h*6364136223846793005 + 1442695040888963407
		out[i] = alphabet[(h>>33)%uint64(len(alphabet))]
	}
	return "pk_" + string(out)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// runNami runs the nami binary and returns its wall time.
func runNami(o scaleOptions, args ...string) (time.Duration, error) {
	cmd := exec.Command(o.nami, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("nami %s: %w: %s", strings.Join(args, " "), err, out.String())
	}
	return d, nil
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// server is a running `nami serve` and a signed-in browser.
type server struct {
	cmd     *exec.Cmd
	base    string
	client  *http.Client
	csrf    string
	startup time.Duration // from exec to the first answer of /healthz
}

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func startServer(o scaleOptions, db string) (*server, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(db + ".serve.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(o.nami, "serve", "--db", db, "--addr", addr, "--events-rate", "0")
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	jar, _ := cookiejar.New(nil)
	s.client = &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}}
	for {
		res, err := s.client.Get(s.base + "/healthz")
		if err == nil {
			res.Body.Close()
			s.startup = time.Since(start)
			break
		}
		if time.Since(start) > 30*time.Second {
			s.stop()
			return nil, fmt.Errorf("serve did not answer in 30 s (see %s.serve.log)", db)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return s, nil
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// get fetches a page and returns its time and body; it fails on any status but 200.
func (s *server) get(path string) (time.Duration, []byte, error) {
	start := time.Now()
	res, err := s.client.Get(s.base + path)
	if err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(start)
	if err != nil {
		return d, nil, err
	}
	if res.StatusCode != http.StatusOK {
		return d, body, fmt.Errorf("GET %s: status %d", path, res.StatusCode)
	}
	if m := csrfMeta.FindSubmatch(body); m != nil {
		s.csrf = string(m[1])
	}
	return d, body, nil
}

func (s *server) post(path string, vals url.Values) (time.Duration, error) {
	vals.Set("_csrf", s.csrf)
	start := time.Now()
	res, err := s.client.PostForm(s.base+path, vals)
	if err != nil {
		return 0, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(start)
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound && res.StatusCode != http.StatusOK {
		return d, fmt.Errorf("POST %s: status %d: %.300s", path, res.StatusCode, body)
	}
	return d, nil
}

func (s *server) signUp() error {
	if _, _, err := s.get("/setup"); err != nil {
		return err
	}
	if _, err := s.post("/setup", url.Values{"email": {"scale@example.com"}, "name": {"Scale"}, "password": {"correct horse battery staple"}}); err != nil {
		return err
	}
	_, _, err := s.get("/apps")
	return err
}

// timePage is the median time of a page over o.repeat fetches, and the first fetch's time.
func (s *server) timePage(o scaleOptions, path string) (med, first time.Duration, size int, err error) {
	var ds []time.Duration
	for i := range o.repeat {
		d, body, err := s.get(path)
		if err != nil {
			return 0, 0, 0, err
		}
		if i == 0 {
			first, size = d, len(body)
		}
		ds = append(ds, d)
	}
	return medianDuration(ds), first, size, nil
}

func scaleOne(o scaleOptions, sz scaleSize) error {
	slug := "scale-" + strings.ToLower(sz.name)
	db := filepath.Join(o.dir, slug+".db")
	for _, ext := range []string{"", "-wal", "-shm"} {
		os.Remove(db + ext)
	}
	cat := filepath.Join(o.dir, slug+".json")
	edited := filepath.Join(o.dir, slug+"-edited.json")
	if err := writeJSON(cat, scaleCatalog(slug, sz.times, "")); err != nil {
		return err
	}
	if err := writeJSON(edited, scaleCatalog(slug, sz.times, "Unlock everything, now 20% off")); err != nil {
		return err
	}
	n := sz.times
	fmt.Printf("\n== %s: %d products, %d paywalls, %d campaigns\n", sz.name, 20*n, 10*n, 20*n)
	first, err := runNami(o, "apply", "--db", db, "-f", cat)
	if err != nil {
		return err
	}
	var noops []time.Duration
	for range o.repeat {
		d, err := runNami(o, "apply", "--db", db, "-f", cat)
		if err != nil {
			return err
		}
		noops = append(noops, d)
	}
	pub, err := runNami(o, "publish", "--db", db, "--app", slug, "--note", "scale")
	if err != nil {
		return err
	}
	fmt.Printf("apply (nami apply, wall)   first %s   no-op %s\n", ms(first), ms(medianDuration(noops)))
	fmt.Printf("publish (nami publish, wall) first release %s\n", ms(pub))

	s, err := startServer(o, db)
	if err != nil {
		return err
	}
	defer s.stop()
	if err := s.signUp(); err != nil {
		return err
	}
	app := "/apps/" + slug
	pages := []struct{ name, path string }{
		{"overview", app}, {"platforms", app + "/platforms"}, {"entitlements", app + "/entitlements"},
		{"products", app + "/products"}, {"paywalls", app + "/paywalls"}, {"paywall editor", app + "/paywalls/pw0001"},
		{"campaigns", app + "/campaigns"}, {"campaign builder", app + "/campaigns/c0001"}, {"releases", app + "/releases"},
	}
	pages = slices.DeleteFunc(pages, func(p struct{ name, path string }) bool {
		return slices.Contains(strings.Split(o.skip, ","), p.name)
	})
	// Warm up (templates, connections) on a clean state, then make one pending paywall edit.
	for _, p := range pages {
		if _, _, err := s.get(p.path); err != nil {
			return err
		}
	}
	clean := map[string]time.Duration{}
	for _, p := range pages {
		med, _, _, err := s.timePage(o, p.path)
		if err != nil {
			return err
		}
		clean[p.name] = med
	}
	if _, err := runNami(o, "apply", "--db", db, "-f", edited); err != nil {
		return err
	}
	// The first page after the edit finds the drafts changed and compares them with the release.
	d, _, err := s.get(app + "/platforms")
	if err != nil {
		return err
	}
	fmt.Printf("first page after the edit (platforms) %s\n", ms(d))
	fmt.Printf("%-17s %12s %14s %14s %10s\n", "page", "nothing pending", "1 edit: median", "1 edit: first", "HTML")
	for _, p := range pages {
		med, firstHit, size, err := s.timePage(o, p.path)
		if err != nil {
			return err
		}
		fmt.Printf("%-17s %12s %14s %14s %8d KB\n", p.name, ms(clean[p.name]), ms(med), ms(firstHit), size/1024)
	}
	// Publish through HTTP: the one pending edit, then republish of the previous release.
	var pubs []time.Duration
	for i := range o.repeat {
		title := fmt.Sprintf("Unlock everything, now %d%% off", 21+i)
		if err := writeJSON(edited, scaleCatalog(slug, sz.times, title)); err != nil {
			return err
		}
		if _, err := runNami(o, "apply", "--db", db, "-f", edited); err != nil {
			return err
		}
		if _, _, err := s.get(app + "/releases"); err != nil {
			return err
		}
		d, err := s.post(app+"/releases", url.Values{"note": {"scale"}})
		if err != nil {
			return err
		}
		pubs = append(pubs, d)
	}
	fmt.Printf("publish (HTTP, one paywall edit pending) %s\n", ms(medianDuration(pubs)))

	// Config bytes and resolve throughput on the iOS key.
	key := keyFor(slug, "ios")
	configURL := s.base + "/sdk/v1/platforms/" + key + "/config"
	raw, err := fetchBytes(s.client, configURL, "")
	if err != nil {
		return err
	}
	gz, err := fetchBytes(s.client, configURL, "gzip")
	if err != nil {
		return err
	}
	if len(gz) == len(raw) { // the server did not compress; measure what gzip would give
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(raw)
		w.Close()
		gz = b.Bytes()
	}
	fmt.Printf("config %d bytes raw, %d gzip\n", len(raw), len(gz))
	u, _ := url.Parse(s.base)
	ho := options{base: u, duration: o.resolveFor, requests: 10_000_000, concurrency: 32}
	resolveURL := s.base + "/sdk/v1/platforms/" + key + "/resolve"
	body := `{"device_id":"%d","label":"label0","attributes":{"country":"US","locale":"en-US","app_version":"3.2.1"}}`
	newReq := func(i int64) (*http.Request, error) {
		return http.NewRequest("POST", resolveURL, bytes.NewReader(fmt.Appendf(nil, body, i)))
	}
	client := newClient(32)
	warm := ho
	warm.duration = 500 * time.Millisecond
	if _, err := hammer(client, warm, newReq, http.StatusOK); err != nil {
		return fmt.Errorf("resolve: %w", err)
	}
	r, err := hammer(client, ho, newReq, http.StatusOK)
	if err != nil {
		return fmt.Errorf("resolve: %w", err)
	}
	fmt.Printf("resolve %.0f req/s (p50 %s, p99 %s, 32 connections, %s)\n", r.perSecond(), r.quantile(0.5), r.quantile(0.99), o.resolveFor)
	return nil
}

func setUpApps(db string, n int) error {
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	for i := range n {
		slug := fmt.Sprintf("app%03d", i)
		b, err := json.Marshal(scaleCatalog(slug, 1, ""))
		if err != nil {
			return err
		}
		f, err := catalog.Parse(bytes.NewReader(b))
		if err != nil {
			return err
		}
		if _, err := catalog.Apply(ctx, st, f, "scale"); err != nil {
			return err
		}
		if _, err := publish.Publish(ctx, st, slug, "scale", ""); err != nil {
			return err
		}
	}
	return nil
}

func fetchBytes(c *http.Client, u, enc string) ([]byte, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return nil, err
	}
	if enc != "" {
		req.Header.Set("Accept-Encoding", enc)
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", u, res.StatusCode)
	}
	return io.ReadAll(res.Body)
}

// scaleApps applies o.apps apps of size S into one database, publishes each, and measures the
// start-up of serve (to the first /healthz answer) and the platforms page of one app.
func scaleApps(o scaleOptions) error {
	db := filepath.Join(o.dir, "apps.db")
	for _, ext := range []string{"", "-wal", "-shm"} {
		os.Remove(db + ext)
	}
	fmt.Printf("\n== %d apps of size S\n", o.apps)
	// Applied and published in this process (as `nami apply` and `nami publish` would, through
	// the same packages), which is much faster than 2 processes per app.
	start := time.Now()
	if err := setUpApps(db, o.apps); err != nil {
		return err
	}
	fmt.Printf("set-up (apply and publish %d apps) %s\n", o.apps, time.Since(start).Round(time.Millisecond))
	var startups []time.Duration
	var s *server
	for i := range o.repeat {
		srv, err := startServer(o, db)
		if err != nil {
			return err
		}
		startups = append(startups, srv.startup)
		if i < o.repeat-1 {
			srv.stop()
		} else {
			s = srv
		}
	}
	defer s.stop()
	fmt.Printf("start-up (exec to first /healthz answer) %s\n", ms(medianDuration(startups)))
	if err := s.signUp(); err != nil {
		return err
	}
	for _, p := range []string{"/apps/app100/platforms", "/apps/app100", "/apps"} {
		if _, _, err := s.get(p); err != nil {
			return err
		}
		med, _, size, err := s.timePage(o, p)
		if err != nil {
			return err
		}
		fmt.Printf("%-26s %s (%d KB)\n", p, ms(med), size/1024)
	}
	if rss, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid)); err == nil {
		for _, line := range strings.Split(string(rss), "\n") {
			if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") {
				fmt.Println(strings.Join(strings.Fields(line), " "))
			}
		}
	}
	return nil
}
