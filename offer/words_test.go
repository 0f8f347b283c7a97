package offer

import "testing"

func TestPeriodWords(t *testing.T) {
	cases := []struct{ period, locale, want string }{
		{"P1W", "en", "week"},
		{"P1M", "en", "month"},
		{"P3M", "en", "3 months"},
		{"P6M", "en-US", "6 months"},
		{"P1Y", "en", "year"},
		{"P1W", "de", "Woche"},
		{"P1M", "de", "Monat"},
		{"P3M", "de-AT", "3 Monate"},
		{"P1Y", "de", "Jahr"},
		{"P1W", "fr", "semaine"},
		{"P1M", "fr", "mois"},
		{"P3M", "fr-CA", "3 mois"},
		{"P1Y", "fr", "an"},
		{"P1W", "es", "semana"},
		{"P1M", "es", "mes"},
		{"P6M", "es-MX", "6 meses"},
		{"P1Y", "es", "año"},
		{"P1M", "it", "mese"},
		{"P1M", "pt-BR", "mês"},
		{"P3M", "pt_BR", "3 meses"},
		{"P1Y", "nl", "jaar"},
		{"P1M", "ja", "month"},
		{"P1M", "", "month"},
		{"P2W", "en", "2 weeks"},
		{"monthly", "en", "monthly"},
		{"", "en", ""},
	}
	for _, c := range cases {
		if got := PeriodWords(c.period, c.locale); got != c.want {
			t.Errorf("PeriodWords(%q, %q) = %q, want %q", c.period, c.locale, got, c.want)
		}
	}
}

func TestPriceLine(t *testing.T) {
	cases := []struct{ price, currency, kind, period, locale, want string }{
		{"9.99", "USD", KindSubscription, "P1M", "en", "$9.99 / month"},
		{"59.99", "USD", KindSubscription, "P1Y", "en-US", "$59.99 / year"},
		{"29.99", "USD", KindSubscription, "P3M", "en", "$29.99 / 3 months"},
		{"34.99", "EUR", KindSubscription, "P1Y", "de", "34,99" + sp + "€ / Jahr"},
		{"4.99", "EUR", KindSubscription, "P1M", "fr", "4,99" + sp + "€ / mois"},
		{"2.99", "EUR", KindSubscription, "P1W", "es", "2,99" + sp + "€ / semana"},
		{"4.99", "USD", KindNonConsumable, "", "en", "$4.99"},
		{"0.99", "USD", KindConsumable, "", "en", "$0.99"},
		{"4.99", "USD", KindNonConsumable, "P1M", "en", "$4.99"},
		{"4.99", "USD", KindSubscription, "", "en", "$4.99"},
	}
	for _, c := range cases {
		if got := PriceLine(c.price, c.currency, c.kind, c.period, c.locale); got != c.want {
			t.Errorf("PriceLine(%q, %q, %q, %q, %q) = %+q, want %+q",
				c.price, c.currency, c.kind, c.period, c.locale, got, c.want)
		}
	}
}

func TestTrialWords(t *testing.T) {
	cases := []struct{ trial, locale, want string }{
		{"", "en", ""},
		{"P1W", "en", "1 week free"},
		{"P3D", "en", "3 days free"},
		{"P1D", "en", "1 day free"},
		{"P2W", "en-GB", "2 weeks free"},
		{"P1M", "en", "1 month free"},
		{"P1W", "de", "1 Woche gratis"},
		{"P3D", "de", "3 Tage gratis"},
		{"P1M", "de-CH", "1 Monat gratis"},
		{"P1W", "fr", "1 semaine gratuite"},
		{"P2W", "fr", "2 semaines gratuites"},
		{"P3D", "fr", "3 jours gratuits"},
		{"P1M", "fr", "1 mois gratuit"},
		{"P1W", "es", "1 semana gratis"},
		{"P7D", "es", "7 días gratis"},
		{"P1M", "pt-BR", "1 mês grátis"},
		{"P14D", "it", "14 giorni gratis"},
		{"P1W", "nl", "1 week gratis"},
		{"P1W", "ko", "1 week free"},
		{"3 days", "en", "3 days"},
	}
	for _, c := range cases {
		if got := TrialWords(c.trial, c.locale); got != c.want {
			t.Errorf("TrialWords(%q, %q) = %q, want %q", c.trial, c.locale, got, c.want)
		}
	}
}

// Right-to-left languages have their own words, Hebrew and Arabic duals and Arabic's counted
// plurals, and prices with Latin digits.
func TestRightToLeftLanguagesWordsAndPrices(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{PeriodWords("P1M", "ar"), "شهر"},
		{PeriodWords("P3M", "ar"), "3 أشهر"},
		{TrialLength("P2W", "ar"), "أسبوعان"},
		{TrialLength("P11D", "ar"), "11 يومًا"},
		{TrialWords("P1W", "ar-SA"), "1 أسبوع مجانًا"},
		{PeriodWords("P1Y", "he"), "שנה"},
		{TrialLength("P2W", "he"), "שבועיים"},
		{TrialWords("P3D", "he"), "3 ימים חינם"},
		{PeriodWords("P6M", "fa"), "6 ماه"},
		{TrialWords("P1M", "ur"), "1 مہینہ مفت"},
		{PeriodWords("P3M", "ur"), "3 مہینے"},
		{FormatPrice("59.99", "USD", "ar"), "59.99\u00a0US$"},
		{FormatPrice("1299", "ILS", "he"), "1,299.00\u00a0₪"},
		{FormatPrice("9.99", "USD", "fa"), "$9.99"},
		{FormatPrice("9.99", "EUR", "ur-PK"), "€9.99"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
