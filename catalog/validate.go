package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"nami/offer"
)

// keyPattern is the shape of a public SDK key (DESIGN.md section 4).
var keyPattern = regexp.MustCompile(`^pk_[A-Za-z0-9_]{16,64}$`)

// Validate checks everything that can be checked without the database and returns every
// problem found, in file order; nil means the file is valid. A value that is already reported
// (a product naming an invalid platform ref, say) is not reported again where it is used.
func Validate(f *File) Problems {
	v := &validation{}
	v.format(f.Format)
	v.app(f.App)
	platforms := v.platforms(f.Platforms)
	entitlements := v.entitlements(f.Entitlements)
	products := v.products(f.Products, platforms, entitlements)
	paywalls := v.paywalls(f.Paywalls, platforms, products)
	v.campaigns(f.Campaigns, paywalls)
	return v.problems
}

// validation collects the problems of one file.
type validation struct {
	problems Problems
}

func (v *validation) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// check records err, a plain sentence from package offer, at path.
func (v *validation) check(path string, err error) {
	if err != nil {
		v.problems = append(v.problems, Problem{Path: path, Message: err.Error()})
	}
}

// required reports a blank value at path and says whether the value was there.
func (v *validation) required(path, what, value string) bool {
	if strings.TrimSpace(value) == "" {
		v.add(path, "%s is required", what)
		return false
	}
	return true
}

// unique reports value at path when an earlier element already used it; seen maps each value
// to the path of its first use.
func (v *validation) unique(path, what, value string, seen map[string]string) {
	if first, ok := seen[value]; ok {
		v.add(path, "%s %q is already used by %s", what, value, first)
		return
	}
	seen[value] = path
}

func (v *validation) format(format string) {
	switch format {
	case Format:
	case "":
		v.add("format", "format is required; this version reads %q", Format)
	default:
		v.add("format", "unknown format %q; this version reads %q", format, Format)
	}
}

func (v *validation) app(a AppDoc) {
	v.check("app.slug", offer.CheckRef(a.Slug))
	v.required("app.name", "name", a.Name)
}

// platforms checks the platforms and returns the set of refs they name, valid or not.
func (v *validation) platforms(docs []PlatformDoc) map[string]bool {
	named := make(map[string]bool, len(docs))
	refs, keys := map[string]string{}, map[string]string{}
	for i, p := range docs {
		at := fmt.Sprintf("platforms[%d]", i)
		if err := offer.CheckRef(p.Ref); err != nil {
			v.check(at+".ref", err)
		} else {
			v.unique(at+".ref", "ref", p.Ref, refs)
		}
		named[p.Ref] = true
		switch {
		case p.Store == "":
			v.add(at+".store", "store is required; one of %s", strings.Join(stores, ", "))
		case !slices.Contains(stores, p.Store):
			v.add(at+".store", "unknown store %q", p.Store)
		}
		v.required(at+".name", "name", p.Name)
		switch {
		case p.Environment == "":
			v.add(at+".environment", "environment is required; production or sandbox")
		case !slices.Contains(environments, p.Environment):
			v.add(at+".environment", "unknown environment %q; use production or sandbox", p.Environment)
		}
		switch {
		case p.Key == "":
		case !keyPattern.MatchString(p.Key):
			v.add(at+".key", `key must be "pk_" followed by 16 to 64 letters, digits or _`)
		default:
			v.unique(at+".key", "key", p.Key, keys)
		}
	}
	return named
}

// entitlements checks the entitlements and returns the set of refs they name, valid or not.
func (v *validation) entitlements(docs []EntitlementDoc) map[string]bool {
	named := make(map[string]bool, len(docs))
	refs := map[string]string{}
	for i, e := range docs {
		at := fmt.Sprintf("entitlements[%d]", i)
		if err := offer.CheckRef(e.Ref); err != nil {
			v.check(at+".ref", err)
		} else {
			v.unique(at+".ref", "ref", e.Ref, refs)
		}
		named[e.Ref] = true
		v.required(at+".name", "name", e.Name)
	}
	return named
}

// products checks the products against the platforms and entitlements the file names, and
// returns the set of productKeys they name, valid or not.
func (v *validation) products(docs []ProductDoc, platforms, entitlements map[string]bool) map[string]bool {
	named := make(map[string]bool, len(docs))
	skus := map[string]string{} // productKey -> path of first use
	for i, p := range docs {
		at := fmt.Sprintf("products[%d]", i)
		switch {
		case p.Platform == "":
			v.add(at+".platform", "platform is required; the ref of one of the file's platforms")
		case !platforms[p.Platform]:
			v.add(at+".platform", "unknown platform %q", p.Platform)
		}
		named[productKey(p.Platform, p.SKU)] = true
		if err := offer.CheckSKU(p.SKU); err != nil {
			v.check(at+".sku", err)
		} else if first, ok := skus[productKey(p.Platform, p.SKU)]; ok {
			v.add(at+".sku", "sku %q is already used on platform %q by %s", p.SKU, p.Platform, first)
		} else {
			skus[productKey(p.Platform, p.SKU)] = at
		}
		v.required(at+".name", "name", p.Name)
		v.check(at+".kind", offer.CheckKind(p.Kind))
		v.check(at+".price", offer.CheckPrice(p.Price))
		v.check(at+".currency", offer.CheckCurrency(p.Currency))
		v.check(at+".period", offer.CheckPeriod(p.Kind, p.Period))
		v.check(at+".trial", offer.CheckTrial(p.Kind, p.Trial))
		granted := map[string]bool{}
		for j, ref := range p.Entitlements {
			path := fmt.Sprintf("%s.entitlements[%d]", at, j)
			switch {
			case !entitlements[ref]:
				v.add(path, "unknown entitlement %q", ref)
			case granted[ref]:
				v.add(path, "entitlement %q is listed twice", ref)
			}
			granted[ref] = true
		}
	}
	return named
}
