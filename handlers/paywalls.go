package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/offer"
	"nami/store"
	"nami/urls"
	"nami/views"
)

// Default look of a new paywall.
var defaultTheme = store.Theme{Accent: "#6D28D9", Background: "#FFFFFF", Text: "#111827"}

func (h *Handler) renderPaywalls(c echo.Context, status int, f views.Form) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	p, err := h.appPage(c, "Paywalls", "paywalls")
	if err != nil {
		return err
	}
	sums, err := h.store.PaywallSummaries(ctx, a.ID)
	if err != nil {
		return err
	}
	all, err := h.store.Paywalls(ctx, a.ID)
	if err != nil {
		return err
	}
	full := map[string]store.Paywall{}
	for _, pw := range all {
		full[pw.Ref] = pw
	}
	products, err := h.store.Products(ctx, a.ID)
	if err != nil {
		return err
	}
	idx := productIndex(products)
	v := views.PaywallsView{Slug: a.Slug, New: f}
	for _, s := range sums {
		pw := full[s.Ref]
		v.Cards = append(v.Cards, views.PaywallCard{Ref: s.Ref, Name: s.Name, Template: s.Template, Locales: s.Locales, Products: s.Products,
			Campaigns: s.Campaigns, UpdatedBy: s.UpdatedBy, Updated: s.UpdatedAt.Format("2 Jan 2006 15:04 MST"),
			Screen: buildScreen(pw, idx, previewPlatform(pw, nil, ""), pw.DefaultLocale, "phone")})
	}
	if v.New.Values == nil {
		v.New = views.Form{Values: map[string][]string{"template": {"hero"}}}
	}
	return h.render(c, status, views.PaywallsPage(p, v))
}

// Paywalls lists the app's paywalls.
func (h *Handler) Paywalls(c echo.Context) error {
	return h.renderPaywalls(c, http.StatusOK, views.Form{})
}

// CreatePaywall creates a paywall from `ref`, `name` and `template`, then opens its editor.
func (h *Handler) CreatePaywall(c echo.Context) error {
	f := formOf(c)
	a := currentApp(c)
	pw := store.Paywall{AppID: a.ID, Ref: trimmed(f, "ref"), Name: trimmed(f, "name"), Template: f.Get("template"),
		DefaultLocale: "en", Theme: defaultTheme, UpdatedBy: user(c).Email}
	checkName(f, "name")
	if err := offer.CheckRef(pw.Ref); err != nil {
		f.Errors["ref"] = err.Error()
	}
	if !knownTemplate(pw.Template) {
		f.Errors["template"] = "Choose hero, cards or minimal."
	}
	if len(f.Errors) == 0 {
		pw.Copy = []store.Copy{{Locale: "en", Title: pw.Name, CTA: "Continue"}}
		err := h.commit(c, "created", "paywall", pw.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePaywall(ctx, &pw) })
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["ref"] = "This app already has a paywall with this ref."
		case err != nil:
			return err
		default:
			setFlash(c, "success", "Created "+pw.Name+". Write its copy and pick its products.")
			return h.redirect(c, urls.Paywall(a.Slug, pw.Ref))
		}
	}
	return h.renderPaywalls(c, http.StatusUnprocessableEntity, f)
}

func knownTemplate(t string) bool {
	for _, o := range views.Templates {
		if o.Value == t {
			return true
		}
	}
	return false
}

// DuplicatePaywall copies a paywall under a free ref ("spring-copy", "spring-copy-2", ...).
func (h *Handler) DuplicatePaywall(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	pw, err := h.store.Paywall(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	base := pw.Ref
	if len(base) > 55 {
		base = base[:55] // refs are ASCII
	}
	name := "Copy of " + pw.Name
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120])
	}
	cp := pw
	cp.ID, cp.Name, cp.UpdatedBy = 0, name, user(c).Email
	for i := 1; ; i++ {
		cp.Ref = base + "-copy"
		if i > 1 {
			cp.Ref += "-" + strconv.Itoa(i)
		}
		err = h.commit(c, "duplicated", "paywall", cp.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePaywall(ctx, &cp) })
		if !errors.Is(err, store.ErrConflict) || i > 50 {
			break
		}
	}
	if errors.Is(err, store.ErrConflict) {
		setFlash(c, "error", "There are already 50 copies of "+pw.Name+"; rename or delete some first.")
		return h.redirect(c, urls.Paywall(a.Slug, pw.Ref))
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Duplicated "+pw.Name+" as "+cp.Ref+".")
	return h.redirect(c, urls.Paywall(a.Slug, cp.Ref))
}

// DeletePaywall deletes a paywall unless a campaign still shows it.
func (h *Handler) DeletePaywall(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	pw, err := h.store.Paywall(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	err = h.commit(c, "deleted", "paywall", pw.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.DeletePaywall(ctx, pw.ID) })
	if errors.Is(err, store.ErrInUse) {
		used, uerr := h.store.PaywallCampaigns(ctx, pw.ID)
		if uerr != nil {
			return uerr
		}
		setFlash(c, "error", "The paywall "+pw.Name+" is used by the campaign"+pluralS(len(used))+" "+
			strings.Join(used, ", ")+". Remove it from "+themOrIt(len(used))+" first; nothing was deleted.")
		return h.redirect(c, urls.Paywall(a.Slug, pw.Ref))
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Deleted "+pw.Name+".")
	return h.redirect(c, urls.Paywalls(a.Slug))
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func themOrIt(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
