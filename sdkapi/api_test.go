package sdkapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"nami/catalog"
	"nami/engine"
	"nami/handlers"
	"nami/publish"
	"nami/sdkapi"
	"nami/snapshot"
	"nami/store"
)

// The demo catalog's fixed SDK keys.
const (
	demoIOS     = "pk_lh8cm96yrkezvtddv4miodnzinfys2kc"
	demoAndroid = "pk_m8jvd46ub4mvvtcatzoq6b5e1z53yvvx"
	demoWeb     = "pk_y3i2nbx4mut4bgtm62kkh7ttas3zf32i"
)

// sdkEnv is the server as `nami serve` wires it: the SDK API ahead of the control center, over a
// fresh database holding the demo app.
type sdkEnv struct {
	t    *testing.T
	st   *store.Store
	path string
	sdk  *sdkapi.Server
	srv  *httptest.Server
	http *http.Client // no transparent gzip, so tests see the bytes as sent
}

func newSDKEnv(t *testing.T, opts sdkapi.Options) *sdkEnv {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nami.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	applySDKDemo(t, st)
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := handlers.New(ctx, st, log)
	if err != nil {
		t.Fatal(err)
	}
	sdk, err := sdkapi.New(ctx, st, log, opts)
	if err != nil {
		t.Fatalf("sdkapi.New: %v", err)
	}
	h.OnPublish(sdk.Refresh)
	h.OnHealth(sdk.Health, sdk.Refusals)
	e := echo.New()
	h.Routes(e)
	srv := httptest.NewServer(sdkapi.Combine(sdk, e))
	env := &sdkEnv{t: t, st: st, path: path, sdk: sdk, srv: srv,
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}}}
	t.Cleanup(func() {
		srv.Close()
		if err := sdk.Close(context.Background()); err != nil {
			t.Errorf("sdk.Close: %v", err)
		}
	})
	return env
}

// applySDKDemo loads the demo app (four platforms, paywalls, campaigns) into st.
func applySDKDemo(t testing.TB, st *store.Store) {
	t.Helper()
	if _, err := catalog.ApplyDemo(context.Background(), st, "test"); err != nil {
		t.Fatal(err)
	}
}

// publishApp publishes an app's drafts through the same code as the web page and the CLI, and
// swaps the release in as the server does.
func (env *sdkEnv) publishApp(slug string) store.Release {
	env.t.Helper()
	res, err := publish.Publish(context.Background(), env.st, slug, "test", "")
	if err != nil {
		env.t.Fatalf("publish %s: %v", slug, err)
	}
	if err := env.sdk.Refresh(context.Background()); err != nil {
		env.t.Fatalf("Refresh: %v", err)
	}
	return res.Release
}

// sdkAnswer is a response of the SDK API, read whole.
type sdkAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (a sdkAnswer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, a.body)
	}
	return m
}

// do sends a request with headers given as name, value pairs.
func (env *sdkEnv) do(method, path, body string, headers ...string) sdkAnswer {
	env.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, env.srv.URL+path, rd)
	if err != nil {
		env.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := env.http.Do(req)
	if err != nil {
		env.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		env.t.Fatal(err)
	}
	return sdkAnswer{status: res.StatusCode, header: res.Header, body: b}
}

func configPath(key string) string       { return "/sdk/v1/platforms/" + key + "/config" }
func resolvePath(key string) string      { return "/sdk/v1/platforms/" + key + "/resolve" }
func eventsPath(key string) string       { return "/sdk/v1/platforms/" + key + "/events" }
func paywallPath(key, ref string) string { return "/sdk/v1/platforms/" + key + "/paywalls/" + ref }

func wantSDKStatus(t *testing.T, a sdkAnswer, want int) {
	t.Helper()
	if a.status != want {
		t.Fatalf("status %d, want %d: %s", a.status, want, a.body)
	}
}

// wantSDKError checks a JSON error answer: its status, its code and words of its message.
func wantSDKError(t *testing.T, a sdkAnswer, status int, code string, words ...string) {
	t.Helper()
	wantSDKStatus(t, a, status)
	m := a.json(t)
	if m["error"] != code {
		t.Errorf("error %q, want %q: %s", m["error"], code, a.body)
	}
	msg, _ := m["message"].(string)
	for _, w := range words {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not say %q", msg, w)
		}
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func decodeSnapshot(t *testing.T, body []byte) snapshot.Document {
	t.Helper()
	doc, err := snapshot.Decode(body)
	if err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return doc
}

func TestSDKConfigBeforeTheFirstReleaseIsNotPublished(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	a := env.do("GET", configPath(demoIOS), "")
	wantSDKStatus(t, a, http.StatusNotFound)
	if string(a.body) != `{"error":"not_published"}` {
		t.Errorf("body %s, want {\"error\":\"not_published\"}", a.body)
	}
	a = env.do("POST", resolvePath(demoIOS), `{"device_id":"d1"}`)
	wantSDKStatus(t, a, http.StatusNotFound)
	if string(a.body) != `{"error":"not_published"}` {
		t.Errorf("resolve before publishing: %s", a.body)
	}
	wantSDKError(t, env.do("GET", configPath("pk_nosuchkeynosuchkeynosuchkey00"), ""), http.StatusNotFound, "unknown_key")
}

func TestSDKConfigServesThePublishedSnapshot(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	rel := env.publishApp("calm-sky")

	a := env.do("GET", configPath(demoIOS), "")
	wantSDKStatus(t, a, http.StatusOK)
	sum := sha256.Sum256(a.body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	for name, want := range map[string]string{
		"ETag":                        etag,
		"Cache-Control":               "public, max-age=60, stale-if-error=86400",
		"Content-Type":                "application/json",
		"Vary":                        "Accept-Encoding",
		"Access-Control-Allow-Origin": "*",
		"Content-Encoding":            "",
		"Set-Cookie":                  "",
	} {
		if got := a.header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	doc := decodeSnapshot(t, a.body)
	if doc.Release != rel.Number || doc.Release != 1 || doc.App.Slug != "calm-sky" || doc.Platform.Ref != "ios" || doc.Platform.Store != "apple" {
		t.Errorf("release %d, app %q, platform %q/%q", doc.Release, doc.App.Slug, doc.Platform.Ref, doc.Platform.Store)
	}
	var skus []string
	for _, p := range doc.Products {
		skus = append(skus, p.SKU)
	}
	if want := []string{"com.example.calmsky.lifetime", "com.example.calmsky.monthly", "com.example.calmsky.yearly"}; !slices.Equal(skus, want) {
		t.Errorf("products %v, want the iOS ones %v", skus, want)
	}
	var refs []string
	for _, c := range doc.Campaigns {
		refs = append(refs, c.Ref)
	}
	if want := []string{"default", "onboarding-ab", "upgrade-prompt"}; !slices.Equal(refs, want) {
		t.Errorf("campaigns %v, want the live ones %v", refs, want)
	}
	spring := doc.Paywalls[slices.IndexFunc(doc.Paywalls, func(p snapshot.Paywall) bool { return p.Ref == "spring" })]
	if len(spring.Products) != 2 || spring.Products[0].SKU != "com.example.calmsky.yearly" || spring.Products[1].SKU != "com.example.calmsky.monthly" {
		t.Errorf("spring offers %+v, want the iOS yearly then monthly", spring.Products)
	}
	if spring.HeroImage == nil || !strings.HasPrefix(*spring.HeroImage, "/images/") {
		t.Fatalf("spring's image URL is %v", spring.HeroImage)
	}
	if img := env.do("GET", *spring.HeroImage, ""); img.status != http.StatusOK || !strings.HasPrefix(img.header.Get("Content-Type"), "image/") {
		t.Errorf("GET %s: %d %s", *spring.HeroImage, img.status, img.header.Get("Content-Type"))
	}
	en := spring.Copy["en"]
	if en.Body == "" || bytes.Contains(a.body, []byte(`"body_html"`)) || bytes.Contains(a.body, []byte(`"footer_html"`)) {
		t.Errorf("copy has no Markdown body, or HTML beside it: %+v", en)
	}

	// 304 for the ETag, bare, weak or in a list; a stale one gets the body.
	for _, inm := range []string{etag, "W/" + etag, `"old", ` + etag, "*"} {
		nm := env.do("GET", configPath(demoIOS), "", "If-None-Match", inm)
		if nm.status != http.StatusNotModified || len(nm.body) != 0 || nm.header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d, %d bytes, ETag %q", inm, nm.status, len(nm.body), nm.header.Get("ETag"))
		}
	}
	wantSDKStatus(t, env.do("GET", configPath(demoIOS), "", "If-None-Match", `"stale"`), http.StatusOK)

	// gzip when asked: the same JSON, its own strong ETag, and either ETag is current.
	gz := env.do("GET", configPath(demoIOS), "", "Accept-Encoding", "br, gzip;q=0.8")
	wantSDKStatus(t, gz, http.StatusOK)
	if gz.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, gz.body), a.body) {
		t.Errorf("gzip answer: encoding %q, same JSON %v", gz.header.Get("Content-Encoding"), bytes.Equal(gunzip(t, gz.body), a.body))
	}
	if gzETag := gz.header.Get("ETag"); gzETag == etag || !strings.HasPrefix(gzETag, `"`) {
		t.Errorf("gzip ETag %q, want a strong tag other than %q", gzETag, etag)
	}
	if nm := env.do("GET", configPath(demoIOS), "", "Accept-Encoding", "gzip", "If-None-Match", etag); nm.status != http.StatusNotModified {
		t.Errorf("gzip request with the identity ETag: %d, want 304", nm.status)
	}
	if off := env.do("GET", configPath(demoIOS), "", "Accept-Encoding", "gzip;q=0"); off.header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got %q", off.header.Get("Content-Encoding"))
	}
	head := env.do("HEAD", configPath(demoIOS), "")
	if head.status != http.StatusOK || len(head.body) != 0 || head.header.Get("ETag") != etag {
		t.Errorf("HEAD: %d, %d bytes, ETag %q", head.status, len(head.body), head.header.Get("ETag"))
	}
	wantSDKError(t, env.do("POST", configPath(demoIOS), "{}"), http.StatusMethodNotAllowed, "method_not_allowed")
}

func TestSDKKeySeesOnlyItsOwnPlatformAndApp(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	// A second app with one platform, one product and a live campaign on the default label.
	other := catalog.File{Format: catalog.Format, App: catalog.AppDoc{Slug: "other", Name: "Other"},
		Platforms:    []catalog.PlatformDoc{{Ref: "ios", Store: "apple", Name: "iOS", Environment: "production", Key: "pk_otherotherotherotherother0"}},
		Entitlements: []catalog.EntitlementDoc{{Ref: "pro", Name: "Pro"}},
		Products: []catalog.ProductDoc{{Platform: "ios", SKU: "other.pro", Name: "Pro", Kind: "non_consumable", Price: "4.99",
			Currency: "USD", Entitlements: []string{"pro"}}},
		Paywalls: []catalog.PaywallDoc{{Ref: "solo", Name: "Solo", Template: "minimal", DefaultLocale: "en",
			Theme:    catalog.ThemeDoc{Accent: "#111111", Background: "#FFFFFF", Text: "#000000"},
			Copy:     map[string]catalog.CopyDoc{"en": {Title: "Other app", CTA: "Buy"}},
			Products: []catalog.PaywallProductDoc{{Platform: "ios", SKU: "other.pro"}}}},
		Campaigns: []catalog.CampaignDoc{{Ref: "always", Name: "Always", Status: "live", Audience: catalog.AudienceDoc{Match: "all"},
			Variants: []catalog.VariantDoc{{Ref: "main", Paywall: "solo", Weight: 100}}}},
	}
	if _, err := catalog.Apply(context.Background(), env.st, &other, "test"); err != nil {
		t.Fatal(err)
	}
	env.publishApp("calm-sky")
	env.publishApp("other")

	for key, want := range map[string]struct {
		app, platform string
		skus          []string
	}{
		demoIOS:                         {"calm-sky", "ios", []string{"com.example.calmsky.lifetime", "com.example.calmsky.monthly", "com.example.calmsky.yearly"}},
		demoAndroid:                     {"calm-sky", "android", []string{"calmsky_premium_monthly", "calmsky_premium_yearly"}},
		demoWeb:                         {"calm-sky", "web", []string{"calmsky-monthly-usd", "calmsky-yearly-eur"}},
		"pk_otherotherotherotherother0": {"other", "ios", []string{"other.pro"}},
	} {
		a := env.do("GET", configPath(key), "")
		wantSDKStatus(t, a, http.StatusOK)
		doc := decodeSnapshot(t, a.body)
		if doc.App.Slug != want.app || doc.Platform.Ref != want.platform {
			t.Errorf("%s sees app %q platform %q, want %q %q", key, doc.App.Slug, doc.Platform.Ref, want.app, want.platform)
		}
		var skus []string
		for _, p := range doc.Products {
			skus = append(skus, p.SKU)
		}
		if !slices.Equal(skus, want.skus) {
			t.Errorf("%s sees products %v, want %v", key, skus, want.skus)
		}
		for _, pw := range doc.Paywalls {
			for _, pp := range pw.Products {
				if !slices.Contains(want.skus, pp.SKU) {
					t.Errorf("%s: paywall %s offers %s, which is not this platform's", key, pw.Ref, pp.SKU)
				}
			}
		}
		if body := string(a.body); want.app == "other" && strings.Contains(body, "calmsky") || want.app == "calm-sky" && strings.Contains(body, "other.pro") {
			t.Errorf("%s's config names the other app's catalog", key)
		}
	}
	// The other app's key decides only among its own campaigns and pages.
	r := env.do("POST", resolvePath("pk_otherotherotherotherother0"), `{"device_id":"d1"}`).json(t)
	if c, _ := r["campaign"].(map[string]any); c["ref"] != "always" {
		t.Errorf("other app's resolve chose %v", r["campaign"])
	}
	wantSDKError(t, env.do("GET", paywallPath("pk_otherotherotherotherother0", "spring"), ""), http.StatusNotFound, "unknown_paywall")
	wantSDKError(t, env.do("GET", paywallPath(demoIOS, "solo"), ""), http.StatusNotFound, "unknown_paywall")
}

func TestSDKDraftsDoNotLeakBeforePublish(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")
	before := env.do("GET", configPath(demoIOS), "")
	resolveBefore := env.do("POST", resolvePath(demoIOS), `{"device_id":"d1"}`)
	pageBefore := env.do("GET", paywallPath(demoIOS, "quiet"), "")

	// Edit the drafts: a price, the default paywall's title, a new live campaign on the default label.
	ctx := context.Background()
	app, err := env.st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	err = env.st.InTx(ctx, func(tx *store.Tx) error {
		pr, err := tx.Product(ctx, app.ID, "ios", "com.example.calmsky.monthly")
		if err != nil {
			return err
		}
		pr.Price = "1.99"
		if err := tx.UpdateProduct(ctx, &pr); err != nil {
			return err
		}
		pw, err := tx.Paywall(ctx, app.ID, "quiet")
		if err != nil {
			return err
		}
		pw.Copy[0].Title = "Draft title"
		if err := tx.UpdatePaywall(ctx, &pw); err != nil {
			return err
		}
		c := store.Campaign{AppID: app.ID, Ref: "draft-takeover", Name: "Draft takeover", Status: "live", Priority: 99,
			Variants: []store.CampaignVariant{{Ref: "x", PaywallID: pw.ID, Weight: 100}}}
		return tx.CreateCampaign(ctx, &c)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.sdk.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	after := env.do("GET", configPath(demoIOS), "")
	if !bytes.Equal(after.body, before.body) || after.header.Get("ETag") != before.header.Get("ETag") {
		t.Errorf("config changed before publishing")
	}
	if r := env.do("POST", resolvePath(demoIOS), `{"device_id":"d1"}`); !bytes.Equal(r.body, resolveBefore.body) {
		t.Errorf("resolve changed before publishing: %s", r.body)
	}
	if p := env.do("GET", paywallPath(demoIOS, "quiet"), ""); !bytes.Equal(p.body, pageBefore.body) {
		t.Errorf("the web paywall changed before publishing")
	}
	for _, leak := range []string{"1.99", "Draft title", "draft-takeover"} {
		if bytes.Contains(after.body, []byte(leak)) {
			t.Errorf("config shows the draft %q", leak)
		}
	}

	env.publishApp("calm-sky")
	published := env.do("GET", configPath(demoIOS), "")
	for _, now := range []string{"1.99", "Draft title", "draft-takeover"} {
		if !bytes.Contains(published.body, []byte(now)) {
			t.Errorf("after publishing, config lacks %q", now)
		}
	}
	r := env.do("POST", resolvePath(demoIOS), `{"device_id":"d1"}`).json(t)
	if c, _ := r["campaign"].(map[string]any); c["ref"] != "draft-takeover" || r["release"] != 2.0 {
		t.Errorf("after publishing, resolve gives %v", r)
	}
}

func TestSDKResolveAgreesWithTheEngine(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")
	doc := decodeSnapshot(t, env.do("GET", configPath(demoIOS), "").body)

	// Devices in several countries on both labels: the answer is what engine.Decide makes of the config.
	for i := range 60 {
		device := "device-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		country := []string{"US", "DE", "CA"}[i%3]
		label := []string{"onboarding", ""}[i%2]
		body := `{"device_id":"` + device + `","label":"` + label + `","attributes":{"country":"` + country + `","days_since_install":3}}`
		got := env.do("POST", resolvePath(demoIOS), body).json(t)
		d := engine.Decide(doc.Campaigns, label, engine.Device{ID: device,
			Attributes: map[string]string{"country": country, "days_since_install": "3", "platform": "apple"}}, time.Now())
		want := map[string]any{"release": 1.0, "holdout": d.Holdout, "campaign": nil, "variant": nil, "paywall": nil}
		if d.Campaign != nil {
			want["campaign"] = map[string]any{"ref": d.Campaign.Ref, "name": d.Campaign.Name}
		}
		if d.Variant != nil {
			want["variant"] = d.Variant.Ref
		}
		gotPaywall, _ := got["paywall"].(map[string]any)
		if d.Variant != nil && (gotPaywall == nil || gotPaywall["ref"] != d.Variant.Paywall) {
			t.Errorf("%s: paywall %v, want %s", body, got["paywall"], d.Variant.Paywall)
		}
		delete(got, "paywall")
		delete(want, "paywall")
		if gj, wj := mustJSON(t, got), mustJSON(t, want); gj != wj {
			t.Errorf("%s:\n got %s\nwant %s", body, gj, wj)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSDKResolveAnswers(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")

	def := env.do("POST", resolvePath(demoIOS), `{"device_id":"d1"}`)
	wantSDKStatus(t, def, http.StatusOK)
	if def.header.Get("Cache-Control") != "no-store" || def.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers %v", def.header)
	}
	got := def.json(t)
	pw, _ := got["paywall"].(map[string]any)
	if c, _ := got["campaign"].(map[string]any); c["ref"] != "default" || got["variant"] != "main" || got["holdout"] != false ||
		pw["ref"] != "quiet" || got["release"] != 1.0 {
		t.Errorf("default placement: %s", def.body)
	}
	if products, _ := pw["products"].([]any); len(products) != 2 {
		t.Errorf("the quiet paywall offers %d products on iOS, want 2", len(products))
	}

	// No fallback to another label; an audience that does not match gives no campaign.
	for _, body := range []string{`{"device_id":"d1","label":"nowhere"}`, `{"device_id":"d1","label":"onboarding","attributes":{"country":"DE"}}`} {
		if got := env.do("POST", resolvePath(demoIOS), body); string(got.body) != `{"release":1,"campaign":null,"variant":null,"holdout":false,"paywall":null}` {
			t.Errorf("%s: %s", body, got.body)
		}
	}

	// A held-out device: the campaign, no variant, no paywall.
	held := ""
	for i := 0; held == ""; i++ {
		id := "held-" + strings.Repeat("z", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
		if engine.Bucket(engine.SaltHoldout, "onboarding-ab", id) < 1000 {
			held = id
		}
	}
	got = env.do("POST", resolvePath(demoIOS), `{"device_id":"`+held+`","label":"onboarding","attributes":{"country":"us"}}`).json(t)
	if c, _ := got["campaign"].(map[string]any); c["ref"] != "onboarding-ab" || got["holdout"] != true || got["variant"] != nil || got["paywall"] != nil {
		t.Errorf("held-out device %s: %v", held, got)
	}
}

func TestSDKResolveTakesThePlatformFromTheKey(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	f, err := catalog.Export(context.Background(), env.st.Reader, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	f.Campaigns = append(f.Campaigns, catalog.CampaignDoc{Ref: "apple-only", Name: "Apple only", Label: "store", Status: "live",
		Audience: catalog.AudienceDoc{Match: "all", Conditions: []catalog.ConditionDoc{{Attribute: "platform", Operator: "equals", Values: []string{"apple"}}}},
		Variants: []catalog.VariantDoc{{Ref: "main", Paywall: "quiet", Weight: 100}}})
	if _, err := catalog.Apply(context.Background(), env.st, f, "test"); err != nil {
		t.Fatal(err)
	}
	env.publishApp("calm-sky")
	for key, want := range map[string]any{demoIOS: "main", demoAndroid: nil} {
		got := env.do("POST", resolvePath(key), `{"device_id":"d1","label":"store","attributes":{"platform":"apple"}}`).json(t)
		if got["variant"] != want {
			t.Errorf("key %s claiming platform apple: variant %v, want %v", key, got["variant"], want)
		}
	}
}

func TestSDKResolveRefusesBadRequests(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")
	for _, tc := range []struct {
		body  string
		words []string
	}{
		{`{"device_id": "d1",`, []string{"not valid JSON", "at byte"}},
		{`{"device_id": "d1"} x`, []string{"not valid JSON"}},
		{``, []string{"body is empty"}},
		{`[1, 2]`, []string{"must be a JSON object", "not an array"}},
		{`{"label": "onboarding"}`, []string{"device_id is missing"}},
		{`{"device_id": ""}`, []string{"device_id is empty"}},
		{`{"device_id": 42}`, []string{"device_id must be a string, not a number"}},
		{`{"device_id": "d1", "label": 7}`, []string{"label must be a string"}},
		{`{"device_id": "d1", "attributes": []}`, []string{"attributes must be an object"}},
		{`{"device_id": "d1", "attributes": {"country": {"code": "US"}}}`, []string{"attributes.country must be a string, a number or a boolean"}},
		{`{"device_id": "` + strings.Repeat("d", 300) + `"}`, []string{"device_id is 300 bytes long"}},
	} {
		wantSDKError(t, env.do("POST", resolvePath(demoIOS), tc.body), http.StatusBadRequest, "bad_request", tc.words...)
	}
	big := `{"device_id":"d1","attributes":{"custom.pad":"` + strings.Repeat("x", 64<<10) + `"}}`
	wantSDKError(t, env.do("POST", resolvePath(demoIOS), big), http.StatusRequestEntityTooLarge, "too_large", "64 KB")
	// Without a Content-Length the limit still holds.
	req, err := http.NewRequest("POST", env.srv.URL+resolvePath(demoIOS), io.MultiReader(strings.NewReader(big)))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	res, err := env.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked body over 64 KB: %d", res.StatusCode)
	}
	wantSDKError(t, env.do("GET", resolvePath(demoIOS), ""), http.StatusMethodNotAllowed, "method_not_allowed")
}

func TestSDKWebPaywall(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")

	a := env.do("GET", paywallPath(demoIOS, "spring")+"?locale=de-AT&device=tablet", "")
	wantSDKStatus(t, a, http.StatusOK)
	page := string(a.body)
	if ct := a.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	csp := a.header.Get("Content-Security-Policy")
	script := between(page, "<script>", "</script>")
	sum := sha256.Sum256([]byte(script))
	if script == "" || !strings.Contains(csp, "script-src 'sha256-"+base64Std(sum[:])+"'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the CSP %q does not allow exactly the inline script", csp)
	}
	for _, bridge := range []string{"webkit.messageHandlers", "NamiBridge", "parent.postMessage", "sku"} {
		if !strings.Contains(script, bridge) {
			t.Errorf("the inline script has no %s", bridge)
		}
	}
	for _, want := range []string{`lang="de"`, "pw-device-tablet", `data-ref="spring"`, `<style>`, `src="/images/`,
		`data-sku="com.example.calmsky.yearly"`, `data-sku="com.example.calmsky.monthly"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(page, "calmsky_premium") || strings.Contains(page, `href="/static/`) || strings.Contains(page, `src="/static/`) {
		t.Errorf("the page names another platform's products or links an external file")
	}
	// The locale falls back to the language, then to the default; unknown refs are 404.
	if fr := string(env.do("GET", paywallPath(demoIOS, "spring")+"?locale=fr-CA", "").body); !strings.Contains(fr, `lang="en"`) {
		t.Errorf("spring has no French copy; the page should fall back to en")
	}
	wantSDKError(t, env.do("GET", paywallPath(demoIOS, "nope"), ""), http.StatusNotFound, "unknown_paywall")
	wantSDKError(t, env.do("GET", "/sdk/v1/platforms/"+demoIOS+"/paywalls/", ""), http.StatusNotFound, "not_found")
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	in, _, _ := strings.Cut(rest, end)
	return in
}

func TestSDKCORSAndNoCookies(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")
	pre := env.do("OPTIONS", resolvePath(demoIOS), "", "Origin", "https://app.example", "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "content-type")
	wantSDKStatus(t, pre, http.StatusNoContent)
	for name, want := range map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
		"Access-Control-Allow-Headers": "Content-Type, If-None-Match"} {
		if got := pre.header.Get(name); got != want {
			t.Errorf("preflight %s: %q, want %q", name, got, want)
		}
	}
	// A cookie (even a control-center session) changes nothing, and none is set.
	for _, path := range []string{configPath(demoIOS), paywallPath(demoIOS, "quiet")} {
		a := env.do("GET", path, "", "Cookie", "nami_session=whatever", "Origin", "https://app.example")
		if a.status != http.StatusOK || a.header.Get("Set-Cookie") != "" || a.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s with a cookie: %d, Set-Cookie %q", path, a.status, a.header.Get("Set-Cookie"))
		}
	}
	a := env.do("POST", eventsPath(demoIOS), sdkEventBody(1, "d"), "Cookie", "nami_session=whatever")
	if a.status != http.StatusAccepted || a.header.Get("Set-Cookie") != "" {
		t.Errorf("events with a cookie: %d %s", a.status, a.body)
	}
	wantSDKError(t, env.do("GET", "/sdk/v1/nothing", ""), http.StatusNotFound, "not_found")
}

func TestSDKNoticesAPublishByAnotherProcessWithinASecond(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.sdk.Start()
	// A second Store on the same file is what `nami publish` opens.
	cli, err := store.Open(context.Background(), env.path)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := publish.Publish(context.Background(), cli, "calm-sky", "cli", "from the CLI"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		if n, ok := env.sdk.Release(demoIOS); ok && n == 1 {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("the server did not notice the release within a second")
		}
		time.Sleep(10 * time.Millisecond)
	}
	wantSDKStatus(t, env.do("GET", configPath(demoIOS), ""), http.StatusOK)
}

// testLog sends the server's warnings and errors to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
