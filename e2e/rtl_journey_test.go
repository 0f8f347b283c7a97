package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"nami/store"
)

// An Arabic copy previews right to left: the title is right-aligned, the close button and the
// list bullets move to the left and right, and the price reads as written.
func TestPaywallArabicCopyPreviewsRightToLeft(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	ctx := context.Background()
	pw, err := st.Paywall(ctx, a.ID, "spring")
	if err != nil {
		t.Fatal(err)
	}
	pw.Copy = append(pw.Copy, store.Copy{Locale: "ar", Title: "نم أفضل", Subtitle: "جرّب مجاناً لمدة أسبوع",
		Body: "- جلسات بلا حدود\n- أصوات هادئة", CTA: "متابعة", Footer: "يمكنك الإلغاء في أي وقت."})
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.UpdatePaywall(ctx, &pw) }); err != nil {
		t.Fatalf("add the ar copy: %v", err)
	}

	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	const title = `[data-testid="paywall-title"]`
	b.open("/apps/calm-sky/paywalls/spring/preview?locale=ar&platform=ios&device=phone", title)
	if got := b.text(title); got != "نم أفضل" {
		t.Errorf("the ar preview is titled %q", got)
	}
	b.shot("paywall-preview-ar")

	if dir := get(b, "the title's direction", chromedp.Evaluate[string](
		`getComputedStyle(document.querySelector('`+title+`')).direction`)); dir != "rtl" {
		t.Errorf("the ar title's computed direction is %q, want rtl", dir)
	}
	// Right-aligned: the title's text ends at its box's right edge and starts well inside its left one.
	type edges struct{ BoxLeft, BoxRight, TextLeft, TextRight float64 }
	e := get(b, "the title's edges", chromedp.Evaluate[edges](`(() => {
		const el = document.querySelector('`+title+`'), r = document.createRange();
		r.selectNodeContents(el);
		const box = el.getBoundingClientRect(), text = r.getBoundingClientRect();
		return {BoxLeft: box.left, BoxRight: box.right, TextLeft: text.left, TextRight: text.right};
	})()`))
	if e.BoxRight-e.TextRight > 2 || e.TextLeft-e.BoxLeft < 40 {
		t.Errorf("the ar title is not right-aligned: box %.0f–%.0f, text %.0f–%.0f", e.BoxLeft, e.BoxRight, e.TextLeft, e.TextRight)
	}
	// The close button sits at the top left, and the price is isolated left to right.
	if left := get(b, "the close button's side", chromedp.Evaluate[bool](`(() => {
		const root = document.querySelector('[data-testid="paywall"]').getBoundingClientRect();
		const x = document.querySelector('.pw-close').getBoundingClientRect();
		return x.right < root.left + root.width / 2;
	})()`)); !left {
		t.Error("the close button is not on the left of the ar paywall")
	}
	if dir := get(b, "the price's direction", chromedp.Evaluate[string](
		`getComputedStyle(document.querySelector('[data-testid="paywall-price"] bdi')).direction`)); dir != "ltr" {
		t.Errorf("the price inside the ar paywall resolves to direction %q, want ltr", dir)
	}

	// The same paywall in English stays left to right.
	b.open("/apps/calm-sky/paywalls/spring/preview?locale=en&platform=ios&device=phone", title)
	if dir := get(b, "the en title's direction", chromedp.Evaluate[string](
		`getComputedStyle(document.querySelector('`+title+`')).direction`)); dir != "ltr" {
		t.Errorf("the en title's computed direction is %q, want ltr", dir)
	}
	b.shot("paywall-preview-en")
}
