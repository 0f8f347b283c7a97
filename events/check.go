// Package events is the SDK event pipeline: it checks the batches apps send, limits how fast
// each platform key may send, stores accepted batches durably through one group-committing
// writer (a 202 means committed), deduplicates retries by event id and deletes raw events past
// their retention. Storage sits behind the small Store interface.
package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"nami/engine"
	"nami/jsonmsg"
	"nami/offer"
	"nami/store"
)

// The event types, in the order messages name them.
const (
	TypeExposure   = "exposure"
	TypeImpression = "impression"
	TypeClose      = "close"
	TypeCTATap     = "cta_tap"
	TypeTrialStart = "trial_start"
	TypePurchase   = "purchase"
	TypeRestore    = "restore"
)

var types = []string{TypeExposure, TypeImpression, TypeClose, TypeCTATap, TypeTrialStart, TypePurchase, TypeRestore}

const typeList = "exposure, impression, close, cta_tap, trial_start, purchase or restore"

const (
	// MaxBatch is the most events one request may carry.
	MaxBatch = 500
	// MaxBody bounds an events request: 500 events of about 2 KB each at most.
	MaxBody = 1 << 20
	// MaxDeviceID bounds a device id, which SDKs generate (a UUID is 36 characters).
	MaxDeviceID = 256
	maxID       = 64
	maxLabel    = 64
	// maxRevenueDigits bounds the whole part of an amount; no store sells anything near a billion.
	maxRevenueDigits = 9
	maxRevenueScale  = 4
)

// Problem is why a batch was refused: a code for programs (bad_request, invalid_event,
// too_many_events) and a message that names the event by index and field.
type Problem struct {
	Code    string
	Message string
}

func (p *Problem) Error() string { return p.Message }

// Example is a valid batch, quoted by messages about a body that is not one.
const Example = `{"events": [{"id": "5f0c6a8e-1d2b-4c3a-9e8f-7a6b5c4d3e2f", "type": "impression", "device_id": "8f14e45f", "paywall": "spring", "time": "2026-05-01T12:00:00Z"}]}`

// input is one event as an SDK sends it; unknown fields are ignored.
type input struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	DeviceID  string `json:"device_id"`
	Time      string `json:"time"`
	Placement string `json:"placement"`
	Campaign  string `json:"campaign"`
	Variant   string `json:"variant"`
	Paywall   string `json:"paywall"`
	Holdout   bool   `json:"holdout"`
	SKU       string `json:"sku"`
	Revenue   string `json:"revenue"`
	Currency  string `json:"currency"`
}

// Parse reads and checks a batch body for a platform: 1 to MaxBatch events, each valid. It
// refuses the batch whole, naming the first bad event by index and field.
func Parse(body []byte, platformID int64, received time.Time) ([]store.Event, *Problem) {
	// The common case, a valid batch, is read in one pass; only a batch that does not fit the
	// shape is read again event by event, to name the one at fault.
	var batch struct {
		Events *[]input `json:"events"`
	}
	if err := json.Unmarshal(body, &batch); err != nil || batch.Events == nil {
		return nil, shapeProblem(body)
	}
	ins := *batch.Events
	switch {
	case len(ins) == 0:
		return nil, &Problem{"bad_request", "events is empty; send 1 to 500 events"}
	case len(ins) > MaxBatch:
		return nil, &Problem{"too_many_events", fmt.Sprintf("the batch has %d events; send at most %d a batch", len(ins), MaxBatch)}
	}
	out := make([]store.Event, len(ins))
	for i, in := range ins {
		ev, msg := check(in, received)
		if msg != "" {
			return nil, &Problem{"invalid_event", "events[" + strconv.Itoa(i) + "]" + msg}
		}
		ev.PlatformID, ev.ReceivedAt = platformID, received
		out[i] = ev
	}
	return out, nil
}

// shapeProblem says what is wrong with a body that does not read as a batch of events.
func shapeProblem(body []byte) *Problem {
	var req struct {
		Events *[]json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return &Problem{"bad_request", jsonmsg.Problem(body, err, Example)}
	}
	if req.Events == nil {
		return &Problem{"bad_request", "events is missing; send e.g. " + Example}
	}
	if n := len(*req.Events); n > MaxBatch {
		return &Problem{"too_many_events", fmt.Sprintf("the batch has %d events; send at most %d a batch", n, MaxBatch)}
	}
	for i, raw := range *req.Events {
		var in input
		err := json.Unmarshal(raw, &in)
		if err == nil {
			continue
		}
		// raw is valid JSON (the batch parsed), so this is a value of the wrong type.
		var typeErr *json.UnmarshalTypeError
		at := "events[" + strconv.Itoa(i) + "]"
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return &Problem{"invalid_event", at + "." + typeErr.Field + ": must be " + jsonmsg.Kind(typeErr.Type.Kind().String()) + ", not " + jsonmsg.Article(typeErr.Value)}
		}
		return &Problem{"invalid_event", at + ": an event must be a JSON object, not " + jsonmsg.Article(jsonmsg.ValueKind(raw))}
	}
	return &Problem{"bad_request", "the body could not be read as a batch of events; send e.g. " + Example}
}

// check checks one event's values; the message starts with the field's path, e.g. ".type: ...".
func check(in input, now time.Time) (store.Event, string) {
	switch {
	case in.ID == "":
		return store.Event{}, ".id: missing; give every event a unique id (a UUID) and keep it when the batch is sent again"
	case len(in.ID) > maxID || !validID(in.ID):
		return store.Event{}, fmt.Sprintf(".id: %q is not an event id (1 to 64 letters, digits, '.', '_', ':' and '-')", clip(in.ID))
	}
	if !isType(in.Type) {
		if in.Type == "" {
			return store.Event{}, ".type: missing; use " + typeList
		}
		return store.Event{}, fmt.Sprintf(".type: %q is not one of %s", clip(in.Type), typeList)
	}
	switch {
	case in.DeviceID == "":
		return store.Event{}, ".device_id: missing; send the device's stable id"
	case len(in.DeviceID) > MaxDeviceID:
		return store.Event{}, fmt.Sprintf(".device_id: %d bytes long; at most %d are allowed", len(in.DeviceID), MaxDeviceID)
	}
	at, msg := checkTime(in.Time, now)
	if msg != "" {
		return store.Event{}, msg
	}
	if len(in.Placement) > maxLabel {
		return store.Event{}, fmt.Sprintf(".placement: %d bytes long; a label has at most %d", len(in.Placement), maxLabel)
	}
	for _, f := range []struct{ name, value string }{{"campaign", in.Campaign}, {"variant", in.Variant}, {"paywall", in.Paywall}} {
		if f.value != "" && !engine.ValidRef(f.value) {
			return store.Event{}, fmt.Sprintf(".%s: %q is not a ref (1 to 64 lowercase letters, digits, - and _)", f.name, clip(f.value))
		}
	}
	if msg := checkByType(in); msg != "" {
		return store.Event{}, msg
	}
	if in.SKU != "" {
		if err := offer.CheckSKU(in.SKU); err != nil {
			return store.Event{}, fmt.Sprintf(".sku: %q is not a sku: %s", clip(in.SKU), err.Error())
		}
	}
	if in.Revenue != "" {
		if msg := checkRevenue(in.Revenue); msg != "" {
			return store.Event{}, ".revenue: " + msg
		}
	}
	if in.Currency != "" && offer.CheckCurrency(in.Currency) != nil {
		return store.Event{}, fmt.Sprintf(".currency: %q is not an ISO 4217 code such as USD or EUR", clip(in.Currency))
	}
	if (in.Revenue == "") != (in.Currency == "") {
		return store.Event{}, ".currency: revenue and currency go together; send both or neither"
	}
	return store.Event{ID: in.ID, Type: in.Type, DeviceID: in.DeviceID, Placement: in.Placement,
		Campaign: in.Campaign, Variant: in.Variant, Paywall: in.Paywall, Holdout: in.Holdout,
		SKU: in.SKU, Revenue: in.Revenue, Currency: in.Currency, OccurredAt: at}, ""
}

// checkByType checks the fields each type requires.
func checkByType(in input) string {
	switch in.Type {
	case TypeExposure:
		switch {
		case in.Campaign == "":
			return ".campaign: missing; an exposure names the campaign the decision chose"
		case in.Holdout && (in.Variant != "" || in.Paywall != ""):
			return ".holdout: a held-out device sees no variant and no paywall; send holdout true without variant and paywall"
		case !in.Holdout && in.Variant == "":
			return ".variant: missing; an exposure names the variant chosen, or has holdout true"
		}
	case TypeImpression, TypeClose, TypeCTATap:
		if in.Paywall == "" {
			return ".paywall: missing; send the ref of the paywall the event happened on"
		}
	case TypePurchase, TypeTrialStart:
		switch {
		case in.SKU == "":
			return ".sku: missing; a " + in.Type + " names the product's sku"
		case in.Revenue == "":
			return `.revenue: missing; send the amount paid as a decimal string, e.g. "39.99" ("0" for a free trial)`
		case in.Currency == "":
			return ".currency: missing; send the ISO 4217 code of the revenue, e.g. USD"
		}
	}
	if in.Holdout && in.Type != TypeExposure {
		return ".holdout: only an exposure can be of a held-out device"
	}
	return ""
}

func checkTime(s string, now time.Time) (time.Time, string) {
	if s == "" {
		return time.Time{}, ".time: missing; send when it happened in RFC 3339, e.g. 2026-05-01T12:00:00Z"
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Sprintf(".time: %q is not an RFC 3339 time such as 2026-05-01T12:00:00Z", clip(s))
	}
	if at.UTC().Year() < 2000 || at.After(now.Add(48*time.Hour)) {
		return time.Time{}, fmt.Sprintf(".time: %q is not a plausible time for an event (from 2000 to now)", s)
	}
	return at.UTC(), ""
}

// checkRevenue checks an amount: digits with an optional dot and up to 4 decimals, not negative.
func checkRevenue(s string) string {
	whole, frac, dot := cut(s, '.')
	switch {
	case len(s) > 0 && s[0] == '-':
		return fmt.Sprintf("%q is negative; send the amount paid, e.g. \"39.99\"", clip(s))
	case whole == "" || !digits(whole) || dot && (frac == "" || !digits(frac)):
		return fmt.Sprintf("%q is not a decimal amount such as \"39.99\"", clip(s))
	case len(frac) > maxRevenueScale:
		return fmt.Sprintf("%q has more than %d decimals", s, maxRevenueScale)
	case len(whole) > maxRevenueDigits:
		return fmt.Sprintf("%q is too large", clip(s))
	}
	return ""
}

func cut(s string, sep byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

func isType(t string) bool {
	for _, x := range types {
		if t == x {
			return true
		}
	}
	return false
}

// clip shortens a value quoted in a message, so a huge bad value does not make a huge answer.
func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:80] + "…"
}
