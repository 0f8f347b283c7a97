package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"nami/store"
)

func memberURL(u store.User, action string) string {
	return "/team/" + strconv.FormatInt(u.ID, 10) + "/" + action
}

// signedOut fails the test unless the browser's session no longer signs it in.
func signedOut(t *testing.T, c *client, who string) {
	t.Helper()
	if r := c.get("/apps"); r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Errorf("%s: GET /apps answered %d to %q, want 303 to /login (signed out)", who, r.status, r.location())
	}
}

// signedIn fails the test unless the browser is still signed in.
func signedIn(t *testing.T, c *client, who string) {
	t.Helper()
	if r := c.get("/apps"); r.status != http.StatusOK {
		t.Errorf("%s: GET /apps answered %d to %q, want 200 (signed in)", who, r.status, r.location())
	}
}

// errorText is the message of an error page.
func errorText(r *response) string { return text(r.doc.Find(`[data-testid="error"]`)) }

// linkPath is the path of the one-time link a team page shows.
func linkPath(t *testing.T, ts *testServer, r *response) string {
	t.Helper()
	link := text(r.doc.Find(`[data-testid="link"]`))
	if !strings.HasPrefix(link, ts.URL+"/") {
		t.Fatalf("the page shows the link %q, want one under %s", link, ts.URL)
	}
	return strings.TrimPrefix(link, ts.URL)
}

func auditHas(t *testing.T, ts *testServer, action, ref string) {
	t.Helper()
	entries, err := ts.st.AuditLog(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == action && e.Ref == ref {
			return
		}
	}
	t.Errorf("no audit entry %q for %s in %+v", action, ref, entries)
}

// TestRemoveMemberEndsTheirSessions: an admin removes a member, whose open session stops working
// at once; nobody removes the owner or themselves.
func TestRemoveMemberEndsTheirSessions(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	ownerUser, _ := ts.st.UserByEmail(context.Background(), ownerEmail)
	adminUser := addUser(t, ts, "ada@example.com", "Ada Admin", store.RoleAdmin)
	ed := addUser(t, ts, "eddie@example.com", "Eddie Editor", store.RoleEditor)
	admin := login(t, ts, adminUser.Email, userPassword)
	editor := login(t, ts, ed.Email, userPassword)

	r := admin.post(memberURL(ownerUser, "remove"), nil)
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(errorText(r), "owner cannot be removed") {
		t.Errorf("removing the owner: message %q", errorText(r))
	}
	wantStatus(t, admin.get("/team"), http.StatusOK)
	r = admin.post(memberURL(adminUser, "remove"), nil)
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(errorText(r), "cannot remove yourself") {
		t.Errorf("removing oneself: message %q", errorText(r))
	}
	wantStatus(t, owner.get("/team"), http.StatusOK)
	r = owner.post(memberURL(ownerUser, "remove"), nil)
	wantStatus(t, r, http.StatusForbidden)

	wantStatus(t, admin.get("/team"), http.StatusOK)
	wantRedirect(t, admin.post(memberURL(ed, "remove"), nil), "/team")
	signedOut(t, editor, "the removed editor")
	if _, err := ts.st.UserByID(context.Background(), ed.ID); err == nil {
		t.Error("the removed member is still in the store")
	}
	if r := ts.newClient(t); true {
		wantStatus(t, r.get("/login"), http.StatusOK)
		wantStatus(t, r.post("/login", url.Values{"email": {ed.Email}, "password": {userPassword}}), http.StatusUnauthorized)
	}
	auditHas(t, ts, "removed", ed.Email)
	signedIn(t, admin, "the admin")
	wantStatus(t, admin.post(memberURL(ed, "remove"), nil), http.StatusNotFound)
}

// TestTransferOwnership: the owner makes an admin the owner and becomes an admin; then they can
// no longer hand it over.
func TestTransferOwnership(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	ownerUser, _ := ts.st.UserByEmail(context.Background(), ownerEmail)
	ada := addUser(t, ts, "ada@example.com", "Ada Admin", store.RoleAdmin)
	admin := login(t, ts, ada.Email, userPassword)

	wantStatus(t, admin.post(memberURL(ada, "owner"), nil), http.StatusForbidden)
	wantStatus(t, owner.get("/team"), http.StatusOK)
	if owner.get("/team").doc.Find(`[data-testid="actions-ada@example.com"] [data-testid="make-owner"]`).Length() != 1 {
		t.Error("the owner's team page offers no Make owner button for the admin")
	}
	wantStatus(t, owner.post(memberURL(ownerUser, "owner"), nil), http.StatusUnprocessableEntity)
	wantStatus(t, owner.get("/team"), http.StatusOK)
	wantRedirect(t, owner.post(memberURL(ada, "owner"), nil), "/team")
	for email, want := range map[string]string{ownerEmail: store.RoleAdmin, ada.Email: store.RoleOwner} {
		if u, _ := ts.st.UserByEmail(context.Background(), email); u.Role != want {
			t.Errorf("%s is %s, want %s", email, u.Role, want)
		}
	}
	auditHas(t, ts, "transferred ownership", ada.Email)
	wantStatus(t, owner.get("/team"), http.StatusOK)
	wantStatus(t, owner.post(memberURL(ada, "owner"), nil), http.StatusForbidden) // an admin now
	// The new owner cannot be removed by the old one.
	wantStatus(t, owner.post(memberURL(ada, "remove"), nil), http.StatusForbidden)
}

// TestInviteLinkWorksOnce: adding a member shows an invitation link; the member chooses a name
// and password through it once, then signs in; the link then answers 410.
func TestInviteLinkWorksOnce(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	if owner.get("/team").doc.Find(`[data-testid="new-user-form"] input[name="password"]`).Length() != 0 {
		t.Error("the add-member form still asks for a password")
	}
	r := owner.post("/team", url.Values{"email": {"grace@example.com"}, "name": {"Grace"}, "role": {"editor"}})
	wantStatus(t, r, http.StatusOK)
	path := linkPath(t, ts, r)
	if !strings.HasPrefix(path, "/invite/") || len(strings.TrimPrefix(path, "/invite/")) != 43 {
		t.Errorf("invite link %q, want /invite/ and 32 bytes in base64", path)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the link is cacheable: %q", r.header.Get("Cache-Control"))
	}
	auditHas(t, ts, "invited", "grace@example.com")
	if r.doc.Find(`[data-testid="invited"]`).Length() != 1 {
		t.Error("the new member is not marked invited")
	}

	grace := ts.newClient(t)
	r = grace.get(path)
	wantStatus(t, r, http.StatusOK)
	if fieldValue(r.doc.Selection, "name") != "Grace" {
		t.Errorf("the invitation form's name is %q, want Grace", fieldValue(r.doc.Selection, "name"))
	}
	r = grace.post(path, url.Values{"name": {"Grace Hopper"}, "password": {"short"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if fieldError(r.doc.Selection, "password") == "" {
		t.Error("a short password shows no message")
	}
	wantRedirect(t, grace.post(path, url.Values{"name": {"Grace Hopper"}, "password": {"Hopper-1906-cobol"}}), "/login?joined=1")
	wantRedirect(t, grace.post("/login", url.Values{"email": {"grace@example.com"}, "password": {"Hopper-1906-cobol"}}), "/apps")
	if u, _ := ts.st.UserByEmail(context.Background(), "grace@example.com"); u.Name != "Grace Hopper" || u.Invited() {
		t.Errorf("after joining: %+v", u)
	}
	auditHas(t, ts, "joined", "grace@example.com")

	again := ts.newClient(t)
	r = again.get(path)
	wantStatus(t, r, http.StatusGone)
	if !strings.Contains(errorText(r), "already used") {
		t.Errorf("a used link says %q", errorText(r))
	}
	wantStatus(t, again.get("/login"), http.StatusOK)
	wantStatus(t, again.post(path, url.Values{"name": {"Mallory"}, "password": {"mallory-password"}}), http.StatusGone)
	wantStatus(t, again.get("/invite/not-a-real-token"), http.StatusNotFound)
	if r := again.get(strings.Replace(path, "/invite/", "/reset/", 1)); r.status != http.StatusNotFound {
		t.Errorf("an invitation used as a reset link: %d, want 404", r.status)
	}
}

// TestInvitedMemberCannotSignInBeforeJoining: an invited member has no password at all.
func TestInvitedMemberCannotSignInBeforeJoining(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	wantStatus(t, owner.post("/team", url.Values{"email": {"grace@example.com"}, "name": {"Grace"}, "role": {"viewer"}}), http.StatusOK)
	c := ts.newClient(t)
	wantStatus(t, c.get("/login"), http.StatusOK)
	wantStatus(t, c.post("/login", url.Values{"email": {"grace@example.com"}, "password": {""}}), http.StatusUnauthorized)
}

// TestInviteLinkExpiresAfter24Hours, by the store's clock.
func TestInviteLinkExpiresAfter24Hours(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	path := linkPath(t, ts, owner.post("/team", url.Values{"email": {"grace@example.com"}, "name": {"Grace"}, "role": {"editor"}}))
	start := time.Now().UTC()
	ts.st.Now = func() time.Time { return start.Add(24*time.Hour - time.Minute) }
	wantStatus(t, ts.newClient(t).get(path), http.StatusOK)
	ts.st.Now = func() time.Time { return start.Add(24*time.Hour + time.Second) }
	r := ts.newClient(t).get(path)
	wantStatus(t, r, http.StatusGone)
	if !strings.Contains(errorText(r), "expired") {
		t.Errorf("an expired link says %q", errorText(r))
	}
}

// TestResetLinkSetsANewPasswordAndEndsSessions: an admin makes a reset link for a member; using
// it sets the password, ends the member's sessions, and the old password stops working.
func TestResetLinkSetsANewPasswordAndEndsSessions(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	ownerUser, _ := ts.st.UserByEmail(context.Background(), ownerEmail)
	ada := addUser(t, ts, "ada@example.com", "Ada Admin", store.RoleAdmin)
	ed := addUser(t, ts, "eddie@example.com", "Eddie Editor", store.RoleEditor)
	admin := login(t, ts, ada.Email, userPassword)
	editor := login(t, ts, ed.Email, userPassword)

	wantStatus(t, admin.get("/team"), http.StatusOK)
	wantStatus(t, admin.post(memberURL(ownerUser, "reset"), nil), http.StatusForbidden) // an admin cannot take over the owner
	wantStatus(t, admin.get("/team"), http.StatusOK)
	r := admin.post(memberURL(ed, "reset"), nil)
	wantStatus(t, r, http.StatusOK)
	path := linkPath(t, ts, r)
	if !strings.HasPrefix(path, "/reset/") {
		t.Fatalf("reset link %q", path)
	}
	auditHas(t, ts, "created reset link", ed.Email)

	c := ts.newClient(t)
	wantStatus(t, c.get(path), http.StatusOK)
	wantRedirect(t, c.post(path, url.Values{"password": {"Blue-Ridge-2031-x"}}), "/login?password=set")
	signedOut(t, editor, "the editor's old session")
	wantStatus(t, c.get("/login"), http.StatusOK)
	wantStatus(t, c.post("/login", url.Values{"email": {ed.Email}, "password": {userPassword}}), http.StatusUnauthorized)
	login(t, ts, ed.Email, "Blue-Ridge-2031-x")
	wantStatus(t, ts.newClient(t).get(path), http.StatusGone)
	auditHas(t, ts, "reset password", ed.Email)
	signedIn(t, owner, "the owner")
}

// TestPasswordChangeEndsOtherSessions: changing one's password needs the current one and signs
// out every other device, not this one.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	ed := addUser(t, ts, "eddie@example.com", "Eddie Editor", store.RoleEditor)
	laptop := login(t, ts, ed.Email, userPassword)
	phone := login(t, ts, ed.Email, userPassword)

	r := laptop.get("/account")
	wantStatus(t, r, http.StatusOK)
	r = laptop.post("/account", url.Values{"action": {"password"}, "current": {"wrong-password"}, "password": {"Blue-Ridge-2031-x"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if fieldError(r.doc.Selection, "current") == "" {
		t.Error("a wrong current password shows no message")
	}
	signedIn(t, phone, "the phone after a refused change")
	wantStatus(t, laptop.get("/account"), http.StatusOK)
	wantRedirect(t, laptop.post("/account", url.Values{"action": {"password"}, "current": {userPassword}, "password": {"Blue-Ridge-2031-x"}}), "/account")
	signedIn(t, laptop, "the laptop that changed the password")
	signedOut(t, phone, "the phone")
	login(t, ts, ed.Email, "Blue-Ridge-2031-x")
	auditHas(t, ts, "changed password", ed.Email)
}

// TestSignOutEverywhereElse ends all of one's sessions but the current one, and nobody else's.
func TestSignOutEverywhereElse(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	ed := addUser(t, ts, "eddie@example.com", "Eddie Editor", store.RoleEditor)
	laptop := login(t, ts, ed.Email, userPassword)
	phone := login(t, ts, ed.Email, userPassword)
	wantStatus(t, laptop.get("/account"), http.StatusOK)
	wantRedirect(t, laptop.post("/account", url.Values{"action": {"signout-others"}}), "/account")
	signedIn(t, laptop, "the laptop")
	signedOut(t, phone, "the phone")
	signedIn(t, owner, "the owner")
	// The laptop's session still takes state changes (its CSRF token is fresh).
	wantStatus(t, laptop.get("/account"), http.StatusOK)
	wantRedirect(t, laptop.post("/account", url.Values{"action": {"name"}, "name": {"Eddie E."}}), "/account")
	if u, _ := ts.st.UserByID(context.Background(), ed.ID); u.Name != "Eddie E." {
		t.Errorf("name %q after renaming", u.Name)
	}
	wantStatus(t, laptop.post("/account", url.Values{"action": {"name"}, "name": {" "}}), http.StatusUnprocessableEntity)
}

// TestViewersAndEditorsCannotManageTheTeam: the team actions answer 403 below admin; handing over
// ownership, below owner.
func TestViewersAndEditorsCannotManageTheTeam(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	ownerUser, _ := ts.st.UserByEmail(context.Background(), ownerEmail)
	v := addUser(t, ts, "vic@example.com", "Vic Viewer", store.RoleViewer)
	e := addUser(t, ts, "eddie@example.com", "Eddie Editor", store.RoleEditor)
	a := addUser(t, ts, "ada@example.com", "Ada Admin", store.RoleAdmin)
	for _, who := range []store.User{v, e} {
		c := login(t, ts, who.Email, userPassword)
		other := v
		if who.ID == v.ID {
			other = e
		}
		for _, path := range []string{memberURL(other, "remove"), memberURL(other, "reset"), memberURL(other, "owner"), memberURL(ownerUser, "reset")} {
			wantStatus(t, c.post(path, nil), http.StatusForbidden)
		}
		wantStatus(t, c.post("/team", url.Values{"email": {"x@example.com"}, "name": {"X"}, "role": {"viewer"}}), http.StatusForbidden)
		if c.get("/team").doc.Find(`[data-testid="remove"], [data-testid="reset-link"], [data-testid="make-owner"]`).Length() != 0 {
			t.Errorf("%s sees team actions", who.Role)
		}
		wantStatus(t, c.get("/account"), http.StatusOK) // everyone has an account page
	}
	admin := login(t, ts, a.Email, userPassword)
	wantStatus(t, admin.post(memberURL(e, "owner"), nil), http.StatusForbidden)
	if n := userCount(t, ts); n != 4 {
		t.Errorf("%d users, want 4", n)
	}
}
