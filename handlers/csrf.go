package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// csrfCookie carries the CSRF token of a visitor who is not signed in (the sign-in and set-up
// forms), so that such a visitor needs no sessions row. Its value is the random token and an
// HMAC-SHA256 of it under the install's csrf_key secret: a token the server did not issue is refused.
// Signed-in users' tokens live in their server-side session instead.
const csrfCookie = "nami_csrf"

// signCSRF returns the cookie value for tok: "tok.mac".
func (h *Handler) signCSRF(tok string) string {
	mac := hmac.New(sha256.New, h.csrfKey)
	mac.Write([]byte("nami csrf cookie\x00"))
	mac.Write([]byte(tok))
	return tok + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// cookieCSRF returns the token of the request's signed CSRF cookie, or "" if it has none or the
// signature does not match.
func (h *Handler) cookieCSRF(r *http.Request) string {
	ck, err := r.Cookie(csrfCookie)
	if err != nil {
		return ""
	}
	tok, _, ok := strings.Cut(ck.Value, ".")
	if !ok || tok == "" {
		return ""
	}
	if !hmac.Equal([]byte(h.signCSRF(tok)), []byte(ck.Value)) {
		return ""
	}
	return tok
}

// anonCSRFToken returns the signed-out visitor's token, issuing one in a signed cookie if the
// request brought none; the cookie is sent again so that it lives sessionIdle from the last page.
func (h *Handler) anonCSRFToken(c echo.Context) string {
	st := state(c)
	if st.anonCSRF != "" {
		return st.anonCSRF
	}
	tok := h.cookieCSRF(c.Request())
	if tok == "" {
		var err error
		if tok, err = randomToken(); err != nil {
			h.log.Error("csrf token", "err", err)
			return ""
		}
	}
	st.anonCSRF = tok
	http.SetCookie(c.Response(), &http.Cookie{Name: csrfCookie, Value: h.signCSRF(tok), Path: "/",
		MaxAge: int(sessionIdle.Seconds()), HttpOnly: true, Secure: secureRequest(c.Request()), SameSite: http.SameSiteLaxMode})
	return tok
}

// clearCSRFCookie removes a signed-out visitor's token cookie once they have signed in.
func clearCSRFCookie(c echo.Context) {
	if _, err := c.Request().Cookie(csrfCookie); err != nil {
		return
	}
	http.SetCookie(c.Response(), &http.Cookie{Name: csrfCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secureRequest(c.Request()), SameSite: http.SameSiteLaxMode})
}

// sameToken compares a submitted token with the expected one in constant time.
func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
