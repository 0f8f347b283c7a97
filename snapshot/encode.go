package snapshot

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Encoded is a snapshot as the SDK API serves it: the JSON, its gzip form, and the strong ETag
// of each.
type Encoded struct {
	Body     []byte
	Gzip     []byte
	ETag     string // `"` + hex SHA-256 of Body + `"`
	GzipETag string // the ETag of the gzip representation, GzipETag(ETag)
}

// Encode writes doc as compact JSON without HTML escaping (the body is served as
// application/json with nosniff, and HTML copy stays readable).
func Encode(doc Document) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("snapshot.Encode: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Decode reads a document written by Encode.
func Decode(body []byte) (Document, error) {
	var doc Document
	if err := json.Unmarshal(body, &doc); err != nil {
		return doc, fmt.Errorf("snapshot.Decode: %w", err)
	}
	if doc.Format != Format {
		return doc, fmt.Errorf("snapshot.Decode: format %q, want %q", doc.Format, Format)
	}
	return doc, nil
}

// Pack compresses body at the best level (once, at publish time) and computes both ETags.
// Go's gzip writer leaves the header's time zero, so the same body always packs to the same bytes.
func Pack(body []byte) (Encoded, error) {
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return Encoded{}, fmt.Errorf("snapshot.Pack: %w", err)
	}
	if _, err := zw.Write(body); err != nil {
		return Encoded{}, fmt.Errorf("snapshot.Pack: %w", err)
	}
	if err := zw.Close(); err != nil {
		return Encoded{}, fmt.Errorf("snapshot.Pack: %w", err)
	}
	etag := ETag(body)
	return Encoded{Body: body, Gzip: gz.Bytes(), ETag: etag, GzipETag: GzipETag(etag)}, nil
}

// ETag is the strong entity tag of a snapshot body: its hex SHA-256 in quotes.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// GzipETag is the strong entity tag of the gzip form of the body whose ETag is etag. The two
// representations differ in bytes, so they get different strong tags (RFC 9110, 8.8.3); the
// SDK API treats either as current in If-None-Match.
func GzipETag(etag string) string {
	if len(etag) < 2 {
		return etag
	}
	return etag[:len(etag)-1] + `-gzip"`
}
