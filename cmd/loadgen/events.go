package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"nami/store"
)

// The demo catalog's refs (catalog/demo.json): the onboarding A/B campaign, its two variants with
// their paywalls, and an iOS product each variant's devices buy.
const (
	demoCampaign  = "onboarding-ab"
	demoPlacement = "onboarding"
	demoCurrency  = "USD"
)

var demoVariants = [...]struct{ variant, paywall, sku, revenue string }{
	{"a", "spring", "com.example.calmsky.yearly", "59.99"},
	{"b", "yearly-focus", "com.example.calmsky.monthly", "9.99"},
}

// eventGen makes the events loadgen sends. Ids are a prefix random per run and a counter, so
// they are unique within the run and across runs on the same database; a batch's ids are
// consecutive, so a ledger keeps them as a range.
type eventGen struct {
	prefix  string       // "lg-<8 hex digits>-"
	next    atomic.Int64 // the counter of the next event id
	devices atomic.Int64 // numbers the devices
	// perDevice is how many events of a batch each device sends; 0 means the whole batch is one
	// device's. fold-ratio sets it so that the aggregates see many distinct devices.
	perDevice int
}

func newEventGen() *eventGen {
	var b [4]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return &eventGen{prefix: "lg-" + hex.EncodeToString(b[:]) + "-"}
}

// appendID appends the id of the event numbered k.
func (g *eventGen) appendID(b []byte, k int64) []byte {
	return strconv.AppendInt(append(b, g.prefix...), k, 10)
}

// batch makes n events of new devices (one, or one per g.perDevice events), as an SDK would send
// them after a paywall session: each device's exposure to a variant of the onboarding campaign,
// impressions, CTA taps and closes of its paywall, and a purchase last (with several devices a
// batch, one device in ten buys). It returns the counter of the first event's id; the others
// follow. PlatformID and ReceivedAt are left for the server (or the bare insert) to set.
func (g *eventGen) batch(n int, now time.Time) (int64, []store.Event) {
	first := g.next.Add(int64(n)) - int64(n)
	per := n
	if g.perDevice > 0 {
		per = min(g.perDevice, n)
	}
	devs := int64((n + per - 1) / per)
	firstDev := g.devices.Add(devs) - devs + 1
	at := now.UTC().Truncate(time.Millisecond)
	evs := make([]store.Event, n)
	var id []byte
	var device string
	for i := range evs {
		dev, k, size := firstDev+int64(i/per), i%per, min(per, n-i/per*per)
		v := demoVariants[dev%int64(len(demoVariants))]
		if k == 0 {
			device = g.prefix + "device-" + strconv.FormatInt(dev, 10)
		}
		id = g.appendID(id[:0], first+int64(i))
		e := store.Event{ID: string(id), DeviceID: device, Placement: demoPlacement, Campaign: demoCampaign,
			Variant: v.variant, Paywall: v.paywall, OccurredAt: at}
		switch {
		case k == 0:
			e.Type = "exposure"
		case k == size-1 && (per == n || dev%10 == 0):
			e.Type, e.SKU, e.Revenue, e.Currency = "purchase", v.sku, v.revenue, demoCurrency
		default:
			e.Type = [...]string{"impression", "impression", "cta_tap", "close"}[k%4]
		}
		evs[i] = e
	}
	return first, evs
}

// appendBatch appends the JSON body of an events request carrying evs, leaving out empty fields.
// Every value loadgen makes is plain ASCII, which strconv.AppendQuote writes as a JSON string.
func appendBatch(b []byte, evs []store.Event) []byte {
	field := func(b []byte, name, value string) []byte {
		if value == "" {
			return b
		}
		b = append(append(append(b, `,"`...), name...), `":`...)
		return strconv.AppendQuote(b, value)
	}
	b = append(b, `{"events":[`...)
	for i, e := range evs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(append(b, `{"id":`...), e.ID)
		b = field(b, "type", e.Type)
		b = field(b, "device_id", e.DeviceID)
		b = e.OccurredAt.AppendFormat(append(b, `,"time":"`...), "2006-01-02T15:04:05.000Z07:00")
		b = append(b, '"')
		b = field(b, "placement", e.Placement)
		b = field(b, "campaign", e.Campaign)
		b = field(b, "variant", e.Variant)
		b = field(b, "paywall", e.Paywall)
		if e.Holdout {
			b = append(b, `,"holdout":true`...)
		}
		b = field(b, "sku", e.SKU)
		b = field(b, "revenue", e.Revenue)
		b = field(b, "currency", e.Currency)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// ledger records the events the server acknowledged, as ranges of id counters, so that each can
// be looked for in the database afterwards.
type ledger struct {
	mu     sync.Mutex
	ranges []idRange
	n      int64
}

type idRange struct {
	first int64
	n     int
}

func (l *ledger) add(first int64, n int) {
	l.mu.Lock()
	l.ranges = append(l.ranges, idRange{first, n})
	l.n += int64(n)
	l.mu.Unlock()
}

func (l *ledger) count() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// missing counts the acknowledged ids that stored lacks, and names the first.
func (l *ledger) missing(g *eventGen, stored map[string]bool) (n int64, first string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var id []byte
	for _, r := range l.ranges {
		for k := r.first; k < r.first+int64(r.n); k++ {
			id = g.appendID(id[:0], k)
			if !stored[string(id)] {
				if n == 0 {
					first = string(id)
				}
				n++
			}
		}
	}
	return n, first
}

// poster sends event batches to the events route as an SDK would: a batch refused with 429 or
// 503 is sent again, with the same ids, after its Retry-After. It counts what happened and keeps
// every request's latency.
type poster struct {
	client      *http.Client
	url         string
	gen         *eventGen
	batch       int
	maxRequests int64
	acked       ledger

	requests, accepted, duplicates, limited, busy atomic.Int64

	mu        sync.Mutex
	latencies []time.Duration
}

func newPoster(client *http.Client, o options, gen *eventGen) *poster {
	return &poster{client: client, url: o.base.JoinPath("sdk/v1/platforms", o.key, "events").String(),
		gen: gen, batch: o.batch, maxRequests: o.requests}
}

// post sends one new batch until it is acknowledged. It returns errStop when ctx ends or the
// request budget is spent first (the batch is then not acknowledged), and an error for a failed
// request or an answer the contract does not allow. A request under way when ctx ends is let
// finish, so that its answer is known.
func (p *poster) post(ctx context.Context) error {
	first, evs := p.gen.batch(p.batch, time.Now())
	body := appendBatch(make([]byte, 0, 256*len(evs)), evs)
	for {
		if ctx.Err() != nil || p.requests.Add(1) > p.maxRequests {
			return errStop
		}
		t := time.Now()
		res, err := p.client.Post(p.url, "application/json", bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("events: %w", err)
		}
		answer, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		if err != nil {
			return fmt.Errorf("events: reading the answer: %w", err)
		}
		p.mu.Lock()
		p.latencies = append(p.latencies, time.Since(t))
		p.mu.Unlock()
		switch res.StatusCode {
		case http.StatusAccepted:
			var a struct {
				Accepted   *int `json:"accepted"`
				Duplicates *int `json:"duplicates"`
			}
			if err := json.Unmarshal(answer, &a); err != nil || a.Accepted == nil || a.Duplicates == nil || *a.Accepted+*a.Duplicates != len(evs) {
				return fmt.Errorf("events: 202 %s for a batch of %d; want accepted + duplicates = %d", clip(answer), len(evs), len(evs))
			}
			p.accepted.Add(int64(*a.Accepted))
			p.duplicates.Add(int64(*a.Duplicates))
			p.acked.add(first, len(evs))
			return nil
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			if res.StatusCode == http.StatusTooManyRequests {
				p.limited.Add(1)
			} else {
				p.busy.Add(1)
			}
			wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
			if err != nil || wait < 1 {
				return fmt.Errorf("events: %d with Retry-After %q; want whole seconds, at least 1", res.StatusCode, res.Header.Get("Retry-After"))
			}
			select {
			case <-ctx.Done():
				return errStop
			case <-time.After(time.Duration(wait) * time.Second):
			}
		default:
			return fmt.Errorf("events: status %d: %s", res.StatusCode, clip(answer))
		}
	}
}

// latencySummary is "p50 …, p99 …, max …" of the requests so far, and the p99.
func (p *poster) latencySummary() (string, time.Duration) {
	p.mu.Lock()
	s := slices.Clone(p.latencies)
	p.mu.Unlock()
	slices.Sort(s)
	var maxLat time.Duration
	if len(s) > 0 {
		maxLat = s[len(s)-1].Round(time.Microsecond)
	}
	p99 := quantile(s, 0.99)
	return fmt.Sprintf("%d requests: p50 %s, p99 %s, max %s", len(s), quantile(s, 0.5), p99, maxLat), p99
}

// refusals is "n answered 429 and m answered 503, each sent again after its Retry-After".
func (p *poster) refusals() string {
	return fmt.Sprintf("%d answered 429 and %d answered 503, each sent again after its Retry-After", p.limited.Load(), p.busy.Load())
}

// clip shortens an answer quoted in an error.
func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// serverDB is the server's database, opened by loadgen to check that what the server
// acknowledged is stored.
type serverDB struct {
	st         *store.Store
	platformID int64
}

func openServerDB(ctx context.Context, path, key string) (*serverDB, error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	p, err := st.PlatformByKey(ctx, key)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("-db %s: %w", path, err)
	}
	return &serverDB{st: st, platformID: p.ID}, nil
}

// count is how many events the platform has stored.
func (d *serverDB) count(ctx context.Context) (int, error) {
	return d.st.CountEvents(ctx, d.platformID)
}

// check looks up every id of acked among the platform's stored event ids and says how many are
// missing. A 202 means committed, so it does not wait: a missing id is a lost event.
func (d *serverDB) check(ctx context.Context, g *eventGen, acked *ledger) (lost int64, firstLost string, err error) {
	ids, err := d.st.EventIDs(ctx, d.platformID)
	if err != nil {
		return 0, "", err
	}
	lost, firstLost = acked.missing(g, ids)
	return lost, firstLost, nil
}
