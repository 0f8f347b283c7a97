package handlers

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"nami/store"
	"nami/urls"
	"nami/views"
)

// shareLife is how long a shared preview link works.
const shareLife = 7 * 24 * time.Hour

// previewCSP lets the preview be framed by the control center itself, and nothing else.
const previewCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// PaywallPreviewPage renders a paywall's saved draft alone, as a device would show it.
func (h *Handler) PaywallPreviewPage(c echo.Context) error {
	pw, err := h.store.Paywall(c.Request().Context(), currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	return h.previewDocument(c, currentApp(c), pw)
}

func (h *Handler) previewDocument(c echo.Context, a store.App, pw store.Paywall) error {
	ctx := c.Request().Context()
	products, err := h.store.Products(ctx, a.ID)
	if err != nil {
		return err
	}
	platforms, err := h.store.Platforms(ctx, a.ID)
	if err != nil {
		return err
	}
	platform := previewPlatform(pw, platforms, c.QueryParam("platform"))
	s := buildScreen(pw, productIndex(products), platform, c.QueryParam("locale"), c.QueryParam("device"))
	s.Appearance = views.Appearance(c.QueryParam("appearance")) // ?appearance=light|dark, else the viewer's own
	c.Response().Header().Set("Content-Security-Policy", previewCSP)
	c.Response().Header().Set("X-Frame-Options", "SAMEORIGIN")
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, http.StatusOK, views.PaywallDocument(s, pw.Name+" · preview", false, "", ""))
}

// SharePaywall makes a signed link to the paywall's preview that works without an account for 7 days.
func (h *Handler) SharePaywall(c echo.Context) error {
	a := currentApp(c)
	pw, err := h.store.Paywall(c.Request().Context(), a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	tok, err := h.shareToken(c.Request().Context(), a.Slug, pw.Ref, h.now().Add(shareLife))
	if err != nil {
		return err
	}
	if err := h.store.InTx(c.Request().Context(), func(tx *store.Tx) error {
		return tx.Audit(c.Request().Context(), store.AuditEntry{UserEmail: user(c).Email, AppSlug: a.Slug, Action: "shared", Entity: "paywall", Ref: pw.Ref, Detail: "preview link for 7 days"})
	}); err != nil {
		return err
	}
	return h.redirect(c, urls.Paywall(a.Slug, pw.Ref)+"?shared="+"/share/"+tok)
}

// SharedPreview shows a shared paywall preview to anyone holding a valid, unexpired link. It shows
// the paywall as it is when opened, so a reviewer always sees the latest draft.
func (h *Handler) SharedPreview(c echo.Context) error {
	ctx := c.Request().Context()
	slug, ref, err := h.checkShareToken(ctx, c.Param("token"))
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "This preview link is not valid or has expired. Ask for a new one.")
	}
	a, err := h.store.AppBySlug(ctx, slug)
	if err != nil {
		return err
	}
	pw, err := h.store.Paywall(ctx, a.ID, ref)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	return h.previewDocument(c, a, pw)
}

// shareToken signs "slug \x00 ref \x00 expiry" with the install's share key.
func (h *Handler) shareToken(ctx context.Context, slug, ref string, exp time.Time) (string, error) {
	key := h.shareKey
	payload := []byte(slug + "\x00" + ref + "\x00" + strconv.FormatInt(exp.Unix(), 10))
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

func (h *Handler) checkShareToken(ctx context.Context, tok string) (slug, ref string, err error) {
	bad := errors.New("invalid share token")
	p, s, ok := strings.Cut(tok, ".")
	if !ok {
		return "", "", bad
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sig, err2 := base64.RawURLEncoding.DecodeString(s)
	if err1 != nil || err2 != nil {
		return "", "", bad
	}
	mac := hmac.New(sha256.New, h.shareKey)
	mac.Write(payload)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return "", "", bad
	}
	parts := bytes.Split(payload, []byte{0})
	if len(parts) != 3 {
		return "", "", bad
	}
	exp, err := strconv.ParseInt(string(parts[2]), 10, 64)
	if err != nil || h.now().Unix() > exp {
		return "", "", bad
	}
	return string(parts[0]), string(parts[1]), nil
}

// shareQR is a QR code of a share link as a data URI, so a marketer can open the preview on a
// phone. It is empty if the link cannot be encoded (the page then shows just the link).
func shareQR(link string) string {
	png, err := qrcode.Encode(link, qrcode.Medium, 220)
	if err != nil {
		return ""
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
}
