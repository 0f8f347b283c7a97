package views

import (
	"encoding/json"
	"nami/urls"
	"net/url"
	"sort"
	"strconv"
)

// PageRows is the most rows a list page shows.
const PageRows = 100

// Pager is one page of a searchable list: what was asked (the search, the page and the other
// filters, which every link keeps) and how many rows match.
type Pager struct {
	Path      string     // the list's path
	Params    url.Values // filters besides q and page, kept in every link (e.g. platform)
	Q         string     // the search, "" for none
	Page      int        // 1-based
	Total     int        // rows that match
	Shown     int        // rows on this page
	One, Many string     // "product", "products"
	SelectAll bool       // every row of this page starts selected
	Rows      int        // rows a full page shows; 0 means PageRows
}

// PaywallPageRows is the paywalls list's page: each row is a live preview, so fewer a page.
const PaywallPageRows = 24

// RowsOf is the rows a full page of this list shows.
func (p Pager) RowsOf() int {
	if p.Rows > 0 {
		return p.Rows
	}
	return PageRows
}

// query is the list's query string for page n, with select=all when sel is set.
func (p Pager) query(n int, sel bool) string {
	v := url.Values{}
	for k, vs := range p.Params {
		for _, s := range vs {
			if s != "" {
				v.Add(k, s)
			}
		}
	}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if sel {
		v.Set("select", "all")
	}
	return v.Encode()
}

func withQuery(path, q string) string {
	if q == "" {
		return path
	}
	return path + "?" + q
}

// URL is the list's address at page n, keeping the search and filters.
func (p Pager) URL(n int) string { return withQuery(p.Path, p.query(n, false)) }

// Here is the address of this page.
func (p Pager) Here() string { return p.URL(p.Page) }

// SelectURL is this page with every row selected (on) or none.
func (p Pager) SelectURL(on bool) string { return withQuery(p.Path, p.query(p.Page, on)) }

// ClearURL is the list without the search, keeping the other filters.
func (p Pager) ClearURL() string {
	p.Q = ""
	return p.URL(1)
}

// Pages is how many pages the matches fill (at least 1).
func (p Pager) Pages() int { return max(1, (p.Total+p.RowsOf()-1)/p.RowsOf()) }

// From is the number of the first row shown (1-based), 0 when none is.
func (p Pager) From() int {
	if p.Shown == 0 {
		return 0
	}
	return (p.Page-1)*p.RowsOf() + 1
}

// To is the number of the last row shown.
func (p Pager) To() int { return p.From() + p.Shown - 1 }

// HasPrev and HasNext say whether there is a page before and after this one.
func (p Pager) HasPrev() bool { return p.Page > 1 }
func (p Pager) HasNext() bool { return p.Page < p.Pages() }

// Summary says "1,001 products · showing 101–200".
func (p Pager) Summary() string {
	s := Thousands(p.Total) + " " + p.Many
	if p.Total == 1 {
		s = "1 " + p.One
	}
	if p.Q != "" {
		s += " matching “" + p.Q + "”"
	}
	if p.Shown > 0 && (p.From() > 1 || p.To() < p.Total) {
		s += " · showing " + Thousands(p.From()) + "–" + Thousands(p.To())
	}
	return s
}

// Hidden are the filters to repeat as hidden fields of a GET form (the search form), sorted.
func (p Pager) Hidden() []Option {
	var out []Option
	for k, vs := range p.Params {
		for _, s := range vs {
			if s != "" {
				out = append(out, Option{Value: s, Label: k})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// Thousands writes n with comma separators: 1,001.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}

// BulkResult is what a bulk action did, for its report.
type BulkResult struct {
	Done    []string // names of the items changed
	Refused []string // "name: why"
}

// pagerParams is the search and page as a query string ("q=…&page=2"), for row actions.
func pagerParams(pg Pager) string {
	v := url.Values{}
	if pg.Q != "" {
		v.Set("q", pg.Q)
	}
	if pg.Page > 1 {
		v.Set("page", strconv.Itoa(pg.Page))
	}
	return v.Encode()
}

// BulkURL is the POST target of a bulk action on an app's list, e.g. BulkURL(slug, "products", "delete").
func BulkURL(slug, list, action string) string { return urls.Sub(slug, "bulk", list, action) }

// selectedVals is hx-vals carrying a chooser's current value as "selected".
func selectedVals(v string) string {
	b, _ := json.Marshal(map[string]string{"selected": v})
	return string(b)
}

// pluralWord is one or many by n, without the number.
func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// OverviewCampaigns is how many live campaigns an app's overview lists at most.
const OverviewCampaigns = 10

// platformTabURL is the products list on another platform, keeping the search (from page 1).
func platformTabURL(v ProductsView, ref string) string {
	pg := v.Pager
	pg.Params = url.Values{"platform": {ref}}
	return pg.URL(1)
}
