package sdkapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"nami/sdkapi"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// TestSimulatorAgreesWithResolve checks the promise of the simulator: on the same campaigns, the
// decision it shows for a device is the one the SDK API makes from the published release.
func TestSimulatorAgreesWithResolve(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	read := func(resp *http.Response, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	page := read(browser.Get(env.srv.URL + "/setup"))
	m := csrfMeta.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on /setup")
	}
	read(browser.PostForm(env.srv.URL+"/setup", url.Values{"_csrf": {m[1]}, "name": {"Ada"}, "email": {"ada@example.com"},
		"password": {"correct horse battery"}}))

	type decision struct {
		Campaign *struct{ Ref string } `json:"campaign"`
		Variant  *string               `json:"variant"`
		Holdout  bool                  `json:"holdout"`
		Paywall  *struct{ Ref string } `json:"paywall"`
	}
	summary := func(d decision) string {
		s := fmt.Sprintf("holdout=%v", d.Holdout)
		if d.Campaign != nil {
			s += " campaign=" + d.Campaign.Ref
		}
		if d.Variant != nil {
			s += " variant=" + *d.Variant
		}
		if d.Paywall != nil {
			s += " paywall=" + d.Paywall.Ref
		}
		return s
	}
	seen := map[string]bool{}
	for i := range 200 {
		device := fmt.Sprintf("sim-%d", i)
		country := []string{"US", "DE", "CA", "GB"}[i%4]
		label := []string{"onboarding", ""}[i%3%2]
		var viaSDK, viaSim decision
		body := fmt.Sprintf(`{"device_id":%q,"label":%q,"attributes":{"country":%q,"app_version":"2.5"}}`, device, label, country)
		if err := json.Unmarshal(env.do("POST", resolvePath(demoIOS), body).body, &viaSDK); err != nil {
			t.Fatal(err)
		}
		q := url.Values{"platform": {"ios"}, "label": {label}, "device_id": {device}, "country": {country}, "app_version": {"2.5"}}
		req, err := http.NewRequest(http.MethodGet, env.srv.URL+"/apps/calm-sky/simulate?"+q.Encode(), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		if err := json.Unmarshal([]byte(read(browser.Do(req))), &viaSim); err != nil {
			t.Fatalf("simulator answer for %s: %v", device, err)
		}
		if a, b := summary(viaSDK), summary(viaSim); a != b {
			t.Errorf("%s on %q from %s: resolve says %s, the simulator %s", device, label, country, a, b)
		}
		seen[summary(viaSDK)] = true
	}
	var outcomes []string
	for s := range seen {
		outcomes = append(outcomes, s)
	}
	if len(seen) < 4 {
		t.Errorf("only %d distinct outcomes (%s); the devices should cover holdout, both variants and the default", len(seen), strings.Join(outcomes, "; "))
	}
}
