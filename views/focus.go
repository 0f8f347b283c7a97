package views

import "strconv"

// Keyboard focus after htmx swaps (static/js/app.js): a button that re-renders its part of the
// page names, in data-focus-after, where focus goes once the new content is in: CSS selectors
// separated by " || ", tried in order; the first enabled, visible match wins. A selector may end
// with " @last" (the last match instead of the first) or " @same" (the match at the position the
// button had among the elements its selector matched before the swap). Without the attribute,
// focus returns to the element with the same id, data-testid (and position) or name.

// rovingTabindex keeps a tab list to one Tab stop: the selected tab; arrow keys reach the others.
func rovingTabindex(selected bool) string {
	if selected {
		return "0"
	}
	return "-1"
}

// orderFocus is the data-focus-after of a move up or move down button: the moved product's own
// button in its new row (0-based), or the other one when that is disabled at the end of the list.
func orderFocus(row int, first, second string) string {
	li := `[data-testid=picked-products] > li:nth-child(` + strconv.Itoa(row+1) + `) `
	return li + `[data-testid=` + first + `] || ` + li + `[data-testid=` + second + `]`
}

// auditLinkText is the text of an audit entry's link: its ref, or for an entry about the app
// itself (no ref) the app's slug, so the link is never empty.
func auditLinkText(ref, appSlug string) string {
	if ref != "" {
		return ref
	}
	return appSlug
}
