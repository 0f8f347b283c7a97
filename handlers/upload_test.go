package handlers_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"nami/store"
)

// fileField is one file in a multipart form, with the name and type the browser declares.
type fileField struct {
	name, filename, contentType string
	data                        []byte
}

// uploadFile posts a multipart form as the image form does: the fields, the CSRF token in
// _csrf, and one file part.
func (c *client) uploadFile(path string, fields url.Values, f fileField, headers ...string) *response {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	vals := url.Values{}
	for k, v := range fields {
		vals[k] = v
	}
	vals.Set("_csrf", c.csrf)
	for k, vs := range vals {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	if f.name != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.name, f.filename))
		h.Set("Content-Type", f.contentType)
		part, err := w.CreatePart(h)
		if err != nil {
			c.t.Fatal(err)
		}
		if _, err := part.Write(f.data); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	return c.do(c.request(http.MethodPost, path, &buf, append([]string{"Content-Type", w.FormDataContentType()}, headers...)...))
}

// pngOf encodes a w×h PNG with a gradient, so that different sizes give different bytes.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(x * 255 / w), G: uint8(y * 255 / h), B: 160, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// imageStored reports whether the store holds an image with these bytes.
func imageStored(t *testing.T, ts *testServer, data []byte) bool {
	t.Helper()
	_, err := ts.st.Image(context.Background(), store.ImageHash(data))
	switch {
	case err == nil:
		return true
	case errors.Is(err, store.ErrNotFound):
		return false
	}
	t.Fatalf("store.Image: %v", err)
	return false
}

// oobVersion is the editor version an htmx answer swaps into #pw-version, or "" when it swaps none.
func oobVersion(doc *goquery.Document) string {
	s := doc.Find(`input#pw-version[hx-swap-oob]`)
	if s.Length() == 0 {
		return ""
	}
	return s.AttrOr("value", "")
}

// brokenPixels returns a copy of a PNG with its header intact and garbage in its pixel data.
func brokenPixels(png []byte) []byte {
	out := bytes.Clone(png)
	for i := 60; i < len(out)-20; i++ { // past the IHDR chunk, before IEND
		out[i] ^= 0x5a
	}
	return out
}

const svgLogo = `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>`

func TestUploadAPNGSetsThePaywallsImage(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedPaywall(t, ts, a.ID, "yearly-focus") // no image yet
	if before.HeroImage != "" {
		t.Fatalf("yearly-focus already has an image")
	}
	editorOf(t, c, "yearly-focus")
	data := pngOf(t, 600, 400)
	hash := store.ImageHash(data)

	// As the editor sends it: htmx, the version from #pw-version.
	r := c.uploadFile(demoPath+"/paywalls/yearly-focus/image", url.Values{"version": {strconv.Itoa(before.Version)}},
		fileField{"image", "hero.png", "image/png", data}, htmx...)
	wantStatus(t, r, http.StatusOK)
	if src := r.doc.Find(`[data-testid="image-thumb"]`).AttrOr("src", ""); src != "/images/"+hash {
		t.Errorf("the image card shows %q, want /images/%s", src, hash)
	}
	if msg := text(r.doc.Find(`[data-testid="image-error"]`)); msg != "" {
		t.Errorf("a good upload shows the error %q", msg)
	}
	if got := r.header.Get("HX-Trigger"); got != "pw-refresh" {
		t.Errorf("HX-Trigger %q, want pw-refresh so the preview shows the image", got)
	}
	if v := oobVersion(r.doc); v != strconv.Itoa(before.Version+1) {
		t.Errorf("the answer sets the editor's version to %q, want %d", v, before.Version+1)
	}
	pw := storedPaywall(t, ts, a.ID, "yearly-focus")
	if pw.HeroImage != hash || pw.Version != before.Version+1 {
		t.Errorf("stored image %q version %d, want %s version %d", pw.HeroImage, pw.Version, hash, before.Version+1)
	}
	if pw.Name != before.Name || len(pw.Copy) != len(before.Copy) || len(pw.Products) != len(before.Products) {
		t.Errorf("the upload changed more than the image: %+v", pw)
	}

	// The image is served by its hash to anyone, cacheable forever, never sniffed.
	stranger := ts.newClient(t)
	img, err := stranger.http.Get(ts.URL + "/images/" + hash)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	_, _ = got.ReadFrom(img.Body)
	img.Body.Close()
	if img.StatusCode != http.StatusOK || !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("GET /images/%s: status %d, %d bytes, want the %d uploaded", hash, img.StatusCode, got.Len(), len(data))
	}
	for name, want := range map[string]string{"Content-Type": "image/png", "X-Content-Type-Options": "nosniff", "ETag": `"` + hash + `"`} {
		if v := img.Header.Get(name); v != want {
			t.Errorf("%s: %q, want %q", name, v, want)
		}
	}
	if cc := img.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("Cache-Control %q", cc)
	}
	if r := stranger.get("/images/"+hash, "If-None-Match", `"`+hash+`"`); r.status != http.StatusNotModified {
		t.Errorf("a revalidation answers %d, want 304", r.status)
	}
	wantStatus(t, stranger.get("/images/"+strings.Repeat("0", 64)), http.StatusNotFound)
	wantStatus(t, stranger.get("/images/not-a-hash"), http.StatusNotFound)

	// The preview shows it.
	pv := c.get(demoPath + "/paywalls/yearly-focus/preview?platform=ios")
	if src := pv.doc.Find(`[data-testid="paywall-image"]`).AttrOr("src", ""); src != "/images/"+hash {
		t.Errorf("the preview's image is %q", src)
	}

	// Without JavaScript the form posts and the browser returns to the editor.
	other := pngOf(t, 300, 300)
	r = c.uploadFile(demoPath+"/paywalls/yearly-focus/image", url.Values{"version": {strconv.Itoa(pw.Version)}},
		fileField{"image", "other.png", "image/png", other})
	wantRedirect(t, r, demoPath+"/paywalls/yearly-focus")
	ed, _ := editorOf(t, c, "yearly-focus")
	if f := text(ed.doc.Find(`[data-testid="flash"]`)); f != "Image saved." {
		t.Errorf("flash after a plain upload = %q", f)
	}
	if src := ed.doc.Find(`[data-testid="image-thumb"]`).AttrOr("src", ""); src != "/images/"+store.ImageHash(other) {
		t.Errorf("the editor shows image %q after the plain upload", src)
	}
}

func TestUploadRefusesWhatIsNotAnAcceptableImage(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedPaywall(t, ts, a.ID, "spring") // has an image
	good := pngOf(t, 64, 64)
	big := append(pngOf(t, 64, 64), bytes.Repeat([]byte{0}, 5<<20+512<<10)...) // 5.5 MB, under the body limit

	cases := []struct {
		name string
		file fileField
		want string
	}{
		{"an SVG", fileField{"image", "logo.svg", "image/svg+xml", []byte(svgLogo)}, "not a PNG, JPEG, GIF or WebP"},
		{"an SVG named .png", fileField{"image", "logo.png", "image/png", []byte(svgLogo)}, "not a PNG, JPEG, GIF or WebP"},
		{"text named .png", fileField{"image", "x.png", "image/png", []byte("this is not a picture\n")}, "not a PNG, JPEG, GIF or WebP"},
		{"a PNG of 5000×10", fileField{"image", "wide.png", "image/png", pngOf(t, 5000, 10)}, "5000×10 pixels; each side may be at most 4096"},
		{"a damaged PNG", fileField{"image", "cut.png", "image/png", good[:20]}, "cannot be read"},
		{"a PNG cut in its pixel data", fileField{"image", "truncated.png", "image/png", good[:len(good)-40]}, "looks like a PNG image but cannot be read"},
		{"a PNG with broken pixel data", fileField{"image", "broken.png", "image/png", brokenPixels(good)}, "looks like a PNG image but cannot be read"},
		{"an empty file", fileField{"image", "empty.png", "image/png", nil}, "empty"},
		{"5.5 MB", fileField{"image", "big.png", "image/png", big}, "the limit is 5 MB"},
		{"no file", fileField{}, "Choose an image file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.uploadFile(demoPath+"/paywalls/spring/image", url.Values{"version": {strconv.Itoa(before.Version)}}, tc.file, htmx...)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			msg := text(r.doc.Find(`[data-testid="image-error"]`))
			if !strings.Contains(msg, tc.want) {
				t.Errorf("the image card says %q, want a message containing %q", msg, tc.want)
			}
			if src := r.doc.Find(`[data-testid="image-thumb"]`).AttrOr("src", ""); src != "/images/"+before.HeroImage {
				t.Errorf("after the refusal the card shows image %q, want the current one", src)
			}
			if r.header.Get("HX-Trigger") != "" {
				t.Errorf("a refused upload triggers %q", r.header.Get("HX-Trigger"))
			}
			wantPaywallUnchanged(t, ts, before)
			if len(tc.file.data) > 0 && imageStored(t, ts, tc.file.data) {
				t.Error("the refused file was stored")
			}
		})
	}
}

func TestUploadOf25MBIsRefusedWithAClearMessage(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedPaywall(t, ts, a.ID, "spring")
	huge := append(pngOf(t, 64, 64), bytes.Repeat([]byte{7}, 25<<20)...)

	for _, hx := range []bool{true, false} {
		var headers []string
		if hx {
			headers = htmx
		}
		r := c.uploadFile(demoPath+"/paywalls/spring/image", url.Values{"version": {strconv.Itoa(before.Version)}},
			fileField{"image", "huge.png", "image/png", huge}, headers...)
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("htmx %v: status %d, want 413", hx, r.status)
		}
		msg := strings.TrimSpace(r.body)
		if !hx {
			msg = text(r.doc.Find(`[data-testid="error"]`))
		}
		if !strings.Contains(msg, "too large") || !strings.Contains(msg, "5 MB") {
			t.Errorf("htmx %v: the answer says %q, want that the upload is too large and the limit", hx, msg)
		}
	}
	wantPaywallUnchanged(t, ts, before)
	if imageStored(t, ts, huge) {
		t.Error("the 25 MB upload was stored")
	}
}

func TestUploadWithAStaleVersionIsRefused(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	_, form := editorOf(t, c, "spring")
	form.Set("copy[en][title]", "Saved in another tab")
	wantRedirect(t, c.post(demoPath+"/paywalls/spring", form), demoPath+"/paywalls/spring")
	saved := storedPaywall(t, ts, a.ID, "spring")

	data := pngOf(t, 80, 80)
	r := c.uploadFile(demoPath+"/paywalls/spring/image", url.Values{"version": {strconv.Itoa(saved.Version - 1)}},
		fileField{"image", "hero.png", "image/png", data}, htmx...)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := text(r.doc.Find(`[data-testid="image-error"]`)); !strings.Contains(msg, "while you were editing") {
		t.Errorf("the image card says %q, want that someone saved in between", msg)
	}
	wantPaywallUnchanged(t, ts, saved)
	if imageStored(t, ts, data) {
		t.Error("the image of a stale upload was stored")
	}
}

// An upload that is refused must not hand the editor a newer version than the one its form was
// loaded with: the next save of that form would then overwrite someone else's changes unseen.
func TestRefusedUploadDoesNotLetAStaleFormOverwrite(t *testing.T) {
	cases := []struct {
		name string
		file func(t *testing.T) fileField
	}{
		{"an SVG", func(*testing.T) fileField { return fileField{"image", "logo.svg", "image/svg+xml", []byte(svgLogo)} }},
		{"a PNG, with the version the form was loaded with", func(t *testing.T) fileField {
			return fileField{"image", "hero.png", "image/png", pngOf(t, 50, 50)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t)
			owner := signUp(t, ts)
			a := loadDemo(t, ts)
			addUser(t, ts, "ed@example.com", "Ed Editor", store.RoleEditor)
			editor := login(t, ts, "ed@example.com", userPassword)

			_, mine := editorOf(t, owner, "spring")
			loaded, _ := strconv.Atoi(mine.Get("version"))
			_, theirs := editorOf(t, editor, "spring")
			theirs.Set("copy[en][title]", "Their title")
			wantRedirect(t, editor.post(demoPath+"/paywalls/spring", theirs), demoPath+"/paywalls/spring")
			saved := storedPaywall(t, ts, a.ID, "spring")

			r := owner.uploadFile(demoPath+"/paywalls/spring/image", url.Values{"version": {strconv.Itoa(loaded)}}, tc.file(t), htmx...)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if v := oobVersion(r.doc); v != "" {
				if v != strconv.Itoa(loaded) {
					t.Errorf("the refused upload swaps version %s into the editor, which loaded version %d: its next save will not be seen as stale", v, loaded)
				}
				mine.Set("version", v) // what htmx does with the out-of-band input
			}

			mine.Set("copy[en][title]", "My stale title")
			s := owner.post(demoPath+"/paywalls/spring", mine)
			if s.status != http.StatusConflict {
				t.Errorf("saving the stale form after the refused upload: status %d, want 409", s.status)
			}
			if en, _ := storedPaywall(t, ts, a.ID, "spring").CopyFor("en"); en.Title != "Their title" {
				t.Errorf("the other editor's title was overwritten with %q", en.Title)
			} else {
				wantPaywallUnchanged(t, ts, saved)
			}
		})
	}
}

// A user's mistake is a 4xx with the message beside the field (STYLE.md, Absorb 3), also when the
// image form is posted without JavaScript.
func TestUploadWithoutJavaScriptRefusesWithA4xx(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedPaywall(t, ts, a.ID, "spring")

	r := c.uploadFile(demoPath+"/paywalls/spring/image", url.Values{"version": {strconv.Itoa(before.Version)}},
		fileField{"image", "logo.svg", "image/svg+xml", []byte(svgLogo)})
	if r.status < 400 || r.status > 499 {
		t.Errorf("a plain upload of an SVG answers %d (to %q), want a 4xx", r.status, r.location())
	}
	page := r.doc
	if r.status == http.StatusSeeOther {
		page = c.get(r.location()).doc
	}
	msg := text(page.Find(`[data-testid="image-error"], [data-testid="flash"]`))
	if !strings.Contains(msg, "not a PNG, JPEG, GIF or WebP") {
		t.Errorf("the user is told %q", msg)
	}
	wantPaywallUnchanged(t, ts, before)
}

func TestRemoveImage(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	a := loadDemo(t, ts)
	before := storedPaywall(t, ts, a.ID, "spring")
	ed, _ := editorOf(t, c, "spring")
	if ed.doc.Find(`[data-testid="remove-image"]`).Length() != 1 {
		t.Fatal("the editor of a paywall with an image has no remove button")
	}

	// A stale version removes nothing.
	r := c.post(demoPath+"/paywalls/spring/image/delete", url.Values{"version": {strconv.Itoa(before.Version - 1)}}, htmx...)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantPaywallUnchanged(t, ts, before)

	r = c.post(demoPath+"/paywalls/spring/image/delete", url.Values{"version": {strconv.Itoa(before.Version)}}, htmx...)
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="image-thumb"]`).Length() != 0 || r.doc.Find(`[data-testid="remove-image"]`).Length() != 0 {
		t.Error("the image card still shows the image after removing it")
	}
	pw := storedPaywall(t, ts, a.ID, "spring")
	if pw.HeroImage != "" || pw.Version != before.Version+1 {
		t.Errorf("after removing: image %q version %d", pw.HeroImage, pw.Version)
	}
	pv := c.get(demoPath + "/paywalls/spring/preview")
	if pv.doc.Find(`[data-testid="paywall-image"]`).Length() != 0 {
		t.Error("the preview still shows an image")
	}
}
