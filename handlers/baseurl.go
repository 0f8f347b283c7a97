package handlers

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// defaultBaseURL is the origin of links when serve gave neither --base-url nor its address.
const defaultBaseURL = "http://localhost:8080"

// ParseBaseURL checks a --base-url value (an absolute http or https URL, optionally with a path
// prefix, without query or fragment) and returns it without its trailing slash.
func ParseBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("--base-url: %q is not an http or https address such as https://nami.example.com", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// SetBaseURL sets the origin of the links Nami hands out (share, invite and reset links):
// configured is --base-url (already checked by ParseBaseURL), or "" when none was given; then
// fallback is used, the address serve listens on (e.g. http://localhost:8080). Call it before
// serving requests.
func (h *Handler) SetBaseURL(configured, fallback string) {
	h.baseURL, h.fallbackURL = strings.TrimRight(configured, "/"), strings.TrimRight(fallback, "/")
}

// BaseURL is the origin (and path prefix) of absolute links, without a trailing slash: the
// configured --base-url, or else the address serve listens on. It never comes from the request's
// Host header, which a client chooses, so a link mailed or shown to someone cannot point to
// another site.
func (h *Handler) BaseURL(c echo.Context) string {
	switch {
	case h.baseURL != "":
		return h.baseURL
	case h.fallbackURL != "":
		return h.fallbackURL
	}
	return defaultBaseURL
}
