package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nami/store"
)

type hit struct{ Kind, Name, Ref, App, Detail, URL string }

// search asks the quick switcher and decodes its answer.
func search(t *testing.T, c *client, q string) []hit {
	t.Helper()
	r := c.get("/search?q=" + strings.ReplaceAll(q, " ", "+"))
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON", ct)
	}
	var hits []hit
	if err := json.Unmarshal([]byte(r.body), &hits); err != nil {
		t.Fatalf("decoding %q: %v", r.body, err)
	}
	return hits
}

func kinds(hits []hit) string {
	var s []string
	for _, h := range hits {
		s = append(s, h.Kind+":"+h.Name)
	}
	return strings.Join(s, ", ")
}

func TestSearchFindsByNameOrRefAcrossApps(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	loadDemo(t, ts)
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		lake := store.App{Slug: "rainy-day", Name: "Rainy Day"}
		if err := tx.CreateApp(ctx, &lake); err != nil {
			return err
		}
		for _, e := range []store.Entitlement{
			{AppID: lake.ID, Ref: "spring-pass", Name: "Seasonal pass"},  // ref prefix
			{AppID: lake.ID, Ref: "extras", Name: "Early spring extras"}, // a word of the name
			{AppID: lake.ID, Ref: "hot", Name: "Hot springs"},            // a word of the name
			{AppID: lake.ID, Ref: "off", Name: "Offspring"},              // inside the name
			{AppID: lake.ID, Ref: "x-springtime", Name: "Unrelated"},     // inside the ref
		} {
			if err := tx.CreateEntitlement(ctx, &e); err != nil {
				return err
			}
		}
		return nil
	})

	hits := search(t, c, "SPRING")
	// The paywall spring matches its ref exactly and its name by prefix.
	want := "paywall:Spring offer, entitlement:Seasonal pass, entitlement:Early spring extras, " +
		"entitlement:Hot springs, entitlement:Offspring, entitlement:Unrelated"
	if got := kinds(hits); got != want {
		t.Errorf("search SPRING found\n %s\nwant\n %s", got, want)
	}
	if h := hits[0]; h != (hit{Kind: "paywall", Name: "Spring offer", Ref: "spring", App: "Calm Sky", URL: "/apps/calm-sky/paywalls/spring"}) {
		t.Errorf("the paywall hit is %+v", h)
	}

	// Every kind is found, with the URL of its page.
	for q, want := range map[string]hit{
		"calm sky":       {Kind: "app", Name: "Calm Sky", Ref: "calm-sky", App: "Calm Sky", URL: "/apps/calm-sky"},
		"onboarding-ab":  {Kind: "campaign", Name: "Onboarding A/B", Ref: "onboarding-ab", App: "Calm Sky", Detail: "live", URL: "/apps/calm-sky/campaigns/onboarding-ab"},
		"lifetime":       {Kind: "product", Name: "Lifetime", Ref: "com.example.calmsky.lifetime", App: "Calm Sky", Detail: "iOS", URL: "/apps/calm-sky/products/ios/com.example.calmsky.lifetime"},
		"offline":        {Kind: "entitlement", Name: "Offline listening", Ref: "offline", App: "Calm Sky", URL: "/apps/calm-sky/entitlements/offline"},
		"android (inter": {Kind: "platform", Name: "Android (internal testing)", Ref: "android-test", App: "Calm Sky", URL: "/apps/calm-sky/platforms/android-test"},
	} {
		hits := search(t, c, strings.ReplaceAll(q, "(", "%28"))
		if len(hits) == 0 || hits[0] != want {
			t.Errorf("search %q: first hit of %s is not %+v", q, kinds(hits), want)
		}
	}
	if hits := search(t, c, "no such thing"); len(hits) != 0 {
		t.Errorf("search found %s for nonsense", kinds(hits))
	}
	if r := c.get("/search?q="); r.body != "[]\n" && r.body != "[]" {
		t.Errorf("an empty query answers %q, want []", r.body)
	}
}

func TestSearchAnswersAtMost20BestFirst(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		for i := 1; i <= 30; i++ {
			name := fmt.Sprintf("Bonus %02d", i)
			if i > 25 {
				name = fmt.Sprintf("Big bonus %02d", i) // a word match: after every prefix match
			}
			e := store.Entitlement{AppID: s.app.ID, Ref: fmt.Sprintf("e%02d", i), Name: name}
			if err := tx.CreateEntitlement(ctx, &e); err != nil {
				return err
			}
		}
		return nil
	})
	hits := search(t, c, "bonus")
	if len(hits) != 20 {
		t.Fatalf("%d hits, want 20", len(hits))
	}
	if hits[0].Name != "Bonus 01" || hits[19].Name != "Bonus 20" {
		t.Errorf("hits run from %q to %q, want Bonus 01 to Bonus 20", hits[0].Name, hits[19].Name)
	}
	if hits := search(t, c, "big bonus"); len(hits) != 5 {
		t.Errorf("search big bonus found %s", kinds(hits))
	}
}

func TestSearchNeedsASignedInUserOfAnyRole(t *testing.T) {
	ts := newTestServer(t)
	signUp(t, ts)
	loadDemo(t, ts)
	wantRedirect(t, ts.newClient(t).get("/search?q=spring"), "/login")

	addUser(t, ts, "vera@example.com", "Vera Viewer", store.RoleViewer)
	viewer := login(t, ts, "vera@example.com", userPassword)
	if hits := search(t, viewer, "spring"); len(hits) == 0 || hits[0].URL != "/apps/calm-sky/paywalls/spring" {
		t.Errorf("a viewer's search found %s", kinds(hits))
	}
}

// The database ranks and cuts each kind: an exact match that sorts last by name still comes
// first, and case is ignored beyond ASCII.
func TestSearchRanksInTheDatabaseAndFoldsUnicode(t *testing.T) {
	ts := newTestServer(t)
	c := signUp(t, ts)
	s := seedCatalog(t, ts)
	inTx(t, ts, func(ctx context.Context, tx *store.Tx) error {
		for i := 1; i <= 40; i++ {
			e := store.Entitlement{AppID: s.app.ID, Ref: fmt.Sprintf("a%02d", i), Name: fmt.Sprintf("A zz plan %02d", i)}
			if err := tx.CreateEntitlement(ctx, &e); err != nil {
				return err
			}
		}
		for _, e := range []store.Entitlement{{AppID: s.app.ID, Ref: "zz", Name: "Zz"}, {AppID: s.app.ID, Ref: "uber", Name: "Über Premium"}} {
			if err := tx.CreateEntitlement(ctx, &e); err != nil {
				return err
			}
		}
		return nil
	})
	if hits := search(t, c, "zz"); len(hits) != 20 || hits[0].Name != "Zz" {
		t.Errorf("search zz: %d hits, first %q; want 20 with the exact match Zz first", len(hits), hits[0].Name)
	}
	if hits := search(t, c, "ÜBER"); len(hits) != 1 || hits[0].Name != "Über Premium" {
		t.Errorf("search ÜBER found %s", kinds(hits))
	}
}
