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
	return h.renderPaywallsWith(c, status, f, "")
}

// renderPaywallsWith renders one page of the paywalls that match the search, each with its
// live mini preview (so at most a page of previews), and bulkErr beside the bulk bar.
func (h *Handler) renderPaywallsWith(c echo.Context, status int, f views.Form, bulkErr string) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	p, err := h.appPage(c, "Paywalls", "paywalls")
	if err != nil {
		return err
	}
	ls := listStateOf(c)
	ls.Rows = views.PaywallPageRows // each row is a live preview
	sums, total, err := h.store.PaywallSummariesPage(ctx, a.ID, ls.query())
	if err != nil {
		return err
	}
	if last, past := ls.lastPage(total); past && total > 0 {
		ls = last
		if sums, total, err = h.store.PaywallSummariesPage(ctx, a.ID, ls.query()); err != nil {
			return err
		}
	}
	v := views.PaywallsView{Slug: a.Slug, New: f, All: total, BulkError: bulkErr}
	if ls.Q != "" {
		if v.All, err = h.store.CountPaywalls(ctx, a.ID); err != nil {
			return err
		}
	}
	var idx map[string]store.Product
	if len(sums) > 0 {
		products, err := h.store.Products(ctx, a.ID)
		if err != nil {
			return err
		}
		idx = productIndex(products)
	}
	for _, s := range sums {
		pw, err := h.store.Paywall(ctx, a.ID, s.Ref)
		if err != nil {
			return err
		}
		v.Cards = append(v.Cards, views.PaywallCard{Ref: s.Ref, Name: s.Name, Template: s.Template, Locales: s.Locales, Products: s.Products,
			Campaigns: s.Campaigns, UpdatedBy: s.UpdatedBy, Updated: s.UpdatedAt.Format("2 Jan 2006 15:04 MST"),
			Screen: buildScreen(pw, idx, previewPlatform(pw, nil, ""), pw.DefaultLocale, "phone")})
	}
	v.Pager = ls.pager(urls.Paywalls(a.Slug), nil, total, len(sums), "paywall", "paywalls")
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

// BulkDeletePaywalls deletes the selected paywalls (sel=ref) in one transaction, with an audit
// entry each, like DeletePaywall; a paywall a campaign still shows is refused, with the campaigns.
func (h *Handler) BulkDeletePaywalls(c echo.Context) error {
	f := formOf(c)
	a := currentApp(c)
	sel, msg := bulkSelection(f, "paywalls")
	if msg != "" {
		return h.renderPaywallsWith(c, http.StatusUnprocessableEntity, views.Form{}, msg)
	}
	var res views.BulkResult
	err := h.commitBulk(c, func(ctx context.Context, tx *store.Tx, audit func(action, entity, ref, detail string) error) error {
		res = views.BulkResult{}
		for _, ref := range sel {
			pw, err := tx.Paywall(ctx, a.ID, ref)
			if errors.Is(err, store.ErrNotFound) {
				res.Refused = append(res.Refused, ref+": it no longer exists")
				continue
			}
			if err != nil {
				return err
			}
			err = tx.DeletePaywall(ctx, pw.ID)
			if errors.Is(err, store.ErrInUse) {
				used, uerr := tx.PaywallCampaigns(ctx, pw.ID)
				if uerr != nil {
					return uerr
				}
				res.Refused = append(res.Refused, pw.Name+": used by the campaign"+pluralS(len(used))+" "+strings.Join(used, ", "))
				continue
			}
			if err != nil {
				return err
			}
			if err := audit("deleted", "paywall", pw.Ref, ""); err != nil {
				return err
			}
			res.Done = append(res.Done, pw.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	setFlash(c, bulkFlashKind(res), bulkReport("Deleted", "paywall", "paywalls", res))
	return h.redirect(c, listStateOf(c).pager(urls.Paywalls(a.Slug), nil, 0, 0, "", "").Here())
}
