package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"nami/catalog"
	"nami/store"
)

// cli runs one command line as `nami` would, with stdin, and returns stdout, stderr and the error.
func cli(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// mustCLI runs a command line that must succeed and returns its stdout.
func mustCLI(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := cli(t, stdin, args...)
	if err != nil {
		t.Fatalf("nami %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// tempDB is a fresh database path in the test's temporary directory.
func tempDB(t *testing.T) string {
	t.Helper()
	t.Setenv("NAMI_DB", "") // only --db decides
	return filepath.Join(t.TempDir(), "nami.db")
}

// openDB opens the database a command wrote, for checks; it is closed when the test ends.
func openDB(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("store.Open %s: %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// writeFile writes data to a new file in the test's temporary directory and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// asJSON decodes a JSON document into generic values, so that key order and formatting do not count.
func asJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	return v
}

func TestUserAddReadsThePasswordFromStdin(t *testing.T) {
	db := tempDB(t)
	out := mustCLI(t, "correct horse battery\n", "user", "add", "--db", db, "--email", "ed@example.com", "--name", "Ed Editor", "--role", "editor")
	if !strings.Contains(out, "ed@example.com") {
		t.Errorf("stdout = %q; want it to name the new user", out)
	}
	s := openDB(t, db)
	u, err := s.UserByEmail(context.Background(), "ed@example.com")
	if err != nil {
		t.Fatalf("the user was not created: %v", err)
	}
	if u.Name != "Ed Editor" || u.Role != store.RoleEditor {
		t.Errorf("user = %+v", u)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte("correct horse battery")); err != nil {
		t.Errorf("the stored hash does not match the password from stdin (without its newline): %v", err)
	}
	if strings.Contains(u.PasswordHash, "correct horse") {
		t.Error("the password is stored in clear")
	}
}

func TestUserAddRefusesBadInput(t *testing.T) {
	db := tempDB(t)
	mustCLI(t, "first-password\n", "user", "add", "--db", db, "--email", "ed@example.com", "--name", "Ed", "--role", "owner")

	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string // a phrase of the error
	}{
		{"unknown role", "some-password\n", []string{"--email", "new@example.com", "--name", "New", "--role", "superuser"}, "--role"},
		{"taken email", "some-password\n", []string{"--email", "ed@example.com", "--name", "Ed again", "--role", "viewer"}, "already exists"},
		{"taken email in another case", "some-password\n", []string{"--email", "ED@example.com", "--name", "Ed again", "--role", "viewer"}, "already exists"},
		{"short password", "short\n", []string{"--email", "new@example.com", "--name", "New", "--role", "viewer"}, "the password must have at least 10 characters"},
		{"no password", "", []string{"--email", "new@example.com", "--name", "New", "--role", "viewer"}, "no password was given"},
		{"bad email", "some-password\n", []string{"--email", "not-an-email", "--name", "New", "--role", "viewer"}, "--email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"user", "add", "--db", db}, tt.args...)
			_, _, err := cli(t, tt.stdin, args...)
			if err == nil {
				t.Fatal("succeeded; want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q; want it to mention %q", err, tt.want)
			}
			s := openDB(t, db)
			if n, _ := s.CountUsers(context.Background()); n != 1 {
				t.Errorf("%d users after a refused user add, want 1", n)
			}
			s.Close()
		})
	}
	s := openDB(t, db)
	if u, _ := s.UserByEmail(context.Background(), "ed@example.com"); u.Name != "Ed" || u.Role != store.RoleOwner {
		t.Errorf("the existing user changed: %+v", u)
	}
}

func TestApplyThenExportGivesTheSameCatalog(t *testing.T) {
	db := tempDB(t)
	file := writeFile(t, "catalog.json", catalog.Demo)
	out := mustCLI(t, "", "apply", "--db", db, "-f", file)
	if !strings.Contains(out, "calm-sky") || !strings.Contains(out, "created") {
		t.Errorf("apply printed %q", out)
	}

	exported := mustCLI(t, "", "export", "--db", db, "--app", "calm-sky")
	if got, want := asJSON(t, []byte(exported)), asJSON(t, catalog.Demo); !reflect.DeepEqual(got, want) {
		t.Errorf("export differs from the applied file\nexport:\n%s\napplied:\n%s", exported, catalog.Demo)
	}

	// The export is itself a catalog file that applies without changing anything.
	again := writeFile(t, "export.json", []byte(exported))
	out = mustCLI(t, "", "apply", "--db", db, "-f", again)
	if !strings.Contains(out, "0 created, 0 updated, 0 deleted") {
		t.Errorf("re-applying the export printed %q; want no changes", out)
	}

	// apply -f - reads stdin.
	db2 := tempDB(t)
	mustCLI(t, string(catalog.Demo), "apply", "--db", db2, "-f", "-")
	if got := mustCLI(t, "", "export", "--db", db2, "--app", "calm-sky"); got != exported {
		t.Errorf("apply from stdin exported differently:\n%s", got)
	}
}

func TestFailedApplyNamesEveryProblemAndChangesNothing(t *testing.T) {
	db := tempDB(t)
	mustCLI(t, "", "apply", "--db", db, "-f", writeFile(t, "demo.json", catalog.Demo))
	before := mustCLI(t, "", "export", "--db", db, "--app", "calm-sky")

	var doc map[string]any
	if err := json.Unmarshal(catalog.Demo, &doc); err != nil {
		t.Fatal(err)
	}
	doc["app"].(map[string]any)["name"] = "Renamed"       // valid, and must not be written
	doc["entitlements"] = doc["entitlements"].([]any)[1:] // drops offline: valid, must not be deleted
	products := doc["products"].([]any)
	for _, p := range products {
		p.(map[string]any)["entitlements"] = []any{"premium"} // valid once offline is gone
	}
	products[1].(map[string]any)["platform"] = "windows"
	products[3].(map[string]any)["price"] = "1.999"
	products[4].(map[string]any)["currency"] = "usd1"
	doc["platforms"].([]any)[0].(map[string]any)["store"] = "windows"
	doc["paywalls"].([]any)[2].(map[string]any)["copy"].(map[string]any)["en"].(map[string]any)["title"] = "Only {{product.prize}}"
	bad, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, "bad.json", bad)

	_, _, err = cli(t, "", "apply", "--db", db, "-f", file)
	if err == nil {
		t.Fatal("apply of a file with problems succeeded")
	}
	for _, want := range []string{
		`platforms[0].store: unknown store "windows"`,
		`products[1].platform: unknown platform "windows"`,
		`products[3].price: `,
		`products[4].currency: `,
		`paywalls[2].copy.en.title: unknown token {{product.prize}}; did you mean {{product.price}}?`,
		"nothing was changed",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
	if after := mustCLI(t, "", "export", "--db", db, "--app", "calm-sky"); after != before {
		t.Errorf("a failed apply changed the database\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// A file that is not JSON is refused too, naming where it breaks.
	_, _, err = cli(t, "", "apply", "--db", db, "-f", writeFile(t, "broken.json", []byte("{\n  \"format\": ")))
	if err == nil {
		t.Error("apply of a truncated file succeeded")
	}
	if after := mustCLI(t, "", "export", "--db", db, "--app", "calm-sky"); after != before {
		t.Error("a truncated file changed the database")
	}
}

func TestExportOfAnUnknownAppFails(t *testing.T) {
	db := tempDB(t)
	out, _, err := cli(t, "", "export", "--db", db, "--app", "nope")
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		t.Errorf("export of an unknown app = %v; want an error wrapping store.ErrNotFound", err)
	}
	if out != "" {
		t.Errorf("export of an unknown app printed %q", out)
	}
}

func TestBackupWritesAnOpenableCopy(t *testing.T) {
	db := tempDB(t)
	mustCLI(t, "", "apply", "--db", db, "-f", writeFile(t, "demo.json", catalog.Demo))
	mustCLI(t, "owner-password\n", "user", "add", "--db", db, "--email", "olive@example.com", "--name", "Olive", "--role", "owner")
	want := mustCLI(t, "", "export", "--db", db, "--app", "calm-sky")

	target := filepath.Join(t.TempDir(), "copy.db")
	out := mustCLI(t, "", "backup", "--db", db, target)
	if !strings.Contains(out, target) {
		t.Errorf("backup printed %q", out)
	}
	if got := mustCLI(t, "", "export", "--db", target, "--app", "calm-sky"); got != want {
		t.Errorf("the backup exports differently\nbackup:\n%s\noriginal:\n%s", got, want)
	}
	s := openDB(t, target)
	if u, err := s.UserByEmail(context.Background(), "olive@example.com"); err != nil || u.Role != store.RoleOwner {
		t.Errorf("the backup's user = %+v, %v", u, err)
	}

	// A backup never overwrites a file.
	info, _ := os.Stat(target)
	if _, _, err := cli(t, "", "backup", "--db", db, target); err == nil {
		t.Error("backup over an existing file succeeded")
	}
	if info2, _ := os.Stat(target); info2.Size() != info.Size() || !info2.ModTime().Equal(info.ModTime()) {
		t.Error("the refused backup touched the existing file")
	}
	if _, _, err := cli(t, "", "backup", "--db", db); err == nil {
		t.Error("backup without a file name succeeded")
	}
}

func TestUnknownCommandAndHelp(t *testing.T) {
	if _, _, err := cli(t, "", "frobnicate"); err == nil {
		t.Error("an unknown command succeeded")
	}
	out, _, err := cli(t, "", "help")
	if err != nil || !strings.Contains(out, "nami apply") || !strings.Contains(out, "nami user add") {
		t.Errorf("help = %q, %v", out, err)
	}
	if _, _, err := cli(t, "", "user", "remove"); err == nil {
		t.Error("`user remove` succeeded")
	}
}

func TestServeRefusesBadEventSettings(t *testing.T) {
	db := tempDB(t)
	for _, tc := range []struct {
		env, value string
		args       []string
		want       string
	}{
		{"NAMI_EVENTS_RATE", "fast", nil, `NAMI_EVENTS_RATE: "fast" is not a whole number`},
		{"NAMI_EVENTS_RETENTION_DAYS", "1y", nil, `NAMI_EVENTS_RETENTION_DAYS: "1y" is not a whole number`},
		{"", "", []string{"--events-rate", "-5"}, "--events-rate: -5 is negative"},
		{"", "", []string{"--events-retention-days", "0"}, "--events-retention-days: 0 is too short"},
	} {
		if tc.env != "" {
			t.Setenv(tc.env, tc.value)
		}
		_, _, err := cli(t, "", append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("serve with %s=%s %v: %v, want %q", tc.env, tc.value, tc.args, err, tc.want)
		}
		if tc.env != "" {
			t.Setenv(tc.env, "")
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("serve created %s although its settings were refused", db)
	}
}
