package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // the formats CheckImage accepts, for image.Decode
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"regexp"
	"strconv"

	"github.com/labstack/echo/v4"
	_ "golang.org/x/image/webp"

	"nami/offer"
	"nami/store"
	"nami/urls"
	"nami/views"
)

// UploadImage sets a paywall's image from the multipart field `image`. The bytes decide what the
// file is; anything but a PNG, JPEG, GIF or WebP within the limits is refused and nothing changes.
func (h *Handler) UploadImage(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	pw, err := h.store.Paywall(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	data, msg := readUpload(c)
	var info offer.ImageInfo
	if msg == "" {
		if info, err = offer.CheckImage(data); err != nil {
			msg = err.Error()
		} else {
			msg = decodeWhole(data, info)
		}
	}
	if msg == "" {
		msg = h.setImage(c, &pw, &store.Image{ContentType: info.ContentType, Width: info.Width, Height: info.Height, Data: data})
	}
	return h.imageAnswer(c, pw, msg)
}

// decodeWhole decodes every pixel of an image CheckImage accepted from its header alone, so
// that a file with a valid header and damaged or missing pixel data is refused, with the message
// of other unreadable images, rather than stored and shown broken; "" when it decodes. The size
// is bounded by CheckImage (at most 4096 pixels a side).
func decodeWhole(data []byte, info offer.ImageInfo) string {
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		name, ok := formatNames[info.ContentType]
		if !ok {
			name = info.ContentType
		}
		return fmt.Sprintf("This file looks like a %s image but cannot be read; it may be damaged.", name)
	}
	return ""
}

var formatNames = map[string]string{"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP"}

// RemoveImage takes the image off a paywall.
func (h *Handler) RemoveImage(c echo.Context) error {
	pw, err := h.store.Paywall(c.Request().Context(), currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	return h.imageAnswer(c, pw, h.setImage(c, &pw, nil))
}

// readUpload reads the `image` part, refusing more than the limit without reading it all.
func readUpload(c echo.Context) ([]byte, string) {
	fh, err := c.FormFile("image")
	if err != nil {
		return nil, "Choose an image file to upload."
	}
	if fh.Size > offer.MaxImageBytes {
		return nil, fmt.Sprintf("The image is %.1f MB; the limit is 5 MB.", float64(fh.Size)/(1<<20))
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "The upload could not be read. Try again."
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, offer.MaxImageBytes+1))
	if err != nil {
		return nil, "The upload could not be read. Try again."
	}
	return data, ""
}

// setImage stores img (nil removes the image) on pw if the editor's version is current; it returns a
// message for the user when it did not.
func (h *Handler) setImage(c echo.Context, pw *store.Paywall, img *store.Image) string {
	ctx := c.Request().Context()
	switch v := c.FormValue("version"); {
	case v == "":
		return "The page is out of date. Reload it and try again."
	case v != fmt.Sprint(pw.Version):
		return paywallConflict(*pw, *pw)
	}
	err := h.store.InTx(ctx, func(tx *store.Tx) error {
		pw.HeroImage = ""
		if img != nil {
			if err := tx.PutImage(ctx, img); err != nil {
				return err
			}
			pw.HeroImage = img.Hash
		}
		pw.UpdatedBy = user(c).Email
		if err := tx.UpdatePaywall(ctx, pw); err != nil {
			return err
		}
		action := "set image of"
		if img == nil {
			action = "removed image of"
		}
		return h.changed(c, tx, action, "paywall", pw.Ref)
	})
	if errors.Is(err, store.ErrStale) {
		return "Someone else saved this paywall a moment ago. Reload the page, then upload again."
	}
	if err != nil {
		h.log.Error("saving image", "err", err)
		return "The image could not be saved. Try again."
	}
	return ""
}

// imageAnswer answers an upload or removal. For htmx: the image card (422 with the message on
// failure; on success also the new version, out of band, and a preview refresh). A refused upload
// never hands out the current version, so a stale form cannot overwrite someone else's save.
// Without JavaScript: the editor page again, 422 with the message on failure.
func (h *Handler) imageAnswer(c echo.Context, pw store.Paywall, msg string) error {
	fresh, err := h.store.Paywall(c.Request().Context(), pw.AppID, pw.Ref)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		if msg == "" {
			setFlash(c, "success", "Image saved.")
			return h.redirect(c, urls.Paywall(currentApp(c).Slug, fresh.Ref))
		}
		return h.renderEditor(c, http.StatusUnprocessableEntity, fresh, editorState{imageError: msg, errors: map[string]string{}})
	}
	products, platforms, err := h.editorData(c)
	if err != nil {
		return err
	}
	p := h.page(c, fresh.Name, "paywalls")
	v := editorView(currentApp(c).Slug, fresh, editorState{imageError: msg, errors: map[string]string{}}, products, platforms)
	if msg != "" {
		// Keep the version the page had: a refused upload must not make a stale page current.
		if posted, err := strconv.Atoi(c.FormValue("version")); err == nil {
			v.Version = posted
		}
		return h.render(c, http.StatusUnprocessableEntity, views.ImageCardUpdate(p, v, false))
	}
	c.Response().Header().Set("HX-Trigger", "pw-refresh")
	return h.render(c, http.StatusOK, views.ImageCardUpdate(p, v, true))
}

var imageHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ServeImage serves an uploaded image by its content hash, cacheable forever.
func (h *Handler) ServeImage(c echo.Context) error {
	hash := c.Param("hash")
	if !imageHash.MatchString(hash) {
		return echo.NewHTTPError(http.StatusNotFound, "No such image.")
	}
	img, err := h.store.Image(c.Request().Context(), hash)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("ETag", `"`+hash+`"`)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if c.Request().Header.Get("If-None-Match") == `"`+hash+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, img.ContentType, img.Data)
}
