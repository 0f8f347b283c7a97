package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"

	"nami/catalog"
	"nami/engine"
	"nami/publish"
	"nami/sdkapi"
	"nami/store"
)

// The demo app's web platform key (catalog/demo.json).
const demoWebKey = "pk_y3i2nbx4mut4bgtm62kkh7ttas3zf32i"

// webSDKEnv is the server as `nami serve --demo` wires it (SDK API ahead of the control center,
// the demo app published), behind a proxy that the tests use to take the SDK API down, make it
// hang, refuse events with 429 or lose the answers of stored batches. The test page is served by
// the proxy, so its origin (and localStorage) survives the outages.
type webSDKEnv struct {
	t     *testing.T
	st    *store.Store
	sdk   *sdkapi.Server
	real  *httptest.Server
	proxy *httptest.Server
	px    *sdkProxy
	app   store.App
}

func startWebSDKEnv(t *testing.T) *webSDKEnv {
	t.Helper()
	s := newSDKServer(t)
	real := httptest.NewServer(s.handler)
	target, _ := url.Parse(real.URL)
	px := &sdkProxy{rp: httputil.NewSingleHostReverseProxy(target)}
	proxy := httptest.NewServer(px)
	t.Cleanup(func() {
		px.set(func(p *sdkProxy) { p.hang = false })
		proxy.Close()
		real.Close()
	})
	return &webSDKEnv{t: t, st: s.st, sdk: s.sdk, real: real, proxy: proxy, px: px, app: s.app}
}

// sdkProxy forwards to the real server, except what the test asks it to break.
type sdkProxy struct {
	rp *httputil.ReverseProxy

	mu             sync.Mutex
	down           bool // SDK API requests fail as if the server were stopped
	hang           bool // SDK API requests get no answer
	truncateConfig bool // config answers 200 with half of the body
	tooMany        int  // the next event batches are answered 429, Retry-After: 1
	loseAnswers    int  // the next event batches are stored, but their answers are lost
	eventPosts     []time.Time
	configAsks     []string // If-None-Match of each config request, and its status: `"…" 304`
}

func (p *sdkProxy) set(f func(*sdkProxy)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func (p *sdkProxy) posts() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.eventPosts...)
}

func (p *sdkProxy) asks() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.configAsks...)
}

const webSDKTestPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>web SDK test</title></head>
<body style="margin:0"><div id="box" style="width:420px;height:780px"></div><script src="/sdk/v1/nami.js"></script></body></html>`

func (p *sdkProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, webSDKTestPage)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/sdk/v1/platforms/") {
		p.rp.ServeHTTP(w, r)
		return
	}
	isEvents := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/events")
	isConfig := r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/config")
	p.mu.Lock()
	down, truncate := p.down, p.truncateConfig && isConfig
	tooMany, lose := false, false
	if isEvents {
		p.eventPosts = append(p.eventPosts, time.Now())
		if tooMany = p.tooMany > 0; tooMany {
			p.tooMany--
		} else if lose = p.loseAnswers > 0 && !down; lose {
			p.loseAnswers--
		}
	}
	p.mu.Unlock()
	hung := false
	for {
		p.mu.Lock()
		hang := p.hang
		p.mu.Unlock()
		if !hang || r.Context().Err() != nil {
			break
		}
		hung = true
		time.Sleep(20 * time.Millisecond)
	}
	switch {
	case down || hung: // a request that hung never gets an answer

		sdkCutConnection(w)
	case tooMany:
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "ETag, Retry-After")
		h.Set("Content-Type", "application/json")
		h.Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":"rate_limited","message":"test"}`)
	case lose:
		p.rp.ServeHTTP(httptest.NewRecorder(), r) // stored by the real server
		sdkCutConnection(w)
	case truncate:
		r.Header.Del("Accept-Encoding")
		r.Header.Del("If-None-Match")
		rec := httptest.NewRecorder()
		p.rp.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "ETag, Retry-After")
		h.Set("Content-Type", "application/json")
		h.Set("ETag", `"truncated"`)
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
	case isConfig:
		sw := &sdkStatusRecorder{ResponseWriter: w}
		p.rp.ServeHTTP(sw, r)
		p.set(func(p *sdkProxy) {
			p.configAsks = append(p.configAsks, fmt.Sprintf("%s %d", r.Header.Get("If-None-Match"), sw.status))
		})
	default:
		p.rp.ServeHTTP(w, r)
	}
}

// sdkCutConnection closes the connection without an answer: the browser sees a network error.
func sdkCutConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

type sdkStatusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *sdkStatusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// openSDKPage loads the test page (from the proxy) and waits for window.Nami.
func openSDKPage(b *browser) {
	b.t.Helper()
	b.do("open the test page", chromedp.Navigate(b.base+"/"))
	b.waitUntil("the SDK is loaded", `!!window.Nami`)
}

// js evaluates an expression in the page, awaiting a promise, and decodes its value.
func sdkJS[T any](b *browser, what, expr string) T {
	b.t.Helper()
	return get(b, what, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

func sdkJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// webDecision is a decision as the SDK and resolve both give it, in refs.
type webDecision struct {
	Campaign *string `json:"campaign"`
	Variant  *string `json:"variant"`
	Holdout  bool    `json:"holdout"`
	Paywall  *string `json:"paywall"`
}

func (d webDecision) String() string {
	s := func(p *string) string {
		if p == nil {
			return "-"
		}
		return *p
	}
	return fmt.Sprintf("campaign %s variant %s holdout %v paywall %s", s(d.Campaign), s(d.Variant), d.Holdout, s(d.Paywall))
}

func sdkRef(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// The SDK's bucketing gives the documented test vectors (with WebCrypto and with its own
// SHA-256), its case-insensitive comparison is Go's strings.EqualFold, its decisions equal the
// engine's for campaigns that exercise every rule, and equal the server's resolve for 1,000
// devices × six attribute sets on the demo release; a local decision records one exposure.
func TestWebSDKDecidesLikeTheServer(t *testing.T) {
	env := startWebSDKEnv(t)
	b := newBrowser(t, env.proxy.URL)
	openSDKPage(b)

	// Test vectors of docs/sdk-api.md section 6.
	vectors := []struct {
		id, ref          string
		holdout, variant int
	}{
		{"dev-1", "onboarding-ab", 4150, 1950}, {"dev-2", "onboarding-ab", 9897, 5563},
		{"dev-3", "onboarding-ab", 1982, 9991}, {"dev-17", "onboarding-ab", 768, 4797},
		{"8f14e45f-ceea-4e7a-9c3b-2d1f0a6b7c8d", "onboarding-ab", 8998, 3762},
		{"3b241101-e2bb-4255-8caf-4136c566a962", "onboarding-ab", 8170, 3037},
		{"dev-1", "default", 2839, 6880}, {"dev-1", "spring-sale", 4126, 6624},
		{"A1B2C3D4-0000-4000-8000-000000000001", "spring-sale", 2157, 3549},
	}
	for _, pure := range []bool{false, true} {
		for _, v := range vectors {
			got := sdkJS[[]int](b, "bucket", fmt.Sprintf(`Promise.all([Nami.bucket("holdout", %q, %q, %v), Nami.bucket("variant", %q, %q, %v)])`, v.ref, v.id, pure, v.ref, v.id, pure))
			if got[0] != v.holdout || got[1] != v.variant {
				t.Errorf("pure=%v: buckets of %s on %s = %v, want [%d %d]", pure, v.id, v.ref, got, v.holdout, v.variant)
			}
		}
	}
	// The own SHA-256 agrees with the engine on long and non-ASCII input too (several blocks).
	var ids []string
	for i := range 300 {
		ids = append(ids, fmt.Sprintf("gerät-%d-%s", i, strings.Repeat("x", i)))
	}
	pureBuckets := sdkJS[[]int](b, "pure buckets", fmt.Sprintf(`Promise.all(%s.map(id => Nami.bucket("variant", "c", id, true)))`, sdkJSON(t, ids)))
	for i, id := range ids {
		if want := int(engine.Bucket(engine.SaltVariant, "c", id)); pureBuckets[i] != want {
			t.Errorf("pure bucket of %q = %d, want %d", id, pureBuckets[i], want)
		}
	}

	// Case folding as strings.EqualFold.
	pairs := [][2]string{{"US", "us"}, {"ZÜRICH", "zürich"}, {"ß", "ẞ"}, {"ß", "ss"}, {"ı", "I"}, {"ı", "i"},
		{"İ", "i"}, {"İ", "I"}, {"K", "k"}, {"ſ", "S"}, {"Σ", "ς"}, {"σ", "ς"}, {"ǅ", "ǆ"}, {"ǅ", "Ǆ"}, {"\u0345", "Ι"},
		{"ﬀ", "FF"}, {"Ω", "ω"}, {"Å", "å"}, {"ϴ", "θ"}, {"ϑ", "Θ"}, {"𐐀", "𐐨"}, {"ꭰ", "Ꭰ"}, {"ẛ", "ṡ"},
		{"ΐ", "ΐ"}, {"abc", "ab"}, {"", ""}, {"ǰ", "J̌"}, {"µ", "μ"}, {"µ", "Μ"}, {"ÿ", "Ÿ"}, {"ᲀ", "в"}}
	folds := sdkJS[[]bool](b, "equalFold", fmt.Sprintf(`%s.map(([a, b]) => Nami.equalFold(a, b))`, sdkJSON(t, pairs)))
	for i, p := range pairs {
		if want := strings.EqualFold(p[0], p[1]); folds[i] != want {
			t.Errorf("equalFold(%q, %q) = %v, want %v as strings.EqualFold", p[0], p[1], folds[i], want)
		}
	}

	// Every pair of code points that case mapping or simple folding relates, as strings.EqualFold.
	var all [][2]string
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsSymbol(r) && !unicode.IsNumber(r) {
			continue
		}
		for _, o := range []rune{unicode.SimpleFold(r), unicode.ToUpper(r), unicode.ToLower(r), unicode.ToTitle(r)} {
			if o != r {
				all = append(all, [2]string{string(r), string(o)})
			}
		}
	}
	allFolds := sdkJS[[]bool](b, "equalFold on all related pairs", fmt.Sprintf(`%s.map(([a, b]) => Nami.equalFold(a, b))`, sdkJSON(t, all)))
	foldMismatches := 0
	for i, p := range all {
		if want := strings.EqualFold(p[0], p[1]); allFolds[i] != want {
			if foldMismatches++; foldMismatches <= 10 {
				t.Errorf("equalFold(%q U+%04X, %q U+%04X) = %v, want %v as strings.EqualFold", p[0], []rune(p[0])[0], p[1], []rune(p[1])[0], allFolds[i], want)
			}
		}
	}
	t.Logf("equalFold agrees with strings.EqualFold on %d pairs", len(all)-foldMismatches)
	if foldMismatches > 0 {
		t.Errorf("%d of %d related pairs fold differently from strings.EqualFold", foldMismatches, len(all))
	}

	webSDKEngineParity(t, b)

	// The demo release: the SDK's local decisions equal POST resolve.
	sets := []struct {
		Label string            `json:"label"`
		Attrs map[string]string `json:"attrs"`
	}{
		{"onboarding", map[string]string{}},
		{"onboarding", map[string]string{"country": "US", "locale": "de-AT", "app_version": "2.5.1"}},
		{"onboarding", map[string]string{"country": "gb", "platform": "apple"}},
		{"onboarding", map[string]string{"country": "DE"}},
		{"", map[string]string{"country": "US"}},
		{"settings", map[string]string{"days_since_install": "3"}},
	}
	devices := make([]string, 1000)
	for i := range devices {
		switch i % 3 {
		case 0:
			devices[i] = fmt.Sprintf("dev-%d", i)
		case 1:
			devices[i] = fmt.Sprintf("%08x-0000-4000-8000-%012d", i*7919, i)
		default:
			devices[i] = fmt.Sprintf("gerät-%d", i)
		}
	}
	start := time.Now()
	local := sdkJS[[][]webDecision](b, "decide locally", fmt.Sprintf(`(async () => {
		const nami = Nami.configure({key: %q, deviceId: "parity"});
		const r = await nami.ready();
		if (r.source !== "network" || r.release !== 1) throw new Error("ready: " + JSON.stringify(r));
		const devices = %s, out = [];
		for (const s of %s) {
			const row = [];
			for (const id of devices) row.push(await Nami.decideSnapshot(nami.snapshot, s.label, id, s.attrs));
			out.push(row);
		}
		return out;
	})()`, demoWebKey, sdkJSON(t, devices), sdkJSON(t, sets)))
	t.Logf("%d local decisions in %v", len(sets)*len(devices), time.Since(start))

	start = time.Now()
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	remote := make([][]webDecision, len(sets))
	errs := make(chan error, 1)
	for si, s := range sets {
		remote[si] = make([]webDecision, len(devices))
		for di, id := range devices {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				body := sdkJSON(t, map[string]any{"device_id": id, "label": s.Label, "attributes": s.Attrs})
				res, err := client.Post(env.real.URL+"/sdk/v1/platforms/"+demoWebKey+"/resolve", "application/json", strings.NewReader(body))
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
				defer res.Body.Close()
				var ans struct {
					Campaign *struct{ Ref string } `json:"campaign"`
					Variant  *string               `json:"variant"`
					Holdout  bool                  `json:"holdout"`
					Paywall  *struct{ Ref string } `json:"paywall"`
				}
				if err := json.NewDecoder(res.Body).Decode(&ans); err != nil {
					select {
					case errs <- fmt.Errorf("resolve %s: %d %v", body, res.StatusCode, err):
					default:
					}
					return
				}
				d := webDecision{Variant: ans.Variant, Holdout: ans.Holdout}
				if ans.Campaign != nil {
					d.Campaign = &ans.Campaign.Ref
				}
				if ans.Paywall != nil {
					d.Paywall = &ans.Paywall.Ref
				}
				remote[si][di] = d
			}()
		}
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	t.Logf("%d resolves in %v", len(sets)*len(devices), time.Since(start))
	mismatches, chosen, held := 0, 0, 0
	for si := range sets {
		for di, id := range devices {
			l, r := local[si][di], remote[si][di]
			if l.String() != r.String() {
				if mismatches++; mismatches <= 10 {
					t.Errorf("device %q, label %q, %v: the SDK decides %v, resolve %v", id, sets[si].Label, sets[si].Attrs, l, r)
				}
			}
			if l.Campaign != nil {
				chosen++
			}
			if l.Holdout {
				held++
			}
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d decisions differ", mismatches, len(sets)*len(devices))
	}
	if chosen < 3000 || held < 100 {
		t.Errorf("only %d decisions chose a campaign and %d held out: the sets do not exercise the demo", chosen, held)
	}

	// decide records one exposure per decision that chose a campaign, none otherwise.
	dec := sdkJS[webDecision](b, "decide", `(async () => {
		const nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "dev-1", flushInterval: 100});
		await nami.ready();
		const d = await nami.decide("onboarding", {country: "US"});
		await nami.decide("onboarding", {country: "DE"});
		await nami.decide("nowhere");
		if (!(await nami.flush(20000))) throw new Error("flush timed out");
		return d;
	})()`)
	if dec.String() != "campaign onboarding-ab variant a holdout false paywall spring" {
		t.Errorf("dev-1 on onboarding: %v", dec)
	}
	evs := webEvents(t, env, "dev-1")
	if len(evs) != 1 || evs[0].Type != "exposure" || evs[0].Campaign != "onboarding-ab" || evs[0].Variant != "a" || evs[0].Placement != "onboarding" || evs[0].Holdout || evs[0].Paywall != "" {
		t.Errorf("dev-1's events after three decisions: %+v; want one exposure of onboarding-ab/a", evs)
	}
	held17 := sdkJS[webDecision](b, "decide held out", `(async () => {
		const nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "dev-17", flushInterval: 100});
		const d = await nami.decide("onboarding", {country: "CA"});
		await nami.flush(20000);
		return d;
	})()`)
	if !held17.Holdout || held17.Campaign == nil || held17.Variant != nil || held17.Paywall != nil {
		t.Errorf("dev-17 on onboarding: %v; want held out", held17)
	}
	if evs := webEvents(t, env, "dev-17"); len(evs) != 1 || !evs[0].Holdout || evs[0].Variant != "" {
		t.Errorf("dev-17's events: %+v; want one held-out exposure", evs)
	}
}

// webEvents lists the events stored for the demo web platform, of one device when deviceID is set.
func webEvents(t *testing.T, env *webSDKEnv, deviceID string) []store.Event {
	t.Helper()
	ctx := context.Background()
	p, err := env.st.PlatformByKey(ctx, demoWebKey)
	if err != nil {
		t.Fatal(err)
	}
	all, err := env.st.Events(ctx, p.ID, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Event
	for _, e := range all {
		if deviceID == "" || e.DeviceID == deviceID {
			out = append(out, e)
		}
	}
	return out
}

func countWebEvents(t *testing.T, env *webSDKEnv) int {
	t.Helper()
	p, err := env.st.PlatformByKey(context.Background(), demoWebKey)
	if err != nil {
		t.Fatal(err)
	}
	n, err := env.st.CountEvents(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// webSDKEngineParity checks Nami.decideSnapshot against engine.Decide on campaigns that exercise the
// audience operators, number and version parsing, derived language, schedules to the
// nanosecond, priorities and their tie-break, holdouts and weights that do not cover every bucket.
func webSDKEngineParity(t *testing.T, b *browser) {
	t.Helper()
	nowMs := time.Now().UnixMilli()
	now := time.UnixMilli(nowMs).UTC()
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	cond := func(attr, op string, values ...string) engine.Condition {
		if values == nil {
			values = []string{}
		}
		return engine.Condition{Attribute: attr, Operator: op, Values: values}
	}
	all := func(cs ...engine.Condition) engine.Audience { return engine.Audience{Match: "all", Conditions: cs} }
	anyOf := func(cs ...engine.Condition) engine.Audience { return engine.Audience{Match: "any", Conditions: cs} }
	split := []engine.Variant{{Ref: "x", Paywall: "px", Weight: 30}, {Ref: "y", Paywall: "py", Weight: 30}, {Ref: "z", Paywall: "pz", Weight: 40}}
	short := []engine.Variant{{Ref: "x", Paywall: "px", Weight: 45}, {Ref: "y", Paywall: "py", Weight: 45}}
	one := []engine.Variant{{Ref: "m", Paywall: "pm", Weight: 100}}
	live := engine.StatusLive
	campaigns := []engine.Campaign{
		{Ref: "versions", Label: "", Status: live, Priority: 5, Audience: all(cond("country", "in", "US", "CA", "zürich"), cond("app_version", "greater_or_equal", "2.10")), Variants: split},
		{Ref: "aaa", Label: "", Status: live, Priority: 5, Audience: anyOf(cond("language", "equals", "de"), cond("days_since_install", "greater_than", "50"), cond("custom.plan", "not_in")), Variants: split, HoldoutPercent: 10},
		{Ref: "fallback", Label: "", Status: live, Priority: 1, Audience: all(), HoldoutPercent: 25, Variants: split},
		{Ref: "paused", Label: "a", Status: engine.StatusPaused, Priority: 100, Audience: all(), Variants: one},
		{Ref: "not-yet", Label: "a", Status: live, Priority: 50, StartsAt: at(500 * time.Microsecond), Variants: one},
		{Ref: "ended", Label: "a", Status: live, Priority: 40, EndsAt: at(0), Variants: one},
		{Ref: "ends-soon", Label: "a", Status: live, Priority: 30, StartsAt: at(0), EndsAt: at(time.Nanosecond),
			Audience: all(cond("os_version", "less_than", "10"), cond("form_factor", "not_exists")), Variants: split},
		{Ref: "numbers", Label: "a", Status: live, Priority: 20, Audience: all(cond("days_since_install", "less_or_equal", "100"), cond("custom.score", "greater_than", "-4")), Variants: short},
		{Ref: "all-out", Label: "a", Status: live, Priority: 0, HoldoutPercent: 100, Audience: all(), Variants: one},
		{Ref: "odd-match", Label: "b", Status: live, Priority: 10, Audience: engine.Audience{Match: "xyz", Conditions: []engine.Condition{cond("country", "exists")}}, Variants: one},
		{Ref: "unknown-op", Label: "b", Status: live, Priority: 5, Audience: anyOf(cond("country", "contains", "U"), cond("custom.none", "not_exists")), Variants: short},
		{Ref: "zzz", Label: "b", Status: live, Priority: 5, Audience: all(cond("country", "not_equals", "us"), cond("language", "not_in", "fr")), Variants: split},
		{Ref: "empty-values", Label: "b", Status: live, Priority: 7, Audience: anyOf(cond("country", "equals"), cond("country", "in"), cond("country", "greater_than")), Variants: one},
		{Ref: "unicode", Label: "c", Status: live, Priority: 0, Audience: all(cond("custom.city", "equals", "ZÜRICH"), cond("platform", "equals", "WEB")), Variants: split},
	}
	attrSets := []map[string]string{
		{},
		{"country": "US", "app_version": "2.10", "os_version": "17.4", "locale": "de-AT", "days_since_install": "5"},
		{"country": "us", "app_version": "2.9.9", "locale": "DE_at", "days_since_install": "5.0", "custom.plan": "free", "custom.score": "-3.5"},
		{"country": "zürich", "app_version": "02.10.0", "language": "", "locale": "de", "days_since_install": "1e2", "custom.score": "-4"},
		{"country": "gb", "app_version": "v2.5", "os_version": "2..5", "locale": "-AT", "days_since_install": " 5", "custom.plan": "PRO"},
		{"country": "CA", "app_version": "10", "os_version": "9.9.9", "locale": "zh-Hant-TW", "days_since_install": "1e400", "form_factor": "tablet"},
		{"country": "FR", "os_version": "9", "locale": "fr", "days_since_install": "-0", "custom.score": "+1", "custom.city": "zürich", "platform": "apple"},
		{"country": "", "locale": "pt_BR", "os_version": "10.0", "days_since_install": "100.0", "custom.score": "1E1", "custom.city": "ZURICH", "custom.none": ""},
	}
	labels := []string{"", "a", "b", "c"}
	devices := make([]string, 150)
	for i := range devices {
		devices[i] = fmt.Sprintf("d%d", i*31)
	}
	// Devices on the edges of campaign fallback's buckets: the holdout threshold (2500 is not held
	// out, 2499 is) and the ends of the variants' ranges (3000 is y's, 6000 is z's).
	edges := map[string]bool{}
	for i := 0; len(edges) < 4 && i < 2_000_000; i++ {
		id := fmt.Sprintf("edge-%d", i)
		h, v := engine.Bucket(engine.SaltHoldout, "fallback", id), engine.Bucket(engine.SaltVariant, "fallback", id)
		for _, k := range []string{fmt.Sprintf("h%d", h), fmt.Sprintf("v%d", v)} {
			if (k == "h2500" || k == "h2499" || (h >= 2500 && (k == "v3000" || k == "v6000"))) && !edges[k] {
				edges[k] = true
				devices = append(devices, id)
			}
		}
	}
	if len(edges) < 4 {
		t.Errorf("found only the edge devices %v", edges)
	}
	snap := map[string]any{"format": "nami.snapshot/v1", "release": 1, "platform": map[string]string{"store": "web"}, "campaigns": campaigns}
	got := sdkJS[[]webDecision](b, "decide on the engine's campaigns", fmt.Sprintf(`(async () => {
		const snap = %s, out = [];
		for (const label of %s) for (const attrs of %s) for (const id of %s)
			out.push(await Nami.decideSnapshot(snap, label, id, attrs, %d));
		return out;
	})()`, sdkJSON(t, snap), sdkJSON(t, labels), sdkJSON(t, attrSets), sdkJSON(t, devices), nowMs))
	i, mismatches := 0, 0
	seen := map[string]bool{}
	for _, label := range labels {
		for _, attrs := range attrSets {
			dev := map[string]string{}
			for k, v := range attrs {
				dev[k] = v
			}
			dev["platform"] = "web"
			for _, id := range devices {
				d := engine.Decide(campaigns, label, engine.Device{ID: id, Attributes: dev}, now)
				var want webDecision
				if d.Campaign != nil {
					want.Campaign = &d.Campaign.Ref
					want.Holdout = d.Holdout
					seen[d.Campaign.Ref] = true
				}
				if d.Variant != nil {
					want.Variant, want.Paywall = sdkRef(d.Variant.Ref), sdkRef(d.Variant.Paywall)
				}
				if got[i].String() != want.String() {
					if mismatches++; mismatches <= 10 {
						t.Errorf("label %q, %v, device %s: the SDK decides %v, the engine %v", label, attrs, id, got[i], want)
					}
				}
				i++
			}
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d decisions differ from the engine", mismatches, i)
	}
	for _, ref := range []string{"versions", "aaa", "fallback", "ends-soon", "numbers", "all-out", "unknown-op", "zzz", "unicode"} {
		if !seen[ref] {
			t.Errorf("no device got campaign %s: the attribute sets do not exercise it", ref)
		}
	}
}

// ready() resolves from the fallback with no cache and no server (at once when the connection is
// refused, after the timeout when the server hangs), from the network, then from the cache with
// the server down; a truncated config does not replace the cache; a new release published while
// the page runs on its cache is picked up by the background revalidation with If-None-Match.
func TestWebSDKReadyFromCacheFallbackAndRevalidation(t *testing.T) {
	env := startWebSDKEnv(t)
	res, err := http.Get(env.real.URL + "/sdk/v1/platforms/" + demoWebKey + "/config")
	if err != nil {
		t.Fatal(err)
	}
	fallback, _ := io.ReadAll(res.Body)
	res.Body.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // nothing listens here any more
	b := newBrowser(t, env.proxy.URL)
	openSDKPage(b)
	b.do("clear storage", chromedp.Evaluate[chromedp.Void](`localStorage.clear()`))

	type readyInfo struct {
		Source  string  `json:"source"`
		Release *int    `json:"release"`
		Ms      float64 `json:"ms"`
		Decided string  `json:"decided"`
	}
	ready := func(what, options string) readyInfo {
		t.Helper()
		return sdkJS[readyInfo](b, what, `(async () => {
			const t0 = performance.now();
			window.nami = Nami.configure(`+options+`);
			const r = await nami.ready();
			const ms = performance.now() - t0;
			const d = await Nami.decideSnapshot(nami.snapshot, "onboarding", "dev-1", {country: "US"});
			return {source: r.source, release: r.release, ms, decided: String(d.variant)};
		})()`)
	}
	fb := string(fallback)

	// No cache, no server: the fallback at once, or after the timeout when the server hangs.
	r := ready("ready with no server", fmt.Sprintf(`{key: %q, endpoint: %q, fallback: %s, deviceId: "d"}`, demoWebKey, dead.URL, fb))
	if r.Source != "fallback" || r.Release == nil || *r.Release != 1 || r.Decided != "a" || r.Ms > 1500 {
		t.Errorf("no cache and no server: %+v; want the fallback's release 1 at once", r)
	}
	env.px.set(func(p *sdkProxy) { p.hang = true })
	r = ready("ready with a hanging server", fmt.Sprintf(`{key: %q, fallback: %s, timeout: 700, deviceId: "d"}`, demoWebKey, fb))
	if r.Source != "fallback" || r.Ms < 650 || r.Ms > 2500 {
		t.Errorf("no cache, hanging server, timeout 700: %+v; want the fallback after about 700 ms", r)
	}
	r = ready("ready with nothing", fmt.Sprintf(`{key: %q, timeout: 300, deviceId: "d"}`, demoWebKey))
	if r.Source != "none" || r.Release != nil || r.Decided != "null" {
		t.Errorf("no cache, no fallback, hanging server: %+v; want no snapshot and empty decisions", r)
	}
	env.px.set(func(p *sdkProxy) { p.hang = false })
	if n := sdkJS[int](b, "cache entries", `Object.keys(localStorage).filter(k => k.endsWith(":config")).length`); n != 0 {
		t.Errorf("%d cached configs after failures; want none", n)
	}

	// From the network; then from the cache while the server is down.
	r = ready("ready from the network", fmt.Sprintf(`{key: %q, deviceId: "d"}`, demoWebKey))
	if r.Source != "network" || r.Release == nil || *r.Release != 1 {
		t.Errorf("first ready: %+v; want the network's release 1", r)
	}
	etag := sdkJS[string](b, "cached etag", `JSON.parse(localStorage.getItem("nami:`+demoWebKey+`:config")).etag`)
	if !strings.HasPrefix(etag, `"`) {
		t.Errorf("cached ETag %q", etag)
	}
	env.px.set(func(p *sdkProxy) { p.down = true })
	openSDKPage(b)
	r = ready("ready from the cache", fmt.Sprintf(`{key: %q, deviceId: "d"}`, demoWebKey))
	if r.Source != "cache" || r.Release == nil || *r.Release != 1 || r.Decided != "a" {
		t.Errorf("server down, cached: %+v; want the cache's release 1", r)
	}
	env.px.set(func(p *sdkProxy) { p.down, p.hang = false, true })
	openSDKPage(b)
	r = ready("ready from the cache, server hanging", fmt.Sprintf(`{key: %q, deviceId: "d"}`, demoWebKey))
	if r.Source != "cache" || r.Release == nil || *r.Release != 1 || r.Ms > 500 {
		t.Errorf("server hanging, cached: %+v; want the cache's release 1 at once (not after the 2 s timeout)", r)
	}
	env.px.set(func(p *sdkProxy) { p.hang = false })

	// A config cut in half does not replace the cache.
	env.px.set(func(p *sdkProxy) { p.down, p.truncateConfig = false, true })
	openSDKPage(b)
	r = ready("ready with a truncated config", fmt.Sprintf(`{key: %q, deviceId: "d"}`, demoWebKey))
	if !sdkJS[bool](b, "refresh", `nami.refresh().then(changed => !changed)`) {
		t.Error("a truncated config counted as new")
	}
	if got := sdkJS[string](b, "cached etag", `JSON.parse(localStorage.getItem("nami:`+demoWebKey+`:config")).etag`); got != etag || r.Source != "cache" {
		t.Errorf("after a truncated config the cache's ETag is %q (was %q), ready %+v", got, etag, r)
	}
	env.px.set(func(p *sdkProxy) { p.truncateConfig = false })

	// A new release: the page starts from its cache and the background revalidation installs it.
	ctx := context.Background()
	f, err := catalog.Parse(bytes.NewReader(bytes.Replace(catalog.Demo, []byte(`"Make calm a habit"`), []byte(`"Make calm a daily habit"`), 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Apply(ctx, env.st, f, "demo@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Publish(ctx, env.st, env.app.Slug, "demo@example.com", "Daily"); err != nil {
		t.Fatal(err)
	}
	if err := env.sdk.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	asked := len(env.px.asks())
	openSDKPage(b)
	r = ready("ready after a publish", fmt.Sprintf(`{key: %q, deviceId: "d"}`, demoWebKey))
	if r.Source != "cache" || r.Release == nil || *r.Release != 1 {
		t.Errorf("ready after a publish: %+v; want the cache's release 1 at once", r)
	}
	b.waitUntil("the new release is installed", `nami.release === 2 && nami.source === "network" &&
		JSON.parse(localStorage.getItem("nami:`+demoWebKey+`:config")).doc.release === 2 &&
		nami.snapshot.paywalls.some(p => p.copy.en && p.copy.en.title === "Make calm a daily habit")`)
	if asks := env.px.asks(); len(asks) <= asked || asks[asked] != etag+" 200" {
		t.Errorf("the revalidation asked %q; want If-None-Match %s answered 200", asks[asked:], etag)
	}
	// Unchanged: a 304, and the cache stays.
	openSDKPage(b)
	r = ready("ready again", fmt.Sprintf(`{key: %q, deviceId: "d"}`, demoWebKey))
	if !sdkJS[bool](b, "refresh", `nami.refresh().then(changed => !changed)`) || r.Source != "cache" || *r.Release != 2 {
		t.Errorf("ready with release 2 cached: %+v", r)
	}
	if asks := env.px.asks(); !strings.HasSuffix(asks[len(asks)-1], " 304") {
		t.Errorf("revalidating an unchanged config: %q; want 304", asks[len(asks)-1])
	}
}

// present() shows the decided paywall in an iframe and reports the purchase clicked inside it,
// with exposure, impression and cta_tap events. Events queued while the server is down survive a
// reload and are stored exactly once when it comes back, also when an answer is lost; a 429 is
// retried after its Retry-After.
func TestWebSDKPresentsAPaywallAndDeliversEventsOnce(t *testing.T) {
	env := startWebSDKEnv(t)
	b := newBrowser(t, env.proxy.URL)
	openSDKPage(b)
	b.do("start", chromedp.Evaluate[chromedp.Void](`localStorage.clear();
		window.nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "dev-1", flushInterval: 200});
		window.result = null;
		nami.present("onboarding", {container: "#box", locale: "de-AT", attributes: {country: "US"}}).then(r => window.result = r);`))
	const inFrame = `document.querySelector("#box iframe") && document.querySelector("#box iframe").contentDocument`
	b.waitUntil("the paywall is shown", inFrame+` && document.querySelector("#box iframe").contentDocument.querySelector("[data-pw-purchase]")`)
	title := sdkJS[string](b, "paywall title", inFrame+`.querySelector("h1, .pw-title").textContent`)
	if !strings.Contains(title, "Besser schlafen") {
		t.Errorf("the paywall's title is %q; want the German copy of spring", title)
	}
	sku := sdkJS[string](b, "selected sku", inFrame+`.querySelector(".pw-product.is-selected").dataset.sku`)
	xy := sdkJS[[]float64](b, "button position", `(() => {
		const f = document.querySelector("#box iframe").getBoundingClientRect();
		const btn = document.querySelector("#box iframe").contentDocument.querySelector("[data-pw-purchase]");
		btn.scrollIntoView({block: "center"});
		const r = btn.getBoundingClientRect();
		return [f.left + r.left + r.width / 2, f.top + r.top + r.height / 2];
	})()`)
	b.do("click the call to action", chromedp.MouseClickXY(xy[0], xy[1]))
	b.waitUntil("present() resolves", `window.result !== null`)
	got := sdkJS[map[string]any](b, "the result", `window.result`)
	if got["action"] != "purchase" || got["sku"] != sku || sku == "" {
		t.Errorf("present() = %v; want a purchase of %q", got, sku)
	}
	if sdkJS[bool](b, "the iframe", `!!document.querySelector("#box iframe")`) {
		t.Error("the paywall is still shown after the purchase tap")
	}
	if !sdkJS[bool](b, "flush", `nami.flush(20000)`) {
		t.Fatal("flush timed out")
	}
	var kinds []string
	for _, e := range webEvents(t, env, "dev-1") {
		kinds = append(kinds, e.Type+":"+e.Campaign+"/"+e.Variant+"/"+e.Paywall+"@"+e.Placement)
	}
	want := []string{"exposure:onboarding-ab/a/@onboarding", "impression:onboarding-ab/a/spring@onboarding", "cta_tap:onboarding-ab/a/spring@onboarding"}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Errorf("events of the presentation: %v; want %v", kinds, want)
	}
	none := sdkJS[map[string]any](b, "present with no campaign", `nami.present("onboarding", {attributes: {country: "DE"}})`)
	if none["action"] != "none" {
		t.Errorf("present() for a device no campaign matches = %v", none)
	}

	// Server down: three events wait in localStorage, through a reload.
	base := countWebEvents(t, env)
	downPosts := len(env.px.posts())
	env.px.set(func(p *sdkProxy) { p.down = true })
	ids := sdkJS[[]string](b, "track while down", `(() => {
		const p = nami.snapshot.products[0];
		return [
			nami.track({type: "purchase", sku: p.sku, revenue: p.price, currency: p.currency, decision: window.result.decision}),
			nami.track({type: "trial_start", sku: p.sku, revenue: "0", currency: p.currency}),
			nami.track({type: "restore"}),
		];
	})()`)
	for deadline := time.Now().Add(10 * time.Second); len(env.px.posts()) == downPosts; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no send attempted while the server is down")
		}
	}
	if n := countWebEvents(t, env); n != base {
		t.Errorf("%d events stored while the server is down", n-base)
	}
	openSDKPage(b)
	if n := sdkJS[int](b, "pending after reload", `(window.nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "dev-1", flushInterval: 200})).pending`); n != 3 {
		t.Fatalf("%d events queued after the reload; want 3", n)
	}
	// Back up, and the first answer is lost after the batch was stored: the resend counts once.
	posts := len(env.px.posts())
	env.px.set(func(p *sdkProxy) { p.down, p.loseAnswers = false, 1 })
	if !sdkJS[bool](b, "flush after the outage", `nami.flush(30000)`) {
		t.Fatal("flush after the outage timed out")
	}
	if n := len(env.px.posts()) - posts; n < 2 {
		t.Errorf("%d event requests after the outage; want the lost one and its resend", n)
	}
	time.Sleep(300 * time.Millisecond)
	if n := countWebEvents(t, env); n != base+3 {
		t.Errorf("%d events stored after the outage; want exactly 3", n-base)
	}
	stored := map[string]int{}
	for _, e := range webEvents(t, env, "dev-1") {
		stored[e.ID]++
	}
	for _, id := range ids {
		if stored[id] != 1 {
			t.Errorf("event %s stored %d times", id, stored[id])
		}
	}
	if n := sdkJS[int](b, "pending", `nami.pending`); n != 0 {
		t.Errorf("%d events still queued", n)
	}

	// 429 with Retry-After: 1: the same batch again, not before a second.
	posts = len(env.px.posts())
	env.px.set(func(p *sdkProxy) { p.tooMany = 1 })
	if !sdkJS[bool](b, "flush through a 429", `nami.track({type: "restore"}), nami.flush(20000)`) {
		t.Fatal("flush through a 429 timed out")
	}
	after := env.px.posts()[posts:]
	if len(after) != 2 {
		t.Errorf("%d event requests around the 429; want 2", len(after))
	} else if gap := after[1].Sub(after[0]); gap < 950*time.Millisecond || gap > 5*time.Second {
		t.Errorf("resent %v after the 429; want after its Retry-After of 1 s", gap)
	}
	if n := countWebEvents(t, env); n != base+4 {
		t.Errorf("%d events stored; want %d", n-base, 4)
	}

	// The example page works against the demo app with the key in its address (as device dev-1,
	// who is not held out).
	b.do("set the device id", chromedp.Evaluate[chromedp.Void](`localStorage.setItem("nami:device_id", JSON.stringify("dev-1"))`))
	b.open("/sdk/v1/example?key="+demoWebKey, "#present")
	b.do("present from the example", chromedp.Click(chromedp.CSS("#present")))
	b.waitUntil("the example shows the paywall", `!!document.querySelector("#paywall iframe")`)
	b.do("decide from the example", chromedp.Click(chromedp.CSS("#decide")))
	b.waitUntil("the example logs the decision", `/decide \{"campaign":"onboarding-ab"/.test(document.querySelector("#log").textContent)`)
	b.shot("web-sdk-example")
}
