package handlers_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// The editor shows a QR code next to a new share link; decoding it gives exactly the link shown.
func TestShareLinkShowsAQRCodeOfTheLink(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)

	r := c.post(demoPath+"/paywalls/spring/share", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("share: status %d", r.status)
	}
	loc, err := url.Parse(r.location())
	if err != nil || !strings.HasPrefix(loc.Query().Get("shared"), "/share/") {
		t.Fatalf("share redirects to %q", r.location())
	}
	ed := c.get(r.location())
	wantStatus(t, ed, http.StatusOK)
	link := text(ed.doc.Find(`[data-testid="share-url"]`))
	if link != ts.URL+loc.Query().Get("shared") {
		t.Fatalf("the editor shows the link %q", link)
	}

	img := ed.doc.Find(`[data-testid="share-link"] img[data-testid="share-qr"]`)
	if img.Length() != 1 {
		t.Fatalf("the share callout has %d QR codes, want 1", img.Length())
	}
	if alt, _ := img.Attr("alt"); alt != "QR code of the share link" {
		t.Errorf("alt = %q", alt)
	}
	src, _ := img.Attr("src")
	b64, ok := strings.CutPrefix(src, "data:image/png;base64,")
	if !ok {
		t.Fatalf("the QR code's src is not a PNG data URI: %.60q", src)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("the QR code's data URI: %v", err)
	}
	pic, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the QR code is not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(pic)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decoding the QR code: %v", err)
	}
	if got := res.GetText(); got != link {
		t.Errorf("the QR code encodes %q, want the share link %q", got, link)
	}

	// Without a share link there is no QR code, and a forged "shared" that is not a share path gets none.
	for _, p := range []string{demoPath + "/paywalls/spring", demoPath + "/paywalls/spring?shared=https://evil.example/"} {
		if n := c.get(p).doc.Find(`[data-testid="share-qr"]`).Length(); n != 0 {
			t.Errorf("%s shows %d QR codes, want 0", p, n)
		}
	}
}
