package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A reviewer opens a shared preview link on a phone: the page is the paywall, full-screen as an
// app shows it, with no frame, label or sideways scroll; on a wide window it is a framed phone.
func TestSharedPreviewIsFullScreenOnAPhone(t *testing.T) {
	srv, st := startServer(t)
	applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	b.open("/apps/calm-sky/paywalls/spring", `[data-testid="share"]`)
	b.do("share the preview", chromedp.Click(chromedp.CSS(`[data-testid="share"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="share-url"]`)))
	link := b.text(`[data-testid="share-url"]`)
	_, token, ok := strings.Cut(link, "/share/")
	if !ok {
		t.Fatalf("share link %q", link)
	}

	reviewer := newBrowser(t, srv.URL)
	reviewer.do("size the window for a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(3)))
	reviewer.do("open the link", chromedp.Navigate(srv.URL+"/share/"+token), chromedp.WaitVisible(chromedp.CSS(`[data-testid="paywall"]`)))
	type layout struct {
		Left, Top, Width, Height, ScrollWidth, CloseTop float64
		Label                                           string
	}
	measure := func(b *browser) layout {
		return get(b, "the paywall's box", chromedp.Evaluate[layout](`(() => {
			const r = document.querySelector('[data-testid="paywall"]').getBoundingClientRect();
			return {Left: r.left, Top: r.top, Width: r.width, Height: r.height,
				ScrollWidth: document.scrollingElement.scrollWidth,
				CloseTop: document.querySelector('.pw-close').getBoundingClientRect().top,
				Label: getComputedStyle(document.body, '::before').display};
		})()`))
	}
	m := measure(reviewer)
	if m.Left != 0 || m.Top != 0 || m.Width != 390 || m.Height < 844 || m.ScrollWidth > 390 {
		t.Errorf("on a phone the paywall is %.0f×%.0f at (%.0f, %.0f), page %.0f wide; want the whole 390×844 screen", m.Width, m.Height, m.Left, m.Top, m.ScrollWidth)
	}
	if m.Label != "none" || m.CloseTop < 12 {
		t.Errorf("on a phone: device label display %q, close button at %.0f px", m.Label, m.CloseTop)
	}
	reviewer.shot("shared-preview-phone")

	// On a wide window the same link shows a phone on a backdrop, labelled.
	reviewer.do("size the window for a laptop", chromedp.EmulateViewport(1280, 900))
	reviewer.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="paywall"]`)))
	if m := measure(reviewer); m.Width != 375 || m.Left < 400 || m.Label != "block" {
		t.Errorf("on a laptop the paywall is %.0f wide at %.0f (label %q); want a 375 px phone in the middle, labelled", m.Width, m.Left, m.Label)
	}
	reviewer.shot("shared-preview-laptop")
}
