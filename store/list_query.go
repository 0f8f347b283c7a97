package store

import (
	"context"
	"fmt"
	"strings"
)

// MaxPageRows is the most rows a list page shows.
const MaxPageRows = 100

// ListQuery narrows and pages a list: Q is matched (ignoring ASCII case) anywhere in the name,
// ref or SKU; Limit and Offset page the matches.
type ListQuery struct {
	Q             string
	Limit, Offset int
}

func (lq ListQuery) limit() int {
	if lq.Limit <= 0 || lq.Limit > MaxPageRows {
		return MaxPageRows
	}
	return lq.Limit
}

func (lq ListQuery) offset() int { return max(lq.Offset, 0) }

// matchAny is the WHERE clause "one of cols contains q, ignoring case" and its arguments, or
// nothing when q is empty. An ASCII q uses LIKE, whose case folding covers ASCII and which is
// about five times faster on a long audit log; any other q uses nami_fold (store/search.go),
// which lowercases all of Unicode as Go does. Either way % and _ in q are plain characters.
func matchAny(q string, cols ...string) (string, []any) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return "", nil
	}
	clause, arg := "instr(nami_fold(%s), ?) > 0", any(q)
	if isASCII(q) {
		clause, arg = `%s LIKE ? ESCAPE '\'`, "%"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)+"%"
	}
	var parts []string
	var args []any
	for _, c := range cols {
		parts = append(parts, fmt.Sprintf(clause, c))
		args = append(args, arg)
	}
	return " AND (" + strings.Join(parts, " OR ") + ")", args
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// count runs a count(*) query.
func (s Reader) count(ctx context.Context, q string, args ...any) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// ProductsPage lists one page of an app's products (by platform then sku) whose name or SKU
// contains lq.Q, only of the platform platformRef unless it is "", with how many match in all.
func (s Reader) ProductsPage(ctx context.Context, appID int64, platformRef string, lq ListQuery) ([]Product, int, error) {
	where := ` WHERE p.app_id = ?`
	args := []any{appID}
	if platformRef != "" {
		where += ` AND p.ref = ?`
		args = append(args, platformRef)
	}
	m, margs := matchAny(lq.Q, "pr.name", "pr.sku")
	where += m
	args = append(args, margs...)
	from := ` FROM products pr JOIN app_platforms p ON p.id = pr.platform_id JOIN store_platforms sp ON sp.code = p.store`
	total, err := s.count(ctx, `SELECT count(*)`+from+where, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.ProductsPage: %w", err)
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+productColumns+from+where+` ORDER BY sp.position, p.ref, pr.sku LIMIT ? OFFSET ?`,
		append(args, lq.limit(), lq.offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.ProductsPage: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		pr, err := scanProduct(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store.ProductsPage: %w", err)
		}
		out = append(out, pr)
	}
	return out, total, rows.Err()
}

// SearchProducts lists at most limit of an app's products whose name or SKU contains q,
// leaving out the ids in skip, by platform then SKU.
func (s Reader) SearchProducts(ctx context.Context, appID int64, q string, limit int, skip []int64) ([]Product, error) {
	where := ` WHERE p.app_id = ?`
	args := []any{appID}
	m, margs := matchAny(q, "pr.name", "pr.sku")
	where += m
	args = append(args, margs...)
	if len(skip) > 0 {
		where += ` AND pr.id NOT IN (?` + strings.Repeat(", ?", len(skip)-1) + `)`
		for _, id := range skip {
			args = append(args, id)
		}
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+productColumns+` FROM products pr JOIN app_platforms p ON p.id = pr.platform_id
		JOIN store_platforms sp ON sp.code = p.store`+where+` ORDER BY sp.position, p.ref, pr.sku LIMIT ?`, append(args, max(limit, 1))...)
	if err != nil {
		return nil, fmt.Errorf("store.SearchProducts: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		pr, err := scanProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("store.SearchProducts: %w", err)
		}
		out = append(out, pr)
	}
	return out, rows.Err()
}

// CountProducts says how many products an app has.
func (s Reader) CountProducts(ctx context.Context, appID int64) (int, error) {
	n, err := s.count(ctx, `SELECT count(*) FROM products pr JOIN app_platforms p ON p.id = pr.platform_id WHERE p.app_id = ?`, appID)
	if err != nil {
		return 0, fmt.Errorf("store.CountProducts: %w", err)
	}
	return n, nil
}

// PaywallSummariesPage lists one page of an app's paywalls (by name) whose name or ref
// contains lq.Q, with how many match in all.
func (s Reader) PaywallSummariesPage(ctx context.Context, appID int64, lq ListQuery) ([]PaywallSummary, int, error) {
	m, margs := matchAny(lq.Q, "w.name", "w.ref")
	args := append([]any{appID}, margs...)
	total, err := s.count(ctx, `SELECT count(*) FROM paywalls w WHERE w.app_id = ?`+m, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.PaywallSummariesPage: %w", err)
	}
	out, err := s.paywallSummaries(ctx, ` WHERE w.app_id = ?`+m+` ORDER BY w.name COLLATE NOCASE, w.ref LIMIT ? OFFSET ?`,
		append(args, lq.limit(), lq.offset())...)
	return out, total, err
}

// SearchPaywalls lists at most limit of an app's paywalls (by name) whose name or ref contains q.
func (s Reader) SearchPaywalls(ctx context.Context, appID int64, q string, limit int) ([]PaywallSummary, error) {
	m, margs := matchAny(q, "w.name", "w.ref")
	return s.paywallSummaries(ctx, ` WHERE w.app_id = ?`+m+` ORDER BY w.name COLLATE NOCASE, w.ref LIMIT ?`,
		append(append([]any{appID}, margs...), max(limit, 1))...)
}

// PaywallSummariesByRef lists the app's paywalls among refs, by name.
func (s Reader) PaywallSummariesByRef(ctx context.Context, appID int64, refs []string) ([]PaywallSummary, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	args := []any{appID}
	for _, r := range refs {
		args = append(args, r)
	}
	return s.paywallSummaries(ctx, ` WHERE w.app_id = ? AND w.ref IN (?`+strings.Repeat(", ?", len(refs)-1)+`) ORDER BY w.name COLLATE NOCASE, w.ref`, args...)
}

// CountPaywalls says how many paywalls an app has.
func (s Reader) CountPaywalls(ctx context.Context, appID int64) (int, error) {
	n, err := s.count(ctx, `SELECT count(*) FROM paywalls WHERE app_id = ?`, appID)
	if err != nil {
		return 0, fmt.Errorf("store.CountPaywalls: %w", err)
	}
	return n, nil
}

func (s Reader) paywallSummaries(ctx context.Context, tail string, args ...any) ([]PaywallSummary, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT w.ref, w.name, w.template, w.default_locale, coalesce(w.hero_image, ''), w.accent,
		(SELECT count(*) FROM paywall_copy c WHERE c.paywall_id = w.id),
		(SELECT count(*) FROM paywall_products pp WHERE pp.paywall_id = w.id),
		coalesce((SELECT group_concat(name, char(31)) FROM (SELECT DISTINCT c.name FROM campaign_variants v JOIN campaigns c ON c.id = v.campaign_id
			WHERE v.paywall_id = w.id ORDER BY c.name)), ''),
		w.updated_at, w.updated_by
		FROM paywalls w`+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("store.paywallSummaries: %w", err)
	}
	defer rows.Close()
	var out []PaywallSummary
	for rows.Next() {
		var p PaywallSummary
		var camps, updated string
		if err := rows.Scan(&p.Ref, &p.Name, &p.Template, &p.DefaultLocale, &p.HeroImage, &p.Accent, &p.Locales, &p.Products,
			&camps, &updated, &p.UpdatedBy); err != nil {
			return nil, fmt.Errorf("store.paywallSummaries: %w", err)
		}
		if camps != "" {
			p.Campaigns = strings.Split(camps, "\x1f")
		}
		if p.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, fmt.Errorf("store.paywallSummaries: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// EntitlementsPage lists one page of an app's entitlements (by ref) whose name or ref contains
// lq.Q, with how many match in all.
func (s Reader) EntitlementsPage(ctx context.Context, appID int64, lq ListQuery) ([]Entitlement, int, error) {
	m, margs := matchAny(lq.Q, "e.name", "e.ref")
	args := append([]any{appID}, margs...)
	total, err := s.count(ctx, `SELECT count(*) FROM entitlements e WHERE e.app_id = ?`+m, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.EntitlementsPage: %w", err)
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+entitlementColumns+` FROM entitlements e WHERE e.app_id = ?`+m+` ORDER BY e.ref LIMIT ? OFFSET ?`,
		append(args, lq.limit(), lq.offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.EntitlementsPage: %w", err)
	}
	defer rows.Close()
	var out []Entitlement
	for rows.Next() {
		e, err := scanEntitlement(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store.EntitlementsPage: %w", err)
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

const campaignColumns = `id, app_id, ref, name, label, status, priority, starts_at, ends_at, holdout_percent, audience, version, updated_at`

// CampaignsPage lists one page of an app's campaigns (by label, then priority, highest first,
// then ref) whose name, ref or label contains lq.Q, with their variants, and how many match in all.
func (s Reader) CampaignsPage(ctx context.Context, appID int64, lq ListQuery) ([]Campaign, int, error) {
	m, margs := matchAny(lq.Q, "name", "ref", "label")
	args := append([]any{appID}, margs...)
	total, err := s.count(ctx, `SELECT count(*) FROM campaigns WHERE app_id = ?`+m, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.CampaignsPage: %w", err)
	}
	out, err := s.campaignRows(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE app_id = ?`+m+` ORDER BY label, priority DESC, ref LIMIT ? OFFSET ?`,
		append(args, lq.limit(), lq.offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.CampaignsPage: %w", err)
	}
	for i := range out {
		if err := s.loadVariants(ctx, &out[i]); err != nil {
			return nil, 0, fmt.Errorf("store.CampaignsPage: %w", err)
		}
	}
	return out, total, nil
}

// CampaignHeads loads every campaign of an app without its variants (by label, then priority,
// highest first, then ref): enough to say who wins each label and to warn about ties.
func (s Reader) CampaignHeads(ctx context.Context, appID int64) ([]Campaign, error) {
	out, err := s.campaignRows(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE app_id = ? ORDER BY label, priority DESC, ref`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.CampaignHeads: %w", err)
	}
	return out, nil
}

func (s Reader) campaignRows(ctx context.Context, q string, args ...any) ([]Campaign, error) {
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AuditPage lists one page of the audit log's entries that pass the filter and whose ref,
// person or detail contains q, newest first, with how many match in all (f.Limit is ignored).
func (s Reader) AuditPage(ctx context.Context, f AuditFilter, q string, limit, offset int) ([]AuditEntry, int, error) {
	where := ` WHERE 1 = 1`
	var args []any
	for _, c := range []struct{ col, val string }{{"app_slug", f.App}, {"user_email", f.User}, {"entity", f.Entity}} {
		if c.val != "" {
			where += ` AND ` + c.col + ` = ?`
			args = append(args, c.val)
		}
	}
	m, margs := matchAny(q, "ref", "user_email", "detail")
	where += m
	args = append(args, margs...)
	total, err := s.count(ctx, `SELECT count(*) FROM audit_log`+where, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.AuditPage: %w", err)
	}
	lq := ListQuery{Limit: limit, Offset: offset}
	rows, err := s.q.QueryContext(ctx, `SELECT at, user_email, app_slug, action, entity, ref, detail FROM audit_log`+where+
		` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, lq.limit(), lq.offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.AuditPage: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&at, &e.UserEmail, &e.AppSlug, &e.Action, &e.Entity, &e.Ref, &e.Detail); err != nil {
			return nil, 0, fmt.Errorf("store.AuditPage: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, 0, fmt.Errorf("store.AuditPage: %w", err)
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}
