package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"nami/store"
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

// commit runs one write to the current app's drafts, with the app's "changed" mark and the audit
// entry, in a single transaction.
func (h *Handler) commit(c echo.Context, action, entity, ref string, write func(context.Context, *store.Tx) error) error {
	return h.commitDetail(c, action, entity, ref, "", write)
}

// commitDetail is commit with a detail for the audit entry, e.g. fieldChanges of the edit.
func (h *Handler) commitDetail(c echo.Context, action, entity, ref, detail string, write func(context.Context, *store.Tx) error) error {
	ctx := c.Request().Context()
	return h.store.InTx(ctx, func(tx *store.Tx) error {
		if err := write(ctx, tx); err != nil {
			return err
		}
		return h.changedWith(c, tx, action, entity, ref, detail)
	})
}

// fieldChanges says what an edit changed for the audit log: "name: \"A\" → \"B\"; price: 9.99 → 8.99",
// from (field, before, after) triples; fields left as they were are not named.
func fieldChanges(triples ...[3]string) string {
	var parts []string
	for _, t := range triples {
		if t[1] != t[2] {
			parts = append(parts, fmt.Sprintf("%s: %q → %q", t[0], t[1], t[2]))
		}
	}
	return strings.Join(parts, "; ")
}

// listDone answers a successful change on a list page: the flash, then a redirect to the list for
// a plain form, or the re-rendered section for htmx.
func (h *Handler) listDone(c echo.Context, msg, listURL string, rerender func() error) error {
	setFlash(c, "success", msg)
	if !isHTMX(c) {
		return h.redirect(c, listURL)
	}
	return rerender()
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
