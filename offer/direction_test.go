package offer

import "testing"

func TestDirection(t *testing.T) {
	cases := []struct {
		locale, want string
	}{
		{"ar", "rtl"},
		{"ar-SA", "rtl"},
		{"AR-eg", "rtl"},
		{"he", "rtl"},
		{"he-IL", "rtl"},
		{"fa", "rtl"},
		{"fa_IR", "rtl"},
		{"ur", "rtl"},
		{"ur-PK", "rtl"},
		{"en", "ltr"},
		{"en-US", "ltr"},
		{"de-AT", "ltr"},
		{"ja", "ltr"},
		{"arn", "ltr"}, // Mapudungun: starts with "ar" but is not Arabic
		{"hep", "ltr"},
		{"", "ltr"},
		{"-ar", "ltr"},
	}
	for _, c := range cases {
		if got := Direction(c.locale); got != c.want {
			t.Errorf("Direction(%q) = %q, want %q", c.locale, got, c.want)
		}
	}
}
