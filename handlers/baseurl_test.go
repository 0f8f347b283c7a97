package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nami/handlers"
)

// TestShareLinkUsesTheBaseURLNotTheHostHeader checks that a shared preview link starts with
// --base-url and, without one, with serve's own address; never with the request's Host (here
// the test server's address, which differs from both).
func TestShareLinkUsesTheBaseURLNotTheHostHeader(t *testing.T) {
	for _, tc := range []struct{ configured, fallback, want string }{
		{"https://nami.example.com/cc", "http://localhost:1", "https://nami.example.com/cc"},
		{"", "http://localhost:1", "http://localhost:1"},
	} {
		ts := newTestServerWith(t, func(h *handlers.Handler) { h.SetBaseURL(tc.configured, tc.fallback) })
		c := signUp(t, ts)
		loadDemo(t, ts)
		r := c.post(demoPath+"/paywalls/spring/share", nil)
		if r.status != http.StatusSeeOther {
			t.Fatalf("share: status %d", r.status)
		}
		loc, err := url.Parse(r.location())
		if err != nil {
			t.Fatal(err)
		}
		link := loc.Query().Get("shared")
		if !strings.HasPrefix(link, "/share/") {
			t.Fatalf("share redirects to %q", r.location())
		}
		if got := text(c.get(r.location()).doc.Find(`[data-testid="share-url"]`)); got != tc.want+link {
			t.Errorf("base URL %q, fallback %q: the editor shows the link %q, want %q", tc.configured, tc.fallback, got, tc.want+link)
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://nami.example.com":      "https://nami.example.com",
		"https://nami.example.com/":     "https://nami.example.com",
		"http://10.0.0.2:8080/nami/":    "http://10.0.0.2:8080/nami",
		"ftp://nami.example.com":        "",
		"nami.example.com":              "",
		"https://nami.example.com/?x=1": "",
		"https://user:pw@example.com":   "",
	} {
		got, err := handlers.ParseBaseURL(raw)
		if want == "" && err == nil {
			t.Errorf("ParseBaseURL(%q) = %q, want an error", raw, got)
		}
		if want != "" && (err != nil || got != want) {
			t.Errorf("ParseBaseURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
}
