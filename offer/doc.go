// Package offer holds the pure presentation logic for paywalls and product SKUs: validation of
// the values marketers type, locale fallback, localized prices and billing words, safe Markdown
// and image checks. It does no I/O and keeps no mutable state, so the control center pages,
// the catalog-file loader and the public SDK API can all share it.
package offer
