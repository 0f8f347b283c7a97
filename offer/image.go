package offer

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"mime"
	"strings"

	"golang.org/x/image/webp"
)

// Limits on uploaded and catalog images.
const (
	MaxImageBytes = 5 << 20 // largest image file accepted, in bytes (5 MiB)
	MaxImageSide  = 4096    // longest width or height accepted, in pixels
)

// ImageInfo describes an accepted image, as read from its content.
type ImageInfo struct {
	ContentType string // "image/png", "image/jpeg", "image/gif" or "image/webp"
	Width       int    // in pixels
	Height      int    // in pixels
	Ext         string // file name extension with its dot: ".png", ".jpg", ".gif" or ".webp"
}

// imageFormat is one accepted image format: how to recognise it and how to read its header.
type imageFormat struct {
	name         string
	contentType  string
	ext          string
	magic        func([]byte) bool
	decodeConfig func(io.Reader) (image.Config, error)
}

// imageFormats lists the accepted formats. Each is recognised by its magic bytes and read by its
// own decoder, so nothing depends on which decoders other packages register with package image.
func imageFormats() []imageFormat {
	return []imageFormat{
		{"PNG", "image/png", ".png", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }, png.DecodeConfig},
		{"JPEG", "image/jpeg", ".jpg", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\xff\xd8\xff")) }, jpeg.DecodeConfig},
		{"GIF", "image/gif", ".gif", func(b []byte) bool {
			return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))
		}, gif.DecodeConfig},
		{"WebP", "image/webp", ".webp", func(b []byte) bool {
			return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
		}, webp.DecodeConfig},
	}
}

// CheckImage decides from its content whether data is an acceptable image: a PNG, JPEG, GIF or
// WebP file of at most MaxImageBytes whose sides are at most MaxImageSide pixels. The file name
// and declared type play no part; SVG is refused because it can carry script.
func CheckImage(data []byte) (ImageInfo, error) {
	if len(data) == 0 {
		return ImageInfo{}, errors.New("The file is empty.")
	}
	if len(data) > MaxImageBytes {
		return ImageInfo{}, tooLarge(len(data))
	}
	for _, f := range imageFormats() {
		if !f.magic(data) {
			continue
		}
		config, err := f.decodeConfig(bytes.NewReader(data))
		if err != nil || config.Width <= 0 || config.Height <= 0 {
			return ImageInfo{}, fmt.Errorf("This file looks like a %s image but cannot be read; it may be damaged.", f.name)
		}
		if config.Width > MaxImageSide || config.Height > MaxImageSide {
			return ImageInfo{}, fmt.Errorf("The image is %d×%d pixels; each side may be at most %d pixels.",
				config.Width, config.Height, MaxImageSide)
		}
		return ImageInfo{ContentType: f.contentType, Width: config.Width, Height: config.Height, Ext: f.ext}, nil
	}
	return ImageInfo{}, errors.New("This file is not a PNG, JPEG, GIF or WebP image.")
}

// tooLarge reports a size over the limit in megabytes (MiB), rounded up to one decimal so that
// a file just over the limit never reads as equal to it.
func tooLarge(size int) error {
	mb := math.Ceil(float64(size)*10/(1<<20)) / 10
	return fmt.Errorf("The image is %.1f MB; the limit is %d MB.", mb, MaxImageBytes>>20)
}

// ParseDataURI reads a base64 data URI such as "data:image/png;base64,iVBOR..." from the
// catalog file, checks the image with CheckImage and requires the declared type to match the
// content. "image/jpg" is read as "image/jpeg"; media type parameters are ignored.
func ParseDataURI(uri string) ([]byte, ImageInfo, error) {
	const example = "data:image/png;base64,..."
	rest, ok := cutPrefixFold(uri, "data:")
	if !ok {
		return nil, ImageInfo{}, fmt.Errorf("The image must be a data URI, e.g. %s", example)
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok {
		return nil, ImageInfo{}, fmt.Errorf("The data URI has no comma before its data; expected e.g. %s", example)
	}
	mediaType, ok := cutSuffixFold(meta, ";base64")
	if !ok {
		return nil, ImageInfo{}, fmt.Errorf("The data URI must be base64-encoded, e.g. %s", example)
	}
	declared, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		return nil, ImageInfo{}, fmt.Errorf("The data URI's type %q cannot be read; expected e.g. %s", mediaType, example)
	}
	if declared == "image/jpg" {
		declared = "image/jpeg"
	}
	if !isImageType(declared) {
		return nil, ImageInfo{}, fmt.Errorf("The data URI declares %s; only image/png, image/jpeg, image/gif and image/webp are accepted.", declared)
	}
	payload = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, payload)
	// Refuse an oversized image before decoding it.
	if len(payload) > base64.StdEncoding.EncodedLen(MaxImageBytes) {
		return nil, ImageInfo{}, tooLarge(base64.StdEncoding.DecodedLen(len(payload)))
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		data, err = base64.RawStdEncoding.DecodeString(payload)
	}
	if err != nil {
		return nil, ImageInfo{}, errors.New("The data URI's base64 data is damaged.")
	}
	info, err := CheckImage(data)
	if err != nil {
		return nil, ImageInfo{}, err
	}
	if info.ContentType != declared {
		return nil, ImageInfo{}, fmt.Errorf("The data URI says %s but the image is %s.", declared, info.ContentType)
	}
	return data, info, nil
}

// DataURI encodes data as a base64 data URI of the given content type, the form images take in
// the catalog file.
func DataURI(contentType string, data []byte) string {
	return "data:" + contentType + ";base64," + base64.StdEncoding.EncodeToString(data)
}

func isImageType(contentType string) bool {
	for _, f := range imageFormats() {
		if f.contentType == contentType {
			return true
		}
	}
	return false
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}
