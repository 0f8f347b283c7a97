package offer

import (
	"strings"
	"testing"
)

func TestNormalizePrice(t *testing.T) {
	ok := map[string]string{
		"99,99": "99.99", "9,5": "9.5", "0,5": "0.5", " 12,00 ": "12.00", "9.99": "9.99", "10": "10",
		"1299,00": "1299.00", "-9,99": "-9.99", "": "",
	}
	for in, want := range ok {
		got, err := NormalizePrice(in)
		if err != nil || got != want {
			t.Errorf("NormalizePrice(%q) = %q, %v; want %q", in, got, err, want)
		}
		if want != "" && !strings.HasPrefix(want, "-") && CheckPrice(got) != nil {
			t.Errorf("CheckPrice(%q) = %v", got, CheckPrice(got))
		}
	}
	refused := map[string]string{
		"1.299,00":  "Leave out the thousands separator: write 1299,00.",
		"1,299.00":  "Leave out the thousands separator: write 1299.00.",
		"1,299":     "Use at most 2 decimal places, e.g. 9.99; if , is a thousands separator, leave it out: 1299.",
		"1.299":     "Use at most 2 decimal places, e.g. 9.99; if . is a thousands separator, leave it out: 1299.",
		"1 299,50":  "Leave out the thousands separator: write 1299,50.",
		"1’299.50":  "Leave out the thousands separator: write 1299.50.",
		"12,3456":   "Enter the price as a number, e.g. 9.99 or 9,99.",
		"9,99,99":   "Enter the price as a number, e.g. 9.99 or 9,99.",
		"99,":       "Enter the price as a number, e.g. 9.99 or 9,99.",
		"1.234.567": "Leave out the thousands separator: write 1234567.",
	}
	for in, want := range refused {
		got, err := NormalizePrice(in)
		if err == nil || err.Error() != want {
			t.Errorf("NormalizePrice(%q) = %q, %v; want the error %q", in, got, err, want)
		}
	}
}

func TestIsDurationAndHasPriceFormat(t *testing.T) {
	for s, want := range map[string]bool{"P1M": true, "P5W": true, "P3D": true, "P0M": false, "P1X": false, "1M": false, "": false} {
		if IsDuration(s) != want {
			t.Errorf("IsDuration(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"en": true, "de-DE": true, "de-AT": true, "xx": false, "*": false} {
		if HasPriceFormat(s) != want {
			t.Errorf("HasPriceFormat(%q) = %v", s, !want)
		}
	}
}
