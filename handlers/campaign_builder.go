package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"nami/engine"
	"nami/store"
	"nami/views"
)

// campaignDraft is the builder's form as typed: raw strings, so invalid input is shown back as it was.
type campaignDraft struct {
	Version                                                  int
	Name, Label, Status, Priority, StartsAt, EndsAt, Holdout string
	Match                                                    string
	Conditions                                               []views.ConditionRow
	Variants                                                 []variantDraft
}

type variantDraft struct{ Ref, Paywall, Weight string }

// localLayout is the value format of <input type="datetime-local">.
const localLayout = "2006-01-02T15:04"

func draftFromCampaign(cp store.Campaign, loc *time.Location) campaignDraft {
	d := campaignDraft{Version: cp.Version, Name: cp.Name, Label: cp.Label, Status: cp.Status, Priority: strconv.Itoa(cp.Priority),
		Holdout: strconv.Itoa(cp.HoldoutPercent), Match: cp.Audience.Match}
	if cp.StartsAt != nil {
		d.StartsAt = cp.StartsAt.In(loc).Format(localLayout)
	}
	if cp.EndsAt != nil {
		d.EndsAt = cp.EndsAt.In(loc).Format(localLayout)
	}
	for _, cnd := range cp.Audience.Conditions {
		d.Conditions = append(d.Conditions, views.ConditionRow{Attribute: cnd.Attribute, Operator: cnd.Operator, Values: strings.Join(cnd.Values, ", ")})
	}
	for _, v := range cp.Variants {
		d.Variants = append(d.Variants, variantDraft{Ref: v.Ref, Paywall: v.PaywallRef, Weight: strconv.Itoa(v.Weight)})
	}
	return d
}

func draftFromForm(f views.Form) campaignDraft {
	d := campaignDraft{Version: formVersion(f), Name: trimmed(f, "name"), Label: trimmed(f, "label"), Status: f.Get("status"),
		Priority: trimmed(f, "priority"), StartsAt: trimmed(f, "starts_at"), EndsAt: trimmed(f, "ends_at"),
		Holdout: trimmed(f, "holdout_percent"), Match: f.Get("audience[match]")}
	for i := 0; ; i++ {
		if _, ok := f.Values[views.ConditionFieldName(i, "attribute")]; !ok {
			break
		}
		d.Conditions = append(d.Conditions, views.ConditionRow{Attribute: trimmed(f, views.ConditionFieldName(i, "attribute")),
			Operator: f.Get(views.ConditionFieldName(i, "operator")), Values: trimmed(f, views.ConditionFieldName(i, "values"))})
	}
	for i := 0; ; i++ {
		if _, ok := f.Values[views.VariantFieldName(i, "ref")]; !ok {
			break
		}
		d.Variants = append(d.Variants, variantDraft{Ref: trimmed(f, views.VariantFieldName(i, "ref")), Paywall: f.Get(views.VariantFieldName(i, "paywall")),
			Weight: trimmed(f, views.VariantFieldName(i, "weight"))})
	}
	return d
}

// splitValues turns "US, CA" into ["US", "CA"].
func splitValues(s string) []string {
	out := []string{}
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// campaign turns the draft into a campaign (on top of saved, which keeps the id and ref), with every
// problem in errs keyed by form field.
func (d campaignDraft) campaign(saved store.Campaign, paywalls map[string]store.Paywall, loc *time.Location, errs map[string]string) store.Campaign {
	cp := saved
	cp.Name, cp.Label, cp.Status, cp.Version = d.Name, d.Label, d.Status, d.Version
	cp.Audience = engine.Audience{Match: d.Match, Conditions: []engine.Condition{}}
	switch {
	case cp.Name == "":
		errs["name"] = "Enter a name."
	case utf8.RuneCountInString(cp.Name) > 120:
		errs["name"] = "Use at most 120 characters."
	}
	if !labelPattern.MatchString(cp.Label) {
		errs["label"] = "Use lowercase letters, digits, '.', '-' and '_' (at most 64), or leave empty for the default placement."
	}
	var err error
	if cp.Priority, err = strconv.Atoi(d.Priority); err != nil {
		errs["priority"] = "Enter a whole number, e.g. 10."
	}
	if cp.HoldoutPercent, err = strconv.Atoi(d.Holdout); err != nil {
		errs["holdout_percent"] = "Enter a whole number from 0 to 100."
	}
	cp.StartsAt = parseLocal(d.StartsAt, loc, "starts_at", errs)
	cp.EndsAt = parseLocal(d.EndsAt, loc, "ends_at", errs)
	for _, c := range d.Conditions {
		cp.Audience.Conditions = append(cp.Audience.Conditions, engine.Condition{Attribute: c.Attribute, Operator: c.Operator, Values: splitValues(c.Values)})
	}
	cp.Variants = nil
	for i, v := range d.Variants {
		cv := store.CampaignVariant{Ref: v.Ref, PaywallRef: v.Paywall}
		if pw, ok := paywalls[v.Paywall]; ok {
			cv.PaywallID, cv.PaywallName = pw.ID, pw.Name
		} else {
			errs[views.VariantFieldName(i, "paywall")] = "Choose one of this app's paywalls."
		}
		if cv.Weight, err = strconv.Atoi(v.Weight); err != nil {
			errs[views.VariantFieldName(i, "weight")] = "Enter a whole number from 0 to 100."
		}
		cp.Variants = append(cp.Variants, cv)
	}
	for _, fe := range engine.ValidateCampaign(cp.Rules()) {
		field := pathToField(fe.Path)
		switch {
		case field == "ref":
			field = "_form"
		case field == "ends_at" && cp.StartsAt != nil && cp.EndsAt != nil && !cp.EndsAt.After(*cp.StartsAt):
			fe.Message = "The end must be after the start."
		}
		if _, ok := errs[field]; !ok {
			errs[field] = sentence(fe.Message)
		}
	}
	return cp
}

// parseLocal reads a datetime-local value in the marketer's zone; "" is an open bound.
func parseLocal(s string, loc *time.Location, field string, errs map[string]string) *time.Time {
	if s == "" {
		return nil
	}
	for _, layout := range []string{localLayout, localLayout + ":05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			t = t.UTC()
			return &t
		}
	}
	errs[field] = "Enter a date and time, e.g. 2026-12-01 09:00."
	return nil
}

// pathToField turns an engine path like "variants[1].weight" into the form field "variants[1][weight]".
func pathToField(path string) string {
	parts := strings.Split(path, ".")
	out := parts[0]
	for _, p := range parts[1:] {
		name, idx, hasIdx := strings.Cut(p, "[")
		out += "[" + name + "]"
		if hasIdx {
			out += "[" + idx
		}
	}
	// values[0] becomes values: the form edits all values in one field.
	return strings.TrimSuffix(out, "[0]")
}

// applyTemplate fills the draft from one of the builder's templates; name and ref stay.
func (d *campaignDraft) applyTemplate(name string, paywalls []store.PaywallSummary, now time.Time, loc *time.Location) {
	first, second := "", ""
	if len(paywalls) > 0 {
		first, second = paywalls[0].Ref, paywalls[0].Ref
	}
	if len(paywalls) > 1 {
		second = paywalls[1].Ref
	}
	one := []variantDraft{{Ref: "a", Paywall: first, Weight: "100"}}
	d.StartsAt, d.EndsAt, d.Holdout, d.Match, d.Conditions = "", "", "0", "all", nil
	switch name {
	case "default":
		d.Label, d.Priority, d.Variants = "", "0", one
	case "placement":
		if d.Label == "" {
			d.Label = "onboarding"
		}
		d.Priority, d.Variants = "10", one
	case "ab":
		if d.Label == "" {
			d.Label = "onboarding"
		}
		d.Priority, d.Holdout = "10", "10"
		d.Variants = []variantDraft{{Ref: "a", Paywall: first, Weight: "50"}, {Ref: "b", Paywall: second, Weight: "50"}}
	case "scheduled":
		start := now.In(loc).Truncate(time.Hour).Add(time.Hour)
		d.StartsAt, d.EndsAt = start.Format(localLayout), start.AddDate(0, 0, 7).Format(localLayout)
		d.Priority, d.Variants = "50", one
	case "targeted":
		d.Priority, d.Variants = "20", one
		d.Conditions = []views.ConditionRow{{Attribute: "country", Operator: "in", Values: "US, CA"},
			{Attribute: "app_version", Operator: "greater_or_equal", Values: "2.0"}}
	}
}

// applyBuilderOp performs a builder action on the unsaved draft.
func (d *campaignDraft) applyOp(op, arg, template string, paywalls []store.PaywallSummary, now time.Time, loc *time.Location) {
	i, _ := strconv.Atoi(arg)
	switch op {
	case "template":
		if template != "" { // nothing chosen: keep the campaign as it is
			d.applyTemplate(template, paywalls, now, loc)
		}
	case "add_condition":
		d.Conditions = append(d.Conditions, views.ConditionRow{Attribute: "country", Operator: "in"})
	case "remove_condition":
		if i >= 0 && i < len(d.Conditions) {
			d.Conditions = append(d.Conditions[:i], d.Conditions[i+1:]...)
		}
	case "add_variant":
		pw := ""
		if len(paywalls) > 0 {
			pw = paywalls[0].Ref
		}
		d.Variants = append(d.Variants, variantDraft{Ref: nextVariantRef(d.Variants), Paywall: pw, Weight: "0"})
	case "remove_variant":
		if i >= 0 && i < len(d.Variants) && len(d.Variants) > 1 {
			d.Variants = append(d.Variants[:i], d.Variants[i+1:]...)
		}
	}
}

// nextVariantRef picks the first free letter: a, b, c, ...
func nextVariantRef(vs []variantDraft) string {
	for r := 'a'; r <= 'z'; r++ {
		free := true
		for _, v := range vs {
			free = free && v.Ref != string(r)
		}
		if free {
			return string(r)
		}
	}
	return "v" + strconv.Itoa(len(vs)+1)
}

// builderView builds the builder's view model.
func (h *Handler) builderView(c echo.Context, ref string, d campaignDraft, errs map[string]string, loc *time.Location) (views.CampaignBuilder, error) {
	ctx := c.Request().Context()
	a := currentApp(c)
	b := views.CampaignBuilder{Slug: a.Slug, Ref: ref, Version: d.Version, Name: d.Name, Label: d.Label, Status: d.Status, Priority: d.Priority,
		Holdout: d.Holdout, StartsAt: d.StartsAt, EndsAt: d.EndsAt, Zone: loc.String(), Match: d.Match, Conditions: d.Conditions, Errors: errs}
	for _, s := range engine.Statuses {
		b.Statuses = append(b.Statuses, views.Option{Value: s, Label: statusLabels[s]})
	}
	for _, at := range engine.Attributes {
		b.Attributes = append(b.Attributes, views.Option{Value: at.Name, Label: at.Label})
	}
	for _, op := range engine.Operators {
		b.Operators = append(b.Operators, views.Option{Value: op.Name, Label: op.Label})
	}
	// Only the variants' paywalls are loaded in full (for their thumbnails); each variant's
	// chooser offers its paywall and at most 50 others, searchable.
	products, err := h.store.Products(ctx, a.ID)
	if err != nil {
		return b, err
	}
	idx := productIndex(products)
	first, err := h.store.SearchPaywalls(ctx, a.ID, "", maxChoices+1)
	if err != nil {
		return b, err
	}
	byRef, err := h.variantPaywalls(ctx, a.ID, d.Variants)
	if err != nil {
		return b, err
	}
	for _, v := range d.Variants {
		row := views.VariantRow{Ref: v.Ref, Paywall: v.Paywall, Weight: v.Weight}
		if pw, ok := byRef[v.Paywall]; ok {
			row.Screen, row.HasScreen = buildScreen(pw, idx, previewPlatform(pw, nil, ""), pw.DefaultLocale, "phone"), true
		}
		row.Choices, row.MoreChoices = paywallChoices(first, byRef[v.Paywall])
		if w, err := strconv.Atoi(v.Weight); err == nil {
			b.Total += w
		}
		b.Variants = append(b.Variants, row)
	}
	heads, err := h.store.CampaignHeads(ctx, a.ID)
	if err != nil {
		return b, err
	}
	b.Labels = labelsInUse(heads)
	return b, nil
}

var statusLabels = map[string]string{"draft": "Draft — not shown", "live": "Live", "paused": "Paused", "ended": "Ended"}

// renderBuilder shows the draft; loc is the zone its times are written in, which the form keeps.
func (h *Handler) renderBuilder(c echo.Context, status int, ref string, d campaignDraft, loc *time.Location, errs map[string]string, conflict string, dirty bool) error {
	b, err := h.builderView(c, ref, d, errs, loc)
	if err != nil {
		return err
	}
	b.Conflict, b.Dirty = conflict, dirty
	b.Template, _ = c.Get(templateKey).(string)
	p, err := h.appPage(c, d.Name, "campaigns")
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return h.render(c, status, views.CampaignBuilderBody(p, b))
	}
	return h.render(c, status, views.CampaignBuilderPage(p, b))
}

// CampaignBuilder shows a campaign's builder.
func (h *Handler) CampaignBuilder(c echo.Context) error {
	cp, err := h.store.Campaign(c.Request().Context(), currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	loc := marketerZone(c)
	return h.renderBuilder(c, http.StatusOK, cp.Ref, draftFromCampaign(cp, loc), loc, map[string]string{}, "", false)
}

// CampaignBuilderOp re-renders the builder after an action on the unsaved draft; nothing is stored.
func (h *Handler) CampaignBuilderOp(c echo.Context) error {
	ctx := c.Request().Context()
	cp, err := h.store.Campaign(ctx, currentApp(c).ID, c.Param("ref"))
	if err != nil {
		return err
	}
	paywalls, err := h.store.PaywallSummaries(ctx, currentApp(c).ID)
	if err != nil {
		return err
	}
	f := formOf(c)
	d := draftFromForm(f)
	loc := zoneFromForm(c, f)
	d.applyOp(f.Get("op"), f.Get("arg"), f.Get("template"), paywalls, h.now(), loc)
	c.Set(templateKey, f.Get("template"))
	return h.renderBuilder(c, http.StatusOK, cp.Ref, d, loc, map[string]string{}, "", true)
}

// templateKey carries the builder's chosen template to the re-rendered form.
const templateKey = "nami.template"

// zoneFromForm prefers the zone the page was rendered in, so times keep their meaning.
func zoneFromForm(c echo.Context, f views.Form) *time.Location {
	if tz := f.Get("tz"); tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return marketerZone(c)
}

// SaveCampaign stores the builder's draft unless it is invalid (422) or someone saved in between (409).
func (h *Handler) SaveCampaign(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentApp(c)
	saved, err := h.store.Campaign(ctx, a.ID, c.Param("ref"))
	if err != nil {
		return err
	}
	f := formOf(c)
	d := draftFromForm(f)
	// Only the paywalls the variants name are loaded; an unknown one is an error beside its field.
	byRef, err := h.variantPaywalls(ctx, a.ID, d.Variants)
	if err != nil {
		return err
	}
	loc := zoneFromForm(c, f)
	errs := map[string]string{}
	cp := d.campaign(saved, byRef, loc, errs)
	if len(errs) > 0 {
		return h.renderBuilder(c, http.StatusUnprocessableEntity, saved.Ref, d, loc, errs, "", true)
	}
	err = h.commit(c, "updated", "campaign", cp.Ref, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateCampaign(ctx, &cp) })
	if errors.Is(err, store.ErrStale) {
		cur, lerr := h.store.Campaign(ctx, a.ID, saved.Ref)
		if lerr != nil {
			return lerr
		}
		d.Version = cur.Version
		return h.renderBuilder(c, http.StatusConflict, saved.Ref, d, loc, map[string]string{}, campaignConflict(cur, cp), true)
	}
	if err != nil {
		return err
	}
	setFlash(c, "success", "Saved "+cp.Name+". Publish a release to send it to devices.")
	return h.redirect(c, c.Request().URL.Path)
}

// campaignConflict says what differs between the saved campaign and the user's draft.
func campaignConflict(cur, mine store.Campaign) string {
	var parts []string
	add := func(changed bool, what string) {
		if changed {
			parts = append(parts, what)
		}
	}
	add(cur.Name != mine.Name, "the name")
	add(cur.Label != mine.Label, "the label")
	add(cur.Status != mine.Status, "the status (now "+cur.Status+")")
	add(cur.Priority != mine.Priority, "the priority (now "+strconv.Itoa(cur.Priority)+")")
	add(cur.HoldoutPercent != mine.HoldoutPercent, "the holdout")
	add(!sameTime(cur.StartsAt, mine.StartsAt) || !sameTime(cur.EndsAt, mine.EndsAt), "the schedule")
	add(engine.SummarizeAudience(cur.Audience) != engine.SummarizeAudience(mine.Audience), "the audience (now "+engine.SummarizeAudience(cur.Audience)+")")
	add(len(cur.Variants) != len(mine.Variants) || !sameVariants(cur.Variants, mine.Variants), "the variants")
	msg := "Someone else saved this campaign at " + cur.UpdatedAt.Format("15:04 MST") + ", while you were editing."
	if len(parts) > 0 {
		msg += " Their version differs from yours in " + strings.Join(parts, ", ") + "."
	}
	return msg + " Nothing was overwritten. Your edits are still here: save again to replace their version, or reload to keep theirs."
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func sameVariants(a, b []store.CampaignVariant) bool {
	for i := range a {
		if a[i].Ref != b[i].Ref || a[i].PaywallID != b[i].PaywallID || a[i].Weight != b[i].Weight {
			return false
		}
	}
	return true
}

// sentence turns an engine message ("weights add up to 90; they must add up to 100"), written to
// follow a path in the catalog's errors, or an offer message ("unknown token {{product.prize}};
// did you mean {{product.price}}?"), into a sentence to show beside a form field.
func sentence(msg string) string {
	r, size := utf8.DecodeRuneInString(msg)
	if size == 0 {
		return msg
	}
	msg = string(unicode.ToUpper(r)) + msg[size:]
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") {
		msg += "."
	}
	return msg
}

// variantPaywalls loads only the paywalls the variants name, by ref; a ref that names none is
// left out, for the caller to report beside its field.
func (h *Handler) variantPaywalls(ctx context.Context, appID int64, variants []variantDraft) (map[string]store.Paywall, error) {
	byRef := map[string]store.Paywall{}
	for _, v := range variants {
		if _, ok := byRef[v.Paywall]; ok || v.Paywall == "" {
			continue
		}
		pw, err := h.store.Paywall(ctx, appID, v.Paywall)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		byRef[pw.Ref] = pw
	}
	return byRef, nil
}
