package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"nami/store"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// templateLayout is what the page reports about a rendered paywall, measured in the browser.
type templateLayout struct {
	InnerWidth, InnerHeight, ScrollWidth int
	Template, Title, CTA                 string
	TitleTop, TitleBottom, TitleWidth    float64
	CTATop, CTABottom, CTAWidth          float64
	CTAColor                             string
	Products                             []string
	ProductsVisible                      int
	ImageWidth                           int // natural width of the paywall's image; -1 when there is none
}

const measureLayout = `(() => {
	const r = s => { const e = document.querySelector(s); return e ? e.getBoundingClientRect() : {top: -1, bottom: -1, width: 0}; };
	const pw = document.querySelector('[data-testid="paywall"]');
	const title = r('[data-testid="paywall-title"]'), cta = r('[data-testid="paywall-cta"]');
	const products = [...document.querySelectorAll('[data-testid="paywall-product"]')];
	const img = document.querySelector('[data-testid="paywall-image"]');
	const ctaEl = document.querySelector('[data-testid="paywall-cta"]');
	return JSON.stringify({
		InnerWidth: window.innerWidth, InnerHeight: window.innerHeight,
		ScrollWidth: document.documentElement.scrollWidth,
		Template: pw ? pw.dataset.template : "",
		Title: (document.querySelector('[data-testid="paywall-title"]') || {}).textContent || "",
		CTA: ctaEl ? ctaEl.textContent.trim() : "",
		TitleTop: title.top, TitleBottom: title.bottom, TitleWidth: title.width,
		CTATop: cta.top, CTABottom: cta.bottom, CTAWidth: cta.width,
		CTAColor: ctaEl ? getComputedStyle(ctaEl).backgroundColor : "",
		Products: products.map(p => p.dataset.sku),
		ProductsVisible: products.filter(p => { const b = p.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length,
		ImageWidth: img ? (img.complete ? img.naturalWidth : 0) : -1,
	});
})()`

// rgb writes "#RRGGBB" as getComputedStyle does: "rgb(r, g, b)".
func rgb(hex string) string {
	n, _ := strconv.ParseUint(hex[1:], 16, 32)
	return fmt.Sprintf("rgb(%d, %d, %d)", n>>16, n>>8&0xff, n&0xff)
}

// Each paywall template, rendered by the preview page at phone and tablet size, shows its title,
// its products and its call to action; the phone sees the call to action without scrolling.
// With NAMI_SHOTS set the screenshots are kept there, for a person to look at.
func TestTemplateScreenshotsAtPhoneAndTabletSize(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	ctx := context.Background()

	sizes := []struct {
		device        string
		width, height int64
	}{{"phone", 390, 844}, {"tablet", 820, 1180}}
	// One demo paywall per template: spring is a hero with an image, yearly-focus cards, quiet minimal.
	for _, pwRef := range []string{"spring", "yearly-focus", "quiet"} {
		pw, err := st.Paywall(ctx, a.ID, pwRef)
		if err != nil {
			t.Fatal(err)
		}
		en, _ := pw.CopyFor("en")
		var iosSKUs []string
		for _, pp := range pw.Products {
			if pp.PlatformRef == "ios" {
				iosSKUs = append(iosSKUs, pp.SKU)
			}
		}
		for _, size := range sizes {
			name := pw.Template + "-" + size.device
			t.Run(name, func(t *testing.T) {
				b.do("size the window for a "+size.device, chromedp.EmulateViewport(size.width, size.height))
				b.open(fmt.Sprintf("/apps/calm-sky/paywalls/%s/preview?device=%s&platform=ios&locale=en", pwRef, size.device), `[data-testid="paywall"]`)
				if pw.HeroImage != "" {
					b.waitUntil("the image", `(() => { const i = document.querySelector('[data-testid="paywall-image"]'); return !!i && i.complete && i.naturalWidth > 0 })()`)
				}
				b.do("let the fonts settle", chromedp.Evaluate[chromedp.Void](`document.fonts.ready`, chromedp.EvalAwaitPromise))
				raw := get(b, "measure "+name, chromedp.Evaluate[string](measureLayout))
				var l templateLayout
				if err := json.Unmarshal([]byte(raw), &l); err != nil {
					t.Fatalf("measuring: %v (%s)", err, raw)
				}
				saveTemplateShot(t, b, name, int(size.width))

				if l.InnerWidth != int(size.width) || l.InnerHeight != int(size.height) {
					t.Fatalf("the viewport is %dx%d, want %dx%d", l.InnerWidth, l.InnerHeight, size.width, size.height)
				}
				if l.Template != pw.Template {
					t.Errorf("the page renders template %q, want %q", l.Template, pw.Template)
				}
				if l.Title != en.Title || l.TitleWidth <= 0 || l.TitleTop < 0 || l.TitleBottom > float64(l.InnerHeight) {
					t.Errorf("the title %q is at %.0f–%.0f (width %.0f) in a %dpx high viewport; want %q visible without scrolling",
						l.Title, l.TitleTop, l.TitleBottom, l.TitleWidth, l.InnerHeight, en.Title)
				}
				if fmt.Sprint(l.Products) != fmt.Sprint(iosSKUs) || l.ProductsVisible != len(iosSKUs) {
					t.Errorf("products %v (%d visible), want the iOS products %v", l.Products, l.ProductsVisible, iosSKUs)
				}
				if l.CTA != en.CTA || l.CTAWidth <= 0 {
					t.Errorf("the call to action reads %q (width %.0f), want %q", l.CTA, l.CTAWidth, en.CTA)
				}
				if l.CTAColor != rgb(pw.Theme.Accent) {
					t.Errorf("the call to action is %s, want the theme's accent %s (%s)", l.CTAColor, pw.Theme.Accent, rgb(pw.Theme.Accent))
				}
				if size.device == "phone" && (l.CTATop < 0 || l.CTABottom > float64(l.InnerHeight)) {
					t.Errorf("on a phone the call to action is at %.0f–%.0f, below the %dpx screen: the buyer must scroll to find it",
						l.CTATop, l.CTABottom, l.InnerHeight)
				}
				if l.ScrollWidth > l.InnerWidth {
					t.Errorf("the page is %dpx wide in a %dpx viewport: it scrolls sideways", l.ScrollWidth, l.InnerWidth)
				}
				if pw.HeroImage != "" && l.ImageWidth <= 0 {
					t.Errorf("the image did not load (natural width %d)", l.ImageWidth)
				}
			})
		}
	}
}

// saveTemplateShot captures the viewport, checks it is an image of the viewport's width, and keeps
// it in $NAMI_SHOTS as template-<template>-<device>.png when that is set.
func saveTemplateShot(t *testing.T, b *browser, name string, width int) {
	t.Helper()
	shot := get(b, "screenshot "+name, chromedp.CaptureScreenshot())
	cfg, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if cfg.Width != width {
		t.Errorf("the screenshot is %dpx wide, want %d", cfg.Width, width)
	}
	if b.shots == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(b.shots, "template-"+name+".png"), shot, 0o644); err != nil {
		t.Errorf("saving the screenshot: %v", err)
	}
}

// Each template in light, dark and Arabic, at phone and TV size: the page takes the appearance's
// colours and the copy's direction, shows the title and the call to action, and never scrolls
// sideways. With NAMI_SHOTS set the 18 screenshots are kept, for a person to look at.
func TestTemplateShotsLightDarkAndArabicAtPhoneAndTV(t *testing.T) {
	srv, st := startServer(t)
	a := applyDemoCatalog(t, st)
	ctx := context.Background()
	for _, ref := range []string{"spring", "yearly-focus", "quiet"} {
		pw, err := st.Paywall(ctx, a.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		pw.Copy = append(pw.Copy, store.Copy{Locale: "ar", Title: "نم بشكل أفضل كل ليلة",
			Subtitle: "{{#product.trial}}جرّب {{product.trial}} مجاناً{{/product.trial}}",
			Body:     "- جلسات بلا حدود\n- قصص للنوم", CTA: "متابعة", Footer: "يمكنك الإلغاء في أي وقت."})
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.UpdatePaywall(ctx, &pw) }); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, srv.URL)
	ownerSetUpInBrowser(b)
	type look struct {
		Background, Direction                string
		TitleBottom, CTABottom               float64
		InnerHeight, ScrollWidth, InnerWidth float64
	}
	for _, ref := range []string{"spring", "yearly-focus", "quiet"} {
		pw, err := st.Paywall(ctx, a.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []struct {
			device        string
			width, height int64
		}{{"phone", 390, 844}, {"tv", 1280, 720}} {
			for _, v := range []struct{ name, locale, appearance, background, direction string }{
				{"light", "en", "light", pw.Theme.Background, "ltr"},
				{"dark", "en", "dark", pw.Theme.Dark.Background, "ltr"},
				{"arabic", "ar", "light", pw.Theme.Background, "rtl"},
			} {
				name := pw.Template + "-" + v.name + "-" + size.device
				b.do("size the window for a "+size.device, chromedp.EmulateViewport(size.width, size.height))
				b.open(fmt.Sprintf("/apps/calm-sky/paywalls/%s/preview?device=%s&platform=ios&locale=%s&appearance=%s",
					ref, size.device, v.locale, v.appearance), `[data-testid="paywall"]`)
				if pw.HeroImage != "" {
					b.waitUntil("the image", `(() => { const i = document.querySelector('[data-testid="paywall-image"]'); return !!i && i.complete && i.naturalWidth > 0 })()`)
				}
				b.do("let the fonts settle", chromedp.Evaluate[chromedp.Void](`document.fonts.ready`, chromedp.EvalAwaitPromise))
				l := get(b, "measure "+name, chromedp.Evaluate[look](`(() => {
					const pw = document.querySelector('[data-testid="paywall"]');
					const visible = s => [...document.querySelectorAll(s)].find(e => !e.hidden);
					return {Background: getComputedStyle(pw).backgroundColor, Direction: getComputedStyle(pw).direction,
						TitleBottom: visible('[data-testid="paywall-title"]').getBoundingClientRect().bottom,
						CTABottom: document.querySelector('[data-testid="paywall-cta"]').getBoundingClientRect().bottom,
						InnerHeight: innerHeight, InnerWidth: innerWidth, ScrollWidth: document.documentElement.scrollWidth};
				})()`))
				saveTemplateShot(t, b, name, int(size.width))
				if l.Background != rgb(v.background) || l.Direction != v.direction {
					t.Errorf("%s: background %s and direction %s, want %s (%s) and %s", name, l.Background, l.Direction, rgb(v.background), v.background, v.direction)
				}
				if l.TitleBottom <= 0 || l.TitleBottom > l.InnerHeight || size.device == "phone" && l.CTABottom > l.InnerHeight {
					t.Errorf("%s: the title ends at %.0f and the call to action at %.0f in a %.0f px high window", name, l.TitleBottom, l.CTABottom, l.InnerHeight)
				}
				if l.ScrollWidth > l.InnerWidth {
					t.Errorf("%s: the page is %.0f px wide in a %.0f px window", name, l.ScrollWidth, l.InnerWidth)
				}
			}
		}
	}
}
