package sdkapi_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"nami/sdkapi"
)

// The web SDK's budget: at most 10 KB gzipped.
const webSDKMaxGzip = 10 * 1024

func TestWebSDKFitsItsSizeBudget(t *testing.T) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(sdkapi.WebSDKSource())
	zw.Close()
	t.Logf("nami.js: %d bytes, %d gzipped", len(sdkapi.WebSDKSource()), buf.Len())
	if buf.Len() > webSDKMaxGzip {
		t.Errorf("nami.js is %d bytes gzipped; the budget is %d", buf.Len(), webSDKMaxGzip)
	}
}

func TestWebSDKRoutes(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	pinned := sdkapi.WebSDKPath()
	if !regexp.MustCompile(`^/sdk/v1/nami\.[0-9a-f]{16}\.js$`).MatchString(pinned) {
		t.Fatalf("WebSDKPath() = %q", pinned)
	}

	for _, c := range []struct {
		path, contentType, cache string
	}{
		{"/sdk/v1/nami.js", "text/javascript; charset=utf-8", "public, max-age=300"},
		{pinned, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/sdk/v1/nami.d.ts", "application/typescript; charset=utf-8", "public, max-age=300"},
		{"/sdk/v1/example", "text/html; charset=utf-8", "no-cache"},
	} {
		a := env.do("GET", c.path, "")
		wantSDKStatus(t, a, http.StatusOK)
		for name, want := range map[string]string{
			"Content-Type":                c.contentType,
			"Cache-Control":               c.cache,
			"Access-Control-Allow-Origin": "*",
			"X-Content-Type-Options":      "nosniff",
			"Vary":                        "Accept-Encoding",
		} {
			if got := a.header.Get(name); got != want {
				t.Errorf("GET %s: %s = %q, want %q", c.path, name, got, want)
			}
		}
		if a.header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s without Accept-Encoding is %s-encoded", c.path, a.header.Get("Content-Encoding"))
		}
		gz := env.do("GET", c.path, "", "Accept-Encoding", "gzip")
		if gz.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, gz.body), a.body) {
			t.Errorf("GET %s with gzip: Content-Encoding %q, or the body differs", c.path, gz.header.Get("Content-Encoding"))
		}
		etag := a.header.Get("ETag")
		if nm := env.do("GET", c.path, "", "If-None-Match", etag); nm.status != http.StatusNotModified || len(nm.body) != 0 {
			t.Errorf("GET %s with If-None-Match %s: %d, %d bytes; want 304 and no body", c.path, etag, nm.status, len(nm.body))
		}
		if h := env.do("HEAD", c.path, ""); h.status != http.StatusOK || len(h.body) != 0 || h.header.Get("Content-Length") != a.header.Get("Content-Length") {
			t.Errorf("HEAD %s: %d, %d bytes, length %q", c.path, h.status, len(h.body), h.header.Get("Content-Length"))
		}
		wantSDKError(t, env.do("POST", c.path, "{}"), http.StatusMethodNotAllowed, "method_not_allowed")
	}

	js := env.do("GET", "/sdk/v1/nami.js", "")
	if !bytes.Equal(js.body, sdkapi.WebSDKSource()) || !bytes.Equal(env.do("GET", pinned, "").body, js.body) {
		t.Error("nami.js and its pinned URL serve different bytes")
	}
	if got := js.header.Get("Link"); got != "<"+pinned+`>; rel="canonical"` {
		t.Errorf("nami.js Link = %q", got)
	}
	if !strings.Contains(string(js.body), "window.Nami") {
		t.Error("nami.js does not define window.Nami")
	}
	if ts := env.do("GET", "/sdk/v1/nami.d.ts", ""); !strings.Contains(string(ts.body), "configure(options: Nami.Options): Nami.Client") {
		t.Error("nami.d.ts does not declare configure")
	}
	if ex := env.do("GET", "/sdk/v1/example", ""); !strings.Contains(string(ex.body), `<script src="`+pinned+`"></script>`) {
		t.Error("the example page does not load the pinned SDK")
	}

	// Another version is not served, and the API routes are untouched.
	wantSDKError(t, env.do("GET", "/sdk/v1/nami.0123456789abcdef.js", ""), http.StatusNotFound, "not_found")
	wantSDKError(t, env.do("GET", "/sdk/v1/nami.x.js/y", ""), http.StatusNotFound, "not_found")
	wantSDKStatus(t, env.do("GET", configPath(demoWeb), ""), http.StatusNotFound) // not published yet
	if p := env.do("OPTIONS", "/sdk/v1/nami.js", ""); p.status != http.StatusNoContent {
		t.Errorf("OPTIONS nami.js: %d", p.status)
	}
}

// Accept-Encoding decides gzip the same way for the web SDK and the config: gzip named
// explicitly wins over "*", and q=0 counts in any parameter position. The two encodings have
// different strong ETags, and If-None-Match with either (or *) answers 304.
func TestWebSDKEncodingAndETags(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	env.publishApp("calm-sky")
	for _, c := range []struct {
		accept string
		gzip   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"br, gzip;q=0.5", true},
		{"*", true},
		{"identity", false},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"gzip;Q=0", false},
		{"gzip;foo=bar;q=0", false},
		{"gzip;q=0, *", false},
		{"*, gzip;q=0", false},
		{"*;q=0", false},
		{"*;q=0, gzip", true},
		{"gzip;q=0.001", true},
		{"br", false},
	} {
		for _, path := range []string{"/sdk/v1/nami.js", configPath(demoWeb)} {
			a := env.do("GET", path, "", "Accept-Encoding", c.accept)
			wantSDKStatus(t, a, http.StatusOK)
			if got := a.header.Get("Content-Encoding") == "gzip"; got != c.gzip {
				t.Errorf("GET %s, Accept-Encoding %q: gzip %v, want %v", path, c.accept, got, c.gzip)
			}
		}
	}
	plain := env.do("GET", "/sdk/v1/nami.js", "")
	gz := env.do("GET", "/sdk/v1/nami.js", "", "Accept-Encoding", "gzip")
	pt, gt := plain.header.Get("ETag"), gz.header.Get("ETag")
	if pt == gt || !strings.HasPrefix(pt, `"`) || !strings.HasPrefix(gt, `"`) || strings.HasPrefix(gt, "W/") {
		t.Errorf("ETags plain %s and gzip %s: want two different strong tags", pt, gt)
	}
	for _, inm := range []string{pt, gt, "*", "W/" + pt, `"other", ` + gt} {
		for _, accept := range []string{"", "gzip"} {
			a := env.do("GET", "/sdk/v1/nami.js", "", "If-None-Match", inm, "Accept-Encoding", accept)
			if a.status != http.StatusNotModified || len(a.body) != 0 {
				t.Errorf("If-None-Match %s, Accept-Encoding %q: %d; want 304", inm, accept, a.status)
			}
		}
	}
	for _, inm := range []string{`"other"`, strings.TrimSuffix(pt, `"`) + `x"`, strings.Trim(pt, `"`)} {
		if a := env.do("GET", "/sdk/v1/nami.js", "", "If-None-Match", inm); a.status != http.StatusOK {
			t.Errorf("If-None-Match %s: %d; want 200", inm, a.status)
		}
	}
}
