package e2e

import (
	"regexp"
	"testing"
)

// In the browser the pages load their stylesheets and scripts from content-hashed URLs, gzipped,
// and a second visit takes them from the cache without asking the server.
func TestStaticFilesLoadHashedGzippedAndCached(t *testing.T) {
	b := layoutSession(t)
	type entry struct {
		Name     string
		Encoded  float64
		Decoded  float64
		Transfer float64
	}
	const entriesJS = `JSON.stringify(performance.getEntriesByType("resource").filter(e => new URL(e.name).pathname.startsWith("/static/")).map(e => ({
		Name: new URL(e.name).pathname, Encoded: e.encodedBodySize, Decoded: e.decodedBodySize, Transfer: e.transferSize})))`
	hashed := regexp.MustCompile(`^/static/[A-Za-z0-9_./-]+\.[0-9a-f]{10}\.(css|js|svg)$`)

	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`)
	b.waitUntil("the page loaded", `document.readyState === "complete"`)
	var first []entry
	measure(b, "the static resources", entriesJS, &first)
	if len(first) < 5 {
		t.Fatalf("only %d static resources loaded: %+v", len(first), first)
	}
	for _, e := range first {
		if !hashed.MatchString(e.Name) {
			t.Errorf("the editor loads %s, not a hashed URL", e.Name)
		}
		if e.Decoded > 4096 && e.Encoded >= e.Decoded*0.6 {
			t.Errorf("%s came %.0f bytes for %.0f: not compressed", e.Name, e.Encoded, e.Decoded)
		}
	}

	// A later page takes the same files from the cache: no bytes over the wire.
	b.open("/apps/calm-sky/products", `[data-testid="page-title"]`)
	b.waitUntil("the page loaded", `document.readyState === "complete"`)
	var again []entry
	measure(b, "the static resources", entriesJS, &again)
	for _, e := range again {
		if e.Transfer != 0 {
			t.Errorf("%s was fetched again (%.0f bytes) instead of coming from the cache", e.Name, e.Transfer)
		}
	}
	if len(again) == 0 {
		t.Error("the products page lists no static resources")
	}
}
