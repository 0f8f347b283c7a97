package offer

import (
	"errors"
	"strings"
	"testing"
)

// plans is a yearly plan with a week's trial, a monthly plan without one and a lifetime
// purchase, in one currency.
func plans(currency, yearly, monthly, lifetime string) []TokenProduct {
	return []TokenProduct{
		{SKU: "annual", Name: "Annual", Price: yearly, Currency: currency, Kind: KindSubscription, Period: "P1Y", Trial: "P1W"},
		{SKU: "monthly", Name: "Monthly", Price: monthly, Currency: currency, Kind: KindSubscription, Period: "P1M"},
		{SKU: "lifetime", Name: "Lifetime", Price: lifetime, Currency: currency, Kind: KindNonConsumable},
	}
}

func resolve(t *testing.T, src string, ctx TokenContext) string {
	t.Helper()
	c, err := ParseCopy(src)
	if err != nil {
		t.Fatalf("ParseCopy(%q): %v", src, err)
	}
	return c.Resolve(ctx, nil)
}

func TestTokensResolvePerLocaleAndCurrency(t *testing.T) {
	const all = "{{product.name}}|{{product.price}}|{{product.period}}|{{product.price_per_month}}|{{product.price_per_week}}|{{product.trial}}|{{product.savings}}"
	cases := []struct {
		name     string
		ctx      TokenContext
		src, out string
	}{
		{"English dollars, the yearly plan", TokenContext{Locale: "en-US", Products: plans("USD", "39.99", "5.99", "99")},
			all, "Annual|$39.99|year|$3.33|$0.77|1 week|44%"},
		{"the monthly plan has no trial and is the dearest per month", TokenContext{Locale: "en", Products: plans("USD", "39.99", "5.99", "99"), Selected: 1},
			all, "Monthly|$5.99|month|$5.99|$1.38"},
		{"a one-time purchase has no period, per-month price or savings", TokenContext{Locale: "en", Products: plans("USD", "39.99", "5.99", "99"), Selected: 2},
			all, "Lifetime|$99.00"},
		{"German euros", TokenContext{Locale: "de-DE", Products: plans("EUR", "34.99", "4.99", "79.99")},
			all, "Annual|34,99\u00a0€|Jahr|2,92\u00a0€|0,67\u00a0€|1 Woche|41\u00a0%"},
		{"French euros", TokenContext{Locale: "fr", Products: plans("EUR", "34.99", "4.99", "79.99")},
			"{{product.price_per_month}} par mois, {{product.savings}} d’économie", "2,92\u00a0€ par mois, 41\u202f% d’économie"},
		{"yen have no decimals", TokenContext{Locale: "ja", Products: plans("JPY", "1000", "150", "3000")},
			all, "Annual|￥1,000|year|￥83|￥19|1 week|44%"},
		{"by position", TokenContext{Locale: "en", Products: plans("USD", "39.99", "5.99", "99")},
			"{{products.2.name}} at {{products.2.price}}/{{products.2.period}}", "Monthly at $5.99/month"},
		{"spaces inside the braces", TokenContext{Locale: "en", Products: plans("USD", "39.99", "5.99", "99")},
			"{{ product.price }}", "$39.99"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolve(t, tc.src, tc.ctx); got != tc.out {
				t.Errorf("Resolve(%q)\n got %q\nwant %q", tc.src, got, tc.out)
			}
		})
	}
}

func TestATokenWithoutAValueLeavesNoStraySpacesOrPunctuation(t *testing.T) {
	noTrial := TokenContext{Locale: "en", Products: plans("USD", "39.99", "5.99", "99"), Selected: 1}
	cases := map[string]string{
		"{{product.name}} · {{product.trial}}":                       "Monthly",
		"{{product.name}} ({{product.trial}})":                       "Monthly",
		"{{product.name}} ({{product.trial}}) for {{product.price}}": "Monthly for $5.99",
		"{{product.trial}}, then {{product.price}}":                  "then $5.99",
		"Start your {{product.trial}} trial today":                   "Start your trial today",
		"Save {{product.savings}}!":                                  "Save!",
		"{{product.trial}} free":                                     "free",
		"  {{product.trial}}":                                        "",
		"Plans: {{product.trial}}\nCancel anytime":                   "Plans\nCancel anytime",
		"{{product.trial}} | {{product.savings}} | {{product.name}}": "Monthly",
		"{{product.name}} - {{product.trial}}":                       "Monthly",
		"Month-to-month{{product.trial}}":                            "Month-to-month",
		"{{products.9.price}} or {{product.price}}":                  "or $5.99",
		"{{#product.trial}}Try {{product.trial}} free, then {{/product.trial}}{{product.price}} a {{product.period}}":         "$5.99 a month",
		"{{product.price}}{{^product.trial}}, no trial{{/product.trial}}{{#product.trial}} after the trial{{/product.trial}}": "$5.99, no trial",
	}
	for src, want := range cases {
		if got := resolve(t, src, noTrial); got != want {
			t.Errorf("Resolve(%q)\n got %q\nwant %q", src, got, want)
		}
	}
	withTrial := TokenContext{Locale: "en", Products: plans("USD", "39.99", "5.99", "99")}
	for src, want := range map[string]string{
		"{{#product.trial}}Try {{product.trial}} free, then {{/product.trial}}{{product.price}} a {{product.period}}": "Try 1 week free, then $39.99 a year",
		"{{product.name}} ({{product.trial}})": "Annual (1 week)",
		"Private \ue000use":                    "Private use",
	} {
		if got := resolve(t, src, withTrial); got != want {
			t.Errorf("Resolve(%q)\n got %q\nwant %q", src, got, want)
		}
	}
}

func TestMarkdownCopyEscapesValues(t *testing.T) {
	ctx := TokenContext{Locale: "en", Products: []TokenProduct{{Name: "*Pro* [plan](http://x)", Price: "9.99", Currency: "USD", Kind: KindSubscription, Period: "P1M"}}}
	c, err := ParseCopy("**{{product.name}}** for {{product.price}}")
	if err != nil {
		t.Fatal(err)
	}
	got := Markdown(c.Resolve(ctx, EscapeMarkdown))
	want := "<p><strong>*Pro* [plan](http://x)</strong> for $9.99</p>\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestUnreadableTokensAreRefusedWithWhatToWrite(t *testing.T) {
	cases := map[string]string{
		"{{product.prize}}":                       "unknown token {{product.prize}}; did you mean {{product.price}}?",
		"{{products.2.trail}}":                    "unknown token {{products.2.trail}}; did you mean {{products.2.trial}}?",
		"{{prodcut.price}}":                       "unknown token {{prodcut.price}}; did you mean {{product.price}}?",
		"{{user.name}}":                           "unknown token {{user.name}}; use {{product.price}} and the others in the editor's Tokens menu",
		"{{products.two.price}}":                  "unknown token {{products.two.price}}; use {{product.price}} and the others in the editor's Tokens menu",
		"{{products.0.price}}":                    "{{products.0.price}}: positions start at 1, as in {{products.1.price}}",
		"Only {{product.price":                    "{{product.price is not closed; end the token with }}",
		"{{#product.trial}}Try it":                "{{#product.trial}} is never closed; end the section with {{/product.trial}}",
		"{{/product.trial}}":                      "{{/product.trial}} closes a section that was not opened; open it with {{#product.trial}}",
		"{{#product.trial}}x{{/product.savings}}": "{{/product.savings}} closes {{#product.trial}}; close it with {{/product.trial}} first",
	}
	for src, want := range cases {
		_, err := ParseCopy(src)
		var te *TokenError
		if !errors.As(err, &te) {
			t.Errorf("ParseCopy(%q) = %v, want a *TokenError", src, err)
			continue
		}
		if err.Error() != want {
			t.Errorf("ParseCopy(%q)\n got %q\nwant %q", src, err, want)
		}
	}
	for _, ok := range []string{"", "No tokens {here}", "Braces } alone {", "{{products.12.name}}"} {
		if _, err := ParseCopy(ok); err != nil {
			t.Errorf("ParseCopy(%q) = %v, want no error", ok, err)
		}
	}
}

func TestPositionsPastTheLastProductAreNamed(t *testing.T) {
	c, err := ParseCopy("{{products.1.price}} or {{products.3.price}}")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckPositions(3, "ios"); err != nil {
		t.Errorf("3 products: %v", err)
	}
	for n, want := range map[int]string{
		2: "{{products.3.price}}: the paywall offers 2 products on ios",
		1: "{{products.3.price}}: the paywall offers 1 product on ios",
		0: "{{products.1.price}}: the paywall offers no products on ios yet",
	} {
		if err := c.CheckPositions(n, "ios"); err == nil || err.Error() != want {
			t.Errorf("%d products: %v, want %q", n, err, want)
		}
	}
	if sel, _ := ParseCopy("{{products.1.price}}"); sel.UsesSelected() {
		t.Error("products.1 does not depend on the selection")
	}
	if sel, _ := ParseCopy("x {{product.name}}"); !sel.UsesSelected() {
		t.Error("product.name depends on the selection")
	}
}

// Review findings: values keep their own punctuation, emphasis that held only an empty token
// goes, marks inside values are plain text, a misspelt position gets no circular suggestion,
// and tidying is linear in the copy's length.
func TestTokensTidyTheCopyButNeverTheValues(t *testing.T) {
	products := []TokenProduct{{SKU: "p", Name: "Plan:", Price: "9.99", Currency: "USD", Kind: KindSubscription, Period: "P1M"}}
	ctx := TokenContext{Locale: "en", Products: products}
	for src, want := range map[string]string{
		"{{product.name}} {{product.trial}}":                      "Plan:",
		"Save **{{product.savings}}** today":                      "Save today",
		"Try it _{{product.trial}}_ free":                         "Try it free",
		"({{product.trial}}) {{product.name}}":                    "Plan:",
		"[{{product.name}} {{product.trial}}](https://x.example)": "[Plan:](https://x.example)",
	} {
		if got := resolve(t, src, ctx); got != want {
			t.Errorf("Resolve(%q) = %q, want %q", src, got, want)
		}
	}
	c, _ := ParseCopy("[{{product.name}} {{product.trial}}](https://x.example)")
	if got := Markdown(c.Resolve(ctx, EscapeMarkdown)); got != "<p><a href=\"https://x.example\" rel=\"nofollow noopener\" target=\"_blank\">Plan:</a></p>\n" {
		t.Errorf("Markdown link: %q", got)
	}
	odd := TokenContext{Locale: "en", Products: []TokenProduct{{Name: "Pro \ue000 Plus \ue001 Max", Price: "1", Currency: "USD"}}}
	if got := resolve(t, "{{product.name}}", odd); got != "Pro  Plus  Max" {
		t.Errorf("a name holding the private marks: %q", got)
	}
	for _, bad := range []string{"{{products..price}}", "{{products.01.price}}", "{{products.99999999999999999999.price}}"} {
		if _, err := ParseCopy(bad); err == nil || strings.Contains(err.Error(), "did you mean "+bad) {
			t.Errorf("ParseCopy(%q) = %v", bad, err)
		}
	}
	long := strings.Repeat("a {{product.trial}} ", 100000)
	if got := resolve(t, long, ctx); got != strings.TrimSpace(strings.Repeat("a ", 100000)) {
		t.Errorf("100,000 empty tokens: %d bytes out", len(got))
	}
}
