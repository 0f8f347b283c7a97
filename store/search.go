package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"modernc.org/sqlite"
)

// nami_fold(text) lowercases text as Go does (all of Unicode, unlike SQLite's lower()), so the
// quick switcher's search ignores case in any language.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("nami_fold", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		s, _ := args[0].(string)
		return strings.ToLower(s), nil
	})
}

// SearchHit is one catalog entity whose name or ref contains a search: its kind ("app",
// "paywall", "campaign", "platform", "product" or "entitlement"), how well it matches (Rank: 0
// for an exact name or ref, then a name prefix, a ref prefix, a word of the name, anywhere in
// the name, anywhere in the ref), and what a link to it needs.
type SearchHit struct {
	Kind, Name, Ref  string
	AppSlug, AppName string
	Detail           string // a campaign's status; a product's platform name
	PlatformRef      string // a product's platform
	Rank             int
}

// searchKindsSQL are the kinds the quick switcher finds, each selecting kind, n (the name), r
// (the ref), slug and app (the app's), detail and platform from its table.
var searchKindsSQL = []string{
	`SELECT 'app' AS kind, a.name AS n, a.slug AS r, a.slug AS slug, a.name AS app, '' AS detail, '' AS platform
		FROM apps a`,
	`SELECT 'paywall' AS kind, w.name AS n, w.ref AS r, a.slug AS slug, a.name AS app, '' AS detail, '' AS platform
		FROM paywalls w JOIN apps a ON a.id = w.app_id`,
	`SELECT 'campaign' AS kind, c.name AS n, c.ref AS r, a.slug AS slug, a.name AS app, c.status AS detail, '' AS platform
		FROM campaigns c JOIN apps a ON a.id = c.app_id`,
	`SELECT 'platform' AS kind, p.name AS n, p.ref AS r, a.slug AS slug, a.name AS app, '' AS detail, '' AS platform
		FROM app_platforms p JOIN apps a ON a.id = p.app_id`,
	`SELECT 'product' AS kind, pr.name AS n, pr.sku AS r, a.slug AS slug, a.name AS app, p.name AS detail, p.ref AS platform
		FROM products pr JOIN app_platforms p ON p.id = pr.platform_id JOIN apps a ON a.id = p.app_id`,
	`SELECT 'entitlement' AS kind, e.name AS n, e.ref AS r, a.slug AS slug, a.name AS app, '' AS detail, '' AS platform
		FROM entitlements e JOIN apps a ON a.id = e.app_id`,
}

// searchRank is how well ?1 matches a row's name (n) and ref (r), as the quick switcher orders
// them: 0 for an exact name or ref, then a name prefix, a ref prefix, a word of the name,
// anywhere in the name, anywhere in the ref; -1 for no match.
const searchRank = `CASE WHEN nami_fold(n) = ?1 OR nami_fold(r) = ?1 THEN 0
	WHEN substr(nami_fold(n), 1, length(?1)) = ?1 THEN 1
	WHEN substr(nami_fold(r), 1, length(?1)) = ?1 THEN 2
	WHEN instr(nami_fold(n), ' ' || ?1) > 0 THEN 3
	WHEN instr(nami_fold(n), ?1) > 0 THEN 4
	WHEN instr(nami_fold(r), ?1) > 0 THEN 5
	ELSE -1 END`

// SearchCatalog finds, in every app, the entities whose name or ref contains q (lowercased by
// the caller), at most perKind of each kind, best first, then by name and app. The database
// ranks and cuts, so the answer costs what it returns, not the size of the catalogs in memory.
func (s Reader) SearchCatalog(ctx context.Context, q string, perKind int) ([]SearchHit, error) {
	parts := make([]string, len(searchKindsSQL))
	for i, from := range searchKindsSQL {
		parts[i] = `SELECT * FROM (SELECT *, ` + searchRank + ` AS rank FROM (` + from + `)
			WHERE rank >= 0 ORDER BY rank, nami_fold(n), app LIMIT ?2)`
	}
	rows, err := s.q.QueryContext(ctx, strings.Join(parts, " UNION ALL "), q, perKind)
	if err != nil {
		return nil, fmt.Errorf("store.SearchCatalog: %w", err)
	}
	defer rows.Close()
	var out []SearchHit
	for rows.Next() {
		var h SearchHit
		if err := rows.Scan(&h.Kind, &h.Name, &h.Ref, &h.AppSlug, &h.AppName, &h.Detail, &h.PlatformRef, &h.Rank); err != nil {
			return nil, fmt.Errorf("store.SearchCatalog: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
