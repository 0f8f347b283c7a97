package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"nami/engine"
	"nami/store"
	"nami/urls"
	"nami/views"
)

// PaywallHistory lists a paywall's saved versions with what each changed.
func (h *Handler) PaywallHistory(c echo.Context) error {
	return h.renderHistory(c, http.StatusOK, store.EntityPaywall, "", "")
}

// CampaignHistory lists a campaign's saved versions with what each changed.
func (h *Handler) CampaignHistory(c echo.Context) error {
	return h.renderHistory(c, http.StatusOK, store.EntityCampaign, "", "")
}

// historyEntity is what the history page needs of the paywall or campaign itself.
type historyEntity struct {
	name    string
	version int
	back    string
}

func (h *Handler) historyEntity(ctx context.Context, a store.App, entity, ref string) (historyEntity, error) {
	if entity == store.EntityPaywall {
		pw, err := h.store.Paywall(ctx, a.ID, ref)
		return historyEntity{pw.Name, pw.Version, urls.Paywall(a.Slug, pw.Ref)}, err
	}
	cp, err := h.store.Campaign(ctx, a.ID, ref)
	return historyEntity{cp.Name, cp.Version, urls.Campaign(a.Slug, cp.Ref)}, err
}

// renderHistory renders the history page of the paywall or campaign named in the URL, with a
// conflict (409) or a refused restore's message when given.
func (h *Handler) renderHistory(c echo.Context, status int, entity, conflict, refused string) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	ref := c.Param("ref")
	cur, err := h.historyEntity(ctx, a, entity, ref)
	if err != nil {
		return err
	}
	versions, err := h.store.Versions(ctx, a.ID, entity, ref)
	if err != nil {
		return err
	}
	loc := marketerZone(c)
	v := views.HistoryView{Entity: entity, Name: cur.name, Ref: ref, BackURL: cur.back, Version: cur.version, Conflict: conflict, Error: refused}
	for i, ver := range versions {
		row := views.HistoryRow{Version: ver.Version, By: ver.UserEmail, At: ver.SavedAt.In(loc).Format("2 Jan 2006 15:04 MST"),
			Current: ver.Version == cur.version}
		if row.By == "" {
			row.By = "unknown"
		}
		if entity == store.EntityPaywall {
			row.RestoreURL = urls.PaywallRestore(a.Slug, ref, ver.Version)
		} else {
			row.RestoreURL = urls.CampaignRestore(a.Slug, ref, ver.Version)
		}
		switch {
		case i+1 == len(versions) && ver.Version == 1:
			row.Summary = "Created"
		case i+1 == len(versions):
			row.Summary = "The oldest version kept: earlier saves were made before history was recorded."
		default:
			if row.Changes, err = versionChanges(versions[i+1], ver, loc); err != nil {
				return err
			}
			if len(row.Changes) == 0 {
				row.Summary = "No change to the content"
			}
		}
		v.Rows = append(v.Rows, row)
	}
	section := "paywalls"
	if entity == store.EntityCampaign {
		section = "campaigns"
	}
	p, err := h.appPage(c, "History of "+cur.name, section)
	if err != nil {
		return err
	}
	return h.render(c, status, views.HistoryPage(p, v))
}

// versionChanges says what version cur changed against prev.
func versionChanges(prev, cur store.EntityVersion, loc *time.Location) ([]views.HistoryChange, error) {
	if cur.Entity == store.EntityPaywall {
		a, err := prev.Paywall()
		if err != nil {
			return nil, err
		}
		b, err := cur.Paywall()
		if err != nil {
			return nil, err
		}
		return paywallChanges(a, b), nil
	}
	a, err := prev.Campaign()
	if err != nil {
		return nil, err
	}
	b, err := cur.Campaign()
	if err != nil {
		return nil, err
	}
	return campaignChanges(a, b, loc), nil
}

// changeList collects the fields that differ.
type changeList []views.HistoryChange

func (l *changeList) field(name, before, after string) {
	if before != after {
		*l = append(*l, views.HistoryChange{Field: name, Before: before, After: after})
	}
}

func (l *changeList) text(name, before, after string) {
	if before != after {
		*l = append(*l, views.HistoryChange{Field: name, Before: before, After: after, Diff: textDiff(before, after)})
	}
}

// darkText is a colour of a theme's dark palette as the history shows it: "none" without one.
func darkText(t store.Theme, c string) string {
	if !t.HasDark() {
		return "none"
	}
	return c
}

// paywallChanges lists what differs between two versions of a paywall, copy fields as word diffs.
func paywallChanges(a, b store.PaywallBody) []views.HistoryChange {
	var l changeList
	l.field("name", a.Name, b.Name)
	l.field("template", a.Template, b.Template)
	l.field("default language", a.DefaultLocale, b.DefaultLocale)
	l.field("accent colour", a.Theme.Accent, b.Theme.Accent)
	l.field("background colour", a.Theme.Background, b.Theme.Background)
	l.field("text colour", a.Theme.Text, b.Theme.Text)
	l.field("dark accent colour", darkText(a.Theme, a.Theme.Dark.Accent), darkText(b.Theme, b.Theme.Dark.Accent))
	l.field("dark background colour", darkText(a.Theme, a.Theme.Dark.Background), darkText(b.Theme, b.Theme.Dark.Background))
	l.field("dark text colour", darkText(a.Theme, a.Theme.Dark.Text), darkText(b.Theme, b.Theme.Dark.Text))
	l.field("image", imageText(a.HeroImage), imageText(b.HeroImage))
	l.field("in snapshots without a campaign", yesNo(a.SDK), yesNo(b.SDK))
	locales := func(p store.PaywallBody) string {
		var out []string
		for _, c := range p.Copy {
			out = append(out, c.Locale)
		}
		return strings.Join(out, ", ")
	}
	l.field("languages", locales(a), locales(b))
	for _, cb := range b.Copy {
		i := slices.IndexFunc(a.Copy, func(ca store.CopyBody) bool { return ca.Locale == cb.Locale })
		if i < 0 {
			continue
		}
		ca := a.Copy[i]
		for _, f := range []struct{ name, before, after string }{
			{"title", ca.Title, cb.Title}, {"subtitle", ca.Subtitle, cb.Subtitle}, {"body", ca.Body, cb.Body},
			{"button", ca.CTA, cb.CTA}, {"footer", ca.Footer, cb.Footer},
		} {
			l.text(cb.Locale+" "+f.name, f.before, f.after)
		}
	}
	products := func(p store.PaywallBody) string {
		var out []string
		for _, pp := range p.Products {
			s := pp.Platform + " " + pp.SKU
			if pp.Badge != "" {
				s += " (badge " + strconv.Quote(pp.Badge) + ")"
			}
			if pp.Highlighted {
				s += " highlighted"
			}
			out = append(out, s)
		}
		return strings.Join(out, ", ")
	}
	l.field("products", products(a), products(b))
	return l
}

func imageText(hash string) string {
	if len(hash) > 12 {
		return "image " + hash[:12]
	}
	return hash
}

// campaignChanges lists what differs between two versions of a campaign, times in loc.
func campaignChanges(a, b store.CampaignBody, loc *time.Location) []views.HistoryChange {
	var l changeList
	label := func(s string) string {
		if s == "" {
			return "(default placement)"
		}
		return s
	}
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format("2 Jan 2006 15:04 MST")
	}
	l.field("name", a.Name, b.Name)
	l.field("label", label(a.Label), label(b.Label))
	l.field("status", a.Status, b.Status)
	l.field("priority", strconv.Itoa(a.Priority), strconv.Itoa(b.Priority))
	l.field("starts", at(a.StartsAt), at(b.StartsAt))
	l.field("ends", at(a.EndsAt), at(b.EndsAt))
	l.field("holdout", strconv.Itoa(a.HoldoutPercent)+"%", strconv.Itoa(b.HoldoutPercent)+"%")
	l.field("audience", engine.SummarizeAudience(a.Audience), engine.SummarizeAudience(b.Audience))
	variants := func(c store.CampaignBody) string {
		var out []string
		for _, v := range c.Variants {
			out = append(out, fmt.Sprintf("%s: %s %d%%", v.Ref, v.Paywall, v.Weight))
		}
		return strings.Join(out, ", ")
	}
	l.field("variants", variants(a), variants(b))
	return l
}

// diffToken splits text into words and the spaces between them.
var diffToken = regexp.MustCompile(`\s+|\S+`)

// maxDiffCells bounds the word diff's table; longer texts show as all removed, all added.
const maxDiffCells = 4_000_000

// textDiff is a word diff of a and b: the longest common run of words kept, the rest removed
// or added.
func textDiff(a, b string) []views.DiffPart {
	x, y := diffToken.FindAllString(a, -1), diffToken.FindAllString(b, -1)
	var parts []views.DiffPart
	add := func(op, s string) {
		if s == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Op == op {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, views.DiffPart{Op: op, Text: s})
	}
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	add("", strings.Join(x[:pre], ""))
	xs, ys := x[pre:len(x)-suf], y[pre:len(y)-suf]
	n, m := len(xs), len(ys)
	if n*m > maxDiffCells {
		add("del", strings.Join(xs, ""))
		add("ins", strings.Join(ys, ""))
	} else {
		// lcs[i][j] is the longest common subsequence of xs[i:] and ys[j:].
		lcs := make([][]int, n+1)
		for i := range lcs {
			lcs[i] = make([]int, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if xs[i] == ys[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		if !sharesAWord(xs, ys, lcs) {
			// Only spaces in common: a word-by-word diff would be noise.
			add("del", strings.Join(xs, ""))
			add("ins", strings.Join(ys, ""))
			add("", strings.Join(x[len(x)-suf:], ""))
			return parts
		}
		i, j := 0, 0
		for i < n && j < m {
			switch {
			case xs[i] == ys[j]:
				add("", xs[i])
				i, j = i+1, j+1
			case lcs[i+1][j] >= lcs[i][j+1]:
				add("del", xs[i])
				i++
			default:
				add("ins", ys[j])
				j++
			}
		}
		add("del", strings.Join(xs[i:], ""))
		add("ins", strings.Join(ys[j:], ""))
	}
	add("", strings.Join(x[len(x)-suf:], ""))
	return parts
}

// restoreTarget loads the saved version named in the URL; a missing one is a 404.
func (h *Handler) restoreTarget(c echo.Context, entity string) (store.EntityVersion, error) {
	n, err := strconv.Atoi(c.Param("version"))
	if err != nil {
		return store.EntityVersion{}, echo.NewHTTPError(http.StatusNotFound, "There is no such version.")
	}
	return h.store.Version(c.Request().Context(), currentApp(c).ID, entity, c.Param("ref"), n)
}

// staleRestore is the 409 message of a restore posted from a page older than the last save.
func staleRestore(what string, version int, by string, at time.Time, loc *time.Location) string {
	if by == "" {
		by = "someone"
	}
	return fmt.Sprintf("This %s was saved again (version %d, by %s at %s) since you opened this page; nothing was restored. "+
		"Look at the versions below, then restore again if you still want to.", what, version, by, at.In(loc).Format("15:04 MST"))
}

// RestorePaywallVersion makes a saved version the paywall's draft again, as a new version.
func (h *Handler) RestorePaywallVersion(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	cur, err := h.store.Paywall(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	ver, err := h.restoreTarget(c, store.EntityPaywall)
	if err != nil {
		return err
	}
	if formVersion(formOf(c)) != cur.Version {
		return h.renderHistory(c, http.StatusConflict, store.EntityPaywall,
			staleRestore("paywall", cur.Version, cur.UpdatedBy, cur.UpdatedAt, marketerZone(c)), "")
	}
	body, err := ver.Paywall()
	if err != nil {
		return err
	}
	d, problem, err := h.restoredPaywall(ctx, a, cur, body)
	if err != nil {
		return err
	}
	if problem != "" {
		return h.renderHistory(c, http.StatusUnprocessableEntity, store.EntityPaywall, "",
			fmt.Sprintf("Version %d cannot be restored: %s Nothing was changed.", ver.Version, problem))
	}
	back := urls.PaywallHistory(a.Slug, cur.Ref)
	if sameJSON(store.BodyOfPaywall(cur), store.BodyOfPaywall(d)) {
		setFlash(c, "success", fmt.Sprintf("Version %d is the same as the current draft; nothing to restore.", ver.Version))
		return h.redirect(c, back)
	}
	d.UpdatedBy = user(c).Email
	err = h.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdatePaywall(ctx, &d); err != nil {
			return err
		}
		return h.restored(c, tx, store.EntityPaywall, d.Ref, ver.Version, d.Version)
	})
	if errors.Is(err, store.ErrStale) {
		now, lerr := h.store.Paywall(ctx, a.ID, cur.Ref)
		if lerr != nil {
			return lerr
		}
		return h.renderHistory(c, http.StatusConflict, store.EntityPaywall,
			staleRestore("paywall", now.Version, now.UpdatedBy, now.UpdatedAt, marketerZone(c)), "")
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", fmt.Sprintf("Restored version %d of %s as version %d. Publish a release to send it to devices.", ver.Version, d.Name, d.Version))
	return h.redirect(c, back)
}

// restoredPaywall builds the current paywall with a saved version's content, or says why it cannot be.
func (h *Handler) restoredPaywall(ctx context.Context, a store.App, cur store.Paywall, b store.PaywallBody) (store.Paywall, string, error) {
	products, err := h.store.Products(ctx, a.ID)
	if err != nil {
		return cur, "", err
	}
	idx := productIndex(products)
	d := cur
	d.Name, d.Template, d.DefaultLocale, d.Theme, d.HeroImage, d.SDK = b.Name, b.Template, b.DefaultLocale, b.Theme, b.HeroImage, b.SDK
	d.Copy, d.Products = nil, nil
	for _, c := range b.Copy {
		d.Copy = append(d.Copy, store.Copy{Locale: c.Locale, Title: c.Title, Subtitle: c.Subtitle, Body: c.Body, CTA: c.CTA, Footer: c.Footer})
	}
	var missing []string
	for _, pp := range b.Products {
		pr, ok := idx[productKey(pp.Platform, pp.SKU)]
		if !ok {
			missing = append(missing, pp.SKU+" on "+pp.Platform)
			continue
		}
		d.Products = append(d.Products, store.PaywallProduct{ProductID: pr.ID, PlatformRef: pp.Platform, SKU: pp.SKU, Badge: pp.Badge, Highlighted: pp.Highlighted})
	}
	if len(missing) > 0 {
		return d, fmt.Sprintf("it offers %s, which no longer %s.", strings.Join(missing, ", "), noun(len(missing), "exists", "exist")), nil
	}
	if d.HeroImage != "" {
		if _, err := h.store.Image(ctx, d.HeroImage); errors.Is(err, store.ErrNotFound) {
			return d, "its image is no longer stored.", nil
		} else if err != nil {
			return d, "", err
		}
	}
	errs := map[string]string{}
	validateDraft(d, errs)
	if len(errs) > 0 {
		return d, "it is no longer valid (" + joinErrors(errs) + ").", nil
	}
	return d, "", nil
}

// RestoreCampaignVersion makes a saved version the campaign's draft again, as a new version.
func (h *Handler) RestoreCampaignVersion(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	cur, err := h.store.Campaign(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	ver, err := h.restoreTarget(c, store.EntityCampaign)
	if err != nil {
		return err
	}
	loc := marketerZone(c)
	if formVersion(formOf(c)) != cur.Version {
		return h.renderHistory(c, http.StatusConflict, store.EntityCampaign, h.staleCampaign(ctx, a, cur, loc), "")
	}
	body, err := ver.Campaign()
	if err != nil {
		return err
	}
	d, problem, err := h.restoredCampaign(ctx, a, cur, body)
	if err != nil {
		return err
	}
	if problem != "" {
		return h.renderHistory(c, http.StatusUnprocessableEntity, store.EntityCampaign, "",
			fmt.Sprintf("Version %d cannot be restored: %s Nothing was changed.", ver.Version, problem))
	}
	back := urls.CampaignHistory(a.Slug, cur.Ref)
	if sameJSON(store.BodyOfCampaign(cur), store.BodyOfCampaign(d)) {
		setFlash(c, "success", fmt.Sprintf("Version %d is the same as the current draft; nothing to restore.", ver.Version))
		return h.redirect(c, back)
	}
	err = h.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateCampaign(ctx, &d); err != nil {
			return err
		}
		return h.restored(c, tx, store.EntityCampaign, d.Ref, ver.Version, d.Version)
	})
	if errors.Is(err, store.ErrStale) {
		now, lerr := h.store.Campaign(ctx, a.ID, cur.Ref)
		if lerr != nil {
			return lerr
		}
		return h.renderHistory(c, http.StatusConflict, store.EntityCampaign, h.staleCampaign(ctx, a, now, loc), "")
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", fmt.Sprintf("Restored version %d of %s as version %d. Publish a release to send it to devices.", ver.Version, d.Name, d.Version))
	return h.redirect(c, back)
}

// staleCampaign is the 409 message for a campaign, naming who saved its current version.
func (h *Handler) staleCampaign(ctx context.Context, a store.App, cur store.Campaign, loc *time.Location) string {
	by := ""
	if v, err := h.store.Version(ctx, a.ID, store.EntityCampaign, cur.Ref, cur.Version); err == nil {
		by = v.UserEmail
	}
	return staleRestore("campaign", cur.Version, by, cur.UpdatedAt, loc)
}

// restoredCampaign builds the current campaign with a saved version's content, or says why it cannot be.
func (h *Handler) restoredCampaign(ctx context.Context, a store.App, cur store.Campaign, b store.CampaignBody) (store.Campaign, string, error) {
	paywalls, err := h.store.Paywalls(ctx, a.ID)
	if err != nil {
		return cur, "", err
	}
	byRef := map[string]store.Paywall{}
	for _, pw := range paywalls {
		byRef[pw.Ref] = pw
	}
	d := cur
	d.Name, d.Label, d.Status, d.Priority = b.Name, b.Label, b.Status, b.Priority
	d.StartsAt, d.EndsAt, d.HoldoutPercent, d.Audience = b.StartsAt, b.EndsAt, b.HoldoutPercent, b.Audience
	d.Variants = nil
	var missing []string
	for _, v := range b.Variants {
		pw, ok := byRef[v.Paywall]
		if !ok {
			missing = append(missing, v.Paywall)
			continue
		}
		d.Variants = append(d.Variants, store.CampaignVariant{Ref: v.Ref, PaywallID: pw.ID, PaywallRef: pw.Ref, PaywallName: pw.Name, Weight: v.Weight})
	}
	if len(missing) > 0 {
		return d, fmt.Sprintf("it shows the %s %s, which no longer %s.", noun(len(missing), "paywall", "paywalls"),
			strings.Join(missing, ", "), noun(len(missing), "exists", "exist")), nil
	}
	if problems := engine.ValidateCampaign(d.Rules()); len(problems) > 0 {
		var msgs []string
		for _, p := range problems {
			msgs = append(msgs, p.Message)
		}
		return d, "it is no longer valid (" + strings.Join(msgs, "; ") + ").", nil
	}
	return d, "", nil
}

// restored marks the app's drafts changed and records the restore in the audit log.
func (h *Handler) restored(c echo.Context, tx *store.Tx, entity, ref string, from, as int) error {
	a := currentApp(c)
	ctx := c.Request().Context()
	if err := tx.TouchApp(ctx, a.ID); err != nil {
		return err
	}
	return tx.Audit(ctx, store.AuditEntry{UserEmail: user(c).Email, AppSlug: a.Slug, Action: "restored", Entity: entity, Ref: ref,
		Detail: fmt.Sprintf("restored version %d as version %d", from, as)})
}

// sameJSON reports whether two values encode to the same JSON.
func sameJSON(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// joinErrors lists a validation's messages in field order.
func joinErrors(errs map[string]string) string {
	fields := make([]string, 0, len(errs))
	for f := range errs {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	msgs := make([]string, len(fields))
	for i, f := range fields {
		msgs[i] = f + ": " + errs[f]
	}
	return strings.Join(msgs, "; ")
}

// noun picks the singular or plural word for n things.
func noun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// sharesAWord reports whether the common run the table found holds more than spaces.
func sharesAWord(xs, ys []string, lcs [][]int) bool {
	i, j := 0, 0
	for i < len(xs) && j < len(ys) {
		switch {
		case xs[i] == ys[j]:
			if strings.TrimSpace(xs[i]) != "" {
				return true
			}
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	return false
}

// yesNo writes a flag for a history change.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
