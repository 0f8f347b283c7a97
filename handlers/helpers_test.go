package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"nami/catalog"
	"nami/handlers"
	"nami/store"
)

// The accounts the tests sign in with.
const (
	ownerEmail    = "olive@example.com"
	ownerName     = "Olive Owner"
	ownerPassword = "owner-password-1"
	userPassword  = "user-password-42"
)

// testServer is the real handler stack on an httptest server, over a fresh database.
type testServer struct {
	*httptest.Server
	st   *store.Store
	path string // the database file
}

// newTestServer opens a fresh SQLite file in t.TempDir() (migrated by store.Open) and serves
// the control center built by handlers.New and Routes, as `nami serve` does.
func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, nil)
}

// newTestServerWith is newTestServer with setup run on the Handler before it serves (nil for none).
func newTestServerWith(t *testing.T, setup func(h *handlers.Handler)) *testServer {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nami.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := handlers.New(ctx, st, log)
	if err != nil {
		t.Fatalf("handlers.New: %v", err)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	h.Routes(e)
	srv := httptest.NewUnstartedServer(e)
	h.SetBaseURL("", "http://"+srv.Listener.Addr().String()) // as serve does with its address
	if setup != nil {
		setup(h)
	}
	srv.Start()
	t.Cleanup(srv.Close) // runs before st.Close: cleanups run last-in first-out
	return &testServer{Server: srv, st: st, path: path}
}

// testLog sends the server's warnings and errors (a 500's cause) to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// client is one browser: its own cookie jar and the CSRF token of the last page it loaded.
// It does not follow redirects, so tests see the 303s.
type client struct {
	t    *testing.T
	ts   *testServer
	http *http.Client
	csrf string
}

func (ts *testServer) newClient(t *testing.T) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, ts: ts, http: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// response is an answer with its body parsed.
type response struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

// location is the redirect target, or "".
func (r *response) location() string { return r.header.Get("Location") }

// do sends req and parses the answer; a page that carries a CSRF token updates the client's.
func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL.Path, err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if err != nil {
		c.t.Fatalf("%s %s: parsing the body: %v", req.Method, req.URL.Path, err)
	}
	if tok, ok := doc.Find(`meta[name="csrf-token"]`).Attr("content"); ok && tok != "" {
		c.csrf = tok
	}
	return &response{status: res.StatusCode, header: res.Header, body: string(body), doc: doc}
}

// request builds a request to path on the test server with the given headers (name, value pairs).
func (c *client) request(method, path string, body io.Reader, headers ...string) *http.Request {
	c.t.Helper()
	req, err := http.NewRequest(method, c.ts.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// get loads a page.
func (c *client) get(path string, headers ...string) *response {
	c.t.Helper()
	return c.do(c.request(http.MethodGet, path, nil, headers...))
}

// post submits a form as the page would, with the CSRF token in the _csrf field.
func (c *client) post(path string, form url.Values, headers ...string) *response {
	c.t.Helper()
	vals := url.Values{}
	for k, v := range form {
		vals[k] = v
	}
	vals.Set("_csrf", c.csrf)
	return c.postRaw(path, vals, headers...)
}

// postRaw submits exactly the given form, adding no token.
func (c *client) postRaw(path string, form url.Values, headers ...string) *response {
	c.t.Helper()
	return c.do(c.request(http.MethodPost, path, strings.NewReader(form.Encode()), headers...))
}

// htmx is the header pair htmx sends with its requests.
var htmx = []string{"HX-Request", "true"}

// cookie returns the named cookie the client holds for the server, or nil.
func (c *client) cookie(name string) *http.Cookie {
	u, _ := url.Parse(c.ts.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// wantStatus fails the test unless r has the status.
func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.status != want {
		msg := strings.TrimSpace(r.doc.Find(`[data-testid="error"], [data-testid="form-error"], .field-error`).Text())
		if msg == "" && len(r.body) < 300 {
			msg = r.body
		}
		t.Fatalf("status %d, want %d (location %q, message %q)", r.status, want, r.location(), msg)
	}
}

// wantRedirect fails the test unless r is a 303 to location.
func wantRedirect(t *testing.T, r *response, location string) {
	t.Helper()
	if r.status != http.StatusSeeOther || r.location() != location {
		t.Fatalf("got %d to %q, want 303 to %q (message %q)", r.status, r.location(), location,
			strings.TrimSpace(r.doc.Find(`[data-testid="error"], [data-testid="form-error"], .field-error`).Text()))
	}
}

// signUp creates the owner through /setup and returns their signed-in browser.
func signUp(t *testing.T, ts *testServer) *client {
	t.Helper()
	c := ts.newClient(t)
	wantStatus(t, c.get("/setup"), http.StatusOK)
	r := c.post("/setup", url.Values{"email": {ownerEmail}, "name": {ownerName}, "password": {ownerPassword}})
	wantRedirect(t, r, "/apps")
	wantStatus(t, c.get("/apps"), http.StatusOK) // the new session's CSRF token
	return c
}

// addUser creates a team member directly in the store, as `nami user add` does.
func addUser(t *testing.T, ts *testServer, email, name, role string) store.User {
	t.Helper()
	hash, err := handlers.HashPassword(userPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := store.User{Email: email, Name: name, Role: role, PasswordHash: hash}
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.CreateUser(ctx, &u) })
	return u
}

// login signs in through the form and returns the signed-in browser.
func login(t *testing.T, ts *testServer, email, password string) *client {
	t.Helper()
	c := ts.newClient(t)
	wantStatus(t, c.get("/login"), http.StatusOK)
	wantRedirect(t, c.post("/login", url.Values{"email": {email}, "password": {password}}), "/apps")
	wantStatus(t, c.get("/apps"), http.StatusOK)
	return c
}

// inTx runs fn in a write transaction of the server's store.
func inTx(t *testing.T, ts *testServer, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := ts.st.InTx(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

// seeded is the catalog most tests start from: app calm-sky with an iOS platform, the
// entitlement premium, and the monthly subscription calmsky.monthly that grants it.
type seeded struct {
	app      store.App
	ios      store.AppPlatform
	premium  store.Entitlement
	monthly  store.Product
	appsPath string // "/apps/calm-sky"
}

func seedCatalog(t *testing.T, ts *testServer) seeded {
	t.Helper()
	var s seeded
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		s.app = store.App{Slug: "calm-sky", Name: "Calm Sky"}
		if err := tx.CreateApp(ctx, &s.app); err != nil {
			return err
		}
		s.ios = store.AppPlatform{AppID: s.app.ID, Ref: "ios", Store: "apple", Name: "iOS", BundleID: "com.example.calmsky", Environment: "production"}
		if err := tx.CreatePlatform(ctx, &s.ios); err != nil {
			return err
		}
		s.premium = store.Entitlement{AppID: s.app.ID, Ref: "premium", Name: "Premium", Description: "All sessions"}
		if err := tx.CreateEntitlement(ctx, &s.premium); err != nil {
			return err
		}
		s.monthly = store.Product{PlatformID: s.ios.ID, SKU: "calmsky.monthly", Name: "Monthly", Kind: "subscription",
			Price: "9.99", Currency: "USD", Period: "P1M", Trial: "P1W", Entitlements: []string{"premium"}}
		return tx.CreateProduct(ctx, &s.monthly)
	})
	s.appsPath = "/apps/" + s.app.Slug
	return s
}

// addPlatform creates one more platform of the app in the store.
func addPlatform(t *testing.T, ts *testServer, appID int64, ref, storeCode, name string) store.AppPlatform {
	t.Helper()
	p := store.AppPlatform{AppID: appID, Ref: ref, Store: storeCode, Name: name, Environment: "production"}
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePlatform(ctx, &p) })
	return p
}

// addProduct creates one more product in the store.
func addProduct(t *testing.T, ts *testServer, pr store.Product) store.Product {
	t.Helper()
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.CreateProduct(ctx, &pr) })
	return pr
}

// exportApp returns the app's drafts as a catalog file, to compare the database before and after.
func exportApp(t *testing.T, ts *testServer, slug string) *catalog.File {
	t.Helper()
	f, err := catalog.Export(context.Background(), ts.st.Reader, slug)
	if err != nil {
		t.Fatalf("catalog.Export %s: %v", slug, err)
	}
	return f
}

// wantUnchanged fails the test if the app's drafts differ from before.
func wantUnchanged(t *testing.T, ts *testServer, slug string, before *catalog.File) {
	t.Helper()
	if after := exportApp(t, ts, slug); !reflect.DeepEqual(after, before) {
		t.Errorf("the app's drafts changed\nbefore: %+v\nafter:  %+v", before, after)
	}
}

// appCount is how many apps the store holds.
func appCount(t *testing.T, ts *testServer) int {
	t.Helper()
	apps, err := ts.st.AppSummaries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(apps)
}

// userCount is how many users the store holds.
func userCount(t *testing.T, ts *testServer) int {
	t.Helper()
	n, err := ts.st.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// field finds the form control named name (id f-<name>) within scope.
func field(scope *goquery.Selection, name string) *goquery.Selection {
	return scope.Find("#f-" + name)
}

// fieldError is the message shown beside the field named name within scope, or "".
func fieldError(scope *goquery.Selection, name string) string {
	f := field(scope, name)
	if f.Length() == 0 {
		// a fieldset (the grants) has no control with the id; look for its legend's fieldset
		f = scope.Find(`input[name="` + name + `"]`).First()
	}
	return strings.TrimSpace(f.Closest(".field").Find(".field-error").Text())
}

// fieldsWithErrors lists the names of the fields in scope that show a message.
func fieldsWithErrors(scope *goquery.Selection) []string {
	var names []string
	scope.Find(".field-error").Each(func(_ int, s *goquery.Selection) {
		f := s.Closest(".field")
		name, ok := f.Find("input[name], select[name], textarea[name]").First().Attr("name")
		if !ok {
			name = "?"
		}
		names = append(names, name)
	})
	return names
}

// fieldValue is what the form control named name in scope shows: an input's value, or the
// selected option of a select.
func fieldValue(scope *goquery.Selection, name string) string {
	f := field(scope, name)
	if goquery.NodeName(f) == "select" {
		v, _ := f.Find("option[selected]").Attr("value")
		return v
	}
	v, _ := f.Attr("value")
	return v
}

// hasOption reports whether the select named name in scope offers value.
func hasOption(scope *goquery.Selection, name, value string) bool {
	found := false
	field(scope, name).Find("option").Each(func(_ int, o *goquery.Selection) {
		if v, _ := o.Attr("value"); v == value {
			found = true
		}
	})
	return found
}

// text is the trimmed text of the selection, with runs of spaces collapsed.
func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }
