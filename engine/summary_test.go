package engine

import "testing"

func TestSummarizeAudience(t *testing.T) {
	tests := []struct {
		a    Audience
		want string
	}{
		{Audience{}, "Everyone"},
		{Audience{Match: MatchAny}, "Everyone"},
		{Audience{Match: MatchAll, Conditions: []Condition{
			{"country", OpIn, []string{"US", "CA"}},
			{"app_version", OpGreaterOrEqual, []string{"2.0"}},
		}}, "country in US, CA and app_version ≥ 2.0"},
		{Audience{Match: MatchAny, Conditions: []Condition{
			{"platform", OpEquals, []string{"apple"}},
			{"country", OpNotEquals, []string{"US"}},
		}}, "platform = apple or country ≠ US"},
		{Audience{Conditions: []Condition{
			{"language", OpNotIn, []string{"fr"}},
			{"days_since_install", OpGreaterThan, []string{"3"}},
			{"days_since_install", OpLessThan, []string{"30"}},
			{"os_version", OpLessOrEqual, []string{"17"}},
			{"custom.plan", OpExists, nil},
			{"locale", OpNotExists, nil},
		}}, "language not in fr and days_since_install > 3 and days_since_install < 30 and os_version ≤ 17 and custom.plan is set and locale is not set"},
		{Audience{Conditions: []Condition{{"country", OpIn, nil}}}, "country in (no value)"},
		{Audience{Conditions: []Condition{{"country", "contains", []string{"U"}}}}, "country contains U"},
	}
	for _, tt := range tests {
		if got := SummarizeAudience(tt.a); got != tt.want {
			t.Errorf("SummarizeAudience(%v) = %q, want %q", tt.a, got, tt.want)
		}
	}
}
