package sdkapi

import (
	"net/http"
	"strings"
)

// config answers GET /sdk/v1/platforms/{key}/config: the published snapshot as prepared when it
// was loaded, gzip-compressed when the client accepts it, 304 when If-None-Match names it.
func (s *Server) config(w http.ResponseWriter, r *http.Request, e *liveRelease) {
	h := w.Header()
	h["Cache-Control"] = hdrConfigCache
	h["Vary"] = hdrVaryEncoding
	gz := acceptsGzip(r.Header["Accept-Encoding"])
	if gz {
		h["Etag"] = e.gzipETagHeader
	} else {
		h["Etag"] = e.etagHeader
	}
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && e.matches(inm) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = hdrJSON
	body := e.body
	if gz {
		h["Content-Encoding"] = hdrGzip
		h["Content-Length"] = e.gzipLengthHeader
		body = e.gzip
	} else {
		h["Content-Length"] = e.lengthHeader
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// matches reports whether an If-None-Match header names the snapshot, in either of its
// encodings (both are the same release), or is "*". Comparison is weak, as RFC 9110 says for
// If-None-Match, so a W/ prefix added by a proxy still matches.
func (e *liveRelease) matches(values []string) bool {
	for _, v := range values {
		for v != "" {
			var tag string
			tag, v, _ = strings.Cut(v, ",")
			tag = strings.TrimSpace(tag)
			tag = strings.TrimPrefix(tag, "W/")
			if tag == "*" || tag == e.etag || tag == e.gzipETag {
				return true
			}
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip with a non-zero quality:
// gzip (or x-gzip) named explicitly decides, whatever "*" says; otherwise "*" does. The q
// parameter counts in any position among the parameters.
func acceptsGzip(values []string) bool {
	named, star := 0, 0 // 0 absent, 1 refused (q=0), 2 accepted
	for _, v := range values {
		for v != "" {
			var item string
			item, v, _ = strings.Cut(v, ",")
			coding, params, _ := strings.Cut(item, ";")
			coding = strings.TrimSpace(coding)
			var slot *int
			switch {
			case strings.EqualFold(coding, "gzip") || strings.EqualFold(coding, "x-gzip"):
				slot = &named
			case coding == "*":
				slot = &star
			default:
				continue
			}
			ok := 2
			for params != "" {
				var p string
				p, params, _ = strings.Cut(params, ";")
				name, q, _ := strings.Cut(p, "=")
				if strings.EqualFold(strings.TrimSpace(name), "q") && isZeroQuality(strings.TrimSpace(q)) {
					ok = 1
				}
			}
			if ok > *slot {
				*slot = ok
			}
		}
	}
	if named != 0 {
		return named == 2
	}
	return star == 2
}

// isZeroQuality reports whether q is 0, 0., 0.0, 0.00 or 0.000.
func isZeroQuality(q string) bool {
	if q == "" || q[0] != '0' {
		return false
	}
	return strings.Trim(q[1:], ".0") == "" && strings.Count(q, ".") <= 1
}
