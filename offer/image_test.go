package offer

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/webp"
)

// tinyWebP is a complete 1x1 lossless WebP file, laid out by hand.
var tinyWebP = []byte{
	'R', 'I', 'F', 'F', 0x1a, 0x00, 0x00, 0x00, // RIFF container, 26 bytes follow
	'W', 'E', 'B', 'P',
	'V', 'P', '8', 'L', 0x0d, 0x00, 0x00, 0x00, // lossless bitstream chunk of 13 bytes
	0x2f,                   // VP8L signature
	0x00, 0x00, 0x00, 0x10, // 14-bit width-1 and height-1 (both 0: 1x1), alpha hint, version 0
	0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, // the entropy-coded single pixel
	0x00, // padding to an even chunk size
}

func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{R: uint8(x * 40), G: uint8(y * 40), B: 200, A: 255})
		}
	}
	return img
}

func encodePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, testImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTinyWebPIsAValidImage(t *testing.T) {
	img, err := webp.Decode(bytes.NewReader(tinyWebP))
	if err != nil {
		t.Fatalf("the test WebP does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1 || b.Dy() != 1 {
		t.Fatalf("the test WebP is %v, want 1x1", b)
	}
}

func TestCheckImageAccepts(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want ImageInfo
	}{
		{"png", encodePNG(t, 3, 2), ImageInfo{ContentType: "image/png", Width: 3, Height: 2, Ext: ".png"}},
		{"jpeg", encodeJPEG(t, 5, 4), ImageInfo{ContentType: "image/jpeg", Width: 5, Height: 4, Ext: ".jpg"}},
		{"gif", encodeGIF(t, 2, 7), ImageInfo{ContentType: "image/gif", Width: 2, Height: 7, Ext: ".gif"}},
		{"webp", tinyWebP, ImageInfo{ContentType: "image/webp", Width: 1, Height: 1, Ext: ".webp"}},
		{"png at the side limit", encodePNG(t, MaxImageSide, 1), ImageInfo{ContentType: "image/png", Width: 4096, Height: 1, Ext: ".png"}},
	}
	for _, c := range cases {
		got, err := CheckImage(c.data)
		if err != nil {
			t.Errorf("%s: CheckImage error %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: CheckImage = %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestCheckImageRefuses(t *testing.T) {
	const notImage = "This file is not a PNG, JPEG, GIF or WebP image."
	oversized := make([]byte, MaxImageBytes+1)
	copy(oversized, encodePNG(t, 1, 1))
	atLimit := make([]byte, MaxImageBytes)
	copy(atLimit, "\x89PNG\r\n\x1a\n")
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`), notImage},
		{"bare svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), notImage},
		{"text", []byte("hello, this is a text file called hero.png"), notImage},
		{"html", []byte("<!doctype html><img src=x onerror=alert(1)>"), notImage},
		{"bmp", append([]byte("BM"), make([]byte, 60)...), notImage},
		{"riff but not webp", append([]byte("RIFF\x04\x00\x00\x00WAVE"), make([]byte, 8)...), notImage},
		{"empty", nil, "The file is empty."},
		{"5 MiB + 1 byte", oversized, "The image is 5.1 MB; the limit is 5 MB."},
		{"25 MiB", make([]byte, 25<<20), "The image is 25.0 MB; the limit is 5 MB."},
		{"exactly 5 MiB of junk after a PNG signature", atLimit, "looks like a PNG image but cannot be read"},
		{"png too wide", encodePNG(t, MaxImageSide+1, 1), "The image is 4097×1 pixels; each side may be at most 4096 pixels."},
		{"png too tall", encodePNG(t, 1, MaxImageSide+1), "1×4097 pixels"},
		{"png signature only", []byte("\x89PNG\r\n\x1a\n"), "looks like a PNG image but cannot be read"},
		{"jpeg signature and junk", []byte("\xff\xd8\xff\xe0junkjunkjunk"), "looks like a JPEG image"},
		{"gif signature only", []byte("GIF89a"), "looks like a GIF image"},
		{"webp header and junk", []byte("RIFF\x10\x00\x00\x00WEBPVP8Xjunkjunk"), "looks like a WebP image"},
		{"truncated png", encodePNG(t, 3, 2)[:20], "looks like a PNG image"},
	}
	for _, c := range cases {
		info, err := CheckImage(c.data)
		if err == nil {
			t.Errorf("%s: CheckImage accepted it as %+v", c.name, info)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: CheckImage error %q, want it to contain %q", c.name, err, c.want)
		}
		assertSentence(t, c.name, err)
		if info != (ImageInfo{}) {
			t.Errorf("%s: CheckImage returned %+v with its error", c.name, info)
		}
	}
}

func TestDataURIRoundTrip(t *testing.T) {
	for _, data := range [][]byte{encodePNG(t, 3, 2), encodeJPEG(t, 5, 4), encodeGIF(t, 2, 7), tinyWebP} {
		want, err := CheckImage(data)
		if err != nil {
			t.Fatal(err)
		}
		uri := DataURI(want.ContentType, data)
		if !strings.HasPrefix(uri, "data:"+want.ContentType+";base64,") {
			t.Errorf("DataURI = %.40q..., want the data:%s;base64, prefix", uri, want.ContentType)
		}
		got, info, err := ParseDataURI(uri)
		if err != nil {
			t.Errorf("ParseDataURI(DataURI(%s)) error %v", want.ContentType, err)
			continue
		}
		if !bytes.Equal(got, data) || info != want {
			t.Errorf("ParseDataURI(DataURI(%s)) = %d bytes, %+v; want %d bytes, %+v", want.ContentType, len(got), info, len(data), want)
		}
	}
}

func TestParseDataURILeniency(t *testing.T) {
	jpg := encodeJPEG(t, 5, 4)
	pngData := encodePNG(t, 3, 2)
	encoded := base64.StdEncoding.EncodeToString(pngData)
	cases := []struct {
		name, uri string
		want      string
	}{
		{"image/jpg alias", "data:image/jpg;base64," + base64.StdEncoding.EncodeToString(jpg), "image/jpeg"},
		{"upper case", "DATA:IMAGE/PNG;BASE64," + encoded, "image/png"},
		{"media type parameter", "data:image/png;name=hero.png;base64," + encoded, "image/png"},
		{"line breaks in the data", "data:image/png;base64," + encoded[:10] + "\n" + encoded[10:20] + "\r\n " + encoded[20:], "image/png"},
		{"no padding", "data:image/png;base64," + strings.TrimRight(encoded, "="), "image/png"},
	}
	for _, c := range cases {
		_, info, err := ParseDataURI(c.uri)
		if err != nil || info.ContentType != c.want {
			t.Errorf("%s: ParseDataURI = %+v, %v; want %s", c.name, info, err, c.want)
		}
	}
}

func TestParseDataURIRefuses(t *testing.T) {
	jpg := encodeJPEG(t, 5, 4)
	pngData := encodePNG(t, 3, 2)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)
	cases := []struct {
		name, uri, want string
	}{
		{"declared png, content jpeg", DataURI("image/png", jpg), "The data URI says image/png but the image is image/jpeg."},
		{"declared gif, content png", DataURI("image/gif", pngData), "says image/gif but the image is image/png"},
		{"declared webp, content png", DataURI("image/webp", pngData), "says image/webp"},
		{"svg declared", DataURI("image/svg+xml", svg), "declares image/svg+xml"},
		{"svg declared as png", DataURI("image/png", svg), "not a PNG, JPEG, GIF or WebP image"},
		{"text", DataURI("text/plain", []byte("hi")), "declares text/plain"},
		{"no type", "data:;base64," + base64.StdEncoding.EncodeToString(pngData), "cannot be read"},
		{"not base64", "data:image/png," + string(pngData[:8]), "must be base64-encoded"},
		{"damaged base64", "data:image/png;base64,!!!!", "base64 data is damaged"},
		{"no comma", "data:image/png;base64", "no comma"},
		{"a web URL", "https://example.com/hero.png", "must be a data URI"},
		{"empty", "", "must be a data URI"},
		{"too large", "data:image/png;base64," + strings.Repeat("A", base64.StdEncoding.EncodedLen(MaxImageBytes)+4), "the limit is 5 MB"},
		{"empty image", "data:image/png;base64,", "The file is empty."},
	}
	for _, c := range cases {
		data, info, err := ParseDataURI(c.uri)
		if err == nil {
			t.Errorf("%s: ParseDataURI accepted it as %+v", c.name, info)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: ParseDataURI error %q, want it to contain %q", c.name, err, c.want)
		}
		assertSentence(t, c.name, err)
		if data != nil || info != (ImageInfo{}) {
			t.Errorf("%s: ParseDataURI returned data or info with its error", c.name)
		}
	}
}
