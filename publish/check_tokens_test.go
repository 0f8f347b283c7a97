package publish_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"nami/catalog"
	"nami/publish"
	"nami/store"
)

func TestPublishIsBlockedByTokensThatCannotResolve(t *testing.T) {
	f := demoFile(t)
	editCopy(t, f, "spring", "en", func(c *catalog.CopyDoc) { c.CTA = "Get {{products.2.name}}" })
	// The demo's android-test platform offers one product on each paywall: position 2 is past it.
	errs, _ := publish.Check(f, now)
	want := `Paywall "Spring offer": the English call to action: {{products.2.name}}: the paywall offers 1 product on android-test. Fix it in the editor before publishing.`
	if got := messages(errs); got != want {
		t.Errorf("errors:\n%s\nwant:\n%s", got, want)
	}
	editCopy(t, f, "spring", "en", func(c *catalog.CopyDoc) { c.CTA = "Get {{product.name}}" })
	paywall(t, f, "spring").Products[0].Badge = "{{product.prize}}"
	errs, _ = publish.Check(f, now)
	want = `Paywall "Spring offer": the badge of com.example.calmsky.yearly on ios: unknown token {{product.prize}}; did you mean {{product.price}}? Fix it in the editor before publishing.`
	if got := messages(errs); got != want {
		t.Errorf("errors:\n%s\nwant:\n%s", got, want)
	}
}

// Removing a product from a paywall in the store can leave a position past the last product:
// publishing refuses and stores nothing.
func TestPublishRefusesAPositionLeftPastTheLastProduct(t *testing.T) {
	st := openDemo(t)
	ctx := context.Background()
	f := demoFile(t)
	pw := paywall(t, f, "yearly-focus")
	pw.Products = []catalog.PaywallProductDoc{{Platform: "ios", SKU: "com.example.calmsky.yearly"}, {Platform: "ios", SKU: "com.example.calmsky.monthly"}}
	editCopy(t, f, "yearly-focus", "en", func(c *catalog.CopyDoc) { c.Subtitle = "Or {{products.2.price}} a month" })
	if _, err := catalog.Apply(ctx, st, f, "test"); err != nil {
		t.Fatal(err)
	}
	app, err := st.AppBySlug(ctx, "calm-sky")
	if err != nil {
		t.Fatal(err)
	}
	saved, err := st.Paywall(ctx, app.ID, "yearly-focus")
	if err != nil {
		t.Fatal(err)
	}
	saved.Products = saved.Products[:1]
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.UpdatePaywall(ctx, &saved) }); err != nil {
		t.Fatal(err)
	}
	_, err = publish.Publish(ctx, st, "calm-sky", "x", "")
	var blocked *publish.Blocked
	if !errors.As(err, &blocked) || !strings.Contains(messages(blocked.Errors), "the English subtitle: {{products.2.price}}: the paywall offers 1 product on ios") {
		t.Fatalf("publish: %v", err)
	}
	if list, err := st.Releases(ctx, app.ID); err != nil || len(list) != 0 {
		t.Errorf("%d releases after a blocked publish (%v)", len(list), err)
	}
}
