package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// On the apps page a marketer presses Ctrl+K, types "spring" and presses Enter: the Spring
// offer paywall's editor opens.
func TestQuickSwitcherOpensThePaywallEditor(t *testing.T) {
	srv, st := startServer(t)
	applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	b.open("/apps", `[data-testid="app-list"]`)

	const dlg = `dialog[data-testid="switcher"]`
	b.do("press Ctrl+K", chromedp.KeyEvent("k", chromedp.KeyModifiers(2)))
	b.waitUntil("the switcher opens with the focus in its input",
		`!!document.querySelector('`+dlg+`[open]') && document.activeElement.id === "switcher-input"`)
	a11y := get(b, "read the roles", chromedp.Evaluate[string](`(() => {
		const d = document.querySelector('`+dlg+`'), i = document.getElementById("switcher-input");
		const label = document.querySelector('label[for="switcher-input"]');
		return [d.getAttribute("aria-modal"), d.getAttribute("aria-labelledby"), !!label && label.textContent !== "",
			i.getAttribute("role"), document.getElementById("switcher-list").getAttribute("role")].join(" ");
	})()`))
	if a11y != "true switcher-title true combobox listbox" {
		t.Errorf("the switcher's roles: %q", a11y)
	}

	b.do("type spring", chromedp.SendKeys(chromedp.CSS(`#switcher-input`), "spring"))
	const first = `#switcher-list [role="option"][aria-selected="true"]`
	b.waitUntil("the Spring offer paywall is the first match", `(document.querySelector('`+first+`') || {}).textContent?.includes("Spring offer")`)
	b.shot("quick-switcher")

	// Escape closes it; Ctrl+K opens it again, empty.
	b.do("press Escape", chromedp.KeyEvent(kb.Escape))
	b.waitUntil("the switcher closes", `!document.querySelector('`+dlg+`[open]')`)
	b.do("press Ctrl+K again", chromedp.KeyEvent("k", chromedp.KeyModifiers(2)))
	b.waitUntil("the switcher opens empty", `!!document.querySelector('`+dlg+`[open]') && document.getElementById("switcher-input").value === ""`)

	// Typed and entered at once, right after reopening: the first match opens when the answer comes.
	b.do("type spring and press Enter", chromedp.SendKeys(chromedp.CSS(`#switcher-input`), "spring"), chromedp.KeyEvent(kb.Enter))
	waitAcrossLoads(b, "the paywall editor opens",
		`location.pathname === "/apps/calm-sky/paywalls/spring" && document.readyState === "complete" && !!document.querySelector('[data-testid="paywall-editor"]')`)
}

// The arrow keys move through the matches and Enter opens the chosen one.
func TestQuickSwitcherArrowKeysChooseAMatch(t *testing.T) {
	srv, st := startServer(t)
	applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	b.open("/apps", `[data-testid="app-list"]`)

	b.do("press Ctrl+K", chromedp.KeyEvent("k", chromedp.KeyModifiers(2)))
	b.waitUntil("the switcher opens", `document.activeElement.id === "switcher-input"`)
	b.do("type premium", chromedp.SendKeys(chromedp.CSS(`#switcher-input`), "premium yearly"))
	b.waitUntil("several matches", `document.querySelectorAll('#switcher-list [role="option"]').length >= 2`)
	b.do("press the down arrow", chromedp.KeyEvent(kb.ArrowDown))
	b.waitUntil("the second match is chosen", `document.getElementById("switcher-input").getAttribute("aria-activedescendant") === "switcher-opt-1"`)
	b.do("press Enter", chromedp.Evaluate[chromedp.Void](`document.getElementById("switcher-input").dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}))`))
	waitAcrossLoads(b, "the product opens", `location.pathname.startsWith("/apps/calm-sky/products/") && document.readyState === "complete" && !!document.querySelector('[data-testid="product-edit-row"]')`)
}
