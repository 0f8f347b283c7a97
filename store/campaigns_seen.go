package store

import (
	"context"
	"fmt"
)

// CampaignsSeen returns the refs of the campaigns that have any device in the analytics of the
// given platforms (campaign_devices), at any time. A campaign not in it has no exposures in any
// period, so pages that list many campaigns' results (the overview) can skip its queries. It
// walks the primary key from one distinct campaign to the next (a skip-scan: one index seek per
// campaign, whatever the number of devices).
func (s Reader) CampaignsSeen(ctx context.Context, platformIDs []int64) (map[string]bool, error) {
	out := map[string]bool{}
	for _, pid := range platformIDs {
		rows, err := s.q.QueryContext(ctx, `WITH RECURSIVE seen(campaign) AS (
			SELECT min(campaign) FROM campaign_devices WHERE platform_id = ?1
			UNION ALL
			SELECT (SELECT min(d.campaign) FROM campaign_devices d WHERE d.platform_id = ?1 AND d.campaign > seen.campaign)
			FROM seen WHERE seen.campaign IS NOT NULL)
			SELECT campaign FROM seen WHERE campaign IS NOT NULL`, pid)
		if err != nil {
			return nil, fmt.Errorf("store.CampaignsSeen: %w", err)
		}
		for rows.Next() {
			var ref string
			if err := rows.Scan(&ref); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store.CampaignsSeen: %w", err)
			}
			out[ref] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store.CampaignsSeen: %w", err)
		}
	}
	return out, nil
}

// PaywallNames maps an app's paywall refs to their names: one cheap query, for pages that name
// paywalls without PaywallSummaries' counts.
func (s Reader) PaywallNames(ctx context.Context, appID int64) (map[string]string, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT ref, name FROM paywalls WHERE app_id = ?`, appID)
	if err != nil {
		return nil, fmt.Errorf("store.PaywallNames: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ref, name string
		if err := rows.Scan(&ref, &name); err != nil {
			return nil, fmt.Errorf("store.PaywallNames: %w", err)
		}
		out[ref] = name
	}
	return out, rows.Err()
}
