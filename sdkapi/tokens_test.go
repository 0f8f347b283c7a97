package sdkapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"nami/catalog"
	"nami/sdkapi"
)

// A snapshot carries copy with its tokens unresolved and each product's token values per locale;
// the web paywall shows them resolved for the platform's products.
func TestSDKSnapshotsCarryTokensAndTheWebPaywallResolvesThem(t *testing.T) {
	env := newSDKEnv(t, sdkapi.Options{})
	f, err := catalog.Parse(bytes.NewReader(catalog.Demo))
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.Paywalls {
		if f.Paywalls[i].Ref == "yearly-focus" {
			c := f.Paywalls[i].Copy["en"]
			c.Subtitle = "{{#product.trial}}{{product.trial}} free, then {{/product.trial}}{{product.price}} a {{product.period}}"
			f.Paywalls[i].Copy["en"] = c
			f.Paywalls[i].Products[0].Badge = "Save {{product.savings}}"
		}
	}
	if _, err := catalog.Apply(context.Background(), env.st, f, "test"); err != nil {
		t.Fatal(err)
	}
	env.publishApp("calm-sky")

	doc := decodeSnapshot(t, env.do("GET", configPath(demoIOS), "").body)
	var found bool
	for _, pw := range doc.Paywalls {
		switch pw.Ref {
		case "yearly-focus":
			found = true
			cp := pw.Copy["en"]
			if !strings.Contains(cp.Subtitle, "{{#product.trial}}") || pw.Products[0].Badge != "Save {{product.savings}}" {
				t.Errorf("the snapshot's copy is not as written: %q, badge %q", cp.Subtitle, pw.Products[0].Badge)
			}
			yearly := cp.TokenValues["com.example.calmsky.yearly"]
			want := map[string]string{"name": "Premium Yearly", "price": "$59.99", "period": "year", "price_per_month": "$5.00",
				"price_per_week": "$1.15", "trial": "2 weeks", "savings": "49%"}
			for k, v := range want {
				if yearly[k] != v {
					t.Errorf("token_values[yearly][%s] = %q, want %q", k, yearly[k], v)
				}
			}
			if life := cp.TokenValues["com.example.calmsky.lifetime"]; life["price"] != "$149.99" || life["period"] != "" || life["trial"] != "" {
				t.Errorf("lifetime values %v", life)
			}
		case "spring":
			if pw.Copy["en"].TokenValues != nil {
				t.Errorf("a paywall without tokens carries token values")
			}
		}
	}
	if !found {
		t.Fatal("no yearly-focus paywall in the snapshot")
	}

	a := env.do("GET", paywallPath(demoIOS, "yearly-focus")+"?locale=en", "")
	wantSDKStatus(t, a, http.StatusOK)
	page := string(a.body)
	for _, want := range []string{"2 weeks free, then $59.99 a year", "1 week free, then $9.99 a month", "$149.99", "Save 49%",
		`data-pw-for="com.example.calmsky.monthly" hidden`} {
		if !strings.Contains(page, want) {
			t.Errorf("the web paywall lacks %q", want)
		}
	}
	if strings.Contains(page, "{{") {
		t.Error("the web paywall shows an unresolved token")
	}
}
