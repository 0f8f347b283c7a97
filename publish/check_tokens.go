package publish

import (
	"fmt"
	"strings"

	"nami/catalog"
)

// checkTokens blocks publishing a paywall whose copy or badges hold a token SDKs cannot
// resolve: apply and the editor refuse them, but removing a product from a paywall can leave
// {{products.3.price}} pointing past the last one. Every paywall is checked, shown or not, since
// every paywall goes into the snapshot.
func checkTokens(f *catalog.File) (errs []Issue) {
	for _, pw := range f.Paywalls {
		for _, p := range catalog.TokenProblems("", pw) {
			errs = append(errs, Issue{Entity: "paywall", Ref: pw.Ref, Name: pw.Name,
				Message: tokenPlace(pw, p.Path) + ": " + p.Message + "; fix it in the editor before publishing."})
		}
	}
	return errs
}

// tokenPlace names where a token problem is, as marketers do: ".copy.de.cta" is "the German
// call to action", ".products[1].badge" is "the badge of annual on ios".
func tokenPlace(pw catalog.PaywallDoc, path string) string {
	if rest, ok := strings.CutPrefix(path, ".copy."); ok {
		locale, field, _ := strings.Cut(rest, ".")
		for _, fd := range copyFields {
			if fd.key == field {
				return "the " + LanguageName(locale) + " " + fd.name
			}
		}
	}
	var j int
	if _, err := fmt.Sscanf(path, ".products[%d].badge", &j); err == nil && j < len(pw.Products) {
		return "the badge of " + pw.Products[j].SKU + " on " + pw.Products[j].Platform
	}
	return strings.TrimPrefix(path, ".")
}
