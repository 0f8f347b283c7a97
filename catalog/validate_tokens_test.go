package catalog

import (
	"context"
	"errors"
	"strings"
	"testing"

	"nami/store"
)

func TestTokensInCopyAreCheckedWithTheirPath(t *testing.T) {
	f := validFile()
	spring := paywallAt(t, f, "spring")
	spring.Copy["en"] = CopyDoc{Title: "Only {{product.prize}}", Body: "{{#product.trial}}Try {{product.trial}} free{{/product.trial}}",
		CTA: "Start for {{product.price}}", Footer: "{{products.2.price}} a {{products.2.period}}"}
	spring.Copy["de"] = CopyDoc{Title: "{{ product.name }}", CTA: "Los {{#product.trial}}"}
	spring.Products[0].Badge = "Save {{product.savngs}}"
	plain := paywallAt(t, f, "plain")
	plain.Copy["en"] = CopyDoc{Title: "Go premium for {{products.2.price}}"}

	var err error = Validate(f)
	want := []string{
		"paywalls[0].copy.de.cta: {{#product.trial}} is never closed; end the section with {{/product.trial}}",
		"paywalls[0].copy.en.title: unknown token {{product.prize}}; did you mean {{product.price}}?",
		"paywalls[0].copy.en.footer: {{products.2.price}}: the paywall offers 1 product on ios",
		"paywalls[0].products[0].badge: unknown token {{product.savngs}}; did you mean {{product.savings}}?",
		"paywalls[1].copy.en.title: {{products.2.price}}: the paywall offers 1 product on web",
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("Validate:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}

	// Apply refuses the file as a whole, with the same paths, and writes nothing.
	st, _ := openStore(t)
	_, err = Apply(context.Background(), st, f, "test")
	var problems Problems
	if !errors.As(err, &problems) || !strings.Contains(err.Error(), "paywalls[0].copy.en.title: unknown token {{product.prize}}") {
		t.Fatalf("Apply: %v", err)
	}
	if _, err := st.AppBySlug(context.Background(), "calm-sky"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused file left the app behind: %v", err)
	}
}

func TestTokensThatResolveAreAccepted(t *testing.T) {
	f := validFile()
	spring := paywallAt(t, f, "spring")
	spring.Copy["en"] = CopyDoc{Title: "{{product.name}} for {{product.price_per_month}} a month",
		Body:   "{{#product.trial}}Try **{{product.trial}}** free, then {{/product.trial}}{{product.price}}/{{product.period}}",
		CTA:    "{{^product.trial}}Subscribe{{/product.trial}}{{#product.trial}}Start my trial{{/product.trial}}",
		Footer: "{{products.1.name}}: {{products.1.price}}"}
	spring.Products[0].Badge = "Save {{product.savings}}"
	if err := Validate(f); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	st, _ := openStore(t)
	mustApply(t, st, f)
	got := paywallAt(t, mustExport(t, st, "calm-sky"), "spring")
	if got.Copy["en"] != spring.Copy["en"] || got.Products[0].Badge != "Save {{product.savings}}" {
		t.Errorf("export changed the tokens: %+v", got.Copy["en"])
	}
}

func TestCopyLongerThanTheEditorAllowsIsRefused(t *testing.T) {
	f := validFile()
	spring := paywallAt(t, f, "spring")
	c := spring.Copy["en"]
	c.CTA = strings.Repeat("x", 201)
	spring.Copy["en"] = c
	if err := Validate(f); err == nil || err.Error() != "paywalls[0].copy.en.cta: cta is 201 characters; use at most 200" {
		t.Errorf("Validate: %v", err)
	}
}
