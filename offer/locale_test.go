package offer

import "testing"

func TestCheckLocale(t *testing.T) {
	runChecks(t, "CheckLocale", CheckLocale, []checkCase{
		{"en", ""},
		{"en-US", ""},
		{"de-AT", ""},
		{"zh-Hant-TW", ""},
		{"zh-Hans", ""},
		{"pt-BR", ""},
		{"es-419", ""},
		{"fil", ""},
		{"EN-us", ""},
		{"", "Enter a language code"},
		{"english", "not a language code"},
		{"en_US", "hyphen, not an underscore: en-US"},
		{"en-", "not a language code"},
		{"-US", "not a language code"},
		{"e", "not a language code"},
		{"en-USA", "not a language code"},
		{"en-US-u-ca-gregory", "not a language code"},
		{"x-foo", "not a language code"},
		{"en US", "not a language code"},
		{"xx", "not a known language code"},
		{"en-QQQQ-US-x", "not a language code"},
	})
}

func TestResolveLocale(t *testing.T) {
	available := []string{"en", "de", "pt-BR", "zh-Hant", "fr-CA"}
	cases := []struct {
		name, requested, def, want string
	}{
		{"exact", "de", "en", "de"},
		{"exact with region", "pt-BR", "en", "pt-BR"},
		{"case-insensitive returns the stored spelling", "PT-br", "en", "pt-BR"},
		{"case-insensitive language", "DE", "en", "de"},
		{"underscore from a device", "pt_BR", "en", "pt-BR"},
		{"language fallback", "de-AT", "en", "de"},
		{"language fallback from script and region", "en-Latn-GB", "de", "en"},
		{"language fallback case-insensitive", "DE-ch", "en", "de"},
		{"no fallback to a sibling region", "pt-PT", "en", "en"},
		{"no fallback from a bare language to a region", "fr", "en", "en"},
		{"script tag present", "zh-Hant", "en", "zh-Hant"},
		{"script fallback goes to the bare language only", "zh-Hant-TW", "en", "en"},
		{"default", "ja", "en", "en"},
		{"default for an empty request", "", "de", "de"},
		{"default need not be available", "ja", "it", "it"},
	}
	for _, c := range cases {
		if got := ResolveLocale(available, c.requested, c.def); got != c.want {
			t.Errorf("%s: ResolveLocale(%q, %q) = %q, want %q", c.name, c.requested, c.def, got, c.want)
		}
	}
	if got := ResolveLocale(nil, "de-AT", "en"); got != "en" {
		t.Errorf("ResolveLocale(nil, de-AT, en) = %q, want en", got)
	}
}
