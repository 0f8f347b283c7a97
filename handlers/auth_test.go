package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"nami/store"
)

func TestSignedOutVisitorIsSentToSetupThenToLogin(t *testing.T) {
	ts := newTestServer(t)
	c := ts.newClient(t)

	wantRedirect(t, c.get("/apps"), "/setup")
	wantRedirect(t, c.get("/login"), "/setup")

	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	wantRedirect(t, c.get("/apps"), "/login")
	wantRedirect(t, c.get("/apps/calm-sky/platforms"), "/login")
	r := c.get("/login")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="login-form"]`).Length() != 1 {
		t.Error("GET /login shows no sign-in form")
	}
}

func TestSetupCreatesTheOwnerOnce(t *testing.T) {
	ts := newTestServer(t)
	c := ts.newClient(t)
	r := c.get("/setup")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="setup-form"]`).Length() != 1 {
		t.Fatal("GET /setup shows no set-up form")
	}

	t.Run("validation keeps the input", func(t *testing.T) {
		r := c.post("/setup", url.Values{"email": {"not-an-email"}, "name": {"Olive"}, "password": {"short"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		form := r.doc.Find(`[data-testid="setup-form"]`)
		if msg := fieldError(form, "email"); !strings.Contains(msg, "email address") {
			t.Errorf("email error = %q", msg)
		}
		if msg := fieldError(form, "password"); !strings.Contains(msg, "at least 10") {
			t.Errorf("password error = %q", msg)
		}
		if got := fieldValue(form, "name"); got != "Olive" {
			t.Errorf("name field = %q, want the input kept", got)
		}
		if n := userCount(t, ts); n != 0 {
			t.Errorf("a failed set-up created %d users", n)
		}
	})

	r = c.post("/setup", url.Values{"email": {ownerEmail}, "name": {ownerName}, "password": {ownerPassword}})
	wantRedirect(t, r, "/apps")
	r = c.get("/apps")
	wantStatus(t, r, http.StatusOK)
	if got := text(r.doc.Find(`[data-testid="current-user"] .user-name`)); got != ownerName {
		t.Errorf("signed-in user shown = %q, want %q", got, ownerName)
	}
	u, err := ts.st.UserByEmail(context.Background(), ownerEmail)
	if err != nil || u.Role != store.RoleOwner || u.Name != ownerName {
		t.Fatalf("owner in the store = %+v, %v", u, err)
	}

	// Set-up is gone, for the owner and for anyone else.
	wantStatus(t, c.get("/setup"), http.StatusNotFound)
	other := ts.newClient(t)
	wantStatus(t, other.get("/setup"), http.StatusNotFound)
	wantStatus(t, other.get("/login"), http.StatusOK) // for a CSRF token
	for _, form := range []url.Values{
		{"email": {"mallory@example.com"}, "name": {"Mallory"}, "password": {"mallory-password"}},
		{"email": {"bad"}, "name": {""}, "password": {"x"}},
	} {
		r := other.post("/setup", form)
		wantStatus(t, r, http.StatusNotFound)
	}
	if n := userCount(t, ts); n != 1 {
		t.Errorf("POST /setup after set-up: %d users, want 1", n)
	}
	if _, err := ts.st.UserByEmail(context.Background(), "mallory@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("POST /setup after set-up created a user: %v", err)
	}
}

func TestLoginWithAWrongPassword(t *testing.T) {
	ts := newTestServer(t)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	c := ts.newClient(t)
	c.get("/login")

	r := c.post("/login", url.Values{"email": {"ed@example.com"}, "password": {"wrong-password"}})
	wantStatus(t, r, http.StatusUnauthorized)
	form := r.doc.Find(`[data-testid="login-form"]`)
	if msg := text(form.Find(`[data-testid="form-error"]`)); msg != "That email and password do not match." {
		t.Errorf("form error = %q", msg)
	}
	if got := fieldValue(form, "email"); got != "ed@example.com" {
		t.Errorf("email field = %q, want the input kept", got)
	}
	if v, _ := field(form, "password").Attr("value"); v != "" {
		t.Errorf("the password was echoed back: %q", v)
	}
	wantRedirect(t, c.get("/apps"), "/login")

	// An unknown account answers exactly the same.
	r = c.post("/login", url.Values{"email": {"nobody@example.com"}, "password": {"wrong-password"}})
	wantStatus(t, r, http.StatusUnauthorized)
	if msg := text(r.doc.Find(`[data-testid="form-error"]`)); msg != "That email and password do not match." {
		t.Errorf("form error for an unknown account = %q", msg)
	}
}

func TestLoginIsThrottledPerAccount(t *testing.T) {
	ts := newTestServer(t)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	addUser(t, ts, "vi@example.com", "Vi Viewer", store.RoleViewer)
	c := ts.newClient(t)
	c.get("/login")
	for i := 1; i <= 5; i++ {
		r := c.post("/login", url.Values{"email": {"ed@example.com"}, "password": {"guess-" + strconv.Itoa(i)}})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i, r.status)
		}
	}

	r := c.post("/login", url.Values{"email": {"ed@example.com"}, "password": {userPassword}})
	wantStatus(t, r, http.StatusTooManyRequests)
	if msg := text(r.doc.Find(`[data-testid="login-form"] [data-testid="form-error"]`)); !strings.Contains(msg, "Too many failed sign-in attempts") {
		t.Errorf("form error = %q, want the throttling message", msg)
	}
	wantRedirect(t, c.get("/apps"), "/login")

	// Another browser cannot get round it either: the limit is on the account.
	other := ts.newClient(t)
	other.get("/login")
	wantStatus(t, other.post("/login", url.Values{"email": {"ED@example.com"}, "password": {userPassword}}), http.StatusTooManyRequests)

	// Another account is not locked out by ed's failures.
	login(t, ts, "vi@example.com", userPassword)
}

func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	old := c.cookie("nami_session")
	if old == nil || old.Value == "" {
		t.Fatal("no session cookie after sign-up")
	}

	wantRedirect(t, c.post("/logout", nil), "/login")
	wantRedirect(t, c.get("/apps"), "/login")
	if _, err := ts.st.SessionByID(context.Background(), old.Value); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the session row survived logout: %v", err)
	}

	// A copy of the old cookie, replayed by another browser, no longer signs anyone in.
	replay := ts.newClient(t)
	req := replay.request(http.MethodGet, "/apps", nil)
	req.AddCookie(&http.Cookie{Name: "nami_session", Value: old.Value})
	wantRedirect(t, replay.do(req), "/login")
}

func TestSessionCookie(t *testing.T) {
	ts := newTestServer(t)
	u := addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	c := ts.newClient(t)
	c.get("/login")
	req := c.request(http.MethodPost, "/login", strings.NewReader(url.Values{
		"email": {"ed@example.com"}, "password": {userPassword}, "_csrf": {c.csrf}}.Encode()))
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d", res.StatusCode)
	}
	var ck *http.Cookie
	for _, x := range res.Cookies() {
		if x.Name == "nami_session" {
			ck = x
		}
	}
	if ck == nil {
		t.Fatal("login set no nami_session cookie")
	}
	if !ck.HttpOnly {
		t.Error("the session cookie is not HttpOnly")
	}
	if ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("the session cookie's SameSite = %v, want Lax", ck.SameSite)
	}
	if ck.Path != "/" {
		t.Errorf("the session cookie's path = %q, want /", ck.Path)
	}
	id := strconv.FormatInt(u.ID, 10)
	if ck.Value == id || strings.Contains(ck.Value, u.Email) || len(ck.Value) < 32 {
		t.Errorf("the cookie value %q is not an opaque random id (user id %s)", ck.Value, id)
	}
	// The value names a server-side session, which holds the user.
	sess, err := ts.st.SessionByID(context.Background(), ck.Value)
	if err != nil {
		t.Fatalf("the cookie names no server-side session: %v", err)
	}
	if !strings.Contains(string(sess.Data), `"`+id+`"`) {
		t.Errorf("the session data %s does not hold the user id", sess.Data)
	}

	// A new session id at sign-in: signing in again from a browser that holds a session gets a
	// fresh id, and the old one stops working.
	c2 := login(t, ts, "ed@example.com", userPassword)
	before := c2.cookie("nami_session")
	wantRedirect(t, c2.post("/login", url.Values{"email": {"ed@example.com"}, "password": {userPassword}}), "/apps")
	after := c2.cookie("nami_session")
	if before == nil || after == nil || before.Value == after.Value {
		t.Fatalf("session id before sign-in %v, after %v: want a fresh id", before, after)
	}
	if _, err := ts.st.SessionByID(context.Background(), before.Value); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the session replaced at sign-in still exists: %v", err)
	}
	// A session id planted in the browser before sign-in (fixation) is not adopted.
	c3 := ts.newClient(t)
	c3.get("/login")
	u3, _ := url.Parse(ts.URL)
	c3.http.Jar.SetCookies(u3, []*http.Cookie{{Name: "nami_session", Value: "planted-by-an-attacker-0123456789abcdef"}})
	wantRedirect(t, c3.post("/login", url.Values{"email": {"ed@example.com"}, "password": {userPassword}}), "/apps")
	if ck := c3.cookie("nami_session"); ck == nil || ck.Value == "planted-by-an-attacker-0123456789abcdef" {
		t.Errorf("after sign-in the cookie is %v, want a fresh id", ck)
	}
}

func TestStateChangeWithoutCSRFTokenIsRefused(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	form := url.Values{"name": {"Calm Sky"}, "slug": {"calm-sky"}}

	r := c.postRaw("/apps", form)
	wantStatus(t, r, http.StatusForbidden)
	if msg := text(r.doc.Find(`[data-testid="error"]`)); !strings.Contains(msg, "Reload the page") {
		t.Errorf("403 page says %q", msg)
	}
	bad := url.Values{"name": {"Calm Sky"}, "slug": {"calm-sky"}, "_csrf": {"forged-token"}}
	wantStatus(t, c.postRaw("/apps", bad), http.StatusForbidden)
	wantStatus(t, c.postRaw("/apps", form, "X-CSRF-Token", "forged-token"), http.StatusForbidden)
	// The token of another session does not work either.
	other := ts.newClient(t)
	other.get("/login")
	wantStatus(t, c.postRaw("/apps", form, "X-CSRF-Token", other.csrf), http.StatusForbidden)
	if n := appCount(t, ts); n != 0 {
		t.Fatalf("requests without a valid token created %d apps", n)
	}
	wantStatus(t, c.postRaw("/logout", nil), http.StatusForbidden)
	wantStatus(t, c.get("/apps"), http.StatusOK) // still signed in

	// The X-CSRF-Token header, as htmx sends it, is accepted instead of the field.
	r = c.postRaw("/apps", form, "X-CSRF-Token", c.csrf)
	wantRedirect(t, r, "/apps/calm-sky/platforms")
	if n := appCount(t, ts); n != 1 {
		t.Errorf("after a POST with the header token: %d apps, want 1", n)
	}
}

func TestLoginIsThrottledPerAddress(t *testing.T) {
	ts := newTestServer(t)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	c := ts.newClient(t)
	c.get("/login")
	// Twenty failures, each on a different account, from one address.
	for i := 1; i <= 20; i++ {
		r := c.post("/login", url.Values{"email": {"guess" + strconv.Itoa(i) + "@example.com"}, "password": {"wrong-password"}})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i, r.status)
		}
	}
	r := c.post("/login", url.Values{"email": {"ed@example.com"}, "password": {userPassword}})
	wantStatus(t, r, http.StatusTooManyRequests)
	if msg := text(r.doc.Find(`[data-testid="form-error"]`)); !strings.Contains(msg, "Too many failed sign-in attempts") {
		t.Errorf("form error = %q", msg)
	}
}

func TestARoleChangeTakesEffectAtTheNextRequest(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	s := seedCatalog(t, ts)
	ed := addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	c := login(t, ts, "ed@example.com", userPassword)
	c.get(s.appsPath + "/entitlements")

	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error { return tx.SetUserRole(ctx, ed.ID, store.RoleViewer) })
	wantStatus(t, c.post(s.appsPath+"/entitlements", url.Values{"ref": {"offline"}, "name": {"Offline"}}), http.StatusForbidden)
	r := c.get(s.appsPath + "/entitlements")
	if r.doc.Find(`[data-testid="new-entitlement-form"]`).Length() != 0 {
		t.Error("the demoted user is still offered the form")
	}
	if got := text(r.doc.Find(`[data-testid="current-user"] .role`)); got != store.RoleViewer {
		t.Errorf("the page shows role %q, want viewer", got)
	}
}
