package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"nami/store"
)

// These tests pin down fixes from a security and correctness review.

func TestViewerCannotShareAPaywall(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	loadDemo(t, ts)
	addUser(t, ts, "viewer@example.com", "Vera Viewer", store.RoleViewer)
	v := login(t, ts, "viewer@example.com", userPassword)
	editor := v.get(demoPath + "/paywalls/spring")
	wantStatus(t, editor, http.StatusOK)
	if editor.doc.Find(`[data-testid="share"]`).Length() != 0 {
		t.Error("a viewer is offered the Share preview button")
	}
	r := v.post(demoPath+"/paywalls/spring/share", nil)
	wantStatus(t, r, http.StatusForbidden)
}

func TestParallelWrongPasswordsAreStillLimited(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	clients := make([]*client, 30)
	for i := range clients {
		clients[i] = ts.newClient(t)
		wantStatus(t, clients[i].get("/login"), http.StatusOK)
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := c.do(c.request(http.MethodPost, "/login", strings.NewReader(url.Values{"_csrf": {c.csrf},
				"email": {ownerEmail}, "password": {"wrong password!"}}.Encode())))
			mu.Lock()
			statuses[r.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[http.StatusUnauthorized] > 5 {
		t.Errorf("%d of 30 parallel wrong passwords were checked (401); at most 5 may be (statuses %v)", statuses[http.StatusUnauthorized], statuses)
	}
	if statuses[http.StatusTooManyRequests] < 25 {
		t.Errorf("only %d of 30 parallel attempts answered 429 (statuses %v)", statuses[http.StatusTooManyRequests], statuses)
	}
}

func TestCampaignDatesOutOfRangeAreRefused(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	app := loadDemo(t, ts)
	before := storedCampaign(t, ts, app.ID, "default")
	for _, tc := range []struct{ tz, field, value string }{
		{"America/New_York", "ends_at", "9999-12-31T23:00"},
		{"Asia/Tokyo", "starts_at", "0000-01-01T00:00"},
	} {
		_, form := builderOf(t, c, "default")
		form.Set("tz", tc.tz)
		form.Set(tc.field, tc.value)
		r := c.post(demoPath+"/campaigns/default", form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if msg := fieldError(r.doc.Selection, tc.field); !strings.Contains(msg, "out of range") {
			t.Errorf("%s=%s in %s: message beside the field %q, want it to say the date is out of range", tc.field, tc.value, tc.tz, msg)
		}
		wantCampaignUnchanged(t, ts, before)
	}
	wantStatus(t, c.get(demoPath+"/campaigns"), http.StatusOK)
}

func TestPaywallLanguagesDifferingOnlyInCaseAreRefused(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	app := loadDemo(t, ts)
	before := storedPaywall(t, ts, app.ID, "quiet")
	r := c.get(demoPath + "/paywalls/quiet")
	wantStatus(t, r, http.StatusOK)
	form := formValues(r.doc, "pw-form")
	form.Add("locales", "EN")
	form.Set("copy[EN][title]", "UPPER")
	r = c.post(demoPath+"/paywalls/quiet", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := text(r.doc.Find(`[data-testid="copy-card"] .field-error`)); !strings.Contains(msg, "differ only in case") {
		t.Errorf("copy error %q, want it to say the languages differ only in case", msg)
	}
	wantPaywallUnchanged(t, ts, before)
}

func TestImageUploadWithoutAVersionIsRefused(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	app := loadDemo(t, ts)
	before := storedPaywall(t, ts, app.ID, "quiet")
	r := c.uploadFile(demoPath+"/paywalls/quiet/image", nil, fileField{name: "image", filename: "a.png", contentType: "image/png", data: pngOf(t, 20, 20)})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantPaywallUnchanged(t, ts, before)
}
