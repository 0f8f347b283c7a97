package handlers

import (
	"context"
	"errors"
	"strconv"

	"github.com/labstack/echo/v4"

	"nami/engine"
	"nami/store"
	"nami/urls"
)

// maxNameLength is the longest display name checkName accepts, in characters.
const maxNameLength = 120

// copySuffix is the ref of the n-th copy of a campaign: "-copy", then "-copy-2", "-copy-3", ...
func copySuffix(n int) string {
	if n == 1 {
		return "-copy"
	}
	return "-copy-" + strconv.Itoa(n)
}

// copyRef is the first ref base-copy, base-copy-2, ... that taken does not hold, with base cut
// short where needed so that the ref stays within engine.ValidRef's 64 characters.
func copyRef(base string, taken map[string]bool) string {
	for n := 1; ; n++ {
		suffix := copySuffix(n)
		b := base
		if len(b)+len(suffix) > 64 {
			b = b[:64-len(suffix)] // refs are ASCII
		}
		if ref := b + suffix; !taken[ref] && engine.ValidRef(ref) {
			return ref
		}
	}
}

// copyName is "<name> (copy)", with the name cut short to keep it within 120 characters.
func copyName(name string) string {
	const suffix = " (copy)"
	if r := []rune(name); len(r)+len(suffix) > maxNameLength {
		name = string(r[:maxNameLength-len(suffix)])
	}
	return name + suffix
}

// DuplicateCampaign creates a draft copy of a campaign, with the same label, priority, schedule,
// holdout, audience and variants, under the first free ref among ref-copy, ref-copy-2, ..., and
// opens its builder.
func (h *Handler) DuplicateCampaign(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	src, err := h.store.Campaign(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	list, err := h.store.Campaigns(ctx, a.ID)
	if err != nil {
		return err
	}
	taken := make(map[string]bool, len(list))
	for _, cp := range list {
		taken[cp.Ref] = true
	}
	cp := src
	cp.ID, cp.Version, cp.Status, cp.Name = 0, 0, engine.StatusDraft, copyName(src.Name)
	cp.Variants = append([]store.CampaignVariant(nil), src.Variants...)
	// Another editor may take the chosen ref in between: then the next free one is tried.
	for range 5 {
		cp.Ref = copyRef(src.Ref, taken)
		err = h.commit(c, "duplicated", "campaign", cp.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCampaign(ctx, &cp) })
		if !errors.Is(err, store.ErrConflict) {
			break
		}
		taken[cp.Ref] = true
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Duplicated "+src.Name+" as the draft "+cp.Name+" ("+cp.Ref+"). Change what differs, then make it live.")
	return h.redirect(c, urls.Campaign(a.Slug, cp.Ref))
}
