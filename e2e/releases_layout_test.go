package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"nami/publish"
	"nami/store"
)

// A pending copy change on the Releases page names its paywall beside the texts, on a laptop and
// on a phone, without sideways scroll (the ref once shrank to 0 px beside a long text).
func TestReleasesNameTheChangedPaywallBesideItsTexts(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	ctx := context.Background()
	if _, err := publish.Publish(ctx, st, "calm-sky", "demo@example.com", ""); err != nil {
		t.Fatal(err)
	}
	pw, err := st.Paywall(ctx, a.ID, "spring")
	if err != nil {
		t.Fatal(err)
	}
	pw.Copy[0].Title = "A new spring title that is long enough to need most of a line on a laptop screen"
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.UpdatePaywall(ctx, &pw) }); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	for _, w := range []int64{1280, 390} {
		b.do("size the window", chromedp.EmulateViewport(w, 844))
		b.open("/apps/calm-sky/releases", `[data-testid="change"]`)
		type m struct{ Ref, Page, Window float64 }
		got := get(b, "the change's ref", chromedp.Evaluate[m](`({
			Ref: document.querySelector('[data-testid="change"][data-ref="spring"] .mono').getBoundingClientRect().width,
			Page: document.documentElement.scrollWidth, Window: innerWidth})`))
		if got.Ref < 30 || got.Page > got.Window {
			t.Errorf("at %d px: the ref is %.0f px wide, the page %.0f px in a %.0f px window", w, got.Ref, got.Page, got.Window)
		}
		b.shot("releases-change")
	}
}
