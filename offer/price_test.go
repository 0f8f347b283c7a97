package offer

import "testing"

// Spaces written out: every space in a formatted price is a no-break space (nbsp, U+00A0);
// French, Swedish, Finnish, Polish and pt-PT group thousands with a narrow one (U+202F).
const (
	sp  = "\u00a0"
	nsp = "\u202f"
)

func TestFormatPrice(t *testing.T) {
	cases := []struct {
		price, currency, locale, want string
	}{
		// The examples the paywall pages are written against.
		{"39.99", "USD", "en", "$39.99"},
		{"34.99", "EUR", "de", "34,99" + sp + "€"},
		{"34.99", "EUR", "de-AT", "€" + sp + "34,99"},
		{"1299", "JPY", "ja", "￥1,299"},
		{"9.99", "GBP", "en-GB", "£9.99"},
		{"1234.5", "USD", "en", "$1,234.50"},
		{"9.99", "CAD", "en-US", "CA$9.99"},
		{"4.99", "EUR", "fr", "4,99" + sp + "€"},

		// English: the symbol depends on the region (CLDR), digits do not.
		{"9.99", "USD", "en-US", "$9.99"},
		{"9.99", "USD", "en-GB", "US$9.99"},
		{"9.99", "USD", "en-CA", "US$9.99"},
		{"9.99", "CAD", "en-CA", "$9.99"},
		{"9.99", "AUD", "en-AU", "$9.99"},
		{"9.99", "AUD", "en", "A$9.99"},
		{"9.99", "EUR", "en", "€9.99"},
		{"1299", "JPY", "en", "¥1,299"},
		{"1234567.891", "USD", "en", "$1,234,567.89"},
		// CLDR currency spacing: a letter next to the digits gets a space.
		{"9.99", "CHF", "en", "CHF" + sp + "9.99"},
		{"9.99", "SEK", "en", "SEK" + sp + "9.99"},

		// German, Austrian, Swiss.
		{"1234.5", "EUR", "de", "1.234,50" + sp + "€"},
		{"1234.5", "EUR", "de-DE", "1.234,50" + sp + "€"},
		{"1234.5", "EUR", "de-AT", "€" + sp + "1.234,50"},
		{"1234.5", "CHF", "de-CH", "CHF" + sp + "1’234.50"},
		{"9.99", "USD", "de", "9,99" + sp + "$"},

		// French, with a narrow no-break space between thousands.
		{"1234.5", "EUR", "fr", "1" + nsp + "234,50" + sp + "€"},
		{"1234.5", "EUR", "fr-FR", "1" + nsp + "234,50" + sp + "€"},
		{"9.99", "USD", "fr", "9,99" + sp + "$US"},
		{"1234.5", "CAD", "fr-CA", "1" + sp + "234,50" + sp + "$"},
		{"1234.5", "CHF", "fr-CH", "1" + nsp + "234.50" + sp + "CHF"},

		// Spanish and Italian leave four-digit amounts ungrouped (CLDR minimumGroupingDigits 2).
		{"9.99", "EUR", "es", "9,99" + sp + "€"},
		{"1234.5", "EUR", "es", "1234,50" + sp + "€"},
		{"12345.5", "EUR", "es-ES", "12.345,50" + sp + "€"},
		{"1234.5", "EUR", "it", "1234,50" + sp + "€"},
		{"12345.5", "EUR", "it", "12.345,50" + sp + "€"},
		{"1234.5", "MXN", "es-MX", "$1,234.50"},
		{"9.99", "USD", "es-MX", "USD" + sp + "9.99"},

		// Dutch and Portuguese put the symbol first with a space; pt-PT does not.
		{"1234.5", "EUR", "nl", "€" + sp + "1.234,50"},
		{"9.99", "BRL", "pt-BR", "R$" + sp + "9,99"},
		{"1234.5", "BRL", "pt", "R$" + sp + "1.234,50"},
		{"1234.5", "EUR", "pt-PT", "1234,50" + sp + "€"},
		{"12345.5", "EUR", "pt-PT", "12" + nsp + "345,50" + sp + "€"},

		// East Asian: symbol first, no space, currency digits from ISO 4217.
		{"9900", "KRW", "ko", "₩9,900"},
		{"1299.5", "JPY", "ja", "￥1,300"},
		{"68", "CNY", "zh", "￥68.00"},
		{"68", "CNY", "zh-Hans-CN", "￥68.00"},

		// Nordic, Polish, Turkish, Russian.
		{"99", "SEK", "sv", "99,00" + sp + "kr"},
		{"1234.5", "SEK", "sv-SE", "1" + nsp + "234,50" + sp + "kr"},
		{"9.99", "EUR", "fi", "9,99" + sp + "€"},
		{"99", "DKK", "da", "99,00" + sp + "kr."},
		{"39.99", "PLN", "pl", "39,99" + sp + "zł"},
		{"1234.5", "PLN", "pl", "1234,50" + sp + "zł"},
		{"12345.5", "PLN", "pl", "12" + nsp + "345,50" + sp + "zł"},
		{"99.99", "TRY", "tr", "₺99,99"},
		{"1234.5", "TRY", "tr", "₺1.234,50"},
		{"999", "RUB", "ru", "999,00" + sp + "₽"},
		{"1234.5", "RUB", "ru", "1" + sp + "234,50" + sp + "₽"},

		// Rounding half up to the currency's digits, and zeros.
		{"0.995", "USD", "en", "$1.00"},
		{"9.994", "USD", "en", "$9.99"},
		{"999.999", "USD", "en", "$1,000.00"},
		{"0", "USD", "en", "$0.00"},
		{"007", "USD", "en", "$7.00"},
		{"0.5", "JPY", "ja", "￥1"},

		// Lenient spellings of the locale and code.
		{"9.99", "usd", "en", "$9.99"},
		{"9.99", "USD", "en_US", "$9.99"},
		{"9.99", "USD", "EN-us", "$9.99"},

		// Fallbacks: a code x/text does not know uses the code as its symbol; a locale outside
		// the table gives the ISO code and the plain amount; bad input comes back as given.
		{"9.99", "XYZ", "en", "XYZ" + sp + "9.99"},
		{"9.99", "XYZ", "de", "9,99" + sp + "XYZ"},
		{"1234.5", "NOK", "nb", "NOK" + sp + "1234.50"},
		{"1299", "JPY", "xx", "JPY" + sp + "1299"},
		{"9.99", "EUR", "", "EUR" + sp + "9.99"},
		{"9.99", "EUR", "english", "EUR" + sp + "9.99"},
		{"abc", "EUR", "en", "abc EUR"},
		{"9,99", "EUR", "de", "9,99 EUR"},
		{"-1", "USD", "en", "-1 USD"},
		{"9.99", "US", "en", "9.99 US"},
		{"9.99", "", "en", "9.99"},
	}
	for _, c := range cases {
		if got := FormatPrice(c.price, c.currency, c.locale); got != c.want {
			t.Errorf("FormatPrice(%q, %q, %q) = %+q, want %+q", c.price, c.currency, c.locale, got, c.want)
		}
	}
}

func TestRoundDecimal(t *testing.T) {
	cases := []struct {
		whole, frac string
		scale       int
		want        string
	}{
		{"9", "99", 2, "9.99"},
		{"9", "9", 2, "9.90"},
		{"9", "", 2, "9.00"},
		{"9", "995", 2, "10.00"},
		{"9", "994", 2, "9.99"},
		{"99", "5", 0, "100."},
		{"99", "4", 0, "99."},
		{"0", "005", 2, "0.01"},
		{"1299", "", 0, "1299."},
	}
	for _, c := range cases {
		w, f := roundDecimal(c.whole, c.frac, c.scale)
		if got := w + "." + f; got != c.want {
			t.Errorf("roundDecimal(%q, %q, %d) = %q, want %q", c.whole, c.frac, c.scale, got, c.want)
		}
	}
}

func TestGroupThousands(t *testing.T) {
	cases := []struct {
		whole       string
		minGrouping int
		want        string
	}{
		{"1", 1, "1"},
		{"999", 1, "999"},
		{"1000", 1, "1,000"},
		{"1000", 2, "1000"},
		{"10000", 2, "10,000"},
		{"123456", 1, "123,456"},
		{"1234567", 1, "1,234,567"},
		{"1234567", 2, "1,234,567"},
	}
	for _, c := range cases {
		if got := groupThousands(c.whole, ",", c.minGrouping); got != c.want {
			t.Errorf("groupThousands(%q, %d) = %q, want %q", c.whole, c.minGrouping, got, c.want)
		}
	}
}
