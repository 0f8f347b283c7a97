package handlers_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nami/store"
)

// newTestServerDB is newTestServer with the database file open a second time, for the checks
// that read the sessions table as someone with a copy of the file would.
func newTestServerDB(t *testing.T) (*testServer, *sql.DB) {
	t.Helper()
	ts := newTestServer(t)
	db, err := sql.Open("sqlite", "file:"+ts.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return ts, db
}

func sessionRows(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sessions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestASessionIDReadFromTheDatabaseDoesNotSignIn(t *testing.T) {
	ts, db := newTestServerDB(t)
	c := signUp(t, ts)
	real := c.cookie("nami_session")
	if real == nil {
		t.Fatal("no session cookie after sign-up")
	}
	var stored string
	if err := db.QueryRow(`SELECT id FROM sessions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == real.Value || strings.Contains(stored, real.Value) {
		t.Fatalf("the sessions table holds the cookie's id %q", stored)
	}
	if stored != store.SessionKey(real.Value) {
		t.Errorf("the sessions table holds %q, want the SHA-256 of the id", stored)
	}

	thief := ts.newClient(t)
	req := thief.request(http.MethodGet, "/apps", nil)
	req.AddCookie(&http.Cookie{Name: "nami_session", Value: stored})
	wantRedirect(t, thief.do(req), "/login")

	wantStatus(t, c.get("/apps"), http.StatusOK) // the real cookie still works
}

func TestAnonymousVisitorsGetNoSessionRow(t *testing.T) {
	ts, db := newTestServerDB(t)
	c := ts.newClient(t)
	// Before set-up: the set-up form, and what redirects to it.
	for i := 0; i < 3; i++ {
		wantStatus(t, c.get("/setup"), http.StatusOK)
		wantRedirect(t, c.get("/login"), "/setup")
		wantRedirect(t, ts.newClient(t).get("/apps"), "/setup")
	}
	if n := sessionRows(t, db); n != 0 {
		t.Fatalf("anonymous visits before set-up left %d session rows", n)
	}
	signUp(t, ts)
	before := sessionRows(t, db)
	if before != 1 {
		t.Fatalf("after set-up: %d session rows, want 1", before)
	}

	for i := 0; i < 5; i++ {
		for _, v := range []*client{c, ts.newClient(t)} {
			wantStatus(t, v.get("/login"), http.StatusOK)
			wantRedirect(t, v.get("/apps"), "/login")
			wantStatus(t, v.get("/static/app.css"), http.StatusOK)
			wantStatus(t, v.get("/setup"), http.StatusNotFound)
			wantStatus(t, v.post("/login", url.Values{"email": {fmt.Sprintf("nobody%d@example.com", i)}, "password": {"wrong-password"}}), http.StatusUnauthorized)
		}
	}
	if after := sessionRows(t, db); after != before {
		t.Fatalf("anonymous visits changed the session rows from %d to %d", before, after)
	}
	if ck := c.cookie("nami_session"); ck != nil {
		t.Errorf("an anonymous visitor was given a session cookie %q", ck.Value)
	}

	// Signing in still works, and creates exactly one row.
	wantRedirect(t, c.post("/login", url.Values{"email": {ownerEmail}, "password": {ownerPassword}}), "/apps")
	wantStatus(t, c.get("/apps"), http.StatusOK)
	if after := sessionRows(t, db); after != before+1 {
		t.Errorf("after signing in: %d session rows, want %d", after, before+1)
	}
	// Signing out removes it.
	wantRedirect(t, c.post("/logout", nil), "/login")
	if after := sessionRows(t, db); after != before {
		t.Errorf("after signing out: %d session rows, want %d", after, before)
	}
}

func TestSignInFormsNeedTheirCSRFToken(t *testing.T) {
	ts := newTestServer(t)
	c := ts.newClient(t)
	wantStatus(t, c.get("/setup"), http.StatusOK)
	setup := url.Values{"email": {ownerEmail}, "name": {ownerName}, "password": {ownerPassword}}
	wantStatus(t, c.postRaw("/setup", setup), http.StatusForbidden)
	if n := userCount(t, ts); n != 0 {
		t.Fatalf("a set-up without a token created %d users", n)
	}
	wantRedirect(t, c.post("/setup", setup), "/apps")

	login := url.Values{"email": {ownerEmail}, "password": {ownerPassword}}
	v := ts.newClient(t)
	wantStatus(t, v.get("/login"), http.StatusOK)
	if v.csrf == "" {
		t.Fatal("the sign-in page carries no CSRF token")
	}
	r := v.postRaw("/login", login)
	wantStatus(t, r, http.StatusForbidden)
	if msg := text(r.doc.Find(`[data-testid="error"]`)); !strings.Contains(msg, "Reload the page") {
		t.Errorf("403 page says %q", msg)
	}
	bad := url.Values{"email": login["email"], "password": login["password"], "_csrf": {"forged-token"}}
	wantStatus(t, v.postRaw("/login", bad), http.StatusForbidden)
	wantStatus(t, v.postRaw("/login", login, "X-CSRF-Token", v.csrf+"x"), http.StatusForbidden)

	// Another browser's token does not fit this browser's cookie.
	other := ts.newClient(t)
	other.get("/login")
	if other.csrf == v.csrf {
		t.Fatal("two browsers were given the same token")
	}
	wantStatus(t, v.postRaw("/login", url.Values{"email": login["email"], "password": login["password"], "_csrf": {other.csrf}}), http.StatusForbidden)

	// A token without the signed cookie, or with a cookie whose signature was altered, is refused.
	bare := ts.newClient(t)
	wantStatus(t, bare.postRaw("/login", url.Values{"email": login["email"], "password": login["password"], "_csrf": {v.csrf}}), http.StatusForbidden)
	forged := ts.newClient(t)
	req := forged.request(http.MethodPost, "/login", strings.NewReader(url.Values{"email": login["email"], "password": login["password"], "_csrf": {"tok"}}.Encode()))
	req.AddCookie(&http.Cookie{Name: "nami_csrf", Value: "tok.c2lnbmF0dXJl"})
	wantStatus(t, forged.do(req), http.StatusForbidden)

	wantRedirect(t, v.post("/login", login), "/apps")
	wantStatus(t, v.get("/apps"), http.StatusOK)
}

// fillDisk caps the database file at its current size and uses up the room left in it (free
// pages, and the end of the sessions table and of its expiry index, where a new session goes),
// so that storing a new session fails as on a full disk.
func fillDisk(t *testing.T, ts *testServer) {
	t.Helper()
	ctx := context.Background()
	pages, err := ts.st.PageCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.st.LimitPages(ctx, pages); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.st.LimitPages(ctx, 0) })
	exp := time.Now().Add(12*time.Hour - time.Minute) // before any session the server saves from now on
	failures := 0
	for i := 0; i < 100000 && failures < 20; i++ {
		err := ts.st.SaveSession(ctx, store.Session{New: true, ID: fmt.Sprintf("filler-%d", i), Data: []byte("x"), ExpiresAt: exp.Add(time.Duration(i) * time.Microsecond)})
		switch {
		case err == nil:
			failures = 0
		case errors.Is(store.WriteProblem(err), store.ErrFull):
			failures++
		default:
			t.Fatalf("filling the disk: %v", err)
		}
	}
	if failures < 20 {
		t.Fatal("could not fill the database")
	}
}

// bigSession stores a session for the user whose row almost fills a database page on its own
// (its payload just under SQLite's largest in-page payload), without a CSRF token: the first page
// it loads adds the token, and the grown row needs a page of its own, which a full disk cannot give.
func bigSession(t *testing.T, ts *testServer, db *sql.DB, uid int64) string {
	t.Helper()
	var pageSize int
	if err := db.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	maxLocal := pageSize - 35 // the largest payload a table leaf keeps in-page
	exp := time.Now().Add(12 * time.Hour).UTC().Truncate(time.Second)
	const recordHeader = 6   // header size, then the serial types of id (text 64), data (blob), expires_at (short text)
	payload := maxLocal - 26 // growing by the token's 53 bytes overflows it; ±25 bytes of error do not matter
	dataLen := payload - recordHeader - 64 - len(exp.Format(time.RFC3339Nano))
	rest := fmt.Sprintf(`","touched":"%d","uid":"%d"}`, time.Now().Unix(), uid)
	data := `{"pad":"` + strings.Repeat("x", dataLen-len(`{"pad":"`)-len(rest)) + rest
	id := "big-session-id-0123456789abcdefghijklmnop"
	if err := ts.st.SaveSession(context.Background(), store.Session{New: true, ID: id, Data: []byte(data), ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestASessionThatCannotBeSavedIsNotAnEmptySuccess(t *testing.T) {
	ts, db := newTestServerDB(t)
	signUp(t, ts)
	owner, err := ts.st.UserByEmail(context.Background(), ownerEmail)
	if err != nil {
		t.Fatal(err)
	}
	big := ts.newClient(t)
	u, _ := url.Parse(ts.URL)
	big.http.Jar.SetCookies(u, []*http.Cookie{{Name: "nami_session", Value: bigSession(t, ts, db, owner.ID)}})
	other := ts.newClient(t)
	wantStatus(t, other.get("/login"), http.StatusOK)

	fillDisk(t, ts)

	// An error page stays an error page, with its status and its message.
	r := big.get("/apps/no-such-app")
	wantStatus(t, r, http.StatusNotFound)
	if r.doc.Find(`[data-testid="error"]`).Length() == 0 {
		t.Errorf("the 404 has no error page: %q", r.body)
	}
	// A signed-out visitor's failed sign-in needs no session: it is answered as usual.
	r = other.post("/login", url.Values{"email": {ownerEmail}, "password": {"wrong-password"}})
	wantStatus(t, r, http.StatusUnauthorized)
	if msg := text(r.doc.Find(`[data-testid="form-error"]`)); msg != "That email and password do not match." {
		t.Errorf("form error = %q", msg)
	}

	// A success whose session cannot be saved is a 503 that says so, not a 200 or a redirect.
	r = big.get("/apps")
	wantStatus(t, r, http.StatusServiceUnavailable)
	if msg := text(r.doc.Find(`[data-testid="error"]`)); !strings.Contains(msg, "disk is full") {
		t.Errorf("503 page says %q (body %d bytes)", msg, len(r.body))
	}
	r = other.post("/login", url.Values{"email": {ownerEmail}, "password": {ownerPassword}})
	wantStatus(t, r, http.StatusServiceUnavailable)
	if msg := text(r.doc.Find(`[data-testid="error"]`)); !strings.Contains(msg, "session could not be saved") {
		t.Errorf("503 page says %q", msg)
	}
	if ck := other.cookie("nami_session"); ck != nil {
		t.Errorf("a sign-in whose session was not stored set the cookie %q", ck.Value)
	}
	wantRedirect(t, other.get("/apps"), "/login") // not signed in

	// Once there is room again, all works.
	if err := ts.st.LimitPages(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, big.get("/apps"), http.StatusOK)
	wantStatus(t, other.get("/login"), http.StatusOK)
	wantRedirect(t, other.post("/login", url.Values{"email": {ownerEmail}, "password": {ownerPassword}}), "/apps")
	wantStatus(t, other.get("/apps"), http.StatusOK)
}
