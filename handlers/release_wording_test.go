package handlers

import (
	"strings"
	"testing"
	"time"

	"nami/catalog"
	"nami/publish"
)

// TestIssueTextSpeaksToAMarketer: the releases page's issues do not read like log lines.
func TestIssueTextSpeaksToAMarketer(t *testing.T) {
	// The issue publishing really raises for an app without a platform.
	errs, _ := publish.Check(&catalog.File{App: catalog.AppDoc{Slug: "sunrise-yoga", Name: "Sunrise Yoga"}}, time.Now())
	if len(errs) != 1 || errs[0].Entity != "app" {
		t.Fatalf("publish.Check of an app without platforms: %v", errs)
	}
	got := issueText(errs[0])
	if want := "This app has no platform yet. Add its iOS, Android or web app under Platforms first: each platform gets its own copy of a release."; got != want {
		t.Errorf("issueText = %q, want %q", got, want)
	}
	for _, dev := range []string{"app sunrise-yoga:", "compiled"} {
		if strings.Contains(got, dev) {
			t.Errorf("issueText %q still says %q", got, dev)
		}
	}
	for _, tc := range []struct {
		is   publish.Issue
		want string
	}{
		{publish.Issue{Entity: "campaign", Ref: "onboarding-ab", Message: "variant a shows the paywall \"gone\", which does not exist"},
			"Campaign onboarding-ab: variant a shows the paywall \"gone\", which does not exist."},
		{publish.Issue{Entity: "platform", Ref: "ios", Message: "no products."}, "Platform ios: no products."},
	} {
		if got := issueText(tc.is); got != tc.want {
			t.Errorf("issueText(%v) = %q, want %q", tc.is, got, tc.want)
		}
	}
}
