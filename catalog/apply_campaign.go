package catalog

import (
	"context"
	"fmt"
	"slices"
	"time"

	"nami/engine"
	"nami/store"
)

// upsertCampaigns runs after upsertPaywalls, whose paywallIDs the variants point at.
func (a *applier) upsertCampaigns(ctx context.Context) error {
	current, err := a.tx.Campaigns(ctx, a.app.ID)
	if err != nil {
		return err
	}
	byRef := make(map[string]store.Campaign, len(current))
	for _, c := range current {
		byRef[c.Ref] = c
	}
	for i, doc := range a.file.Campaigns {
		want, err := a.campaign(doc)
		if err != nil {
			return fmt.Errorf("campaigns[%d]: %w", i, err)
		}
		cur, ok := byRef[doc.Ref]
		switch {
		case !ok:
			if err := a.tx.CreateCampaign(ctx, &want); err != nil {
				return err
			}
			a.res.Created++
		case sameCampaign(cur, want):
		default:
			want.ID, want.Version = cur.ID, cur.Version
			if err := a.tx.UpdateCampaign(ctx, &want); err != nil {
				return err
			}
			a.res.Updated++
		}
	}
	return nil
}

// campaign builds the stored form of doc: times in UTC, an empty match as "all", conditions
// and variants in file order, variants pointing at paywall ids.
func (a *applier) campaign(doc CampaignDoc) (store.Campaign, error) {
	c := store.Campaign{AppID: a.app.ID, Ref: doc.Ref, Name: doc.Name, Label: doc.Label, Status: doc.Status,
		Priority: doc.Priority, HoldoutPercent: doc.HoldoutPercent, Audience: normalAudience(doc.Audience.engine())}
	var err error
	if c.StartsAt, err = parseTime(doc.StartsAt); err != nil { // Validate makes sure of it
		return c, fmt.Errorf("starts_at: %w", err)
	}
	if c.EndsAt, err = parseTime(doc.EndsAt); err != nil {
		return c, fmt.Errorf("ends_at: %w", err)
	}
	for _, v := range doc.Variants {
		id, ok := a.paywallIDs[v.Paywall]
		if !ok {
			return c, fmt.Errorf("variant %q: paywall %q not found", v.Ref, v.Paywall)
		}
		c.Variants = append(c.Variants, store.CampaignVariant{Ref: v.Ref, PaywallID: id, PaywallRef: v.Paywall, Weight: v.Weight})
	}
	return c, nil
}

// normalAudience spells an audience the way it is stored: match "all" when empty, and empty
// rather than absent lists.
func normalAudience(a engine.Audience) engine.Audience {
	out := engine.Audience{Match: a.Match, Conditions: make([]engine.Condition, 0, len(a.Conditions))}
	if out.Match == "" {
		out.Match = engine.MatchAll
	}
	for _, c := range a.Conditions {
		values := slices.Clone(c.Values)
		if values == nil {
			values = []string{}
		}
		out.Conditions = append(out.Conditions, engine.Condition{Attribute: c.Attribute, Operator: c.Operator, Values: values})
	}
	return out
}

// sameCampaign compares what a catalog file says about a campaign: schedule, audience and
// variants in order included.
func sameCampaign(x, y store.Campaign) bool {
	return x.Name == y.Name && x.Label == y.Label && x.Status == y.Status && x.Priority == y.Priority &&
		sameTime(x.StartsAt, y.StartsAt) && sameTime(x.EndsAt, y.EndsAt) && x.HoldoutPercent == y.HoldoutPercent &&
		sameAudience(normalAudience(x.Audience), normalAudience(y.Audience)) &&
		slices.EqualFunc(x.Variants, y.Variants, func(v, w store.CampaignVariant) bool {
			return v.Ref == w.Ref && v.PaywallID == w.PaywallID && v.Weight == w.Weight
		})
}

func sameTime(x, y *time.Time) bool {
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	return x.Equal(*y)
}

func sameAudience(x, y engine.Audience) bool {
	return x.Match == y.Match && slices.EqualFunc(x.Conditions, y.Conditions, func(c, d engine.Condition) bool {
		return c.Attribute == d.Attribute && c.Operator == d.Operator && slices.Equal(c.Values, d.Values)
	})
}

func (a *applier) pruneCampaigns(ctx context.Context) error {
	named := make(map[string]bool, len(a.file.Campaigns))
	for _, doc := range a.file.Campaigns {
		named[doc.Ref] = true
	}
	current, err := a.tx.Campaigns(ctx, a.app.ID)
	if err != nil {
		return err
	}
	for _, c := range current {
		if named[c.Ref] {
			continue
		}
		if err := a.tx.DeleteCampaign(ctx, c.ID); err != nil {
			return err
		}
		a.res.Deleted++
	}
	return nil
}
