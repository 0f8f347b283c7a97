package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nami/store"
)

func TestRenameAppKeepsTheSlug(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	r := c.post(demoPath, url.Values{"name": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := fieldError(r.doc.Selection, "name"); msg == "" {
		t.Error("an empty name shows no message beside the field")
	}
	wantRedirect(t, c.post(demoPath, url.Values{"name": {"Calm Sky Pro"}}), demoPath)
	page := c.get(demoPath)
	wantStatus(t, page, http.StatusOK)
	if got := text(page.doc.Find(`[data-testid="page-title"]`)); got != "Calm Sky Pro" {
		t.Errorf("overview title %q, want the new name", got)
	}
}

func TestOnlyAdminsDeleteApps(t *testing.T) {
	ts := newTestServer(t)
	owner := signUp(t, ts)
	loadDemo(t, ts)
	addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
	ed := login(t, ts, "ed@example.com", userPassword)
	page := ed.get(demoPath)
	if page.doc.Find(`[data-testid="delete-app"]`).Length() != 0 {
		t.Error("an editor is offered Delete app")
	}
	wantStatus(t, ed.post(demoPath+"/delete", nil), http.StatusForbidden)
	if n := appCount(t, ts); n != 1 {
		t.Fatalf("apps after an editor's delete = %d, want 1", n)
	}
	wantRedirect(t, owner.post(demoPath+"/delete", nil), "/apps")
	if n := appCount(t, ts); n != 0 {
		t.Errorf("apps after the owner's delete = %d, want 0", n)
	}
	if r := owner.get(demoPath); r.status != http.StatusNotFound || !strings.Contains(r.body, "Not found") {
		t.Errorf("the deleted app answers %d", r.status)
	}
}
