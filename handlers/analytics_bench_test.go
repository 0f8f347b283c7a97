package handlers_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"nami/handlers"
	"nami/store"
)

// benchServer serves the control center over the database NAMI_ANALYTICS_DB names (made by
// `make bench-analytics`: 1M devices, 5M events in one campaign of the app bench-analytics) and
// returns a client signed in as its owner, created on first use.
func benchServer(b *testing.B) (*http.Client, string) {
	path := os.Getenv("NAMI_ANALYTICS_DB")
	if path == "" {
		b.Skip("NAMI_ANALYTICS_DB is not set: run make bench-analytics, which generates the data")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	const email, password = "bench@example.com", "bench-password-1"
	if _, err := st.UserByEmail(ctx, email); errors.Is(err, store.ErrNotFound) {
		hash, err := handlers.HashPassword(password)
		if err != nil {
			b.Fatal(err)
		}
		u := store.User{Email: email, Name: "Bench", Role: store.RoleOwner, PasswordHash: hash}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &u) }); err != nil {
			b.Fatal(err)
		}
	} else if err != nil {
		b.Fatal(err)
	}
	h, err := handlers.New(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	e := echo.New()
	h.Routes(e)
	srv := httptest.NewServer(e)
	b.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(srv.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	token, _ := doc.Find(`meta[name="csrf-token"]`).Attr("content")
	res, err = c.PostForm(srv.URL+"/login", url.Values{"email": {email}, "password": {password}, "_csrf": {token}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		b.Fatalf("signing in: %d", res.StatusCode)
	}
	return c, srv.URL
}

func benchGet(b *testing.B, c *http.Client, u string, accept string, want string) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		b.Fatalf("GET %s: %d %v, body lacks %q: %.300s", u, res.StatusCode, err, want, body)
	}
}

// BenchmarkResultsJSON1M is GET .../campaigns/big-test/results with Accept: application/json
// over the 1M-device campaign, through the whole handler stack.
func BenchmarkResultsJSON1M(b *testing.B) {
	c, base := benchServer(b)
	u := base + "/apps/bench-analytics/campaigns/big-test/results?from=" + time.Now().UTC().AddDate(0, 0, -40).Format("2006-01-02")
	for b.Loop() {
		benchGet(b, c, u, "application/json", `"arm":"b"`)
	}
}

// BenchmarkAnalyticsPage1M is the app's analytics page (30 days, charts, paywall and campaign
// tables, the previous period) over the same data.
func BenchmarkAnalyticsPage1M(b *testing.B) {
	c, base := benchServer(b)
	u := base + "/apps/bench-analytics/analytics"
	for b.Loop() {
		benchGet(b, c, u, "", `data-testid="campaign-row-big-test"`)
	}
}
