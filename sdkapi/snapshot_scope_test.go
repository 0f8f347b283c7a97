package sdkapi_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"testing"

	"nami/catalog"
	"nami/sdkapi"
)

// Snapshots carry what devices use (issue 14): config has every paywall a live campaign shows and
// every paywall marked for SDK use, and no other; the web paywall route serves exactly those.
func TestSDKSnapshotCarriesOnlyUsedPaywalls(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	f, err := catalog.Parse(bytes.NewReader(catalog.Demo))
	if err != nil {
		t.Fatal(err)
	}
	quiet := f.Paywalls[slices.IndexFunc(f.Paywalls, func(p catalog.PaywallDoc) bool { return p.Ref == "quiet" })]
	unused, byRef := quiet, quiet
	unused.Ref, unused.Name = "unused", "Unused"
	byRef.Ref, byRef.Name, byRef.SDK = "by-ref", "Opened by ref", true
	f.Paywalls = append(f.Paywalls, unused, byRef)
	if _, err := catalog.Apply(context.Background(), env.st, f, "test"); err != nil {
		t.Fatal(err)
	}
	env.publishApp("calm-sky")

	for _, key := range []string{demoIOS, demoAndroid, demoWeb} {
		a := env.do("GET", configPath(key), "")
		wantSDKStatus(t, a, http.StatusOK)
		doc := decodeSnapshot(t, a.body)
		var refs []string
		for _, pw := range doc.Paywalls {
			refs = append(refs, pw.Ref)
		}
		if want := []string{"by-ref", "quiet", "spring", "yearly-focus"}; !slices.Equal(refs, want) {
			t.Errorf("%s: paywalls %v, want %v (not unused)", key, refs, want)
		}
		for _, c := range doc.Campaigns {
			for _, v := range c.Variants {
				if !slices.Contains(refs, v.Paywall) {
					t.Errorf("%s: live campaign %s shows %s, which config lacks", key, c.Ref, v.Paywall)
				}
			}
		}
		for _, ref := range refs {
			if p := env.do("GET", paywallPath(key, ref), ""); p.status != http.StatusOK {
				t.Errorf("%s: paywall %s: %d %s", key, ref, p.status, p.body)
			}
		}
		wantSDKError(t, env.do("GET", paywallPath(key, "unused"), ""), http.StatusNotFound, "unknown_paywall")
	}
}
