package sdkapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
)

// The web SDK (docs/web-sdk.md): a hand-written classic script that defines window.Nami, its
// TypeScript declarations and an example page, served from the binary under /sdk/v1/.
//
//go:embed websdk/nami.js websdk/nami.d.ts websdk/example.html
var webSDKFiles embed.FS

// Web SDK routes.
const (
	webSDKPath     = "/sdk/v1/nami.js"
	webSDKTypes    = "/sdk/v1/nami.d.ts"
	webSDKExample  = "/sdk/v1/example"
	webSDKVersions = "/sdk/v1/nami." // + content hash + ".js"
)

// webAsset is one file of the web SDK, with its gzip form and tag computed once.
type webAsset struct {
	body, gz     []byte
	contentType  []string
	etag, etagGz []string // the two encodings are different bytes: a strong tag each
	cache        []string
}

var (
	hdrJS        = []string{"text/javascript; charset=utf-8"}
	hdrTS        = []string{"application/typescript; charset=utf-8"}
	hdrImmutable = []string{"public, max-age=31536000, immutable"}
	hdrShortLive = []string{"public, max-age=300"}

	webSDKHash                     string // the first 16 hex digits of nami.js's SHA-256
	webJS, webJSPinned, webTS, web *webAsset
)

func init() {
	read := func(name string) []byte {
		b, err := webSDKFiles.ReadFile("websdk/" + name)
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		return b
	}
	js := read("nami.js")
	sum := sha256.Sum256(js)
	webSDKHash = hex.EncodeToString(sum[:8])
	webJS = newWebAsset(js, hdrJS, hdrShortLive)
	webJSPinned = newWebAsset(js, hdrJS, hdrImmutable)
	webTS = newWebAsset(read("nami.d.ts"), hdrTS, hdrShortLive)
	page := bytes.ReplaceAll(read("example.html"), []byte("{{SDK_URL}}"), []byte(WebSDKPath()))
	web = newWebAsset(page, hdrHTML, []string{"no-cache"})
}

func newWebAsset(body []byte, contentType, cache []string) *webAsset {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:])
	return &webAsset{body: body, gz: buf.Bytes(), contentType: contentType, cache: cache,
		etag: []string{`"` + tag + `"`}, etagGz: []string{`"` + tag + `-gzip"`}}
}

// WebSDKPath is the immutable URL path of this build's web SDK, /sdk/v1/nami.<hash>.js: the
// hash is of the script's bytes, so the URL can be cached for a year.
func WebSDKPath() string { return webSDKVersions + webSDKHash + ".js" }

// WebSDKSource is the web SDK's script as served.
func WebSDKSource() []byte { return webJS.body }

// serveWebSDK answers the web SDK's files and reports whether the path was one of them.
func (s *Server) serveWebSDK(w http.ResponseWriter, r *http.Request) bool {
	var a *webAsset
	switch p := r.URL.Path; {
	case p == webSDKPath:
		a = webJS
	case p == webSDKTypes:
		a = webTS
	case p == webSDKExample:
		a = web
	case strings.HasPrefix(p, webSDKVersions) && strings.HasSuffix(p, ".js") && !strings.Contains(p[len(webSDKVersions):], "/"):
		if p != WebSDKPath() {
			s.writeError(w, http.StatusNotFound, "not_found", "no web SDK with this version; the current one is "+WebSDKPath())
			return true
		}
		a = webJSPinned
	default:
		return false
	}
	h := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h["Allow"] = hdrAllowGet
		s.writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here")
		return true
	}
	h["Content-Type"] = a.contentType
	h["Cache-Control"] = a.cache
	h["Vary"] = hdrVaryEncoding
	gz := acceptsGzip(r.Header["Accept-Encoding"])
	if gz {
		h["ETag"] = a.etagGz
	} else {
		h["ETag"] = a.etag
	}
	if a == webJS {
		h["Link"] = []string{"<" + WebSDKPath() + `>; rel="canonical"`}
	}
	if a.matches(r.Header["If-None-Match"]) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	body := a.body
	if gz {
		h["Content-Encoding"] = hdrGzip
		body = a.gz
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return true
}

// matches reports whether an If-None-Match header names the file in either encoding (the
// same content) or is "*"; weak comparison, as RFC 9110 says for If-None-Match.
func (a *webAsset) matches(values []string) bool {
	for _, v := range values {
		for v != "" {
			var tag string
			tag, v, _ = strings.Cut(v, ",")
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == a.etag[0] || tag == a.etagGz[0] {
				return true
			}
		}
	}
	return false
}
