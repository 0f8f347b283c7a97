package publish

import (
	"fmt"
	"strings"

	"nami/catalog"
)

// checkTokens blocks publishing a paywall whose copy or badges hold a token SDKs cannot
// resolve: apply and the editor refuse them, but removing a product from a paywall can leave
// {{products.3.price}} pointing past the last one. The paywalls the snapshot carries are checked
// (shown: snapshot.ShownPaywalls, those of live campaigns and those marked for SDK use).
func checkTokens(f *catalog.File, shown map[string]bool) (errs []Issue) {
	for _, pw := range f.Paywalls {
		if !shown[pw.Ref] {
			continue
		}
		for _, p := range catalog.TokenProblems("", pw) {
			errs = append(errs, Issue{Entity: "paywall", Ref: pw.Ref, Name: pw.Name,
				Message: tokenPlace(pw, p.Path) + ": " + endSentence(p.Message) + " Fix it in the editor before publishing."})
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

// endSentence ends msg with a full stop unless it already ends a sentence ("…did you mean
// {{product.price}}?").
func endSentence(msg string) string {
	if strings.HasSuffix(msg, "?") || strings.HasSuffix(msg, ".") {
		return msg
	}
	return msg + "."
}
