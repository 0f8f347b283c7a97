package sdkapi_test

import (
	"net/http"
	"strings"
	"testing"

	"nami/sdkapi"
)

// The web paywall carries both palettes and follows prefers-color-scheme unless ?appearance=
// forces one; each appearance is its own cached page.
func TestSDKWebPaywallAppearance(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")
	page := func(q string) string {
		t.Helper()
		a := env.do("GET", paywallPath(demoIOS, "spring")+q, "")
		wantSDKStatus(t, a, http.StatusOK)
		return string(a.body)
	}
	for q, want := range map[string]string{"": "auto", "?appearance=auto": "auto", "?appearance=dark": "dark",
		"?appearance=light": "light", "?appearance=DARK": "auto"} {
		// Twice each, in both orders through the map, so a page cached for one appearance never answers another.
		for range 2 {
			p := page(q)
			if !strings.Contains(p, `data-appearance="`+want+`"`) {
				t.Errorf("spring%s: want data-appearance=%q", q, want)
			}
			for _, v := range []string{"--pw-light-bg:#FFFFFF", "--pw-dark-bg:#120E24", "--pw-dark-accent:#A78BFA",
				"--pw-dark-on-accent:#120E24", "--pw-light-on-accent:#FFFFFF", "prefers-color-scheme: dark"} {
				if !strings.Contains(p, v) {
					t.Errorf("spring%s lacks %s", q, v)
				}
			}
		}
	}
}
