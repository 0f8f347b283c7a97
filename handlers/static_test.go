package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"nami/static"
	"nami/views"
)

// TestStaticServesFilesButNoDirectoryListing checks that /static/ serves its files under their
// plain names with a short cache, and answers 404 for a directory rather than listing it.
func TestStaticServesFilesButNoDirectoryListing(t *testing.T) {
	ts := newTestServer(t)
	c := ts.newClient(t)
	r := c.get("/static/js/app.js")
	wantStatus(t, r, http.StatusOK)
	if got := r.header.Get("Cache-Control"); got != static.CachePlain {
		t.Errorf("Cache-Control of a plain static URL = %q, want %q", got, static.CachePlain)
	}
	if r.header.Get("ETag") == "" {
		t.Error("a plain static URL has no ETag")
	}
	for _, path := range []string{"/static/", "/static/js/", "/static/js", "/static/vendor/", "/static/nothing.js", "/static/static.go", "/static/app.0000000000.css"} {
		r := c.get(path)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
		if strings.Contains(r.body, "app.js") || strings.Contains(r.body, "<pre>") {
			t.Errorf("GET %s lists the directory:\n%s", path, r.body)
		}
	}
}

// rawGet fetches path without the transport's transparent gzip, so the test sees the bytes sent.
func rawGet(t *testing.T, ts *testServer, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// Every file has a content-hashed URL kept for a year, gzipped when the browser takes it, with
// Vary and an ETag that answers 304; the plain URL still serves the same bytes.
func TestStaticHashedURLsAreImmutableAndGzipped(t *testing.T) {
	ts := newTestServer(t)
	for _, name := range []string{"app.css", "paywall.css", "js/app.js", "js/htmx.min.js", "vendor/uplot/uPlot.iife.min.js"} {
		want, err := fs.ReadFile(static.Files, name)
		if err != nil {
			t.Fatal(err)
		}
		hashed := views.Asset(name)
		if !regexp.MustCompile(`^/static/[a-z/]*[A-Za-z.]+\.[0-9a-f]{10}\.(css|js)$`).MatchString(hashed) {
			t.Fatalf("Asset(%q) = %q, not a hashed URL", name, hashed)
		}

		res, body := rawGet(t, ts, hashed, "Accept-Encoding", "gzip, deflate, br")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", hashed, res.StatusCode)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", hashed, got)
		}
		if got := res.Header.Get("Content-Encoding"); got != "gzip" {
			t.Errorf("%s: Content-Encoding %q, want gzip", hashed, got)
		}
		if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("%s: Vary %q, want Accept-Encoding", hashed, got)
		}
		ctype := res.Header.Get("Content-Type")
		if !strings.HasPrefix(ctype, "text/css") && !strings.HasPrefix(ctype, "text/javascript") && !strings.HasPrefix(ctype, "application/javascript") {
			t.Errorf("%s: Content-Type %q", hashed, ctype)
		}
		if len(body) >= len(want)/2 {
			t.Errorf("%s: %d gzipped bytes for %d", hashed, len(body), len(want))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: not gzip: %v", hashed, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the gunzipped body is not the file (%v)", hashed, err)
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", hashed)
		}
		res, _ = rawGet(t, ts, hashed, "Accept-Encoding", "gzip", "If-None-Match", etag)
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match %s: %d, want 304", hashed, etag, res.StatusCode)
		}

		// Without gzip in Accept-Encoding (or refused with q=0) the body is the file itself.
		for _, ae := range []string{"", "identity", "gzip;q=0, br"} {
			res, body := rawGet(t, ts, hashed, "Accept-Encoding", ae)
			if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) {
				t.Errorf("%s with Accept-Encoding %q: encoding %q, %d bytes, want the plain file", hashed, ae, res.Header.Get("Content-Encoding"), len(body))
			}
			if res.Header.Get("ETag") == etag {
				t.Errorf("%s: the plain and gzipped bodies share the ETag %s", hashed, etag)
			}
		}

		// The plain URL keeps working for old pages and bookmarks, with a short cache.
		res, body = rawGet(t, ts, "/static/"+name, "Accept-Encoding", "gzip")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("/static/%s: %d, encoding %q", name, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		if got := res.Header.Get("Cache-Control"); got != static.CachePlain || strings.Contains(got, "immutable") {
			t.Errorf("/static/%s: Cache-Control %q, want %q", name, got, static.CachePlain)
		}
		if zr, err := gzip.NewReader(bytes.NewReader(body)); err != nil {
			t.Errorf("/static/%s: not gzip: %v", name, err)
		} else if got, _ := io.ReadAll(zr); !bytes.Equal(got, want) {
			t.Errorf("/static/%s: the gunzipped body is not the file", name)
		}
	}
}

// Rendered pages link every stylesheet, script and icon of /static by its hashed URL, and each
// of those URLs answers.
func TestPagesReferenceHashedStaticURLs(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	r, _ := editorOf(t, c, "spring")
	hashed := regexp.MustCompile(`\.[0-9a-f]{10}\.[a-z]+$`)
	check := func(where string, r *response) {
		n := 0
		for _, sel := range []string{`link[href]`, `script[src]`, `img[src]`} {
			for _, node := range r.doc.Find(sel).Nodes {
				for _, a := range node.Attr {
					if (a.Key != "href" && a.Key != "src") || !strings.HasPrefix(a.Val, "/static/") {
						continue
					}
					n++
					if !hashed.MatchString(a.Val) {
						t.Errorf("%s: %s %s=%q is not a hashed URL", where, node.Data, a.Key, a.Val)
						continue
					}
					res, _ := rawGet(t, ts, a.Val)
					if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != static.CacheHashed {
						t.Errorf("%s: %s: %d, Cache-Control %q", where, a.Val, res.StatusCode, res.Header.Get("Cache-Control"))
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("%s links nothing under /static/", where)
		}
	}
	check("the paywall editor", r)
	if !strings.Contains(r.body, views.Asset("js/editor.js")) || !strings.Contains(r.body, views.Asset("app.css")) {
		t.Error("the paywall editor does not load editor.js and app.css by their hashed URLs")
	}
	check("the apps list", c.get("/apps"))
	check("the sign-in page", ts.newClient(t).get("/login"))
}

// HEAD answers like GET without the body, for hashed and plain URLs.
func TestStaticAnswersHEAD(t *testing.T) {
	ts := newTestServer(t)
	for _, u := range []string{views.Asset("app.css"), "/static/app.css"} {
		req, err := http.NewRequest(http.MethodHead, ts.URL+u, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == "" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
			t.Errorf("HEAD %s: %d, ETag %q, Content-Type %q", u, res.StatusCode, res.Header.Get("ETag"), res.Header.Get("Content-Type"))
		}
	}
}
