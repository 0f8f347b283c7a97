package publish

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"nami/catalog"
)

// Change kinds.
const (
	Added   = "added"
	Changed = "changed"
	Removed = "removed"
)

// Change is one entity that differs between two catalog files.
type Change struct {
	Entity string       // app, platform, entitlement, product, paywall, campaign
	Ref    string       // the entity's ref; "platform/sku" for a product
	Kind   string       // Added, Changed or Removed
	Fields []string     // for Changed: the catalog fields that differ, e.g. "price", "copy"
	Texts  []TextChange // for a Changed paywall's copy: each text that differs, by language and field
}

// TextChange is one text of a paywall's copy before and after, in one language; "" when the
// language or the field is not there.
type TextChange struct {
	Locale string // "en"
	Field  string // the catalog field: "title", "subtitle", "body", "cta" or "footer"
	Before string
	After  string
}

// textShown is how many characters of a text a change shows before cutting it with an ellipsis.
const textShown = 60

// String returns `en title: "Sleep better" → "Sleep better this spring"`, each text on one line
// and cut to textShown characters; a missing text is (empty).
func (t TextChange) String() string {
	return t.Locale + " " + t.Field + ": " + quoteCut(t.Before) + " → " + quoteCut(t.After)
}

func quoteCut(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "(empty)"
	}
	if r := []rune(s); len(r) > textShown {
		s = strings.TrimRight(string(r[:textShown-1]), " ") + "…"
	}
	return `"` + s + `"`
}

// Diff lists what changed from old (a release's catalog, or nil before the first release) to
// new (the drafts), entity kind by kind in catalog order and by ref within a kind. Platform keys
// are left out: a rotated key takes effect at once, without a release.
func Diff(old, new *catalog.File) []Change {
	if old == nil {
		old = &catalog.File{App: new.App}
	}
	var out []Change
	if old.App.Name != new.App.Name {
		out = append(out, Change{Entity: "app", Ref: new.App.Slug, Kind: Changed, Fields: []string{"name"}})
	}
	out = appendChanges(out, "platform", old.Platforms, new.Platforms, func(p catalog.PlatformDoc) string { return p.Ref }, "key")
	out = appendChanges(out, "entitlement", old.Entitlements, new.Entitlements, func(e catalog.EntitlementDoc) string { return e.Ref })
	out = appendChanges(out, "product", old.Products, new.Products, func(p catalog.ProductDoc) string { return p.Platform + "/" + p.SKU })
	out = appendChanges(out, "paywall", old.Paywalls, new.Paywalls, func(p catalog.PaywallDoc) string { return p.Ref })
	for i, ch := range out {
		if ch.Entity == "paywall" && ch.Kind == Changed && slices.Contains(ch.Fields, "copy") {
			out[i].Texts = copyChanges(paywallCopy(old.Paywalls, ch.Ref), paywallCopy(new.Paywalls, ch.Ref))
		}
	}
	out = appendChanges(out, "campaign", old.Campaigns, new.Campaigns, func(c catalog.CampaignDoc) string { return c.Ref })
	return out
}

func paywallCopy(list []catalog.PaywallDoc, ref string) map[string]catalog.CopyDoc {
	for _, p := range list {
		if p.Ref == ref {
			return p.Copy
		}
	}
	return nil
}

// copyChanges lists the texts that differ between two versions of a paywall's copy, by locale
// (sorted), then field in the editor's order.
func copyChanges(old, new map[string]catalog.CopyDoc) []TextChange {
	locales := make([]string, 0, len(old)+len(new))
	for l := range old {
		locales = append(locales, l)
	}
	for l := range new {
		if _, ok := old[l]; !ok {
			locales = append(locales, l)
		}
	}
	slices.Sort(locales)
	var out []TextChange
	for _, l := range locales {
		for _, fd := range copyFields {
			before, after := fd.get(old[l]), fd.get(new[l])
			if before != after {
				out = append(out, TextChange{Locale: l, Field: fd.key, Before: before, After: after})
			}
		}
	}
	return out
}

// appendChanges compares two lists of one entity kind by key, field by field as the catalog
// file writes them, ignoring the named fields. Each entity is marshalled once a side and the
// bytes compared; only the entities that differ are split into fields.
func appendChanges[T any](out []Change, entity string, old, new []T, key func(T) string, ignore ...string) []Change {
	before := make(map[string]T, len(old))
	for _, x := range old {
		before[key(x)] = x
	}
	var found []Change
	seen := make(map[string]bool, len(new))
	for _, x := range new {
		k := key(x)
		seen[k] = true
		prev, ok := before[k]
		if !ok {
			found = append(found, Change{Entity: entity, Ref: k, Kind: Added})
			continue
		}
		if len(ignore) == 0 {
			a, _ := json.Marshal(prev)
			b, _ := json.Marshal(x)
			if bytes.Equal(a, b) {
				continue
			}
		}
		if fields := changedFields(fieldsOf(prev, ignore), fieldsOf(x, ignore)); len(fields) > 0 {
			found = append(found, Change{Entity: entity, Ref: k, Kind: Changed, Fields: fields})
		}
	}
	for _, x := range old {
		if k := key(x); !seen[k] {
			found = append(found, Change{Entity: entity, Ref: k, Kind: Removed})
		}
	}
	slices.SortStableFunc(found, func(a, b Change) int { return cmp.Compare(a.Ref, b.Ref) })
	return append(out, found...)
}

// fieldsOf is an entity's catalog JSON split by top-level field. Marshalling a catalog struct
// cannot fail (no channels, funcs or cycles), and map keys (copy locales) come out sorted.
func fieldsOf(x any, ignore []string) map[string]json.RawMessage {
	b, _ := json.Marshal(x)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	for _, f := range ignore {
		delete(m, f)
	}
	return m
}

// changedFields lists, sorted, the fields whose JSON differs; a field missing on one side
// (omitted because empty) differs from one that is set.
func changedFields(a, b map[string]json.RawMessage) []string {
	var out []string
	for k, va := range a {
		if vb, ok := b[k]; !ok || !bytes.Equal(va, vb) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
