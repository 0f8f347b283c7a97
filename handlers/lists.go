package handlers

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/store"
	"nami/views"
)

// listState is what a list page was asked for: the search, the page and whether every row of
// the page starts selected. GET requests carry it in the query, POSTs in the form.
type listState struct {
	Q         string
	Page      int
	SelectAll bool
	Rows      int // a full page's rows; 0 means views.PageRows
}

func (ls listState) rows() int {
	if ls.Rows > 0 {
		return ls.Rows
	}
	return views.PageRows
}

func readListState(get func(string) string) listState {
	q := strings.TrimSpace(get("q"))
	if r := []rune(q); len(r) > 100 {
		q = string(r[:100])
	}
	page, err := strconv.Atoi(get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	return listState{Q: q, Page: min(page, 1_000_000), SelectAll: get("select") == "all"}
}

// listStateOf reads the list state of a GET from the query, of a POST from the form (falling
// back to the query, as single deletes post to a URL that carries it).
func listStateOf(c echo.Context) listState {
	if c.Request().Method == "POST" {
		return readListState(func(k string) string {
			if v := c.FormValue(k); v != "" {
				return v
			}
			return c.QueryParam(k)
		})
	}
	return readListState(c.QueryParam)
}

func (ls listState) query() store.ListQuery {
	return store.ListQuery{Q: ls.Q, Limit: ls.rows(), Offset: (ls.Page - 1) * ls.rows()}
}

// lastPage is the page to show instead of ls when ls is past the last page of total rows.
func (ls listState) lastPage(total int) (listState, bool) {
	last := max(1, (total+ls.rows()-1)/ls.rows())
	if ls.Page > last {
		ls.Page = last
		return ls, true
	}
	return ls, false
}

func (ls listState) pager(path string, params url.Values, total, shown int, one, many string) views.Pager {
	return views.Pager{Path: path, Params: params, Q: ls.Q, Page: ls.Page, Total: total, Shown: shown, One: one, Many: many, SelectAll: ls.SelectAll, Rows: ls.Rows}
}

// selected are the distinct values of the bulk form's checkboxes, in order.
func selected(f views.Form) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range f.Values["sel"] {
		if v = strings.TrimSpace(v); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// maxBulk bounds a bulk action: a page's rows.
const maxBulk = views.PageRows

// bulkReport says what a bulk action did: "Deleted 3 products: A, B, C. Refused 1: D (used by …)."
func bulkReport(verb, one, many string, r views.BulkResult) string {
	var parts []string
	if len(r.Done) > 0 {
		n := one
		if len(r.Done) != 1 {
			n = many
		}
		parts = append(parts, verb+" "+strconv.Itoa(len(r.Done))+" "+n+": "+strings.Join(r.Done, ", ")+".")
	} else {
		parts = append(parts, "Nothing was "+strings.ToLower(verb)+".")
	}
	if len(r.Refused) > 0 {
		parts = append(parts, "Refused "+strconv.Itoa(len(r.Refused))+": "+strings.Join(r.Refused, "; ")+".")
	}
	return strings.Join(parts, "\n") // the flash keeps its lines
}

// bulkFlashKind: success when everything was done, a warning when part was, an error when none was.
func bulkFlashKind(r views.BulkResult) string {
	switch {
	case len(r.Refused) == 0:
		return "success"
	case len(r.Done) > 0:
		return "warning"
	}
	return "error"
}

// commitBulk runs a bulk action in one transaction: audit writes one audit entry (and marks
// the app changed) per item, like the single actions; any error rolls everything back.
func (h *Handler) commitBulk(c echo.Context, write func(ctx context.Context, tx *store.Tx, audit func(action, entity, ref, detail string) error) error) error {
	ctx := c.Request().Context()
	return h.store.InTx(ctx, func(tx *store.Tx) error {
		return write(ctx, tx, func(action, entity, ref, detail string) error {
			return h.changedWith(c, tx, action, entity, ref, detail)
		})
	})
}

// bulkSelection reads the selected rows of a bulk form, or says beside the bulk bar what is wrong.
func bulkSelection(f views.Form, many string) ([]string, string) {
	sel := selected(f)
	switch {
	case len(sel) == 0:
		return nil, "Select the " + many + " to change first; nothing was changed."
	case len(sel) > maxBulk:
		return nil, "Select at most " + strconv.Itoa(maxBulk) + " " + many + " at a time; nothing was changed."
	}
	return sel, ""
}
