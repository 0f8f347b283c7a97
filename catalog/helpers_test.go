package catalog

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"nami/store"
)

// openStore opens a fresh, migrated database in the test's temporary directory.
func openStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nami.db")
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, path
}

// demo parses a fresh copy of the demo catalog, for a test to change at will.
func demo(t *testing.T) *File {
	t.Helper()
	f, err := Parse(bytes.NewReader(Demo))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// mustApply applies f and fails the test on any error.
func mustApply(t *testing.T, s *store.Store, f *File) Result {
	t.Helper()
	res, err := Apply(context.Background(), s, f, "tester@example.com")
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

// mustExport exports slug and passes it through Encode and Parse, as `nami export` then
// `nami apply` would.
func mustExport(t *testing.T, s *store.Store, slug string) *File {
	t.Helper()
	f, err := Export(context.Background(), s.Reader, slug)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, f); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(&buf)
	if err != nil {
		t.Fatalf("Parse of the export: %v\n%s", err, buf.String())
	}
	return back
}

// normalized returns a deep copy of f in export order, with absent lists and maps as empty ones
// and an empty audience match as "all". Paywall products, conditions and variants keep their order.
func normalized(t *testing.T, f *File) *File {
	t.Helper()
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var n File
	if err := json.Unmarshal(data, &n); err != nil {
		t.Fatal(err)
	}
	for i := range n.Products {
		n.Products[i].Entitlements = slices.Sorted(slices.Values(n.Products[i].Entitlements))
		if n.Products[i].Entitlements == nil {
			n.Products[i].Entitlements = []string{}
		}
	}
	if n.Platforms == nil {
		n.Platforms = []PlatformDoc{}
	}
	if n.Entitlements == nil {
		n.Entitlements = []EntitlementDoc{}
	}
	if n.Products == nil {
		n.Products = []ProductDoc{}
	}
	if n.Paywalls == nil {
		n.Paywalls = []PaywallDoc{}
	}
	for i := range n.Paywalls {
		p := &n.Paywalls[i]
		if p.Copy == nil {
			p.Copy = map[string]CopyDoc{}
		}
		if p.Products == nil {
			p.Products = []PaywallProductDoc{}
		}
	}
	if n.Campaigns == nil {
		n.Campaigns = []CampaignDoc{}
	}
	for i := range n.Campaigns {
		c := &n.Campaigns[i]
		if c.Audience.Match == "" {
			c.Audience.Match = "all"
		}
		if c.Audience.Conditions == nil {
			c.Audience.Conditions = []ConditionDoc{}
		}
		for j := range c.Audience.Conditions {
			if c.Audience.Conditions[j].Values == nil {
				c.Audience.Conditions[j].Values = []string{}
			}
		}
		if c.Variants == nil {
			c.Variants = []VariantDoc{}
		}
	}
	sortFile(&n)
	return &n
}

// assertSameCatalog fails unless got and want have the same content once normalized.
func assertSameCatalog(t *testing.T, got, want *File) {
	t.Helper()
	g, w := normalized(t, got), normalized(t, want)
	if !reflect.DeepEqual(g, w) {
		gj, _ := json.MarshalIndent(g, "", "  ")
		wj, _ := json.MarshalIndent(w, "", "  ")
		t.Fatalf("catalogs differ\n got: %s\nwant: %s", gj, wj)
	}
}

// dumpDB renders every row of every table, with a row count per table, so that two dumps
// are equal exactly when the database content is.
func dumpDB(t *testing.T, path string, skip ...string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(skip, name) {
			tables = append(tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, table := range tables {
		// A WITHOUT ROWID table has no rowid; a plain SELECT reads it in primary key order.
		var withoutRowid int
		if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = ? AND sql LIKE '%WITHOUT ROWID%'`, table).Scan(&withoutRowid); err != nil {
			t.Fatal(err)
		}
		query := fmt.Sprintf(`SELECT * FROM %q ORDER BY rowid`, table)
		if withoutRowid > 0 {
			query = fmt.Sprintf(`SELECT * FROM %q`, table)
		}
		rows, err := db.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%#v", vals))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		fmt.Fprintf(&out, "%s (%d rows)\n", table, len(lines))
		for _, l := range lines {
			out.WriteString("  " + l + "\n")
		}
	}
	return out.String()
}

// problemPaths lists the paths of the Problems in err, failing the test if err is not Problems.
func problemPaths(t *testing.T, err error) []string {
	t.Helper()
	problems, ok := err.(Problems)
	if !ok {
		t.Fatalf("error %v (%T) is not Problems", err, err)
	}
	var paths []string
	for _, p := range problems {
		paths = append(paths, p.Path)
	}
	return paths
}

// pngImage encodes a w×h PNG of one colour, for paywall images in tests.
func pngImage(w, h int, c color.NRGBA) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// paywallAt and campaignAt find a paywall or campaign of f by ref, failing the test when absent.
func paywallAt(t *testing.T, f *File, ref string) *PaywallDoc {
	t.Helper()
	i := slices.IndexFunc(f.Paywalls, func(p PaywallDoc) bool { return p.Ref == ref })
	if i < 0 {
		t.Fatalf("no paywall %q", ref)
	}
	return &f.Paywalls[i]
}

func campaignAt(t *testing.T, f *File, ref string) *CampaignDoc {
	t.Helper()
	i := slices.IndexFunc(f.Campaigns, func(c CampaignDoc) bool { return c.Ref == ref })
	if i < 0 {
		t.Fatalf("no campaign %q", ref)
	}
	return &f.Campaigns[i]
}
