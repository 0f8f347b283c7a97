package engine

import (
	"cmp"
	"strconv"
	"strings"
)

// parseNumber accepts -?digits(.digits)?([eE][+-]?digits)? and nothing else, so that every SDK
// can accept exactly the same texts; the value is the nearest IEEE 754 double.
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i = skipDigits(s, i); i < 0 {
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		if i = skipDigits(s, i+1); i < 0 {
			return 0, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i = skipDigits(s, i); i < 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil { // out of range
		return 0, false
	}
	return f, true
}

// skipDigits returns the index after the run of ASCII digits starting at i, or -1 when there is none.
func skipDigits(s string, i int) int {
	start := i
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

// parseVersion splits a dotted version ("2.10.1") into its parts with leading zeros removed,
// so that parts of any size compare as integers.
func parseVersion(s string) ([]string, bool) {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		if skipDigits(p, 0) != len(p) {
			return nil, false
		}
		if p = strings.TrimLeft(p, "0"); p == "" {
			p = "0"
		}
		parts[i] = p
	}
	return parts, true
}

// compareVersions compares parsed versions part by part; a missing part counts as 0.
func compareVersions(a, b []string) int {
	for i := range max(len(a), len(b)) {
		x, y := "0", "0"
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := cmp.Compare(len(x), len(y)); c != 0 {
			return c
		}
		if c := strings.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// isVersionAttribute reports whether numeric operators compare the attribute as a dotted version.
func isVersionAttribute(name string) bool {
	return name == AttrAppVersion || name == AttrOSVersion
}
