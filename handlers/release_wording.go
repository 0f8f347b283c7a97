package handlers

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"nami/publish"
)

// issueText says a publishing issue to a marketer. publish.Issue's String ("app sunrise-yoga: the
// app has no platform yet; a release is compiled per platform, so add one first") is for the
// command line; the control center names the thing in words and starts a sentence.
func issueText(is publish.Issue) string {
	switch {
	case is.Entity == "app" && strings.Contains(is.Message, "no platform"):
		return "This app has no platform yet. Add its iOS, Android or web app under Platforms first: each platform gets its own copy of a release."
	case is.Entity == "app":
		return issueSentence(is.Message)
	case is.Entity == "campaign":
		return "Campaign " + is.Ref + ": " + withStop(is.Message)
	case is.Entity == "platform":
		return "Platform " + is.Ref + ": " + withStop(is.Message)
	}
	return issueSentence(is.String())
}

// issueSentence starts s with a capital letter and ends it with a full stop.
func issueSentence(s string) string {
	s = withStop(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// withStop ends s with a full stop.
func withStop(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
