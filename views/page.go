// Package views holds the templ components: the layout, shared components, one file per page
// family, and the paywall templates. Views get typed view models and never query anything.
package views

// Page is what every control-center page needs besides its own content.
type Page struct {
	Title   string
	CSRF    string
	User    *CurrentUser // nil when signed out
	Flash   Flash
	Nav     *AppNav // set on pages that belong to an app
	Section string  // the active sidebar entry: apps, overview, platforms, entitlements, products, paywalls, campaigns, simulate, releases, team, audit
}

// CurrentUser is the signed-in user as the layout shows them.
type CurrentUser struct {
	Name    string
	Email   string
	Role    string
	CanEdit bool // editor or above
	IsAdmin bool // admin or above
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // success or error
	Message string
}

// AppNav is the sidebar of an app: its name and what the marketer can reach from it.
type AppNav struct {
	Slug        string
	Name        string
	Unpublished bool // drafts differ from the last release
	OtherApps   []AppLink
	Counts      NavCounts
	LastRelease int
}

// NavCounts are the small numbers beside sidebar entries.
type NavCounts struct {
	Platforms, Entitlements, Products, Paywalls, Campaigns int
}

// AppLink is a link to another app for the app switcher.
type AppLink struct {
	Slug, Name string
}

// Form carries a form's submitted values and the message for each field that failed.
type Form struct {
	Values map[string][]string
	Errors map[string]string
}

// Get returns the first submitted value of a field.
func (f Form) Get(name string) string {
	if v := f.Values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Has reports whether value was among the field's submitted values (checkboxes, multi-selects).
func (f Form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Err returns the message for a field, or "".
func (f Form) Err(name string) string { return f.Errors[name] }

// HasErrors reports whether any field failed.
func (f Form) HasErrors() bool { return len(f.Errors) > 0 }

// Option is one choice in a select.
type Option struct {
	Value, Label string
}
