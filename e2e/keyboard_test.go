package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Keyboard-only use of the two big forms (issue 14): after every htmx action focus is on a
// sensible element, never on <body>, and no focused element hides behind the sticky bars.

// focusInfoJS describes document.activeElement: what it is and whether a sticky bar covers it.
const focusInfoJS = `(() => {
	const a = document.activeElement;
	if (!a || a === document.body || a === document.documentElement) return JSON.stringify({Body: true});
	const r = a.getBoundingClientRect();
	const covered = [];
	for (const sel of [".save-bar", ".topbar"]) {
		const bar = document.querySelector(sel);
		if (!bar || bar.contains(a) || getComputedStyle(bar).position !== "sticky" && getComputedStyle(bar).position !== "fixed") continue;
		const b = bar.getBoundingClientRect();
		if (!(r.width > 0 && r.height > 0 && r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom)) continue;
		// The overlap is covered only if the bar is what shows there (a menu above it is not).
		const x = (Math.max(r.left, b.left) + Math.min(r.right, b.right)) / 2, y = (Math.max(r.top, b.top) + Math.min(r.bottom, b.bottom)) / 2;
		const top = document.elementFromPoint(x, y);
		if (top && bar.contains(top)) covered.push(sel);
	}
	const desc = a.tagName.toLowerCase() + (a.id ? "#" + a.id : "") +
		(a.getAttribute("data-testid") ? "[data-testid=" + a.getAttribute("data-testid") + "]" : "") +
		(a.getAttribute("name") ? "[name=" + a.getAttribute("name") + "]" : "") +
		" " + JSON.stringify((a.textContent || a.value || "").trim().slice(0, 30));
	return JSON.stringify({Desc: desc, Covered: covered, InThumb: !!a.closest(".variant-thumb, .paywall-thumb, .mini-device"),
		Visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight});
})()`

type focusInfo struct {
	Body    bool
	Desc    string
	Covered []string
	InThumb bool
	Visible bool
}

func (b *browser) focused() focusInfo {
	b.t.Helper()
	var f focusInfo
	measure(b, "the focused element", focusInfoJS, &f)
	return f
}

// press sends keys to the focused element, as a person's keyboard would.
func (b *browser) press(what, keys string, mods ...chromedp.Modifier) {
	b.t.Helper()
	var opts []chromedp.KeyOption
	if len(mods) > 0 {
		opts = append(opts, chromedp.KeyModifiers(mods...))
	}
	b.do("press "+what, chromedp.KeyEvent(keys, opts...))
}

// is reports whether the focused element matches a CSS selector.
func (b *browser) focusIs(sel string) bool {
	b.t.Helper()
	return get(b, "match the focus", chromedp.Evaluate[bool](fmt.Sprintf(
		`!!document.activeElement && document.activeElement.matches(%q)`, sel)))
}

// checkFocus fails the test when focus is on <body>, hidden under a sticky bar, off screen or in
// a preview thumbnail.
func (b *browser) checkFocus(after string) focusInfo {
	b.t.Helper()
	f := b.focused()
	if !f.Body && (!f.Visible || len(f.Covered) > 0) {
		// The skip link slides in, and smooth scrolling takes a moment: look again once settled.
		b.do("let it settle", chromedp.Evaluate[chromedp.Void](`new Promise(r => setTimeout(r, 400))`, chromedp.EvalAwaitPromise))
		f = b.focused()
	}
	switch {
	case f.Body:
		b.shot("focus-lost")
		b.t.Errorf("after %s focus is on <body>", after)
	case len(f.Covered) > 0:
		b.shot("focus-covered")
		b.t.Errorf("after %s the focused %s is under %v", after, f.Desc, f.Covered)
	case !f.Visible:
		b.t.Errorf("after %s the focused %s is off screen", after, f.Desc)
	case f.InThumb:
		b.t.Errorf("after %s focus is in a preview thumbnail: %s", after, f.Desc)
	}
	return f
}

// tabTo presses Tab until the focused element matches sel, checking every stop on the way; it
// returns the number of stops.
func (b *browser) tabTo(sel string, max int, back bool) int {
	b.t.Helper()
	var mods []chromedp.Modifier
	if back {
		mods = append(mods, chromedp.ModifierShift)
	}
	for n := 1; n <= max; n++ {
		b.press("Tab", kb.Tab, mods...)
		f := b.checkFocus(fmt.Sprintf("Tab %d towards %s", n, sel))
		if b.t.Failed() && f.Body {
			b.t.FailNow()
		}
		if b.focusIs(sel) {
			return n
		}
	}
	b.shot("tab-not-found")
	b.t.Fatalf("%d Tabs did not reach %s (focus on %s)", max, sel, b.focused().Desc)
	return 0
}

// countSettles makes the page count finished htmx swaps in window.namiSettled.
func (b *browser) countSettles() {
	b.t.Helper()
	b.do("count swaps", chromedp.Evaluate[chromedp.Void](`if (!window.namiCounting) { window.namiCounting = true; window.namiSettled = 0;
		document.addEventListener("htmx:afterSettle", () => { window.namiSettled++; }); }`))
}

// activate presses a key on the focused element and waits for the htmx swap it starts to settle
// (and the frame after, when focus has been placed).
func (b *browser) activate(what, key string) {
	b.t.Helper()
	b.countSettles()
	before := get(b, "read the swap count", chromedp.Evaluate[int](`window.namiSettled`))
	b.press(what, key)
	b.waitUntil(what+" swapped", fmt.Sprintf(`window.namiSettled > %d && !document.querySelector(".htmx-request")`, before))
	b.do("a frame", chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))`, chromedp.EvalAwaitPromise))
}

func (b *browser) wantFocus(after, sel string) {
	b.t.Helper()
	f := b.checkFocus(after)
	if !b.focusIs(sel) {
		b.shot("focus-wrong")
		b.t.Errorf("after %s focus is on %s, want %s", after, f.Desc, sel)
	}
}

// productOrder is the SKUs of the editor's products, in order.
func productOrder(b *browser) string {
	return get(b, "read the product order", chromedp.Evaluate[string](
		`[...document.querySelectorAll('[data-testid="picked-product"] input[name$="[sku]"]')].map(i => i.value).join(",")`))
}

// walkToSave tabs from the top of the page to the Save button, checking every stop, and returns
// how many stops there were.
func walkToSave(b *browser) int {
	b.t.Helper()
	b.do("focus the top", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`))
	return b.tabTo(`[data-testid="save"]`, 400, false)
}

func TestKeyboardWalksThePaywallEditor(t *testing.T) {
	b := layoutSession(t)
	const editor = `[data-testid="paywall-editor"]`
	b.open("/apps/calm-sky/paywalls/spring", editor)
	stops := walkToSave(b)
	t.Logf("the editor has %d Tab stops before Save", stops)

	// Language tabs: one Tab stop, arrow keys between them, Enter opens one.
	b.open("/apps/calm-sky/paywalls/spring", editor)
	b.tabTo(`[role="tab"][aria-selected="true"]`, 200, false)
	selected := get(b, "the selected tab", chromedp.Evaluate[string](`document.activeElement.id`))
	b.press("ArrowRight", kb.ArrowRight)
	other := get(b, "the next tab", chromedp.Evaluate[string](`document.activeElement.id`))
	if other == selected || !strings.HasPrefix(other, "locale-tab-") || !b.focusIs(`[role="tab"][tabindex="0"]`) {
		t.Errorf("ArrowRight from %s moved focus to %q", selected, other)
	}
	b.activate("Enter on the "+other, kb.Enter)
	b.wantFocus("opening a language tab", `#`+other+`[aria-selected="true"]`)
	b.viewShot("editor-tab-focused")
	panel := get(b, "the shown panel", chromedp.Evaluate[string](`(() => { const p = document.getElementById(document.activeElement.getAttribute("aria-controls")); return p && !p.hidden ? p.getAttribute("role") : ""; })()`))
	if panel != "tabpanel" {
		t.Errorf("the opened tab controls no shown tabpanel (%q)", panel)
	}
	if n := get(b, "tabs in the Tab order", chromedp.Evaluate[int](`document.querySelectorAll('[role="tab"][tabindex="0"]').length`)); n != 1 {
		t.Errorf("%d tabs are in the Tab order, want 1", n)
	}

	// Add a language from the keyboard: focus lands on its new tab.
	b.tabTo(`#f-new_locale`, 200, false)
	b.press("fr", "fr")
	b.tabTo(`[data-testid="add-locale"]`, 3, false)
	b.activate("Enter on Add language", kb.Enter)
	b.wantFocus("adding a language", `#locale-tab-fr[aria-selected="true"]`)

	// Move a product down and up: focus follows it.
	b.tabTo(`[data-testid="picked-product"]:nth-child(1) [data-testid="move-down"]`, 200, false)
	order := productOrder(b)
	b.activate("Space on move down", " ")
	if got := productOrder(b); got == order {
		t.Errorf("move down did not change the order (%s)", got)
	}
	b.wantFocus("moving the first product down", `[data-testid="picked-product"]:nth-child(2) [data-testid="move-down"]`)
	b.viewShot("editor-moved-down")
	b.tabTo(`[data-testid="picked-product"]:nth-child(2) [data-testid="move-up"]`, 2, true)
	b.activate("Enter on move up", kb.Enter)
	if got := productOrder(b); got != order {
		t.Errorf("down then up gives %s, want %s", got, order)
	}
	b.wantFocus("moving it back to the top", `[data-testid="picked-product"]:nth-child(1) [data-testid="move-down"]`)

	// Remove a product: focus goes to the next product's Remove button.
	b.tabTo(`[data-testid="picked-product"]:nth-child(2) [data-testid="remove-product"]`, 20, false)
	b.activate("Enter on Remove", kb.Enter)
	b.wantFocus("removing a product", `[data-testid="picked-product"]:nth-child(2) [data-testid="remove-product"]`)
	b.press("Shift+Tab to Highlight", kb.Tab, chromedp.ModifierShift)
	b.viewShot("editor-checkbox-focused")

	// Add a product back.
	b.tabTo(`[data-testid="add-product"]`, 200, false)
	b.activate("Enter on Add product", kb.Enter)
	b.checkFocus("adding a product")

	// Everything is still reachable without hiding behind the save bar, on a phone too.
	walkToSave(b)
	b.resize(phone)
	b.open("/apps/calm-sky/paywalls/spring", editor)
	b.do("focus the top", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`))
	b.tabTo(`[data-testid="picked-product"]:nth-child(3) [data-testid="move-up"]`, 200, false)
	b.viewShot("editor-phone-move-up")
	walkToSave(b)
	b.viewShot("editor-phone-save")
}

func TestKeyboardWalksTheCampaignBuilder(t *testing.T) {
	b := layoutSession(t)
	const path = "/apps/calm-sky/campaigns/onboarding-ab"
	openBuilder(b, path)
	stops := walkToSave(b)
	t.Logf("the builder has %d Tab stops before Save", stops)
	if n := get(b, "focusable elements in thumbnails", chromedp.Evaluate[int](`[...document.querySelectorAll(".variant-thumb")].filter(t => !t.inert).length`)); n != 0 {
		t.Errorf("%d variant thumbnails are not inert", n)
	}

	b.open(path, `form#builder`)
	rows := get(b, "count conditions", chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="condition-row"]').length`))
	b.tabTo(`[data-testid="add-condition"]`, 200, false)
	b.activate("Enter on Add condition", kb.Enter)
	b.wantFocus("adding a condition", `[data-testid="condition-attribute"]`)
	b.viewShot("builder-condition-added")
	if got := get(b, "focused row", chromedp.Evaluate[int](`[...document.querySelectorAll('[data-testid="condition-row"]')].indexOf(document.activeElement.closest('[data-testid="condition-row"]'))`)); got != rows {
		t.Errorf("after adding a condition focus is in row %d, want the new row %d", got, rows)
	}
	b.press("country", "country")
	b.tabTo(`[data-testid="remove-condition"]`, 5, false)
	b.activate("Enter on Remove condition", kb.Enter)
	b.wantFocus("removing the condition", `[data-testid="remove-condition"], [data-testid="add-condition"]`)

	b.tabTo(`[data-testid="add-variant"]`, 200, false)
	b.activate("Enter on Add variant", kb.Enter)
	b.wantFocus("adding a variant", `[data-testid="variant-ref"]`)
	if !get(b, "the last variant", chromedp.Evaluate[bool](`[...document.querySelectorAll('[data-testid="variant-ref"]')].pop() === document.activeElement`)) {
		t.Error("after adding a variant focus is not on the new variant's ref")
	}
	b.tabTo(`[data-testid="remove-variant"]`, 10, false)
	b.activate("Enter on Remove variant", kb.Enter)
	b.wantFocus("removing the variant", `[data-testid="remove-variant"], [data-testid="add-variant"]`)
	b.viewShot("builder-variant-removed")

	// Apply a template: choose it with the arrow keys, confirm (the dialog is accepted).
	b.tabTo(`[data-testid="template-select"]`, 200, true)
	b.press("ArrowDown", kb.ArrowDown)
	b.tabTo(`[data-testid="apply-template"]`, 2, false)
	b.activate("Enter on Apply template", kb.Enter)
	b.wantFocus("applying a template", `[data-testid="apply-template"], [data-testid="template-select"]`)
	walkToSave(b)
}

// On a phone the menu takes focus, keeps Tab inside it and gives focus back when it closes.
func TestKeyboardMobileMenuTrapsFocus(t *testing.T) {
	b := layoutSession(t)
	b.resize(phone)
	b.open("/apps/calm-sky", `[data-testid="overview-platforms"]`)
	b.do("focus the top", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`))
	b.tabTo(`.topbar [data-toggle-nav]`, 5, false)
	b.press("Enter on the menu button", kb.Enter)
	b.waitUntil("the menu open and focused", `document.body.classList.contains("nav-open") && document.querySelector(".sidebar").contains(document.activeElement)`)
	b.do("let the menu slide in", chromedp.Evaluate[chromedp.Void](`new Promise(r => setTimeout(r, 400))`, chromedp.EvalAwaitPromise))
	b.viewShot("menu-open-phone")
	n := get(b, "sidebar stops", chromedp.Evaluate[int](`[...document.querySelectorAll(".sidebar a[href], .sidebar button, .sidebar summary")].filter(e => e.getClientRects().length).length`))
	for i := 0; i < n+3; i++ {
		b.press("Tab", kb.Tab)
		if !b.focusIs(`.sidebar *`) {
			t.Fatalf("Tab %d left the open menu: focus on %s", i+1, b.focused().Desc)
		}
	}
	b.press("Shift+Tab", kb.Tab, chromedp.ModifierShift)
	if !b.focusIs(`.sidebar *`) {
		t.Errorf("Shift+Tab left the open menu: focus on %s", b.focused().Desc)
	}
	b.press("Escape", kb.Escape)
	b.waitUntil("the menu closed", `!document.body.classList.contains("nav-open")`)
	b.wantFocus("closing the menu with Escape", `.topbar [data-toggle-nav][aria-expanded="false"]`)
	// The close button in the menu does the same.
	b.press("Enter on the menu button", kb.Enter)
	b.waitUntil("the menu open again", `document.body.classList.contains("nav-open") && document.querySelector(".sidebar").contains(document.activeElement)`)
	b.tabTo(`[data-testid="nav-close"]`, n+2, true)
	b.press("Enter on Close", kb.Enter)
	b.waitUntil("the menu closed", `!document.body.classList.contains("nav-open")`)
	b.wantFocus("closing the menu with its button", `.topbar [data-toggle-nav]`)
}

// viewShot saves what the window shows (not the whole page) to $NAMI_SHOTS: focus rings and the
// sticky bars as a person sees them.
func (b *browser) viewShot(name string) {
	if b.shots == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.tab, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.shotN++
	if err := os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.shotN, name)), png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}
