package offer

import (
	"math"
	"testing"
)

func TestLuminance(t *testing.T) {
	for _, tc := range []struct {
		hex  string
		want float64
	}{
		{"#000000", 0}, {"#FFFFFF", 1}, {"#ffffff", 1},
		{"#777777", 0.18447}, // 119/255 through the sRGB curve
		{"#FF0000", 0.2126}, {"#00FF00", 0.7152}, {"#0000FF", 0.0722},
		{"#0A0A0A", 0.0030353}, // below the curve's knee: linear, 10/255/12.92
	} {
		got, ok := Luminance(tc.hex)
		if !ok || math.Abs(got-tc.want) > 1e-5 {
			t.Errorf("Luminance(%s) = %v, %v; want %v", tc.hex, got, ok, tc.want)
		}
	}
	for _, bad := range []string{"", "#FFF", "FFFFFF", "#GGGGGG", "#FFFFFFF", " #FFFFFF"} {
		if _, ok := Luminance(bad); ok {
			t.Errorf("Luminance(%q) accepted", bad)
		}
	}
}

func TestContrast(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
		text string
	}{
		{"#000000", "#FFFFFF", 21, "21.00:1"},
		{"#FFFFFF", "#000000", 21, "21.00:1"}, // order does not matter
		{"#777777", "#FFFFFF", 4.478, "4.48:1"},
		{"#767676", "#FFFFFF", 4.542, "4.54:1"}, // the lightest grey that passes AA on white
		{"#6D28D9", "#FFFFFF", 7.10, "7.10:1"},
		{"#123456", "#123456", 1, "1.00:1"},
	} {
		got, ok := Contrast(tc.a, tc.b)
		if !ok || math.Abs(got-tc.want) > 0.005 {
			t.Errorf("Contrast(%s, %s) = %v, %v; want %v", tc.a, tc.b, got, ok, tc.want)
		}
		if s := ContrastText(got); s != tc.text {
			t.Errorf("ContrastText(Contrast(%s, %s)) = %q, want %q", tc.a, tc.b, s, tc.text)
		}
	}
	if r, _ := Contrast("#777777", "#FFFFFF"); r >= MinContrast {
		t.Errorf("#777777 on white (%v) passes AA; it must not", r)
	}
	if r, _ := Contrast("#767676", "#FFFFFF"); r < MinContrast {
		t.Errorf("#767676 on white (%v) fails AA; it must not", r)
	}
	if _, ok := Contrast("#777777", "white"); ok {
		t.Error("Contrast accepted a colour name")
	}
}

func TestContrastTextNeverRoundsAFailUpToAA(t *testing.T) {
	if s := ContrastText(4.4951); s != "4.49:1" {
		t.Errorf("ContrastText(4.4951) = %q, want 4.49:1", s)
	}
	if s := ContrastText(4.5); s != "4.50:1" {
		t.Errorf("ContrastText(4.5) = %q", s)
	}
}

func TestOnAccent(t *testing.T) {
	for _, tc := range []struct{ accent, bg, want string }{
		{"#6D28D9", "#FFFFFF", White},     // light palette: white on a deep accent
		{"#A78BFA", "#0F0A1E", "#0F0A1E"}, // dark palette: the dark background on a light accent
		{"#6D28D9", "#111827", White},     // dark palette with a deep accent: still white
		{"#6D28D9", "bad", White},
	} {
		if got := OnAccent(tc.accent, tc.bg); got != tc.want {
			t.Errorf("OnAccent(%s, %s) = %s, want %s", tc.accent, tc.bg, got, tc.want)
		}
	}
}

func TestPaletteWarnings(t *testing.T) {
	if w := PaletteWarnings("#6D28D9", "#FFFFFF", "#111827"); len(w) != 0 {
		t.Errorf("a readable palette got warnings: %+v", w)
	}
	w := PaletteWarnings("#FDE68A", "#FFFFFF", "#777777")
	if len(w) != 2 || w[0].Field != "text" || w[1].Field != "accent" {
		t.Fatalf("warnings = %+v, want text and accent", w)
	}
	if want := "Text on the background has a contrast of 4.48:1; body text needs 4.5:1 (WCAG AA) to read well."; w[0].Message != want {
		t.Errorf("text warning = %q, want %q", w[0].Message, want)
	}
	if w := PaletteWarnings("#12", "#FFFFFF", ""); len(w) != 0 {
		t.Errorf("malformed colours got contrast warnings: %+v", w)
	}
}

// The muted text keeps the palette's mix when it reads well and is darkened (or lightened) just
// enough when it would not; it never reads under 4.5:1 unless the text itself does.
func TestMutedTextNeverReadsUnderAA(t *testing.T) {
	if got, _ := MutedText("#111827", "#FFFFFF", MutedShareLight); got != "#6B7079" {
		t.Errorf("muted of the default palette = %s, want the 62%% mix #6B7079", got)
	}
	for _, c := range []struct{ text, bg string }{
		{"#111827", "#FFFFFF"}, {"#334155", "#F8FAFC"}, {"#4B5563", "#FFFFFF"}, {"#595959", "#FFFFFF"},
		{"#F9FAFB", "#111827"}, {"#E5E7EB", "#1F2937"}, {"#FFFFFF", "#6D28D9"}, {"#000000", "#FACC15"},
		{"#1E3A8A", "#DBEAFE"}, {"#CBD5E1", "#0F172A"},
	} {
		for _, share := range []float64{MutedShareLight, MutedShareDark} {
			m, ok := MutedText(c.text, c.bg, share)
			if !ok {
				t.Fatalf("MutedText(%s, %s) failed", c.text, c.bg)
			}
			text, _ := Contrast(c.text, c.bg)
			r, _ := Contrast(m, c.bg)
			if r < MinContrast && text >= MinContrast || r < MinContrast && m != c.text {
				t.Errorf("muted %s of %s on %s (share %.2f) reads %s", m, c.text, c.bg, share, ContrastText(r))
			}
		}
	}
	if got, _ := MutedText("#777777", "#FFFFFF", MutedShareLight); got != "#777777" {
		t.Errorf("a text under AA gives muted %s, want the text itself", got)
	}
	if _, ok := MutedText("red", "#FFFFFF", MutedShareLight); ok {
		t.Error("MutedText accepted a colour that is not #RRGGBB")
	}
}
