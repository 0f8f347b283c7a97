package catalog

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"nami/offer"
)

// TokenProblems checks the length of a paywall's copy (offer.MaxCopyLength) and the tokens in it
// and in its product badges (offer.CheckTokens):
// each must be one SDKs know, and a position must name a product the paywall offers on every
// platform where it offers any (a badge: on its product's platform). Paths are under at, as
// "paywalls[2].copy.en.title".
func TokenProblems(at string, p PaywallDoc) Problems {
	var problems Problems
	offered := map[string]int{}
	for _, pp := range p.Products {
		offered[pp.Platform]++
	}
	check := func(path, src string, offered map[string]int) {
		if err := offer.CheckTokens(src, offered); err != nil {
			problems = append(problems, Problem{Path: path, Message: err.Error()})
		}
	}
	locales := make([]string, 0, len(p.Copy))
	for l := range p.Copy {
		locales = append(locales, l)
	}
	slices.Sort(locales)
	for _, l := range locales {
		c := p.Copy[l]
		for _, f := range []struct{ key, src string }{{"title", c.Title}, {"subtitle", c.Subtitle},
			{"body", c.Body}, {"cta", c.CTA}, {"footer", c.Footer}} {
			path := at + ".copy." + l + "." + f.key
			if n, limit := utf8.RuneCountInString(f.src), offer.MaxCopyLength[f.key]; n > limit {
				problems = append(problems, Problem{Path: path, Message: fmt.Sprintf("%s is %d characters; use at most %d", f.key, n, limit)})
				continue
			}
			check(path, f.src, offered)
		}
	}
	for j, pp := range p.Products {
		check(fmt.Sprintf("%s.products[%d].badge", at, j), pp.Badge, map[string]int{pp.Platform: offered[pp.Platform]})
	}
	return problems
}
