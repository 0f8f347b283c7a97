package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// Regression tests of the web SDK's queue, timeouts and present() under failures.

// hangOnce forwards to the web SDK test proxy, except that the next hangConfig config requests
// and hangEvents event batches get no answer until the browser gives up on them.
type hangOnce struct {
	rp                     *httputil.ReverseProxy
	mu                     sync.Mutex
	hangConfig, hangEvents int
	stop                   chan struct{} // closed when the test ends
}

func (h *hangOnce) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	hang := false
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/config") && h.hangConfig > 0 {
		h.hangConfig--
		hang = true
	}
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/events") && h.hangEvents > 0 {
		h.hangEvents--
		hang = true
	}
	h.mu.Unlock()
	if hang {
		select {
		case <-r.Context().Done():
		case <-h.stop:
		}
		return
	}
	h.rp.ServeHTTP(w, r)
}

// A config request and an event batch that never get an answer are aborted: the next
// revalidation installs the snapshot, and the event is resent with its id and stored once.
func TestWebSDKRecoversFromHungRequests(t *testing.T) {
	env := startWebSDKEnv(t)
	u, _ := url.Parse(env.proxy.URL)
	hp := &hangOnce{rp: httputil.NewSingleHostReverseProxy(u), hangConfig: 1, hangEvents: 1, stop: make(chan struct{})}
	srv := httptest.NewServer(hp)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(hp.stop) }) // runs first: let go of requests still held
	b := newBrowser(t, srv.URL)
	openSDKPage(b)
	r := sdkJS[map[string]any](b, "ready", `localStorage.clear();
		window.nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "hang-dev", timeout: 500, flushInterval: 100, log: () => {}});
		nami.ready()`)
	if r["source"] != "none" {
		t.Errorf("ready() with the config hanging = %v; want no snapshot", r)
	}
	id := sdkJS[string](b, "track", `nami.track({type: "restore"})`)
	// The hung revalidation ends (aborted), and the next one installs the snapshot.
	if sdkJS[bool](b, "the hung refresh", `nami.refresh()`) {
		t.Error("the hung config request counted as a new snapshot")
	}
	if !sdkJS[bool](b, "refresh again", `nami.refresh()`) || sdkJS[int](b, "release", `nami.release`) != 1 {
		t.Error("the revalidation after a hung one did not install release 1")
	}
	if !sdkJS[bool](b, "flush", `nami.flush(50000)`) {
		t.Fatalf("flush() after a hung event batch timed out; %d pending", sdkJS[int](b, "pending", `nami.pending`))
	}
	evs := webEvents(t, env, "hang-dev")
	if len(evs) != 1 || evs[0].ID != id {
		t.Errorf("stored %d events (%v); want the one with id %s", len(evs), evs, id)
	}
}

// Two tabs of one origin share the queue in localStorage: 300 events each, tracked at the same
// time while the server is down, are all stored exactly once when it comes back.
func TestWebSDKTwoTabsShareTheQueue(t *testing.T) {
	env := startWebSDKEnv(t)
	env.px.set(func(p *sdkProxy) { p.down = true })
	b := newBrowser(t, env.proxy.URL)
	openSDKPage(b)
	tab2, cancel := chromedp.NewContext(b.tab)
	defer cancel()
	if err := chromedp.Do(tab2, chromedp.Navigate(b.base+"/")); err != nil { // the tab lives as long as tab2
		t.Fatal(err)
	}
	b2 := &browser{t: t, tab: tab2, base: b.base}
	b2.waitUntil("the SDK is loaded in tab 2", `!!window.Nami`)
	sdkJS[bool](b, "clear", `localStorage.clear(); true`)
	start := `window.nami = Nami.configure({key: "` + demoWebKey + `", deviceId: "tabs", flushInterval: 100000, log: () => {}});
		window.doneN = 0; (async () => { for (let i = 0; i < 300; i++) { nami.track({type: "restore"}); window.doneN++; await new Promise(r => setTimeout(r, 1)); } })(); true`
	sdkJS[bool](b, "start tab 1", start)
	sdkJS[bool](b2, "start tab 2", start)
	b.waitUntil("tab 1 tracked 300", `window.doneN === 300`)
	b2.waitUntil("tab 2 tracked 300", `window.doneN === 300`)
	b.waitUntil("tab 1 sees 600 queued", `nami.pending === 600`)
	b2.waitUntil("tab 2 sees 600 queued", `nami.pending === 600`)
	env.px.set(func(p *sdkProxy) { p.down = false })
	if !sdkJS[bool](b, "flush tab 1", `nami.flush(40000)`) || !sdkJS[bool](b2, "flush tab 2", `nami.flush(40000)`) {
		t.Fatal("flush timed out")
	}
	seen := map[string]int{}
	for _, e := range webEvents(t, env, "tabs") {
		seen[e.ID]++
	}
	if len(seen) != 600 {
		t.Errorf("%d distinct events stored; want 600", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s stored %d times", id, n)
		}
	}
}

// With localStorage full, a new event stays in memory (and a warning is logged) instead of being
// lost to the stored queue; both events are delivered.
func TestWebSDKKeepsEventsWhenStorageIsFull(t *testing.T) {
	env := startWebSDKEnv(t)
	b := newBrowser(t, env.proxy.URL)
	openSDKPage(b)
	env.px.set(func(p *sdkProxy) { p.down = true })
	ids := sdkJS[[]string](b, "fill", `(() => {
		localStorage.clear();
		window.logs = [];
		window.nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "quota-dev", flushInterval: 100, log: (m) => logs.push(m)});
		const id1 = nami.track({type: "restore"});
		let lo = 0, hi = 20 * 1024 * 1024;
		while (hi - lo > 16) { const mid = (lo + hi) >> 1; try { localStorage.setItem("filler", "x".repeat(mid)); lo = mid; } catch (e) { hi = mid; } }
		localStorage.setItem("filler", "x".repeat(lo));
		const id2 = nami.track({type: "restore"});
		return [id1, id2];
	})()`)
	if n := sdkJS[int](b, "pending", `nami.pending`); n != 2 {
		t.Errorf("%d events pending with storage full; want 2", n)
	}
	if !sdkJS[bool](b, "warned", `logs.some(m => /localStorage/.test(m))`) {
		t.Errorf("no warning about the full storage: %v", sdkJS[[]string](b, "logs", `logs`))
	}
	env.px.set(func(p *sdkProxy) { p.down = false })
	if !sdkJS[bool](b, "flush", `nami.flush(30000)`) {
		t.Fatal("flush timed out")
	}
	sdkJS[bool](b, "unfill", `localStorage.removeItem("filler"); true`)
	stored := map[string]bool{}
	for _, e := range webEvents(t, env, "quota-dev") {
		stored[e.ID] = true
	}
	if len(stored) != 2 || !stored[ids[0]] || !stored[ids[1]] {
		t.Errorf("stored %v; want %v", stored, ids)
	}
}

// present() with the paywall unreachable resolves "error" after its timeout, takes the overlay
// away and records no impression; the overlay has a close control; keepOpen gives close().
func TestWebSDKPresentFailsCleanly(t *testing.T) {
	env := startWebSDKEnv(t)
	b := newBrowser(t, env.proxy.URL)
	openSDKPage(b)
	sdkJS[bool](b, "warm the cache", `localStorage.clear(); Nami.configure({key: "`+demoWebKey+`", deviceId: "dev-1"}).ready().then(() => true)`)

	// Offline: the decision comes from the cache, the paywall never loads.
	env.px.set(func(p *sdkProxy) { p.down = true })
	openSDKPage(b)
	r := sdkJS[map[string]any](b, "present offline", `window.nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "dev-1", flushInterval: 100000, log: () => {}});
		nami.present("onboarding", {attributes: {country: "US"}, timeout: 1500}).then(r => ({action: r.action, overlay: document.querySelectorAll("iframe, body > div:not(#box)").length}))`)
	if r["action"] != "error" || r["overlay"] != float64(0) {
		t.Errorf("present() offline = %v; want action error and no overlay left", r)
	}
	if got := sdkJS[string](b, "queued", `nami._queue().map(e => e.type).join(",")`); got != "exposure" {
		t.Errorf("events queued by an offline present(): %q; want only the exposure", got)
	}

	// Online, full-screen: the overlay's close control closes it, after an impression.
	env.px.set(func(p *sdkProxy) { p.down = false })
	openSDKPage(b)
	sdkJS[bool](b, "present", `localStorage.clear(); window.nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "dev-1", flushInterval: 100000});
		window.res = null; nami.present("onboarding", {attributes: {country: "US"}}).then(r => window.res = r); true`)
	b.waitUntil("the paywall is shown", `nami.pending === 2`)
	b.do("close the overlay", chromedp.Click(chromedp.CSS(`body > div > button[aria-label="Close"]`)))
	b.waitUntil("present() resolves", `window.res !== null`)
	if got := sdkJS[string](b, "after close", `window.res.action + " " + document.querySelectorAll("iframe, body > div:not(#box)").length + " " + nami._queue().map(e => e.type).join(",")`); got != "close 0 exposure,impression,close" {
		t.Errorf("after the overlay's close control: %q; want close, nothing left, exposure,impression,close", got)
	}

	// keepOpen: the paywall stays after the user acts, until the host calls close().
	sdkJS[bool](b, "present keepOpen", `window.res = null; nami.present("onboarding", {container: "#box", attributes: {country: "US"}, keepOpen: true}).then(r => window.res = r); true`)
	b.waitUntil("the paywall is ready", `nami.pending === 5`)
	sdkJS[bool](b, "close inside", `document.querySelector("#box iframe").contentDocument.querySelector("[data-pw-close]").click(); true`)
	b.waitUntil("present() resolves", `window.res !== null`)
	if got := sdkJS[string](b, "kept", `window.res.action + " " + !!document.querySelector("#box iframe")`); got != "close true" {
		t.Errorf("keepOpen after close: %q; want the frame kept", got)
	}
	if sdkJS[bool](b, "close()", `window.res.close(); !!document.querySelector("#box iframe")`) {
		t.Error("close() did not remove the paywall")
	}
}

// Attributes that are not finite numbers are not sent (as JSON would send null); a revenue given
// as a number becomes a decimal of at most 4 places that the server takes.
func TestWebSDKNumbers(t *testing.T) {
	env := startWebSDKEnv(t)
	b := newBrowser(t, env.proxy.URL)
	openSDKPage(b)
	got := sdkJS[string](b, "NaN", `(async () => {
		const snap = {format: "nami.snapshot/v1", release: 1, platform: {store: "web"}, campaigns: [{ref: "c", label: "", status: "live", priority: 0, holdout_percent: 0,
			audience: {match: "all", conditions: [{attribute: "days", operator: "exists", values: []}]}, variants: [{ref: "a", weight: 100, paywall: "p"}]}]};
		const out = [];
		for (const v of [NaN, Infinity, -Infinity, 3]) out.push((await Nami.decideSnapshot(snap, "", "dev", {days: v})).campaign);
		return JSON.stringify(out);
	})()`)
	if got != `[null,null,null,"c"]` {
		t.Errorf("decisions with days NaN, Infinity, -Infinity, 3: %s; want only 3 sent", got)
	}
	revs := sdkJS[[]string](b, "revenues", `localStorage.clear();
		window.nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "rev-dev", flushInterval: 100000});
		[0.1 + 0.2, 1e-7, 59.99, 10, 0, 1234.56789].map(r => nami.track({type: "purchase", sku: "calmsky-monthly-usd", currency: "USD", revenue: r}))
			.map(id => nami._queue().find(e => e.id === id).revenue)`)
	if strings.Join(revs, " ") != "0.3 0 59.99 10 0 1234.5679" {
		t.Errorf("revenues queued: %q", revs)
	}
	if !sdkJS[bool](b, "flush", `nami.flush(30000)`) {
		t.Fatal("flush timed out")
	}
	if n := len(webEvents(t, env, "rev-dev")); n != 6 {
		t.Errorf("%d of 6 purchases stored", n)
	}
}

// sendBeacon is for the page going away, not every switch of tabs.
func TestWebSDKBeaconsOnlyOnPagehide(t *testing.T) {
	env := startWebSDKEnv(t)
	b := newBrowser(t, env.proxy.URL)
	openSDKPage(b)
	got := sdkJS[[]int](b, "beacons", `(() => {
		localStorage.clear();
		window.beacons = 0;
		navigator.sendBeacon = () => { beacons++; return true; };
		window.nami = Nami.configure({key: "`+demoWebKey+`", deviceId: "beacon-dev", flushInterval: 100000});
		nami.track({type: "restore"});
		Object.defineProperty(document, "visibilityState", {get: () => "hidden", configurable: true});
		for (let i = 0; i < 3; i++) document.dispatchEvent(new Event("visibilitychange"));
		const hidden = beacons;
		dispatchEvent(new Event("pagehide"));
		return [hidden, beacons];
	})()`)
	if len(got) != 2 || got[0] != 0 || got[1] != 1 {
		t.Errorf("beacons after 3 visibility changes, then pagehide: %v; want [0 1]", got)
	}
}
