package publish

import (
	"fmt"
	"strings"
	"time"

	"nami/catalog"
	"nami/engine"
	"nami/snapshot"
)

// Issue is one thing about an app's drafts that publishing found: an error blocks the release,
// a warning is shown and publishing goes on.
type Issue struct {
	Entity  string // "app", "campaign", "paywall" or "platform"
	Ref     string // the entity's ref; the app's slug
	Name    string // the entity's name, for messages that name it as marketers do; may be empty
	Message string
}

// String returns "campaign onboarding-ab: message", or with a Name `Paywall "Spring offer": message`.
func (i Issue) String() string {
	if i.Name != "" {
		return fmt.Sprintf("%s%s %q: %s", strings.ToUpper(i.Entity[:1]), i.Entity[1:], i.Name, i.Message)
	}
	return i.Entity + " " + i.Ref + ": " + i.Message
}

// Check looks at an app's drafts f as they would be published at now. Errors: the app has no
// platform to compile for; a live campaign whose rules do not hold or whose paywall is missing.
// Warnings: a live campaign whose paywall offers no product on one of the app's platforms, or
// whose schedule has ended. The copy of the paywalls live campaigns show is checked too (checkCopy),
// and the tokens of the copy of every paywall the snapshot carries (checkTokens).
//
// now is read only to tell whether a schedule has ended: Drafts caches Check's answer until the
// next campaign end (nextScheduleEnd); a check that reads the clock otherwise must change that.
func Check(f *catalog.File, now time.Time) (errs, warnings []Issue) {
	if len(f.Platforms) == 0 {
		errs = append(errs, Issue{Entity: "app", Ref: f.App.Slug,
			Message: "the app has no platform yet; a release is compiled per platform, so add one first"})
	}
	paywalls := make(map[string]catalog.PaywallDoc, len(f.Paywalls))
	for _, p := range f.Paywalls {
		paywalls[p.Ref] = p
	}
	products := make(map[[2]string]bool, len(f.Products)) // by platform and sku
	for _, p := range f.Products {
		products[[2]string{p.Platform, p.SKU}] = true
	}
	offers := map[[2]string]bool{} // offersOn by paywall and platform, worked out once
	for _, c := range f.Campaigns {
		if c.Status != engine.StatusLive {
			continue
		}
		add := func(list *[]Issue, format string, args ...any) {
			*list = append(*list, Issue{Entity: "campaign", Ref: c.Ref, Message: fmt.Sprintf(format, args...)})
		}
		rules, err := snapshot.Rules(c)
		if err != nil {
			add(&errs, "its schedule cannot be read: %v", err)
			continue
		}
		for _, fe := range engine.ValidateCampaign(rules) {
			add(&errs, "%s", fe.Error())
		}
		warned := map[string]bool{}
		for _, v := range c.Variants {
			pw, ok := paywalls[v.Paywall]
			if !ok {
				add(&errs, "variant %s shows the paywall %q, which does not exist", v.Ref, v.Paywall)
				continue
			}
			for _, pl := range f.Platforms {
				k := [2]string{pw.Ref, pl.Ref}
				on, known := offers[k]
				if !known {
					on = offersOn(products, pw, pl.Ref)
					offers[k] = on
				}
				if warned[pw.Ref+"\x00"+pl.Ref] || on {
					continue
				}
				warned[pw.Ref+"\x00"+pl.Ref] = true
				add(&warnings, "its paywall %s (variant %s) offers no product on %s, so devices there see no plan to buy",
					pw.Ref, v.Ref, pl.Ref)
			}
		}
		if rules.EndsAt != nil && !now.Before(*rules.EndsAt) {
			add(&warnings, "its schedule ended %s, so no device will see it", rules.EndsAt.UTC().Format("2006-01-02 15:04 MST"))
		}
	}
	shown := snapshot.ShownPaywalls(f)
	copyErrs, copyWarnings := checkCopy(f, shown)
	errs = append(errs, checkTokens(f, shown)...)
	return append(errs, copyErrs...), append(warnings, copyWarnings...)
}

// offersOn reports whether the paywall offers at least one existing product of the platform;
// products holds the catalog's products by platform and sku.
func offersOn(products map[[2]string]bool, pw catalog.PaywallDoc, platform string) bool {
	for _, pp := range pw.Products {
		if pp.Platform == platform && products[[2]string{platform, pp.SKU}] {
			return true
		}
	}
	return false
}
