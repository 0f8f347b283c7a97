package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// signIn signs a browser in through the form.
func signIn(b *browser, email, password string) {
	b.t.Helper()
	const form = `[data-testid="login-form"]`
	b.open("/login", form)
	b.typeInto(form+` #f-email`, email)
	b.typeInto(form+` #f-password`, password)
	b.do("sign in", chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)))
	waitAcrossLoads(b, "signed in", `!!document.querySelector('[data-testid="current-user"]')`)
}

// The owner invites a colleague, who joins through the one-time link in another browser; the
// owner makes a reset link for them, then removes them, and the colleague's browser is signed
// out at once; the owner changes their own password.
func TestPeopleJourneyInviteResetRemove(t *testing.T) {
	srv, st := startServer(t)
	applyDemoCatalog(t, st)
	owner := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(owner)

	const add = `[data-testid="new-user-form"]`
	owner.open("/team", add)
	owner.typeInto(add+` #f-name`, "Grace Hopper")
	owner.typeInto(add+` #f-email`, "grace@example.com")
	owner.choose(add+` #f-role`, "editor")
	submitAndLoad(owner, "add the member", add+` button[type="submit"]`, `[data-testid="one-time-link"]`)
	// The link is built from the configured base URL (here the default, as no --base-url is
	// given to this test server), never from the request's Host header: open its path.
	link := owner.text(`[data-testid="one-time-link"] [data-testid="link"]`)
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/invite/") {
		t.Fatalf("invite link %q", link)
	}
	link = u.Path
	owner.shot("invite-link")

	grace := newBrowser(t, srv.URL)
	grace.open(link, `[data-testid="set-password-form"]`)
	grace.typeInto(`[data-testid="set-password-form"] #f-password`, "Hopper-1906-cobol")
	submitAndLoad(grace, "join", `[data-testid="set-password-form"] button[type="submit"]`, `[data-testid="login-form"]`)
	if got := currentFlash(grace); !strings.Contains(got, "password is set") {
		t.Errorf("after joining the sign-in page says %q", got)
	}
	// The link works once.
	grace.open(link, `body`)
	if grace.eventually(`!!document.querySelector('[data-testid="set-password-form"]')`) {
		t.Error("the invite link works a second time")
	}
	signIn(grace, "grace@example.com", "Hopper-1906-cobol")
	grace.open("/apps", `[data-testid="current-user"]`)

	// A reset link for Grace, then her removal: her browser is signed out at once.
	owner.open("/team", `[data-testid="team-table"]`)
	owner.do("accept confirmations", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
	submitAndLoad(owner, "make a reset link", `[data-testid="actions-grace@example.com"] [data-testid="reset-link"]`, `[data-testid="one-time-link"]`)
	if got := owner.text(`[data-testid="one-time-link"]`); !strings.Contains(got, "/reset/") {
		t.Errorf("reset link card %q", got)
	}
	owner.do("accept confirmations", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
	submitAndLoad(owner, "remove Grace", `[data-testid="actions-grace@example.com"] [data-testid="remove"]`, `[data-testid="team-table"]`)
	if strings.Contains(owner.text(`[data-testid="team-table"]`), "grace@example.com") {
		t.Error("Grace is still on the team")
	}
	owner.shot("team-after-remove")
	grace.open("/apps", `[data-testid="login-form"]`)

	// The owner changes their password at /account and signs in with the new one.
	const pw = `[data-testid="password-form"]`
	owner.open("/account", pw)
	owner.typeInto(pw+` #f-current`, "correct-horse-battery")
	owner.typeInto(pw+` #f-password`, "Another-Long-Pass-42")
	submitAndLoad(owner, "change the password", pw+` button[type="submit"]`, `body`)
	owner.shot("account")
	owner.do("sign out", chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)))
	waitAcrossLoads(owner, "signed out", `!!document.querySelector('[data-testid="login-form"]')`)
	signIn(owner, "mia@example.com", "Another-Long-Pass-42")
}
