package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"nami/views"
)

// renderSection answers a list page: the swapped section (with the flash, out of band) for htmx,
// or the whole page otherwise.
func (h *Handler) renderSection(c echo.Context, status int, p views.Page, full, section templ.Component) error {
	if isHTMX(c) {
		return h.render(c, status, templ.Join(section, views.FlashMessage(p.Flash), views.AppNavOOB(p)))
	}
	return h.render(c, status, full)
}

// formVersion reads the hidden `version` field that guards against lost updates.
func formVersion(f views.Form) int {
	v, err := strconv.Atoi(f.Get("version"))
	if err != nil {
		return -1
	}
	return v
}

// staleMessage tells the user someone saved in between, and what they changed.
func staleMessage(what string, diffs []string) string {
	msg := "Someone else saved this " + what + " while you were editing."
	if len(diffs) > 0 {
		msg += " They changed " + strings.Join(diffs, "; ") + "."
	}
	return msg + " Your edits are still below: save again to replace their version, or cancel to keep it."
}

// diff names a field whose saved value differs from what the user started from.
func diff(diffs []string, field, saved, mine string) []string {
	if saved != mine {
		return append(diffs, fmt.Sprintf("%s to %q", field, saved))
	}
	return diffs
}

// trimmed returns the form's field without surrounding spaces.
func trimmed(f views.Form, name string) string { return strings.TrimSpace(f.Get(name)) }

// checkName validates a required display name.
func checkName(f views.Form, field string) {
	switch n := trimmed(f, field); {
	case n == "":
		f.Errors[field] = "Enter a name."
	case utf8.RuneCountInString(n) > 120:
		f.Errors[field] = "Use at most 120 characters."
	}
}
