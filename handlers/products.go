package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/offer"
	"nami/store"
	"nami/urls"
	"nami/views"
)

var kindLabels = map[string]string{"subscription": "Subscription", "non_consumable": "One-time", "consumable": "Consumable"}

// productsView fills the lists a products page needs; filter is kept only if it names a platform.
// It loads one page of the products that match the search, not all of them.
func (h *Handler) productsView(c echo.Context, filter string, ls listState) (views.ProductsView, error) {
	ctx := c.Request().Context()
	a := currentApp(c)
	v := views.ProductsView{Slug: a.Slug}
	platforms, err := h.store.Platforms(ctx, a.ID)
	if err != nil {
		return v, err
	}
	names := map[string]string{}
	for _, p := range platforms {
		v.Platforms = append(v.Platforms, views.Option{Value: p.Ref, Label: p.Name})
		names[p.Ref] = p.Name
		if p.Ref == filter {
			v.Filter = filter
		}
	}
	ents, err := h.store.Entitlements(ctx, a.ID)
	if err != nil {
		return v, err
	}
	for _, e := range ents {
		v.Entitlements = append(v.Entitlements, views.Option{Value: e.Ref, Label: e.Name})
	}
	v.Kinds = options(offer.KindChoices)
	products, total, err := h.store.ProductsPage(ctx, a.ID, v.Filter, ls.query())
	if err != nil {
		return v, err
	}
	if last, past := ls.lastPage(total); past && total > 0 {
		ls = last
		if products, total, err = h.store.ProductsPage(ctx, a.ID, v.Filter, ls.query()); err != nil {
			return v, err
		}
	}
	if v.Filter == "" && ls.Q == "" {
		v.Total = total
	} else if v.Total, err = h.store.CountProducts(ctx, a.ID); err != nil {
		return v, err
	}
	locale := marketerLocale(c)
	for _, p := range products {
		v.Rows = append(v.Rows, views.ProductRow{PlatformRef: p.PlatformRef, PlatformName: names[p.PlatformRef], SKU: p.SKU,
			Name: p.Name, Kind: p.Kind, KindLabel: kindLabels[p.Kind], PriceText: priceTextIn(p, locale), Entitlements: p.Entitlements})
	}
	v.Pager = ls.pager(urls.Products(a.Slug), url.Values{"platform": {v.Filter}}, total, len(v.Rows), "product", "products")
	return v, nil
}

// priceText says a product's price in words, e.g. "$9.99 / month, 1 week free".
func priceText(p store.Product) string { return priceTextIn(p, "en") }

func (h *Handler) renderProducts(c echo.Context, status int, filter string, newForm views.Form, editKey string, edit views.Form) error {
	return h.renderProductsWith(c, status, filter, listStateOf(c), newForm, editKey, edit, "")
}

func (h *Handler) renderProductsWith(c echo.Context, status int, filter string, ls listState, newForm views.Form, editKey string, edit views.Form, bulkErr string) error {
	p, err := h.appPage(c, "Products", "products")
	if err != nil {
		return err
	}
	v, err := h.productsView(c, filter, ls)
	if err != nil {
		return err
	}
	v.BulkError = bulkErr
	if editKey != "" && edit.Values != nil {
		v.Rows = withEditedRow(v.Rows, editKey, edit)
	}
	v.New, v.EditKey, v.Edit = newForm, editKey, edit
	if v.New.Values == nil {
		v.New = views.Form{Values: map[string][]string{"platform": {v.Filter}, "kind": {"subscription"}, "period": {"P1M"}, "currency": {"USD"}}}
	}
	v.NewChoices, v.EditChoices = productChoices(v.New), productChoices(v.Edit)
	return h.renderSection(c, status, p, views.ProductsPage(p, v), views.ProductsSection(p, v))
}

// Products lists the app's products, optionally only one platform's (?platform=ref).
func (h *Handler) Products(c echo.Context) error {
	return h.renderProducts(c, http.StatusOK, c.QueryParam("platform"), views.Form{}, "", views.Form{})
}

// EditProduct shows the list with one product's row as a form.
func (h *Handler) EditProduct(c echo.Context) error {
	pr, err := h.store.Product(c.Request().Context(), currentApp(c).ID, c.Param("platform"), c.Param("sku"))
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string][]string{"platform": {pr.PlatformRef}, "sku": {pr.SKU}, "name": {pr.Name}, "kind": {pr.Kind},
		"price": {pr.Price}, "currency": {pr.Currency}, "period": {pr.Period}, "trial": {pr.Trial}, "entitlements": pr.Entitlements,
		"version": {strconv.Itoa(pr.Version)}}}
	return h.renderProducts(c, http.StatusOK, c.QueryParam("filter"), views.Form{}, pr.PlatformRef+"/"+pr.SKU, f)
}

// readProduct validates the product form into f.Errors and returns the product it describes.
// keepPeriod is the period the product already has, which may stay even when the list lacks it.
func (h *Handler) readProduct(c echo.Context, f views.Form, keepPeriod string) (store.Product, error) {
	ctx := c.Request().Context()
	pr := store.Product{PlatformRef: f.Get("platform"), SKU: trimmed(f, "sku"), Name: trimmed(f, "name"), Kind: f.Get("kind"),
		Price: trimmed(f, "price"), Currency: strings.ToUpper(trimmed(f, "currency")), Period: f.Get("period"), Trial: strings.ToUpper(trimmed(f, "trial"))}
	price, priceErr := offer.NormalizePrice(pr.Price)
	if priceErr == nil {
		pr.Price, priceErr = price, offer.CheckPrice(price)
	}
	if pr.Kind != "subscription" {
		pr.Period, pr.Trial = "", "" // the form hides these for one-time products
	}
	checkName(f, "name")
	if err := offer.CheckSKU(pr.SKU); err != nil {
		f.Errors["sku"] = err.Error()
	}
	checks := []struct {
		field string
		err   error
	}{
		{"kind", offer.CheckKind(pr.Kind)},
		{"price", priceErr},
		{"currency", offer.CheckCurrency(pr.Currency)},
	}
	for _, ch := range checks {
		if ch.err != nil {
			f.Errors[ch.field] = ch.err.Error()
		}
	}
	if f.Err("kind") == "" {
		if pr.Kind == offer.KindSubscription {
			if err := checkPeriodChoice(pr.Period, keepPeriod); err != nil {
				f.Errors["period"] = err.Error()
			}
		}
		if err := offer.CheckTrial(pr.Kind, pr.Trial); err != nil {
			f.Errors["trial"] = err.Error()
		}
	}
	pl, err := h.store.Platform(ctx, currentApp(c).ID, pr.PlatformRef)
	switch {
	case errors.Is(err, store.ErrNotFound):
		f.Errors["platform"] = "Choose one of this app's platforms."
	case err != nil:
		return pr, err
	default:
		pr.PlatformID = pl.ID
	}
	ents, err := h.store.Entitlements(ctx, currentApp(c).ID)
	if err != nil {
		return pr, err
	}
	seen := map[string]bool{}
	for _, ref := range f.Values["entitlements"] {
		found := false
		for _, e := range ents {
			found = found || e.Ref == ref
		}
		if !found {
			f.Errors["entitlements"] = "Unknown entitlement " + strconv.Quote(ref) + "."
		} else if !seen[ref] {
			pr.Entitlements = append(pr.Entitlements, ref)
			seen[ref] = true
		}
	}
	return pr, nil
}

// CreateProduct adds a product SKU to one of the app's platforms.
func (h *Handler) CreateProduct(c echo.Context) error {
	f := formOf(c)
	pr, err := h.readProduct(c, f, "")
	if err != nil {
		return err
	}
	filter := f.Get("filter")
	if len(f.Errors) == 0 {
		err := h.commit(c, "created", "product", pr.PlatformRef+"/"+pr.SKU, func(ctx context.Context, tx *store.Tx) error { return tx.CreateProduct(ctx, &pr) })
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["sku"] = "This platform already has a product with this SKU."
		case err != nil:
			return err
		default:
			return h.listDone(c, "Added "+pr.Name+" ("+pr.SKU+").", productsHere(c, filter), func() error { return h.renderProducts(c, http.StatusCreated, filter, views.Form{}, "", views.Form{}) })
		}
	}
	return h.renderProducts(c, http.StatusUnprocessableEntity, filter, f, "", views.Form{})
}

// UpdateProduct saves an edited product unless someone else saved it first.
func (h *Handler) UpdateProduct(c echo.Context) error {
	ctx := c.Request().Context()
	old, err := h.store.Product(ctx, currentApp(c).ID, c.Param("platform"), c.Param("sku"))
	if err != nil {
		return err
	}
	f := formOf(c)
	pr, err := h.readProduct(c, f, old.Period)
	if err != nil {
		return err
	}
	pr.ID, pr.Version = old.ID, formVersion(f)
	filter := f.Get("filter")
	status := http.StatusUnprocessableEntity
	if len(f.Errors) == 0 {
		changes := fieldChanges([3]string{"sku", old.SKU, pr.SKU}, [3]string{"name", old.Name, pr.Name}, [3]string{"kind", old.Kind, pr.Kind},
			[3]string{"price", old.Price, pr.Price}, [3]string{"currency", old.Currency, pr.Currency}, [3]string{"period", old.Period, pr.Period},
			[3]string{"trial", old.Trial, pr.Trial}, [3]string{"entitlements", strings.Join(old.Entitlements, ", "), strings.Join(pr.Entitlements, ", ")})
		err := h.commitDetail(c, "updated", "product", pr.PlatformRef+"/"+pr.SKU, changes, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateProduct(ctx, &pr) })
		switch {
		case errors.Is(err, store.ErrStale):
			status = http.StatusConflict
			var d []string
			d = diff(d, "name", old.Name, pr.Name)
			d = diff(d, "sku", old.SKU, pr.SKU)
			d = diff(d, "price", old.Price+" "+old.Currency, pr.Price+" "+pr.Currency)
			d = diff(d, "period", old.Period, pr.Period)
			d = diff(d, "trial", old.Trial, pr.Trial)
			d = diff(d, "grants", strings.Join(old.Entitlements, ", "), strings.Join(pr.Entitlements, ", "))
			f.Errors["_form"] = staleMessage("product", d)
			f.Values["version"] = []string{strconv.Itoa(old.Version)}
		case errors.Is(err, store.ErrConflict):
			f.Errors["sku"] = "This platform already has a product with this SKU."
		case err != nil:
			return err
		default:
			return h.listDone(c, "Saved "+pr.Name+".", productsHere(c, filter), func() error { return h.renderProducts(c, http.StatusOK, filter, views.Form{}, "", views.Form{}) })
		}
	}
	return h.renderProducts(c, status, filter, views.Form{}, old.PlatformRef+"/"+old.SKU, f)
}

// DeleteProduct deletes a product; paywalls stop offering it.
func (h *Handler) DeleteProduct(c echo.Context) error {
	ctx := c.Request().Context()
	pr, err := h.store.Product(ctx, currentApp(c).ID, c.Param("platform"), c.Param("sku"))
	if err != nil {
		return err
	}
	err = h.commit(c, "deleted", "product", pr.PlatformRef+"/"+pr.SKU, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteProduct(ctx, pr.ID) })
	if err != nil {
		return err
	}
	setFlash(c, "success", "Deleted "+pr.Name+" ("+pr.SKU+").")
	filter := c.QueryParam("filter")
	if !isHTMX(c) {
		return h.redirect(c, productsHere(c, filter))
	}
	return h.renderProducts(c, http.StatusOK, filter, views.Form{}, "", views.Form{})
}

// productsHere is the products list as the request had it: platform filter, search and page.
func productsHere(c echo.Context, filter string) string {
	ls := listStateOf(c)
	return ls.pager(urls.Products(currentApp(c).Slug), url.Values{"platform": {filter}}, 0, 0, "", "").Here()
}

// withEditedRow makes sure the row being edited is on the page, first if the page lacks it.
func withEditedRow(rows []views.ProductRow, key string, edit views.Form) []views.ProductRow {
	for _, r := range rows {
		if r.PlatformRef+"/"+r.SKU == key {
			return rows
		}
	}
	platform, sku, _ := strings.Cut(key, "/")
	return append([]views.ProductRow{{PlatformRef: platform, SKU: sku, Name: edit.Get("name")}}, rows...)
}

// BulkDeleteProducts deletes the selected products (sel=platform/sku) in one transaction, with
// an audit entry each, like DeleteProduct; products that no longer exist are reported as refused.
func (h *Handler) BulkDeleteProducts(c echo.Context) error {
	f := formOf(c)
	filter := f.Get("platform")
	ls := listStateOf(c)
	sel, msg := bulkSelection(f, "products")
	if msg != "" {
		return h.renderProductsWith(c, http.StatusUnprocessableEntity, filter, ls, views.Form{}, "", views.Form{}, msg)
	}
	var res views.BulkResult
	err := h.commitBulk(c, func(ctx context.Context, tx *store.Tx, audit func(action, entity, ref, detail string) error) error {
		res = views.BulkResult{}
		for _, key := range sel {
			platform, sku, _ := strings.Cut(key, "/")
			pr, err := tx.Product(ctx, currentApp(c).ID, platform, sku)
			if errors.Is(err, store.ErrNotFound) {
				res.Refused = append(res.Refused, key+": it no longer exists")
				continue
			}
			if err != nil {
				return err
			}
			if err := tx.DeleteProduct(ctx, pr.ID); err != nil {
				return err
			}
			if err := audit("deleted", "product", pr.PlatformRef+"/"+pr.SKU, ""); err != nil {
				return err
			}
			res.Done = append(res.Done, pr.Name+" ("+pr.SKU+")")
		}
		return nil
	})
	if err != nil {
		return err
	}
	setFlash(c, bulkFlashKind(res), bulkReport("Deleted", "product", "products", res))
	return h.redirect(c, productsHere(c, filter))
}
