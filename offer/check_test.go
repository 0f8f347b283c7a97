package offer

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkCase is one input of a Check function: want is "" when it must pass, otherwise a
// fragment the error message must contain.
type checkCase struct {
	in   string
	want string
}

func runChecks(t *testing.T, name string, check func(string) error, cases []checkCase) {
	t.Helper()
	for _, c := range cases {
		err := check(c.in)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s(%q) = %q, want nil", name, c.in, err)
		case c.want != "" && err == nil:
			t.Errorf("%s(%q) = nil, want an error containing %q", name, c.in, c.want)
		case err != nil:
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s(%q) = %q, want it to contain %q", name, c.in, err, c.want)
			}
			assertSentence(t, name+"("+c.in+")", err)
		}
	}
}

// assertSentence checks that an error reads as a sentence a marketer sees beside a field.
func assertSentence(t *testing.T, what string, err error) {
	t.Helper()
	msg := err.Error()
	first, _ := utf8.DecodeRuneInString(msg)
	if !unicode.IsUpper(first) && first != '"' || !strings.HasSuffix(msg, ".") {
		t.Errorf("%s: message %q is not a sentence", what, msg)
	}
}

func TestCheckRef(t *testing.T) {
	runChecks(t, "CheckRef", CheckRef, []checkCase{
		{"premium", ""},
		{"calm-sky", ""},
		{"onboarding_test", ""},
		{"a", ""},
		{"2024-spring", ""},
		{strings.Repeat("x", 64), ""},
		{"", "Enter"},
		{strings.Repeat("x", 65), "at most 64"},
		{"Premium", `"premium"`},
		{"summer sale", `"summer-sale"`},
		{"Summer Sale", `"summer-sale"`},
		{"a b!", "Spaces"},
		{"café", `"é"`},
		{"a.b", `"."`},
		{"a/b", `"/"`},
		{"ünïcode", "not allowed"},
	})
}

func TestCheckSKU(t *testing.T) {
	runChecks(t, "CheckSKU", CheckSKU, []checkCase{
		{"com.example.calmsky.monthly", ""},
		{"calmsky_premium_yearly", ""},
		{"calmsky-monthly-usd", ""},
		{"Premium.Monthly_2", ""},
		{"a", ""},
		{"7", ""},
		{strings.Repeat("s", 200), ""},
		{"", "1 to 200 characters"},
		{strings.Repeat("s", 201), "1 to 200 characters"},
		{strings.Repeat("é", 201), "1 to 200 characters"},
		{"calm monthly", "Use only letters"},
		{"monthly\t", "Use only letters"},
		{" monthly", "Use only letters"},
		{"café", "Use only letters"},
		{"calm/monthly", "Use only letters"},
		{"calm:monthly", "Use only letters"},
		{"calm+monthly", "Use only letters"},
		{"ｍonthly", "Use only letters"},
		{".", "at least one letter or digit"},
		{"..", "at least one letter or digit"},
		{"-_.", "at least one letter or digit"},
		{".a", ""},
	})
}

func TestCheckPrice(t *testing.T) {
	runChecks(t, "CheckPrice", CheckPrice, []checkCase{
		{"9.99", ""},
		{"10", ""},
		{"0.5", ""},
		{"0.01", ""},
		{"1299", ""},
		{"1299.9", ""},
		{"999999999.99", ""},
		{"", "Enter a price"},
		{"0", "more than zero"},
		{"0.00", "more than zero"},
		{"-1", "more than zero"},
		{"1.999", "2 decimal places"},
		{"1e3", "plain digits"},
		{"1E3", "plain digits"},
		{" 9.99", "spaces"},
		{"9.99 ", "spaces"},
		{"9,99", "dot"},
		{"1,299.00", "dot"},
		{"$9.99", "currency symbol"},
		{"9.99€", "currency symbol"},
		{".5", "0 before"},
		{"5.", "as a number"},
		{"9.9.9", "as a number"},
		{"free", "as a number"},
		{"+5", "as a number"},
		{"007", "leading zeros"},
		{"1000000000", "too large"},
		{"٩", "as a number"},
	})
}

func TestCheckCurrency(t *testing.T) {
	runChecks(t, "CheckCurrency", CheckCurrency, []checkCase{
		{"USD", ""},
		{"EUR", ""},
		{"JPY", ""},
		{"", "Enter a currency"},
		{"usd", "uppercase letters: USD"},
		{"Eur", "uppercase letters: EUR"},
		{"US", "3-letter"},
		{"USDD", "3-letter"},
		{"US1", "3-letter"},
		{" USD", "3-letter"},
		{"$", "rather than the symbol"},
		{"€", "rather than the symbol"},
	})
}

func TestCheckKind(t *testing.T) {
	runChecks(t, "CheckKind", CheckKind, []checkCase{
		{"subscription", ""},
		{"non_consumable", ""},
		{"consumable", ""},
		{"", "Choose a kind"},
		{"Subscription", "not a kind"},
		{"non-consumable", "not a kind"},
		{"lifetime", "not a kind"},
	})
}

func TestCheckPeriod(t *testing.T) {
	cases := []struct {
		kind, period string
		want         string
	}{
		{KindSubscription, "P1W", ""},
		{KindSubscription, "P1M", ""},
		{KindSubscription, "P3M", ""},
		{KindSubscription, "P6M", ""},
		{KindSubscription, "P1Y", ""},
		{KindSubscription, "", "needs a billing period"},
		{KindSubscription, "p1m", "Use capital letters: P1M"},
		{KindSubscription, "P5W", "Choose a billing period"},
		{KindSubscription, "P12M", "Choose a billing period"},
		{KindSubscription, "monthly", "Choose a billing period"},
		{KindSubscription, "P1D", "Choose a billing period"},
		{KindNonConsumable, "", ""},
		{KindConsumable, "", ""},
		{KindNonConsumable, "P1M", "Only subscriptions"},
		{KindConsumable, "P1Y", "Only subscriptions"},
		{"", "", ""},
		{"", "P1M", ""},
		{"bogus", "P5M", "Choose a billing period"},
	}
	for _, c := range cases {
		runChecks(t, "CheckPeriod("+c.kind+")", func(p string) error { return CheckPeriod(c.kind, p) },
			[]checkCase{{c.period, c.want}})
	}
}

func TestCheckTrial(t *testing.T) {
	cases := []struct {
		kind, trial string
		want        string
	}{
		{KindSubscription, "", ""},
		{KindSubscription, "P3D", ""},
		{KindSubscription, "P1W", ""},
		{KindSubscription, "P2W", ""},
		{KindSubscription, "P1M", ""},
		{KindSubscription, "P99D", ""},
		{KindSubscription, "P14D", ""},
		{KindConsumable, "", ""},
		{KindNonConsumable, "", ""},
		{KindConsumable, "P3D", "Only subscriptions"},
		{KindNonConsumable, "P1W", "Only subscriptions"},
		{KindSubscription, "p3d", "Use capital letters: P3D"},
		{KindSubscription, "P0D", "between 1 and 99"},
		{KindSubscription, "P100D", "between 1 and 99"},
		{KindSubscription, "P03D", "Write the trial"},
		{KindSubscription, "P1Y", "Write the trial"},
		{KindSubscription, "P1H", "Write the trial"},
		{KindSubscription, "3 days", "Write the trial"},
		{KindSubscription, "PT72H", "Write the trial"},
		{KindSubscription, "P", "Write the trial"},
		{KindSubscription, "PD", "Write the trial"},
		{KindSubscription, "P-1D", "Write the trial"},
	}
	for _, c := range cases {
		runChecks(t, "CheckTrial("+c.kind+")", func(tr string) error { return CheckTrial(c.kind, tr) },
			[]checkCase{{c.trial, c.want}})
	}
}

func TestCheckColor(t *testing.T) {
	runChecks(t, "CheckColor", CheckColor, []checkCase{
		{"#6D28D9", ""},
		{"#ffffff", ""},
		{"#111827", ""},
		{"#AbCdEf", ""},
		{"", "Enter a color"},
		{"6D28D9", "Start the color with #: #6D28D9"},
		{"#FFF", "6-digit form: #FFFFFF"},
		{"#abc", "6-digit form: #aabbcc"},
		{"#GGGGGG", "6 hex digits"},
		{"#6D28D9FF", "6 hex digits"},
		{"red", "6 hex digits"},
		{"rgb(0,0,0)", "6 hex digits"},
		{" #6D28D9", "6 hex digits"},
	})
}

func TestChoicesAreValid(t *testing.T) {
	for _, c := range PeriodChoices {
		if err := CheckPeriod(KindSubscription, c.Value); err != nil || c.Label == "" {
			t.Errorf("period choice %+v: %v", c, err)
		}
	}
	for _, c := range KindChoices {
		if err := CheckKind(c.Value); err != nil || c.Label == "" {
			t.Errorf("kind choice %+v: %v", c, err)
		}
	}
	for _, c := range TrialChoices {
		if err := CheckTrial(KindSubscription, c.Value); err != nil || c.Label == "" {
			t.Errorf("trial choice %+v: %v", c, err)
		}
	}
	if len(PeriodChoices) != 6 || PeriodChoices[0].Value != "P1W" || PeriodChoices[5].Value != "P1Y" {
		t.Errorf("PeriodChoices = %+v, want P1W ... P1Y in order", PeriodChoices)
	}
	if got := ChoiceLabel(PeriodChoices, "P1M"); got != "Every month" {
		t.Errorf("ChoiceLabel(P1M) = %q, want Every month", got)
	}
	if got := ChoiceLabel(PeriodChoices, "P2Y"); got != "P2Y" {
		t.Errorf("ChoiceLabel(P2Y) = %q, want the value back", got)
	}
}
