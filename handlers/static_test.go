package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestStaticServesFilesButNoDirectoryListing checks that /static/ serves its files with their
// cache header, and answers 404 for a directory rather than listing what is in it.
func TestStaticServesFilesButNoDirectoryListing(t *testing.T) {
	ts := newTestServer(t)
	c := ts.newClient(t)
	r := c.get("/static/js/app.js")
	wantStatus(t, r, http.StatusOK)
	if got := r.header.Get("Cache-Control"); got != "public, max-age=3600" {
		t.Errorf("Cache-Control of a static file = %q, want public, max-age=3600", got)
	}
	for _, path := range []string{"/static/", "/static/js/", "/static/js", "/static/vendor/", "/static/nothing.js"} {
		r := c.get(path)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
		if strings.Contains(r.body, "app.js") || strings.Contains(r.body, "<pre>") {
			t.Errorf("GET %s lists the directory:\n%s", path, r.body)
		}
	}
}
