package catalog

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"nami/offer"
)

// paywalls checks the paywalls against the platforms and products the file names, and returns
// the set of refs they name, valid or not.
func (v *validation) paywalls(docs []PaywallDoc, platforms, products map[string]bool) map[string]bool {
	named := make(map[string]bool, len(docs))
	refs := map[string]string{}
	for i, p := range docs {
		at := fmt.Sprintf("paywalls[%d]", i)
		if err := offer.CheckRef(p.Ref); err != nil {
			v.check(at+".ref", err)
		} else {
			v.unique(at+".ref", "ref", p.Ref, refs)
		}
		named[p.Ref] = true
		v.required(at+".name", "name", p.Name)
		switch {
		case p.Template == "":
			v.add(at+".template", "template is required; use %s", orList(templates))
		case !slices.Contains(templates, p.Template):
			v.add(at+".template", "unknown template %q; use %s", p.Template, orList(templates))
		}
		switch {
		case p.DefaultLocale == "":
			v.add(at+".default_locale", "default_locale is required; one of the locales of copy")
		default:
			if _, ok := p.Copy[p.DefaultLocale]; !ok {
				v.add(at+".default_locale", "no copy for %q", p.DefaultLocale)
			}
		}
		v.check(at+".theme.accent", offer.CheckColor(p.Theme.Accent))
		v.check(at+".theme.background", offer.CheckColor(p.Theme.Background))
		v.check(at+".theme.text", offer.CheckColor(p.Theme.Text))
		if d := p.Theme.Dark; d != nil {
			v.check(at+".theme.dark.accent", offer.CheckColor(d.Accent))
			v.check(at+".theme.dark.background", offer.CheckColor(d.Background))
			v.check(at+".theme.dark.text", offer.CheckColor(d.Text))
		}
		if p.HeroImage != "" {
			if _, _, err := offer.ParseDataURI(p.HeroImage); err != nil {
				v.check(at+".hero_image", err)
			}
		}
		v.copy(at+".copy", p.Copy)
		v.problems = append(v.problems, TokenProblems(at, p)...)
		v.paywallProducts(at, p.Products, platforms, products)
	}
	return named
}

// copy checks the locales of a paywall's copy, in sorted order since JSON objects have none.
// Two locales that differ only in case are one locale to a device, so the second is refused.
func (v *validation) copy(at string, copy map[string]CopyDoc) {
	locales := make([]string, 0, len(copy))
	for locale := range copy {
		locales = append(locales, locale)
	}
	slices.Sort(locales)
	seen := map[string]string{} // lowercased locale -> path of first use
	for _, locale := range locales {
		path := at + "." + locale
		if err := offer.CheckLocale(locale); err != nil {
			v.check(path, err)
			continue
		}
		v.unique(path, "locale", strings.ToLower(locale), seen)
	}
}

// paywallProducts checks the products a paywall offers: each names a product of the file, once.
func (v *validation) paywallProducts(at string, docs []PaywallProductDoc, platforms, products map[string]bool) {
	listed := map[string]string{} // productKey -> path of first use
	for j, pp := range docs {
		path := fmt.Sprintf("%s.products[%d]", at, j)
		switch {
		case pp.Platform == "":
			v.add(path+".platform", "platform is required; the ref of one of the file's platforms")
		case !platforms[pp.Platform]:
			v.add(path+".platform", "unknown platform %q", pp.Platform)
		case pp.SKU == "":
			v.add(path+".sku", "sku is required")
		case !products[productKey(pp.Platform, pp.SKU)]:
			v.add(path, "unknown sku %q on platform %q", pp.SKU, pp.Platform)
		default:
			if first, ok := listed[productKey(pp.Platform, pp.SKU)]; ok {
				v.add(path, "sku %q on platform %q is already listed by %s", pp.SKU, pp.Platform, first)
			} else {
				listed[productKey(pp.Platform, pp.SKU)] = path
			}
		}
		if n := utf8.RuneCountInString(pp.Badge); n > maxBadgeLength {
			v.add(path+".badge", "badge is %d characters; use at most %d", n, maxBadgeLength)
		}
	}
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
