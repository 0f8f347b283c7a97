package main

import (
	"context"
	"strings"
	"testing"
)

// TestUserAddNamesThePasswordItRead: the password comes from stdin, so the error must not speak
// of a --password flag that does not exist.
func TestUserAddNamesThePasswordItRead(t *testing.T) {
	db := tempDB(t)
	for _, tc := range []struct{ name, stdin, want string }{
		{"short", "short-pw\n", "the password must have at least 10 characters"},
		{"too long", strings.Repeat("p", 73) + "\n", "the password: bcrypt reads only the first 72 bytes: use at most 72 bytes (about 72 letters)."},
		{"empty", "\n", "no password was given: type it after the command (then Enter), or pipe it in on stdin"},
		{"nothing on stdin", "", "no password was given: type it after the command (then Enter), or pipe it in on stdin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := cli(t, tc.stdin, "user", "add", "--db", db, "--email", "new@example.com", "--name", "New", "--role", "viewer")
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "--password") {
				t.Errorf("the error %q names a --password flag, which does not exist", err)
			}
		})
	}
	// With other mistakes, each is on its own line, the password's without a flag name.
	_, _, err := cli(t, "short\n", "user", "add", "--db", db, "--email", "new@example.com", "--name", "New", "--role", "boss")
	if err == nil || !strings.Contains(err.Error(), "--role: ") || !strings.Contains(err.Error(), "\nthe password must have at least 10 characters") {
		t.Errorf("error %q", err)
	}
	s := openDB(t, db)
	defer s.Close()
	if n, _ := s.CountUsers(context.Background()); n != 0 {
		t.Errorf("%d users after refused adds, want 0", n)
	}
}

// TestCommandHelpPrintsTheUsageAndSucceeds: `nami serve --help` and the like print the
// command's usage and flags on stdout and end without an error (no "flag: help requested").
func TestCommandHelpPrintsTheUsageAndSucceeds(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // phrases of stdout
	}{
		{[]string{"--help"}, []string{"nami serve", "nami user add", "nami apply"}},
		{[]string{"-h"}, []string{"nami serve", "nami export-snapshots"}},
		{[]string{"serve", "--help"}, []string{"  nami serve   [--addr :8080]", "[--events-rate 10000]", "-addr string", "-events-retention-days int", "-demo"}},
		{[]string{"serve", "-h"}, []string{"  nami serve   [--addr :8080]", "-behind-proxy"}},
		{[]string{"user", "add", "--help"}, []string{"  nami user add --email E", "the password is read from stdin", "-role string"}},
		{[]string{"apply", "-help"}, []string{"  nami apply   -f catalog.json", "-f string"}},
		{[]string{"export", "--help"}, []string{"  nami export  --app SLUG", "-app string"}},
		{[]string{"export-snapshots", "--help"}, []string{"  nami export-snapshots --dir DIR", "-dir string"}},
		{[]string{"publish", "--help"}, []string{"  nami publish --app SLUG", "-note string"}},
		{[]string{"backup", "--help"}, []string{"  nami backup  FILE", "-db string"}},
	} {
		name := strings.Join(tc.args, " ")
		stdout, stderr, err := cli(t, "", tc.args...)
		if err != nil {
			t.Errorf("nami %s: %v, want success", name, err)
		}
		if stderr != "" {
			t.Errorf("nami %s wrote to stderr: %q", name, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("nami %s: stdout does not contain %q:\n%s", name, w, stdout)
			}
		}
		if strings.Contains(stdout, "help requested") {
			t.Errorf("nami %s: %q", name, stdout)
		}
		// Only this command's usage line, not the whole list.
		if len(tc.args) > 1 && strings.Count(stdout, "  nami ") != 1 {
			t.Errorf("nami %s prints %d usage lines:\n%s", name, strings.Count(stdout, "  nami "), stdout)
		}
	}

	// A wrong flag is still an error, with the usage on stderr.
	stdout, stderr, err := cli(t, "", "serve", "--bogus")
	if err == nil || !strings.Contains(err.Error(), "flag provided but not defined: -bogus") {
		t.Errorf("nami serve --bogus: %v", err)
	}
	if stdout != "" || !strings.Contains(stderr, "-addr string") {
		t.Errorf("nami serve --bogus: stdout %q, stderr %q; want the usage on stderr", stdout, stderr)
	}
}
