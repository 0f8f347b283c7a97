package publish_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"nami/catalog"
	"nami/publish"
)

// editCopy changes the copy of the demo paywall ref in locale.
func editCopy(t *testing.T, f *catalog.File, ref, locale string, edit func(*catalog.CopyDoc)) {
	t.Helper()
	p := paywall(t, f, ref)
	c := p.Copy[locale]
	edit(&c)
	p.Copy[locale] = c
}

// paywall is the demo paywall ref of f.
func paywall(t *testing.T, f *catalog.File, ref string) *catalog.PaywallDoc {
	t.Helper()
	for i := range f.Paywalls {
		if f.Paywalls[i].Ref == ref {
			return &f.Paywalls[i]
		}
	}
	t.Fatalf("the demo has no paywall %s", ref)
	return nil
}

func TestPublishCheckCopyErrorsBlock(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, f *catalog.File)
		want string
	}{
		{"empty title", func(t *testing.T, f *catalog.File) {
			editCopy(t, f, "spring", "en", func(c *catalog.CopyDoc) { c.Title = "" })
		}, `Paywall "Spring offer": the English title is empty; write one before publishing.`},
		{"blank call to action", func(t *testing.T, f *catalog.File) {
			editCopy(t, f, "yearly-focus", "en", func(c *catalog.CopyDoc) { c.CTA = "  \n" })
		}, `Paywall "Yearly focus": the English call to action is empty; write one before publishing.`},
		{"title of another default language", func(t *testing.T, f *catalog.File) {
			editCopy(t, f, "spring", "de", func(c *catalog.CopyDoc) { c.Title = "" })
			paywall(t, f, "spring").DefaultLocale = "de"
		}, `Paywall "Spring offer": the German title is empty; write one before publishing.`},
		{"no copy in the default language", func(t *testing.T, f *catalog.File) {
			paywall(t, f, "quiet").DefaultLocale = "de"
		}, `Paywall "Quiet default": it has no copy in German, its default language; write a title and a call to action before publishing.`},
		{"body of only a comment", func(t *testing.T, f *catalog.File) {
			editCopy(t, f, "quiet", "en", func(c *catalog.CopyDoc) { c.Body = "<!-- the offer goes here -->" })
		}, `Paywall "Quiet default": the English body text shows nothing on the paywall: HTML and comments are not shown and there is no other text; write some or clear it before publishing.`},
		{"body of only white space syntax", func(t *testing.T, f *catalog.File) {
			editCopy(t, f, "quiet", "fr", func(c *catalog.CopyDoc) { c.Body = "&nbsp;\n\n<br>\n\n---\n\n#\n\n-\n" })
		}, `Paywall "Quiet default": the French body text shows nothing on the paywall: HTML and comments are not shown and there is no other text; write some or clear it before publishing.`},
		{"footer of only an HTML block", func(t *testing.T, f *catalog.File) {
			editCopy(t, f, "spring", "de", func(c *catalog.CopyDoc) { c.Footer = "<div>\nKündbar\n</div>" })
		}, `Paywall "Spring offer": the German footer shows nothing on the paywall: HTML and comments are not shown and there is no other text; write some or clear it before publishing.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := demoFile(t)
			tc.edit(t, f)
			errs, _ := publish.Check(f, now)
			if got := messages(errs); got != tc.want {
				t.Errorf("errors:\n got %s\nwant %s", got, tc.want)
			}
		})
	}

	// Paywalls no live campaign shows are not published to anyone, so their copy may be unfinished.
	f := demoFile(t)
	f.Paywalls = append(f.Paywalls, catalog.PaywallDoc{Ref: "draft", Name: "Draft", Template: "hero", DefaultLocale: "en",
		Copy: map[string]catalog.CopyDoc{"en": {Body: "<!-- -->"}}})
	f.Campaigns = append(f.Campaigns, catalog.CampaignDoc{Ref: "later", Name: "Later", Status: "paused", Audience: catalog.AudienceDoc{Match: "all"},
		Variants: []catalog.VariantDoc{{Ref: "a", Paywall: "draft", Weight: 100}}})
	if errs, warnings := publish.Check(f, now); len(errs) > 0 || len(warnings) > 0 {
		t.Errorf("a paywall only a paused campaign shows:\n%s\n%s", messages(errs), messages(warnings))
	}
	// Markdown that shows something is fine, an image alone included.
	editCopy(t, f, "quiet", "en", func(c *catalog.CopyDoc) { c.Body = "![calm](https://example.com/calm.png)" })
	editCopy(t, f, "quiet", "fr", func(c *catalog.CopyDoc) { c.Body = "<!-- note -->\n\n*Tout* compris." })
	if errs, _ := publish.Check(f, now); len(errs) > 0 {
		t.Errorf("visible Markdown: %s", messages(errs))
	}
}

func TestPublishCheckCopyWarnings(t *testing.T) {
	f := demoFile(t)
	editCopy(t, f, "spring", "de", func(c *catalog.CopyDoc) { c.Subtitle, c.Footer = "", " " })
	editCopy(t, f, "quiet", "fr", func(c *catalog.CopyDoc) { c.Body = "" })
	editCopy(t, f, "spring", "en", func(c *catalog.CopyDoc) {
		c.Title = strings.Repeat("t", publish.MaxTitleChars+1)
		c.Subtitle = strings.Repeat("s", publish.MaxSubtitleChars+1)
		c.CTA = strings.Repeat("é", publish.MaxCTAChars+1) // characters, not bytes
		// Only the text a customer reads counts: the link's address and the Markdown do not.
		c.Body = "**" + strings.Repeat("b", publish.MaxBodyChars-6) + "** [Terms](https://calmsky.example.com/a/very/long/path/to/the/terms)"
	})
	// Yearly focus uses the cards template, whose body limit is tighter than the hero's.
	cards := publish.CopyLimits("cards")
	editCopy(t, f, "yearly-focus", "en", func(c *catalog.CopyDoc) {
		c.Title = strings.Repeat("t", cards["title"])
		c.CTA = strings.Repeat("c", cards["cta"])
		c.Body = strings.Repeat("b", cards["body"]+1)
	})
	errs, warnings := publish.Check(f, now)
	if len(errs) > 0 {
		t.Fatalf("warnings block: %s", messages(errs))
	}
	got := messages(warnings)
	want := []string{
		`Paywall "Spring offer": the German copy has no subtitle and footer, which the English copy has; devices set to German show none.`,
		`Paywall "Quiet default": the French copy has no body text, which the English copy has; devices set to French show none.`,
		`Paywall "Spring offer": the English title is 61 characters; a phone shows about 60 well, so it may wrap or be cut.`,
		`Paywall "Spring offer": the English subtitle is 91 characters; a phone shows about 90 well, so it may wrap or be cut.`,
		`Paywall "Spring offer": the English call to action is 31 characters; a phone shows about 30 well, so it may wrap or be cut.`,
		`Paywall "Yearly focus": the English body text is 401 characters; a phone shows about 400 well, so it may wrap or be cut.`,
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("warnings lack\n%s\nin\n%s", w, got)
		}
	}
	if n := len(warnings); n != len(want) {
		t.Errorf("%d warnings, want %d (copy at the limit, and a body whose visible text is at it, do not warn):\n%s", n, len(want), got)
	}
}

func TestPublishBlockedByCopyStoresNothing(t *testing.T) {
	st := openDemo(t)
	ctx := context.Background()
	f := demoFile(t)
	editCopy(t, f, "spring", "en", func(c *catalog.CopyDoc) { c.Title = "" })
	editCopy(t, f, "spring", "de", func(c *catalog.CopyDoc) { c.Subtitle = "" })
	if _, err := catalog.Apply(ctx, st, f, "test"); err != nil {
		t.Fatal(err)
	}
	_, err := publish.Publish(ctx, st, "calm-sky", "x", "")
	var blocked *publish.Blocked
	if !errors.As(err, &blocked) {
		t.Fatalf("err %v, want Blocked", err)
	}
	want := `Paywall "Spring offer": the English title is empty; write one before publishing.`
	if got := messages(blocked.Errors); got != want || !strings.Contains(err.Error(), want) {
		t.Errorf("errors %q, want %q", got, want)
	}
	if got := messages(blocked.Warnings); !strings.Contains(got, "the German copy has no subtitle") {
		t.Errorf("the blocked publish lost its warnings: %q", got)
	}
	app, err := st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	if list, err := st.Releases(ctx, app.ID); err != nil || len(list) != 0 {
		t.Errorf("%d releases after a blocked publish (%v)", len(list), err)
	}
	plan, err := publish.Prepare(ctx, st.Reader, "calm-sky", now)
	if err != nil {
		t.Fatal(err)
	}
	if messages(plan.Errors) != want {
		t.Errorf("the plan's errors: %s", messages(plan.Errors))
	}
}

func TestPublishDiffShowsCopyTexts(t *testing.T) {
	old, draft := demoFile(t), demoFile(t)
	editCopy(t, old, "spring", "en", func(c *catalog.CopyDoc) {
		c.Title = "Sleep better"
		c.Body = "**Unlimited** guided sessions, sleep stories and courses."
	})
	editCopy(t, draft, "spring", "en", func(c *catalog.CopyDoc) {
		c.Body = "**Unlimited** guided sessions,\nsleep stories and courses, with new seasonal meditations every week of spring."
	})
	editCopy(t, draft, "spring", "de", func(c *catalog.CopyDoc) { c.CTA = "" })
	editCopy(t, draft, "spring", "fr", func(c *catalog.CopyDoc) { c.Title = "Mieux dormir" })
	paywall(t, draft, "spring").Theme.Accent = "#000000"
	var texts []string
	for _, ch := range publish.Diff(old, draft) {
		if ch.Entity != "paywall" || ch.Ref != "spring" {
			if len(ch.Texts) > 0 {
				t.Errorf("%s %s has texts %v", ch.Entity, ch.Ref, ch.Texts)
			}
			continue
		}
		if strings.Join(ch.Fields, ",") != "copy,theme" {
			t.Errorf("fields %v", ch.Fields)
		}
		for _, tc := range ch.Texts {
			texts = append(texts, tc.String())
		}
	}
	want := []string{
		`de cta: "Gratis-Testphase starten" → (empty)`,
		`en title: "Sleep better" → "Sleep better this spring"`,
		`en body: "**Unlimited** guided sessions, sleep stories and courses." → "**Unlimited** guided sessions, sleep stories and courses, w…"`,
		`fr title: (empty) → "Mieux dormir"`,
	}
	if got := strings.Join(texts, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("texts:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

func TestPublishPlanSummary(t *testing.T) {
	st := openDemo(t)
	ctx := context.Background()
	plan, err := publish.Prepare(ctx, st.Reader, "calm-sky", now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := plan.Summary(), "Publish release 1: 4 platforms, 2 entitlements, 8 products, 3 paywalls, 4 campaigns."; got != want {
		t.Errorf("first release: %q, want %q", got, want)
	}
	if _, err := publish.Publish(ctx, st, "calm-sky", "x", ""); err != nil {
		t.Fatal(err)
	}
	plan, err = publish.Prepare(ctx, st.Reader, "calm-sky", now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := plan.Summary(), "Publish release 2: nothing changed since release 1."; got != want {
		t.Errorf("no changes: %q, want %q", got, want)
	}
	plan.Changes = []publish.Change{{Entity: "paywall", Ref: "a"}, {Entity: "paywall", Ref: "b"}, {Entity: "campaign", Ref: "c"}}
	plan.Warnings = []publish.Issue{{Entity: "campaign", Ref: "c", Message: "m"}}
	if got, want := plan.Summary(), "Publish release 2: 2 paywalls, 1 campaign changed; 1 warning."; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	plan.Changes = append(plan.Changes, publish.Change{Entity: "app", Ref: "calm-sky"})
	plan.Warnings = append(plan.Warnings, plan.Warnings[0])
	if got, want := plan.Summary(), "Publish release 2: the app name, 2 paywalls, 1 campaign changed; 2 warnings."; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

func TestPublishLanguageName(t *testing.T) {
	for locale, want := range map[string]string{"en": "English", "de": "German", "pt-BR": "Portuguese (pt-BR)",
		"zh_Hant": "Chinese (zh_Hant)", "EN": "English", "xx": "xx"} {
		if got := publish.LanguageName(locale); got != want {
			t.Errorf("LanguageName(%q) = %q, want %q", locale, got, want)
		}
	}
}

func TestPublishCopyLimitsPerTemplate(t *testing.T) {
	for tmpl, want := range map[string]map[string]int{
		"hero":    {"title": 60, "subtitle": 90, "cta": 30, "body": 600},
		"cards":   {"title": 60, "subtitle": 80, "cta": 30, "body": 400},
		"minimal": {"title": 60, "subtitle": 120, "cta": 30, "body": 900},
		"unknown": {"title": 60, "subtitle": 90, "cta": 30, "body": 600}, // shown with the hero's layout
	} {
		got := publish.CopyLimits(tmpl)
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v (the footer has no limit)", tmpl, got, want)
		}
		for field, n := range want {
			if got[field] != n {
				t.Errorf("%s %s: %d, want %d", tmpl, field, got[field], n)
			}
		}
	}
	if h := publish.CopyLimits("hero"); h["title"] != publish.MaxTitleChars || h["subtitle"] != publish.MaxSubtitleChars ||
		h["cta"] != publish.MaxCTAChars || h["body"] != publish.MaxBodyChars {
		t.Errorf("hero limits %v differ from the Max constants", h)
	}
	publish.CopyLimits("hero")["title"] = 1 // a copy: changing it changes nothing
	if publish.CopyLimits("hero")["title"] != 60 {
		t.Error("CopyLimits returned the shared table")
	}
}

func TestPublishCopyWarningUsesTheTemplatesLimit(t *testing.T) {
	// The same 500-character body: over the cards limit, under the hero's and the minimal's.
	body := strings.Repeat("b", 500)
	for _, tc := range []struct {
		template string
		want     string
	}{
		{"hero", ""},
		{"minimal", ""},
		{"cards", `Paywall "Spring offer": the English body text is 500 characters; a phone shows about 400 well, so it may wrap or be cut.`},
	} {
		t.Run(tc.template, func(t *testing.T) {
			f := demoFile(t)
			paywall(t, f, "spring").Template = tc.template
			editCopy(t, f, "spring", "en", func(c *catalog.CopyDoc) { c.Body = body })
			_, warnings := publish.Check(f, now)
			got := messages(warnings)
			if tc.want == "" && strings.Contains(got, "body text is 500") {
				t.Errorf("%s warns about a 500-character body:\n%s", tc.template, got)
			}
			if tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("warnings lack\n%s\nin\n%s", tc.want, got)
			}
		})
	}
}

func TestPublishCopyLength(t *testing.T) {
	for _, tc := range []struct {
		field, src string
		want       int
	}{
		{"title", "  Héllo  ", 5},
		{"body", "**Hi** [there](https://example.com/long)", 8},
		{"cta", "", 0},
	} {
		if got := publish.CopyLength(tc.field, tc.src); got != tc.want {
			t.Errorf("CopyLength(%q, %q) = %d, want %d", tc.field, tc.src, got, tc.want)
		}
	}
}

// A palette whose text or button label falls short of WCAG AA is a warning, light or dark; the
// demo's palettes all pass.
func TestPublishCheckThemeContrastWarnings(t *testing.T) {
	f := demoFile(t)
	if _, warnings := publish.Check(f, now); len(warnings) != 0 {
		t.Fatalf("the demo has warnings:\n%s", messages(warnings))
	}
	paywall(t, f, "spring").Theme.Text = "#777777"
	// Grey: white reads at 3.41:1 on it, the dark background at 3.02:1; the label takes the better.
	paywall(t, f, "quiet").Theme.Dark = &catalog.PaletteDoc{Accent: "#8B8B8B", Background: "#374151", Text: "#F9FAFB"}
	errs, warnings := publish.Check(f, now)
	if len(errs) > 0 {
		t.Fatalf("contrast warnings block: %s", messages(errs))
	}
	got := messages(warnings)
	for _, w := range []string{
		`Paywall "Spring offer": in its light colours, text on the background has a contrast of 4.48:1; body text needs 4.5:1 (WCAG AA) to read well.`,
		`Paywall "Quiet default": in its dark colours, the button's label on the accent has a contrast of 3.41:1; it needs 4.5:1 (WCAG AA) to read well.`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("warnings lack\n%s\nin\n%s", w, got)
		}
	}
	if len(warnings) != 2 {
		t.Errorf("%d warnings, want 2:\n%s", len(warnings), got)
	}
}
