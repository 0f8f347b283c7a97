package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"nami/store"
	"nami/views"
)

// ErrorHandler is Echo's one error handler: it logs server errors and renders a page a person can
// read (an HTML page, a short text for htmx to show as a toast, or JSON under /sdk/).
func (h *Handler) ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	title, msg := "Something went wrong", "The error has been logged. Try again in a moment."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		if m, ok := he.Message.(string); ok {
			msg = m
		}
		title = http.StatusText(status)
	case errors.Is(err, store.ErrNotFound):
		status = http.StatusNotFound
		title, msg = "Not found", "There is nothing here. It may have been deleted or renamed."
	}
	if status == http.StatusRequestEntityTooLarge {
		title, msg = "Too large", "That upload is too large. Images may be at most 5 MB."
	}
	if status == http.StatusNotFound && msg == "Not Found" {
		title, msg = "Not found", "There is nothing at this address."
	}
	if status >= 500 {
		h.log.Error("request failed", "method", c.Request().Method, "path", loggedPath(c.Request().URL.Path), "err", err)
	}
	var werr error
	switch {
	case isSDK(c) || wantsJSON(c):
		werr = c.JSON(status, map[string]string{"error": msg})
	case c.Request().Header.Get("HX-Request") == "true":
		werr = c.String(status, msg)
	default:
		p := h.page(c, title, "")
		werr = h.render(c, status, views.ErrorPage(p, status, title, msg))
	}
	if werr != nil {
		h.log.Error("writing error page", "err", werr)
		if !c.Response().Committed {
			// Never let an error fall through as an empty 200: send the message as text.
			if err := c.String(status, msg); err != nil {
				h.log.Error("writing error text", "err", err)
			}
		}
	}
}

func isSDK(c echo.Context) bool {
	p := c.Request().URL.Path
	return len(p) >= 5 && p[:5] == "/sdk/"
}
