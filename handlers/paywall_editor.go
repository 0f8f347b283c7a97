package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"nami/offer"
	"nami/store"
	"nami/urls"
	"nami/views"
)

// Limits on paywall copy (offer.MaxCopyLength, which nami apply checks too).
const (
	maxTitle    = offer.MaxTitleLength
	maxSubtitle = offer.MaxSubtitleLength
	maxBody     = offer.MaxBodyLength
	maxCTA      = offer.MaxCTALength
	maxFooter   = offer.MaxFooterLength
	maxBadge    = 40
	maxLocales  = 50
)

// editorState is what the editor knows beyond the paywall itself.
type editorState struct {
	tab, previewPlatform, previewLocale, previewDevice string
	previewAppearance                                  string // "light" or "dark"
	errors                                             map[string]string
	conflict, imageError, shareURL, shareQR            string
	dirty                                              bool
	productQuery                                       string // the product chooser's search
}

// readDraft turns the editor's form into a paywall (on top of the saved one, which keeps its id,
// ref and image) and validates it into errs.
func readDraft(f views.Form, saved store.Paywall, idx map[string]store.Product, errs map[string]string) store.Paywall {
	d := saved
	d.Name = trimmed(f, "name")
	d.Template = f.Get("template")
	d.DefaultLocale = f.Get("default_locale")
	d.Theme = store.Theme{Accent: trimmed(f, "theme[accent]"), Background: trimmed(f, "theme[background]"), Text: trimmed(f, "theme[text]")}
	if _, ok := f.Values["theme[dark][accent]"]; ok { // the editor shows the dark palette's fields only when there is one
		d.Theme.Dark = store.Palette{Accent: trimmed(f, "theme[dark][accent]"), Background: trimmed(f, "theme[dark][background]"),
			Text: trimmed(f, "theme[dark][text]")}
		if !d.Theme.HasDark() { // all three emptied: still a palette being edited, which the checks below refuse
			d.Theme.Dark.Accent = " "
		}
	}
	d.SDK = f.Get("sdk") == "true"
	d.Version = formVersion(f)
	d.Copy = nil
	for _, loc := range f.Values["locales"] {
		if slices.ContainsFunc(d.Copy, func(c store.Copy) bool { return c.Locale == loc }) {
			continue
		}
		get := func(field string) string {
			// Browsers send textarea line breaks as CRLF; store them as LF so an unchanged save changes nothing.
			return strings.TrimSpace(strings.ReplaceAll(f.Get(views.CopyFieldName(loc, field)), "\r\n", "\n"))
		}
		d.Copy = append(d.Copy, store.Copy{Locale: loc, Title: get("title"), Subtitle: get("subtitle"), Body: get("body"), CTA: get("cta"), Footer: get("footer")})
	}
	d.Products = nil
	for i := 0; ; i++ {
		sku, ok := f.Values[views.ProductFieldName(i, "sku")]
		if !ok || len(sku) == 0 {
			break
		}
		pp := store.PaywallProduct{PlatformRef: f.Get(views.ProductFieldName(i, "platform")), SKU: sku[0],
			Badge: strings.TrimSpace(f.Get(views.ProductFieldName(i, "badge"))), Highlighted: f.Get(views.ProductFieldName(i, "highlighted")) == "true"}
		if pr, ok := idx[productKey(pp.PlatformRef, pp.SKU)]; ok {
			pp.ProductID = pr.ID
		}
		d.Products = append(d.Products, pp)
	}
	validateDraft(d, errs)
	return d
}

// validateDraft checks a paywall the way the catalog file is checked, keyed by form field.
func validateDraft(d store.Paywall, errs map[string]string) {
	switch {
	case d.Name == "":
		errs["name"] = "Enter a name."
	case utf8.RuneCountInString(d.Name) > 120:
		errs["name"] = "Use at most 120 characters."
	}
	if !knownTemplate(d.Template) {
		errs["template"] = "Choose hero, cards or minimal."
	}
	for field, val := range themeFields(d.Theme) {
		if err := offer.CheckColor(strings.TrimSpace(val)); err != nil {
			errs[field] = err.Error()
		}
	}
	if len(d.Copy) == 0 {
		errs["copy"] = "Add copy in at least one language."
	}
	if len(d.Copy) > maxLocales {
		errs["copy"] = fmt.Sprintf("A paywall has at most %d languages; remove %d.", maxLocales, len(d.Copy)-maxLocales)
	}
	for i, a := range d.Copy {
		for _, b := range d.Copy[i+1:] {
			if strings.EqualFold(a.Locale, b.Locale) {
				errs["copy"] = "The languages " + a.Locale + " and " + b.Locale + " differ only in case; devices would see only one of them. Remove one."
			}
		}
	}
	offered := map[string]int{} // products per platform, for token positions
	for _, pp := range d.Products {
		offered[pp.PlatformRef]++
	}
	for _, c := range d.Copy {
		if err := offer.CheckLocale(c.Locale); err != nil {
			errs["copy"] = c.Locale + ": " + err.Error()
		}
		for _, lim := range []struct {
			field, val string
			max        int
		}{{"title", c.Title, maxTitle}, {"subtitle", c.Subtitle, maxSubtitle}, {"body", c.Body, maxBody}, {"cta", c.CTA, maxCTA}, {"footer", c.Footer, maxFooter}} {
			if n := utf8.RuneCountInString(lim.val); n > lim.max {
				errs[views.CopyFieldName(c.Locale, lim.field)] = fmt.Sprintf("Use at most %d characters (now %d).", lim.max, n)
			} else if err := offer.CheckTokens(lim.val, offered); err != nil {
				errs[views.CopyFieldName(c.Locale, lim.field)] = sentence(err.Error())
			}
		}
	}
	if _, ok := d.CopyFor(d.DefaultLocale); !ok && len(d.Copy) > 0 {
		errs["default_locale"] = "Choose a default language that has copy."
	}
	seen := map[string]bool{}
	for i, pp := range d.Products {
		k := productKey(pp.PlatformRef, pp.SKU)
		switch {
		case pp.ProductID == 0:
			errs[views.ProductFieldName(i, "sku")] = "This product no longer exists on " + pp.PlatformRef + "; remove it."
		case seen[k]:
			errs[views.ProductFieldName(i, "sku")] = "This product is already on the paywall."
		}
		seen[k] = true
		if utf8.RuneCountInString(pp.Badge) > maxBadge {
			errs[views.ProductFieldName(i, "badge")] = fmt.Sprintf("Use at most %d characters.", maxBadge)
		} else if err := offer.CheckTokens(pp.Badge, map[string]int{pp.PlatformRef: offered[pp.PlatformRef]}); err != nil {
			errs[views.ProductFieldName(i, "badge")] = sentence(err.Error())
		}
	}
}

// themeFields maps the editor's colour fields to the theme's colours, the dark palette's only when it has one.
func themeFields(t store.Theme) map[string]string {
	m := map[string]string{"theme[accent]": t.Accent, "theme[background]": t.Background, "theme[text]": t.Text}
	if t.HasDark() {
		m["theme[dark][accent]"], m["theme[dark][background]"], m["theme[dark][text]"] = t.Dark.Accent, t.Dark.Background, t.Dark.Text
	}
	return m
}

// defaultDark is the dark palette the editor starts from: a near-black background and light text,
// keeping the light accent (the contrast warnings say if its button label reads poorly).
func defaultDark(t store.Theme) store.Palette {
	accent := t.Accent
	if offer.CheckColor(accent) != nil {
		accent = defaultTheme.Accent
	}
	return store.Palette{Accent: accent, Background: "#111827", Text: "#F9FAFB"}
}

// contrastWarnings are the WCAG AA warnings of a draft's palettes, keyed by the field they show
// beside: text on the background by the text colour, the button's label by the accent.
func contrastWarnings(t store.Theme) map[string]string {
	out := map[string]string{}
	add := func(prefix, accent, bg, text string) {
		for _, w := range offer.PaletteWarnings(accent, bg, text) {
			out[prefix+w.Field+"]"] = w.Message
		}
	}
	add("theme[", t.Accent, t.Background, t.Text)
	if t.HasDark() {
		add("theme[dark][", t.Dark.Accent, t.Dark.Background, t.Dark.Text)
	}
	return out
}

// applyOp performs an editor action on the unsaved draft: tabs, languages and the product list.
func applyOp(d *store.Paywall, st *editorState, f views.Form, idx map[string]store.Product) {
	op, arg := f.Get("op"), f.Get("arg")
	delete(st.errors, "new_locale")
	switch op {
	case "tab":
		st.tab = arg
		st.previewLocale = arg // the preview follows the language being edited
	case "add_locale":
		loc := strings.TrimSpace(f.Get("new_locale"))
		loc = strings.ReplaceAll(loc, "_", "-")
		switch err := offer.CheckLocale(loc); {
		case err != nil:
			st.errors["new_locale"] = err.Error()
		case slices.ContainsFunc(d.Copy, func(c store.Copy) bool { return strings.EqualFold(c.Locale, loc) }):
			st.errors["new_locale"] = "This paywall already has " + loc + "."
		case len(d.Copy) >= maxLocales:
			st.errors["new_locale"] = fmt.Sprintf("A paywall has at most %d languages.", maxLocales)
		default:
			base, _ := d.CopyFor(d.DefaultLocale)
			base.Locale = loc // start from the default language's copy, ready to translate
			d.Copy = append(d.Copy, base)
			st.tab, st.previewLocale = loc, loc
			st.dirty = true
		}
	case "remove_locale":
		if arg != d.DefaultLocale {
			d.Copy = slices.DeleteFunc(d.Copy, func(c store.Copy) bool { return c.Locale == arg })
			st.dirty = true
		}
	case "add_dark":
		if !d.Theme.HasDark() {
			d.Theme.Dark = defaultDark(d.Theme)
			st.dirty = true
		}
		st.previewAppearance = "dark"
	case "remove_dark":
		d.Theme.Dark = store.Palette{}
		st.previewAppearance = "light"
		st.dirty = true
	case "add_product":
		key := f.Get("add_product")
		if pr, ok := idx[key]; ok && !slices.ContainsFunc(d.Products, func(p store.PaywallProduct) bool { return productKey(p.PlatformRef, p.SKU) == key }) {
			d.Products = append(d.Products, store.PaywallProduct{ProductID: pr.ID, PlatformRef: pr.PlatformRef, SKU: pr.SKU})
			st.dirty = true
		}
	case "up", "down", "remove_product":
		i, err := strconv.Atoi(arg)
		if err != nil || i < 0 || i >= len(d.Products) {
			return
		}
		switch {
		case op == "remove_product":
			d.Products = slices.Delete(d.Products, i, i+1)
		case op == "up" && i > 0:
			d.Products[i-1], d.Products[i] = d.Products[i], d.Products[i-1]
		case op == "down" && i < len(d.Products)-1:
			d.Products[i+1], d.Products[i] = d.Products[i], d.Products[i+1]
		}
		st.dirty = true
	}
}

// editorData loads what every editor response needs: the app's products and platforms.
func (h *Handler) editorData(c echo.Context) ([]store.Product, []store.AppPlatform, error) {
	ctx := c.Request().Context()
	a := currentApp(c)
	products, err := h.store.Products(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	platforms, err := h.store.Platforms(ctx, a.ID)
	return products, platforms, err
}

// editorView builds the editor's view model from a draft.
func editorView(slug string, d store.Paywall, st editorState, products []store.Product, platforms []store.AppPlatform) views.PaywallEditor {
	idx := productIndex(products)
	names := map[string]string{}
	v := views.PaywallEditor{Slug: slug, Ref: d.Ref, Version: d.Version, Name: d.Name, Template: d.Template, DefaultLocale: d.DefaultLocale,
		Accent: d.Theme.Accent, Background: d.Theme.Background, Text: d.Theme.Text, HasDark: d.Theme.HasDark(), SDK: d.SDK,
		DarkAccent: strings.TrimSpace(d.Theme.Dark.Accent), DarkBackground: d.Theme.Dark.Background, DarkText: d.Theme.Dark.Text,
		Warnings: contrastWarnings(d.Theme), Errors: st.errors, Conflict: st.conflict,
		ImageError: st.imageError, Dirty: st.dirty, Updated: d.UpdatedAt.Format("2 Jan 2006 15:04 MST"), UpdatedBy: d.UpdatedBy, ShareURL: st.shareURL, ShareQR: st.shareQR}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	if d.HeroImage != "" {
		v.HeroImageURL = urls.Image(d.HeroImage)
	}
	for _, p := range platforms {
		v.Platforms = append(v.Platforms, views.Option{Value: p.Ref, Label: p.Name})
		names[p.Ref] = p.Name
	}
	for _, c := range d.Copy {
		v.Locales = append(v.Locales, views.LocaleCopy{Locale: c.Locale, Title: c.Title, Subtitle: c.Subtitle, Body: c.Body, CTA: c.CTA, Footer: c.Footer})
	}
	v.Tab = activeTab(d, st.tab)
	picked := map[string]bool{}
	for _, pp := range d.Products {
		ep := views.EditorProduct{Platform: pp.PlatformRef, PlatformName: names[pp.PlatformRef], SKU: pp.SKU, Name: pp.SKU, Badge: pp.Badge, Highlighted: pp.Highlighted}
		if pr, ok := idx[productKey(pp.PlatformRef, pp.SKU)]; ok {
			ep.Name, ep.Price = pr.Name, priceText(pr)
		}
		v.Products = append(v.Products, ep)
		picked[productKey(pp.PlatformRef, pp.SKU)] = true
	}
	var offer []store.Product
	for _, pr := range products {
		if !picked[productKey(pr.PlatformRef, pr.SKU)] {
			v.CanAddProducts = true
			if productMatches(pr, st.productQuery) {
				offer = append(offer, pr)
			}
		}
	}
	v.ProductQuery = st.productQuery
	v.Groups, v.MoreProducts = productGroups(offer, platforms)
	v.Screen = draftScreen(d, st, idx, platforms)
	v.PreviewPlatform, v.PreviewLocale, v.PreviewDevice = previewPlatform(d, platforms, st.previewPlatform), v.Screen.Locale, v.Screen.Device
	v.PreviewAppearance = v.Screen.Appearance
	if st.previewLocale == views.LongestCopy && len(d.Copy) > 1 {
		v.PreviewLocale = views.LongestCopy
	}
	return v
}

// activeTab is the language whose copy the editor shows: the wanted one, else the default, else the first.
func activeTab(d store.Paywall, want string) string {
	for _, l := range []string{want, d.DefaultLocale} {
		if _, ok := d.CopyFor(l); ok {
			return l
		}
	}
	if len(d.Copy) > 0 {
		return d.Copy[0].Locale
	}
	return d.DefaultLocale
}

// draftScreen renders a draft as the editor's preview selectors ask (the open tab's language when
// no language is chosen).
func draftScreen(d store.Paywall, st editorState, idx map[string]store.Product, platforms []store.AppPlatform) views.PaywallScreen {
	locale := st.previewLocale
	if locale == "" {
		locale = activeTab(d, st.tab)
	}
	s := buildScreen(d, idx, previewPlatform(d, platforms, st.previewPlatform), locale, st.previewDevice)
	s.Appearance = "light" // the preview shows one palette at a time, whatever the marketer's own system prefers
	if st.previewAppearance == "dark" && s.Dark != nil {
		s.Appearance = "dark"
	}
	return s
}

// previewState reads the preview selectors and the open tab from a form.
func previewState(f views.Form) editorState {
	return editorState{tab: f.Get("tab"), previewPlatform: f.Get("preview_platform"), previewLocale: f.Get("preview_locale"),
		previewDevice: f.Get("preview_device"), previewAppearance: f.Get("preview_appearance"), errors: map[string]string{},
		productQuery: strings.TrimSpace(f.Get("product_q"))}
}

func (h *Handler) renderEditor(c echo.Context, status int, d store.Paywall, st editorState) error {
	products, platforms, err := h.editorData(c)
	if err != nil {
		return err
	}
	p, err := h.appPage(c, d.Name, "paywalls")
	if err != nil {
		return err
	}
	v := editorView(currentApp(c).Slug, d, st, products, platforms)
	return h.render(c, status, views.PaywallEditorPage(p, v))
}

// PaywallEditor shows the editor of a saved paywall.
func (h *Handler) PaywallEditor(c echo.Context) error {
	pw, err := h.store.Paywall(c.Request().Context(), currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	st := editorState{errors: map[string]string{}, previewPlatform: c.QueryParam("platform"), previewLocale: c.QueryParam("locale"),
		previewDevice: c.QueryParam("device"), previewAppearance: c.QueryParam("appearance"), shareURL: c.QueryParam("shared"),
		productQuery: strings.TrimSpace(c.QueryParam("product_q"))}
	if st.shareURL != "" && !strings.HasPrefix(st.shareURL, "/share/") {
		st.shareURL = ""
	}
	if st.shareURL != "" {
		st.shareURL = h.BaseURL(c) + st.shareURL
		st.shareQR = shareQR(st.shareURL)
	}
	return h.renderEditor(c, http.StatusOK, pw, st)
}

// postedDraft reads the editor's posted form on top of the saved paywall, without validating it:
// problems show on save, not while the marketer is still arranging things. The saved paywall
// comes back beside the draft.
func (h *Handler) postedDraft(c echo.Context) (draft, saved store.Paywall, f views.Form, products []store.Product, platforms []store.AppPlatform, err error) {
	saved, err = h.store.Paywall(c.Request().Context(), currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return
	}
	if products, platforms, err = h.editorData(c); err != nil {
		return
	}
	f = formOf(c)
	if !user(c).Can(store.RoleEditor) {
		// A viewer's editor is read-only and posts no draft (its fields are disabled): the
		// preview and the language tabs show the saved paywall.
		return saved, saved, f, products, platforms, nil
	}
	return readDraft(f, saved, productIndex(products), map[string]string{}), saved, f, products, platforms, nil
}

// PaywallEditorOp re-renders the editor after an action on the unsaved draft; nothing is stored.
func (h *Handler) PaywallEditorOp(c echo.Context) error {
	d, saved, f, products, platforms, err := h.postedDraft(c)
	if err != nil {
		return err
	}
	st := previewState(f)
	idx := productIndex(products)
	switch {
	case user(c).Can(store.RoleEditor):
		applyOp(&d, &st, f, idx)
		// Unsaved is what differs from the stored paywall: a language tab, or a product moved
		// down and back up, leaves nothing to save.
		st.dirty = !samePaywall(saved, d)
	case f.Get("op") == "tab":
		// A viewer may only look at another language's copy; nothing else changes.
		st.tab, st.previewLocale = f.Get("arg"), f.Get("arg")
	}
	p, err := h.appPage(c, d.Name, "paywalls")
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, views.PaywallEditorBody(p, editorView(currentApp(c).Slug, d, st, products, platforms)))
}

// PaywallPreviewPane renders the unsaved draft for the live preview (once per pause in typing).
func (h *Handler) PaywallPreviewPane(c echo.Context) error {
	d, _, f, products, platforms, err := h.postedDraft(c)
	if err != nil {
		return err
	}
	// The contrast warnings beside the colour fields follow the draft too (out of band).
	return h.render(c, http.StatusOK, views.PaywallPreviewUpdate(draftScreen(d, previewState(f), productIndex(products), platforms),
		contrastWarnings(d.Theme), d.Theme.HasDark()))
}

// SavePaywall stores the editor's draft, unless it is invalid (422) or someone saved in between (409).
func (h *Handler) SavePaywall(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	saved, err := h.store.Paywall(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	products, _, err := h.editorData(c)
	if err != nil {
		return err
	}
	f := formOf(c)
	st := previewState(f)
	d := readDraft(f, saved, productIndex(products), st.errors)
	st.dirty = true
	if len(st.errors) > 0 {
		return h.renderEditor(c, http.StatusUnprocessableEntity, d, st)
	}
	if d.Version != saved.Version {
		st.conflict = paywallConflict(saved, d)
		d.Version = saved.Version // saving again now replaces their version knowingly
		return h.renderEditor(c, http.StatusConflict, d, st)
	}
	if samePaywall(saved, d) {
		setFlash(c, "success", "No changes to save.")
		return h.redirect(c, c.Request().URL.Path)
	}
	d.UpdatedBy = user(c).Email
	err = h.commit(c, "updated", "paywall", d.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePaywall(ctx, &d) })
	if errors.Is(err, store.ErrStale) {
		cur, lerr := h.store.Paywall(ctx, a.ID, saved.Ref)
		if lerr != nil {
			return lerr
		}
		st.conflict = paywallConflict(cur, d)
		d.Version = cur.Version
		return h.renderEditor(c, http.StatusConflict, d, st)
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Saved "+d.Name+". Publish a release to send it to devices.")
	return h.redirect(c, c.Request().URL.Path)
}

// samePaywall reports whether a draft would change nothing.
func samePaywall(a, b store.Paywall) bool {
	norm := func(p store.Paywall) store.Paywall {
		p.Version, p.UpdatedAt, p.UpdatedBy = 0, time.Time{}, ""
		for i := range p.Products {
			p.Products[i].ProductID = 0
		}
		slices.SortFunc(p.Copy, func(x, y store.Copy) int { return strings.Compare(x.Locale, y.Locale) })
		return p
	}
	a.Products, b.Products = slices.Clone(a.Products), slices.Clone(b.Products)
	a.Copy, b.Copy = slices.Clone(a.Copy), slices.Clone(b.Copy)
	a, b = norm(a), norm(b)
	return reflect.DeepEqual(a, b)
}

// paywallConflict says who saved in between and what differs from the user's draft.
func paywallConflict(cur, mine store.Paywall) string {
	var parts []string
	if cur.Name != mine.Name {
		parts = append(parts, "the name")
	}
	if cur.Template != mine.Template {
		parts = append(parts, "the template")
	}
	if cur.Theme != mine.Theme {
		parts = append(parts, "the theme")
	}
	if cur.DefaultLocale != mine.DefaultLocale {
		parts = append(parts, "the default language")
	}
	for _, c := range cur.Copy {
		if m, ok := mine.CopyFor(c.Locale); !ok || m != c {
			parts = append(parts, "the "+c.Locale+" copy")
		}
	}
	for _, m := range mine.Copy {
		if _, ok := cur.CopyFor(m.Locale); !ok {
			parts = append(parts, "the "+m.Locale+" copy")
		}
	}
	if !slices.EqualFunc(cur.Products, mine.Products, func(x, y store.PaywallProduct) bool {
		return x.PlatformRef == y.PlatformRef && x.SKU == y.SKU && x.Badge == y.Badge && x.Highlighted == y.Highlighted
	}) {
		parts = append(parts, "the products")
	}
	if cur.SDK != mine.SDK {
		parts = append(parts, "the SDK setting")
	}
	if cur.HeroImage != mine.HeroImage {
		parts = append(parts, "the image")
	}
	who := cur.UpdatedBy
	if who == "" {
		who = "Someone else"
	}
	msg := who + " saved this paywall at " + cur.UpdatedAt.Format("15:04 MST") + ", while you were editing."
	if len(parts) > 0 {
		msg += " Their version differs from yours in " + strings.Join(parts, ", ") + "."
	}
	return msg + " Nothing was overwritten. Your edits are still here: save again to replace their version, or reload to keep theirs."
}
