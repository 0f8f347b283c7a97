package sdkapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"nami/catalog"
	"nami/publish"
	"nami/sdkapi"
	"nami/store"
)

// The scale benchmarks publish generated catalogs of the sizes of issue 14 and measure what a
// device gets: config bytes (plain and gzip) and the in-process cost of resolve.
//
//	S:    20 products,   10 paywalls,   20 campaigns (k = 1)
//	L:  1000 products,  500 paywalls, 1000 campaigns (k = 50)
//	2xL: 2000 products, 1000 paywalls, 2000 campaigns (k = 100)
//
// go test ./sdkapi/ -run '^$' -bench 'Scale' -benchtime 2s

// scaleKey is the SDK key of the generated app's iOS platform.
const scaleKey = "pk_scalebenchios0000000000000000"

// scaleLabels are the placement labels of the generated campaigns: campaigns per label grow
// with the size, as they do in a growing app.
var scaleLabels = []string{"onboarding", "settings", "home", "checkout", "library"}

var scaleCountries = []string{"US", "CA", "GB", "DE", "FR", "ES", "IT", "BR", "MX", "JP", "AU", "IN"}

// scaleCatalog generates an app of size k: 20k products over two platforms, 10k paywalls with
// three locales of copy each, and 20k campaigns over five labels, 80% of them live. Live
// campaigns show paywalls of a rotation of 30% of the paywalls (the others are old, drafts, or
// used only by paused and ended campaigns); one paywall in 50 is marked for SDK use by ref.
// It is deterministic: the same k always gives the same file.
func scaleCatalog(k int) *catalog.File {
	f := &catalog.File{Format: catalog.Format, App: catalog.AppDoc{Slug: "scale", Name: "Scale"},
		Platforms: []catalog.PlatformDoc{
			{Ref: "ios", Store: "apple", Name: "iOS", BundleID: "com.example.scale", Environment: "production", Key: scaleKey},
			{Ref: "android", Store: "google", Name: "Android", BundleID: "com.example.scale", Environment: "production",
				Key: "pk_scalebenchandroid000000000000"},
		},
		Entitlements: []catalog.EntitlementDoc{{Ref: "premium", Name: "Premium", Description: "Everything"},
			{Ref: "offline", Name: "Offline", Description: "Downloads"}},
	}
	nProducts, nPaywalls, nCampaigns := 20*k, 10*k, 20*k
	for i := range nProducts {
		pl := f.Platforms[i%2].Ref
		p := catalog.ProductDoc{Platform: pl, SKU: fmt.Sprintf("com.example.scale.p%04d", i/2), Name: fmt.Sprintf("Premium %d", i/2),
			Kind: "subscription", Price: fmt.Sprintf("%d.99", 2+i%50), Currency: "USD", Period: []string{"P1M", "P1Y"}[i/2%2],
			Entitlements: []string{"premium"}}
		if i%3 == 0 {
			p.Trial = "P1W"
		}
		f.Products = append(f.Products, p)
	}
	for i := range nPaywalls {
		pw := catalog.PaywallDoc{Ref: fmt.Sprintf("pw-%04d", i), Name: fmt.Sprintf("Paywall %d", i),
			Template: []string{"hero", "cards", "minimal"}[i%3], DefaultLocale: "en",
			Theme: catalog.ThemeDoc{Accent: "#334155", Background: "#F8FAFC", Text: "#0F172A"},
			Copy:  map[string]catalog.CopyDoc{}}
		for _, loc := range []string{"en", "de", "fr"} {
			pw.Copy[loc] = catalog.CopyDoc{Title: fmt.Sprintf("Unlock Premium (%s %d)", loc, i), Subtitle: "Everything, everywhere",
				Body:   "**Unlimited** guided sessions, sleep stories and courses.\n\n- Offline listening\n- New sessions every week\n- Cancel anytime",
				CTA:    "Continue",
				Footer: "Cancel anytime in your store settings. [Terms](https://example.com/terms) and [Privacy](https://example.com/privacy)"}
		}
		if i%10 == 0 {
			c := pw.Copy["en"]
			c.Subtitle = "Only {{product.price}} per {{product.period}}"
			pw.Copy["en"] = c
		}
		for j := range 2 {
			n := (i*2 + j) % (nProducts / 2)
			for _, pl := range []string{"ios", "android"} {
				pw.Products = append(pw.Products, catalog.PaywallProductDoc{Platform: pl, SKU: fmt.Sprintf("com.example.scale.p%04d", n),
					Highlighted: j == 1})
			}
		}
		setScaleSDK(&pw, i%50 == 49)
		f.Paywalls = append(f.Paywalls, pw)
	}
	rotation := max(nPaywalls*3/10, 2)
	for i := range nCampaigns {
		c := catalog.CampaignDoc{Ref: fmt.Sprintf("camp-%05d", i), Name: fmt.Sprintf("Campaign %d", i),
			Label: scaleLabels[i%len(scaleLabels)], Status: "live", Priority: (i * 37) % 101, HoldoutPercent: (i % 3) * 5,
			Audience: catalog.AudienceDoc{Match: "all", Conditions: []catalog.ConditionDoc{}}}
		j := i / len(scaleLabels) // the campaign's index within its label
		switch j % 10 {
		case 7:
			c.Status = "paused"
		case 8:
			c.Status = "ended"
		}
		if j%20 == 3 { // a live status whose schedule has ended
			end := "2020-01-01T00:00:00Z"
			c.EndsAt = &end
		}
		if j%9 != 0 {
			countries := []string{scaleCountries[(i+1)%len(scaleCountries)], scaleCountries[(i*5+2)%len(scaleCountries)]}
			c.Audience.Conditions = append(c.Audience.Conditions, catalog.ConditionDoc{Attribute: "country", Operator: "in", Values: countries})
		}
		if j%4 == 1 {
			c.Audience.Conditions = append(c.Audience.Conditions, catalog.ConditionDoc{Attribute: "app_version", Operator: "greater_or_equal",
				Values: []string{fmt.Sprintf("3.%d", i%5)}})
		}
		first := (i * 7) % rotation
		if c.Status != "live" {
			first = (i * 13) % nPaywalls
		}
		c.Variants = []catalog.VariantDoc{
			{Ref: "a", Paywall: f.Paywalls[first].Ref, Weight: 50},
			{Ref: "b", Paywall: f.Paywalls[(first+1)%rotation].Ref, Weight: 50},
		}
		f.Campaigns = append(f.Campaigns, c)
	}
	return f
}

// scaleEnv is a published generated app served by the SDK API.
type scaleEnv struct {
	sdk *sdkapi.Server
}

var (
	scaleMu   sync.Mutex
	scaleEnvs = map[int]*scaleEnv{}
)

// scaleServer applies and publishes the catalog of size k once per test binary.
func scaleServer(b *testing.B, k int) *scaleEnv {
	b.Helper()
	scaleMu.Lock()
	defer scaleMu.Unlock()
	if e := scaleEnvs[k]; e != nil {
		return e
	}
	ctx := context.Background()
	dir, err := makeTempDir()
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "nami.db"))
	if err != nil {
		b.Fatal(err)
	}
	f := scaleCatalog(k)
	if problems := catalog.Validate(f); len(problems) > 0 {
		b.Fatalf("generated catalog k=%d: %v", k, problems)
	}
	if _, err := catalog.Apply(ctx, st, f, "bench"); err != nil {
		b.Fatal(err)
	}
	if _, err := publish.Publish(ctx, st, "scale", "bench", ""); err != nil {
		b.Fatal(err)
	}
	sdk, err := sdkapi.New(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil)), sdkapi.Options{})
	if err != nil {
		b.Fatal(err)
	}
	sdk.Start()
	e := &scaleEnv{sdk: sdk}
	scaleEnvs[k] = e
	return e
}

var scaleSizes = []struct {
	name string
	k    int
}{{"S", 1}, {"L", 50}, {"2xL", 100}}

// BenchmarkScaleConfig reports the bytes of the iOS platform's config at each size
// (config-bytes, gzip-bytes) and the cost of serving it in process.
func BenchmarkScaleConfig(b *testing.B) {
	for _, size := range scaleSizes {
		b.Run(size.name, func(b *testing.B) {
			e := scaleServer(b, size.k)
			rec := httptest.NewRecorder()
			e.sdk.ServeHTTP(rec, httptest.NewRequest("GET", configPath(scaleKey), nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("config: %d", rec.Code)
			}
			plain := rec.Body.Len()
			req := httptest.NewRequest("GET", configPath(scaleKey), nil)
			req.Header.Set("Accept-Encoding", "gzip")
			rec = httptest.NewRecorder()
			e.sdk.ServeHTTP(rec, req)
			gz := rec.Body.Len()
			serveInProcess(b, e.sdk, req, nil, http.StatusOK)
			b.ReportMetric(float64(plain), "config-bytes")
			b.ReportMetric(float64(gz), "gzip-bytes")
		})
	}
}

// BenchmarkScaleResolve is resolve in process (the handler's own cost, ns/op) for a typical
// device on the "onboarding" label at each size.
func BenchmarkScaleResolve(b *testing.B) {
	for _, size := range scaleSizes {
		b.Run(size.name, func(b *testing.B) {
			e := scaleServer(b, size.k)
			serveInProcess(b, e.sdk, httptest.NewRequest("POST", resolvePath(scaleKey), nil), resolveBody, http.StatusOK)
			b.ReportMetric(1e9/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "req/s")
		})
	}
}

// makeTempDir holds a generated app's database for the whole test binary (the environments
// are shared by benchmarks), under the system's temporary directory.
func makeTempDir() (string, error) { return os.MkdirTemp("", "nami-scale-") }

// setScaleSDK marks a generated paywall for SDK use by ref.
func setScaleSDK(pw *catalog.PaywallDoc, sdk bool) { pw.SDK = sdk }

// BenchmarkScaleResolveHTTP is resolve over loopback from 32 parallel keep-alive clients at each
// size (req/s with the whole net/http stack, as the issue measured it).
func BenchmarkScaleResolveHTTP(b *testing.B) {
	sizes := scaleSizes
	if os.Getenv("NAMI_SCALE_REVERSE") != "" { // to check that the order of the runs does not matter
		sizes = slices.Clone(sizes)
		slices.Reverse(sizes)
	}
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			e := scaleServer(b, size.k)
			serveOverHTTP(b, e.sdk, "POST", resolvePath(scaleKey), resolveBody, http.StatusOK)
		})
	}
}
