package snapshot

import (
	"nami/catalog"
	"nami/offer"
)

// addTokenValues gives each locale's copy of a paywall whose copy or badges use tokens
// ({{product.price}}) the value of every token field for each of its products on the platform,
// keyed by sku then field, in that locale: what an SDK needs to resolve the copy, left
// unresolved in the document. SDKs show the store's own price where they have it; the words
// (period, trial) and the formulas are the server's (docs/sdk-api.md). A paywall without
// tokens gets none, so its bytes do not change.
func addTokenValues(p *Paywall, pw catalog.PaywallDoc, products []Product) {
	if !usesTokens(pw) {
		return
	}
	bySKU := make(map[string]Product, len(products))
	for _, pr := range products {
		bySKU[pr.SKU] = pr
	}
	var tokens []offer.TokenProduct
	for _, pp := range p.Products {
		pr := bySKU[pp.SKU]
		tokens = append(tokens, offer.TokenProduct{SKU: pr.SKU, Name: pr.Name, Price: pr.Price, Currency: pr.Currency,
			Kind: pr.Kind, Period: pr.Period, Trial: pr.Trial})
	}
	for locale, c := range p.Copy {
		ctx := offer.TokenContext{Locale: locale, Products: tokens}
		c.TokenValues = make(map[string]map[string]string, len(tokens))
		for i, t := range tokens {
			values := make(map[string]string, len(offer.TokenFields))
			for _, field := range offer.TokenFields {
				values[field] = ctx.ProductValue(i, field)
			}
			c.TokenValues[t.SKU] = values
		}
		p.Copy[locale] = c
	}
}

// usesTokens reports whether any copy field or badge of the paywall has a token.
func usesTokens(pw catalog.PaywallDoc) bool {
	has := func(src string) bool {
		c, err := offer.ParseCopy(src)
		return err == nil && c.HasTokens()
	}
	for _, c := range pw.Copy {
		if has(c.Title) || has(c.Subtitle) || has(c.Body) || has(c.CTA) || has(c.Footer) {
			return true
		}
	}
	for _, pp := range pw.Products {
		if has(pp.Badge) {
			return true
		}
	}
	return false
}
