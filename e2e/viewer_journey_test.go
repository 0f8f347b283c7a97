package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nami/handlers"
	"nami/store"
)

// addUserInStore stores a user with a password, as an admin adding them on the Team page would.
func addUserInStore(t *testing.T, st *store.Store, email, name, role, password string) {
	t.Helper()
	hash, err := handlers.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u := store.User{Email: email, Name: name, Role: role, PasswordHash: hash}
	if err := st.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateUser(context.Background(), &u) }); err != nil {
		t.Fatalf("CreateUser %s: %v", email, err)
	}
}

// signInInBrowser signs in through the login page.
func signInInBrowser(b *browser, email, password string) {
	b.t.Helper()
	const form = `[data-testid="login-form"]`
	b.open("/login", form)
	b.typeInto(form+` #f-email`, email)
	b.typeInto(form+` #f-password`, password)
	b.do("sign in", chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-user"]`)))
}

// shotAtWidths takes a screenshot of the page at a desktop and a phone width, then restores the desktop.
func shotAtWidths(b *browser, name string) {
	b.t.Helper()
	// The sidebar slides away when the window narrows: let the transition end before the shot.
	b.do("size the window for a desktop", chromedp.EmulateViewport(1280, 900), chromedp.Sleep(time.Second))
	b.shot(name + "-1280")
	b.do("size the window for a phone", chromedp.EmulateViewport(390, 844), chromedp.Sleep(time.Second))
	b.shot(name + "-390")
	b.do("size the window for a desktop", chromedp.EmulateViewport(1280, 900))
}

// A viewer opens a paywall and a campaign: they see everything, change nothing, and can still
// switch the preview's language and use the simulator.
func TestViewerJourneyLooksButCannotChange(t *testing.T) {
	srv, st := startServer(t)
	applyDemoCatalog(t, st)
	addUserInStore(t, st, "owen@example.com", "Owen Owner", store.RoleOwner, "owner-password-1")
	addUserInStore(t, st, "vi@example.com", "Vi Viewer", store.RoleViewer, "viewer-password-1")
	b := newBrowser(t, srv.URL)
	signInInBrowser(b, "vi@example.com", "viewer-password-1")

	const (
		notice       = `[data-testid="read-only-notice"]`
		title        = `[data-testid="copy-title-en"]`
		previewTitle = `#preview-pane [data-testid="paywall-title"]`
	)

	// The paywall editor.
	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="paywall-editor"]`)
	b.markPage("paywall")
	if got := b.text(notice); got != "You can view this paywall but not change it: your role is viewer. Ask an admin for editor access." {
		t.Errorf("paywall notice %q", got)
	}
	if got := b.value(title); got != "Sleep better this spring" {
		t.Fatalf("the title field shows %q", got)
	}
	// Click into the title and type: a disabled field takes no keys.
	b.do("type into the title", chromedp.Click(chromedp.CSS(title)), chromedp.KeyEvent(" and more"))
	if got := b.value(title); got != "Sleep better this spring" {
		t.Errorf("after typing, the title field shows %q", got)
	}
	enabled := get(b, "count the enabled fields", chromedp.Evaluate[int](
		`[...document.querySelectorAll('#pw-form input:not([type=hidden]), #pw-form select, #pw-form textarea')].filter(e => !e.disabled && !e.readOnly).length`))
	if enabled != 0 {
		t.Errorf("%d fields of the paywall form are enabled", enabled)
	}
	for _, id := range []string{"save", "add-locale", "add-product", "remove-product", "move-up", "image-form", "remove-image", "delete"} {
		if n := get(b, "look for "+id, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="`+id+`"]').length`)); n != 0 {
			t.Errorf("the viewer sees [data-testid=%s]", id)
		}
	}

	// The preview still shows the saved paywall, and its language select still switches it.
	b.waitUntil("the preview's title", jsText(previewTitle)+` === "Sleep better this spring"`)
	b.choose(`[data-testid="preview-locale"]`, "de")
	if !b.eventually(jsText(previewTitle) + ` === "Besser schlafen in diesem Frühling"`) {
		t.Errorf("after choosing de the preview's title is %q", textNow(b, previewTitle))
	}
	b.choose(`[data-testid="preview-device"]`, "tablet")
	if !b.eventually(`!!document.querySelector('#preview-pane .device-tablet')`) {
		t.Error("the preview did not switch to the tablet frame")
	}
	if !b.eventually(jsText(previewTitle) + ` === "Besser schlafen in diesem Frühling"`) {
		t.Errorf("after choosing the tablet the preview's title is %q", textNow(b, previewTitle))
	}
	// The German copy tab shows the German copy, still read-only.
	b.do("open the de tab", chromedp.Click(chromedp.CSS(`[data-testid="tab-de"]`)))
	b.waitUntil("the German title field", `(() => { const e = document.querySelector('[data-testid="copy-title-de"]'); return e && e.offsetParent !== null && e.value === "Besser schlafen in diesem Frühling" && e.disabled })()`)
	if !b.samePage("paywall") {
		t.Error("the tab reloaded the page")
	}
	b.do("back to the en tab", chromedp.Click(chromedp.CSS(`[data-testid="tab-en"]`)))
	b.waitUntil("the English title field", `(() => { const e = document.querySelector('`+title+`'); return e && e.offsetParent !== null })()`)
	b.choose(`[data-testid="preview-device"]`, "phone")
	b.waitUntil("the phone frame", `!!document.querySelector('#preview-pane .device-phone')`)
	shotAtWidths(b, "viewer-paywall")

	// The campaign builder.
	openBuilder(b, "/apps/calm-sky/campaigns/onboarding-ab")
	if got := b.text(notice); got != "You can view this campaign but not change it: your role is viewer. Ask an admin for editor access." {
		t.Errorf("campaign notice %q", got)
	}
	counts := get(b, "count the builder's fields", chromedp.Evaluate[[]int](
		`(() => { const f = [...document.querySelectorAll('#builder input:not([type=hidden]), #builder select, #builder textarea')]; return [f.length, f.filter(e => !e.disabled).length] })()`))
	if counts[0] < 5 || counts[1] != 0 {
		t.Errorf("the builder has %d fields, %d of them enabled; want them all disabled", counts[0], counts[1])
	}
	if got := b.value(`#f-name`); !strings.Contains(strings.ToLower(got), "onboarding") {
		t.Errorf("the campaign name field shows %q", got)
	}
	for _, id := range []string{"save", "apply-template", "template-select", "add-condition", "remove-condition", "add-variant", "remove-variant", "delete", "duplicate"} {
		if n := get(b, "look for "+id, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="`+id+`"]').length`)); n != 0 {
			t.Errorf("the viewer sees [data-testid=%s]", id)
		}
	}
	shotAtWidths(b, "viewer-campaign")

	// The simulator link works for a viewer.
	b.do("open the simulator", chromedp.Click(chromedp.CSS(`[data-testid="simulate-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="simulate-form"]`)))
	if p := b.path(); !strings.HasPrefix(p, "/apps/calm-sky/simulate") {
		t.Errorf("the simulator link led to %s", p)
	}
	if got := b.value(`[data-testid="simulate-form"] #f-label`); got != "onboarding" {
		t.Errorf("the simulator's label is %q, want the campaign's", got)
	}
	b.typeInto(`[data-testid="simulate-form"] #f-device_id`, "viewer-device")
	b.do("simulate", chromedp.Click(chromedp.CSS(`[data-testid="simulate"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sim-outcome"]`)))
	if got := b.text(`[data-testid="sim-outcome"]`); got == "" {
		t.Error("the simulation shows no outcome")
	}
}
