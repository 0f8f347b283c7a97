package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nami/handlers"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		name, pw, email, want string // want: a phrase of the message, or "" for accepted
	}{
		{"good", "tulip-orbit-canvas-47", "olive@example.com", ""},
		{"exactly 72 bytes", strings.Repeat("q", 72), "olive@example.com", ""},
		{"72 bytes of letters that take 2 bytes each", strings.Repeat("é", 36), "olive@example.com", ""},
		{"short", "short-pw", "olive@example.com", "at least 10 characters"},
		{"9 letters in 18 bytes", "ééééééééé", "olive@example.com", "at least 10 characters"},
		{"73 bytes", strings.Repeat("q", 73), "olive@example.com", "bcrypt reads only the first 72 bytes: use at most 72 bytes (about 72 letters)"},
		{"37 two-byte letters", strings.Repeat("é", 37), "olive@example.com", "at most 72 bytes"},
		{"common", "password1234", "olive@example.com", "most common passwords"},
		{"common, other case", "PassWord1234", "olive@example.com", "most common passwords"},
		{"common, from the top 10,000", "1234567890", "olive@example.com", "most common passwords"},
		{"contains the email name", "my-olive-tree-2024", "olive@example.com", "contains your email name"},
		{"contains the email name, other case", "MyOLIVEtree2024", "Olive@Example.com", "contains your email name"},
		{"a two-letter email name is not checked", "jo-summit-ridge-9", "jo@example.com", ""},
		{"no email given", "tulip-orbit-canvas-47", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := handlers.CheckPassword(tc.pw, tc.email)
			switch {
			case tc.want == "" && got != "":
				t.Errorf("CheckPassword(%q, %q) = %q, want it accepted", tc.pw, tc.email, got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("CheckPassword(%q, %q) = %q, want a message with %q", tc.pw, tc.email, got, tc.want)
			}
		})
	}
}

func TestSetupRefusesAWeakPassword(t *testing.T) {
	ts := newTestServer(t)
	c := ts.newClient(t)
	wantStatus(t, c.get("/setup"), http.StatusOK)
	for pw, want := range map[string]string{
		"password1234":          "most common passwords",
		"olive-owner-2026":      "contains your email name",
		strings.Repeat("z", 73): "at most 72 bytes",
	} {
		r := c.post("/setup", url.Values{"email": {ownerEmail}, "name": {ownerName}, "password": {pw}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if msg := fieldError(r.doc.Find(`[data-testid="setup-form"]`), "password"); !strings.Contains(msg, want) {
			t.Errorf("password %q: error %q, want %q", pw, msg, want)
		}
	}
	if n := userCount(t, ts); n != 0 {
		t.Fatalf("weak passwords created %d users", n)
	}
	wantRedirect(t, c.post("/setup", url.Values{"email": {ownerEmail}, "name": {ownerName}, "password": {ownerPassword}}), "/apps")
}
