package handlers

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// isHTMX reports whether the request wants a fragment: an htmx request that is not a boosted navigation.
func isHTMX(c echo.Context) bool {
	r := c.Request()
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") != "true"
}

// render renders a component into a buffer first, so a template error becomes a clean 500, then
// saves the session and writes the page. If the session cannot be saved, an error page keeps its
// status and a success becomes a 503 (see saveSessionFor).
func (h *Handler) render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	if err := h.saveSessionFor(c, status); err != nil {
		return err
	}
	// Pages carry a user's data and CSRF token, and an editor must not come back from the
	// browser's back/forward cache showing a version that was saved since.
	if c.Response().Header().Get("Cache-Control") == "" {
		c.Response().Header().Set("Cache-Control", "no-store")
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// redirect sends the browser to url after a POST: a 303 for plain requests, HX-Redirect for htmx.
func (h *Handler) redirect(c echo.Context, url string) error {
	if err := h.saveSessionFor(c, http.StatusSeeOther); err != nil {
		return err
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", url)
		return c.NoContent(http.StatusOK)
	}
	return c.Redirect(http.StatusSeeOther, url)
}
