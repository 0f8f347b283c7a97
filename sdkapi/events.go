package sdkapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"nami/engine"
	"nami/offer"
	"nami/store"
)

const (
	// maxEventBatch is the most events one request may carry.
	maxEventBatch = 500
	// maxEventsBody bounds an events request: 500 events of about 2 KB each at most.
	maxEventsBody = 1 << 20
)

// eventTypes are the events the SDK reports, in the order messages name them.
var eventTypes = []string{"impression", "close", "purchase", "restore", "cta_tap"}

// eventsRequest is the body of POST .../events with each event left raw: a batch that does not
// decode as events is read this way to name the event at fault by its index.
type eventsRequest struct {
	Events *[]json.RawMessage `json:"events"`
}

// eventIn is one event as an SDK sends it.
type eventIn struct {
	Type     string `json:"type"`
	DeviceID string `json:"device_id"`
	Campaign string `json:"campaign"`
	Variant  string `json:"variant"`
	Paywall  string `json:"paywall"`
	SKU      string `json:"sku"`
	Time     string `json:"time"`
}

const eventsExample = `{"events": [{"type": "impression", "device_id": "8f14e45f", "campaign": "onboarding-ab", "variant": "a", "paywall": "spring", "time": "2026-05-01T12:00:00Z"}]}`

// ingest answers POST /sdk/v1/platforms/{key}/events: it checks every event of the batch, then
// queues the whole batch and answers 202 {"accepted": n}, or refuses it whole: 400 naming the
// first bad event, 413 over 500 events, 503 with Retry-After when the queue is full.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, e *liveEntry) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	body, tooLarge, err := readBody(r, (*bp)[:0], maxEventsBody)
	*bp = body[:0]
	if tooLarge {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "too_large", "the body is over 1 MB; send at most 500 events a batch")
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "bad_request", "the body could not be read: "+err.Error())
		return
	}
	// The common case, a valid batch, is read in one pass; only a batch that does not fit the
	// shape is read again event by event, to name the one at fault.
	var batch struct {
		Events *[]eventIn `json:"events"`
	}
	var ins []eventIn
	if err := json.Unmarshal(body, &batch); err == nil && batch.Events != nil {
		ins = *batch.Events
	} else {
		var req eventsRequest
		if err := json.Unmarshal(body, &req); err != nil {
			s.fail(w, r, http.StatusBadRequest, "bad_request", jsonProblem(body, err, eventsExample))
			return
		}
		if req.Events == nil {
			s.fail(w, r, http.StatusBadRequest, "bad_request", "events is missing; send e.g. "+eventsExample)
			return
		}
		if n := len(*req.Events); n <= maxEventBatch {
			for i, raw := range *req.Events {
				if msg := shapeProblem(raw); msg != "" {
					s.fail(w, r, http.StatusBadRequest, "invalid_event", "events["+strconv.Itoa(i)+"]"+msg)
					return
				}
			}
		}
		ins = make([]eventIn, len(*req.Events)) // over the limit: only the count matters
	}
	switch {
	case len(ins) == 0:
		s.fail(w, r, http.StatusBadRequest, "bad_request", "events is empty; send 1 to 500 events")
		return
	case len(ins) > maxEventBatch:
		s.fail(w, r, http.StatusRequestEntityTooLarge, "too_many_events",
			fmt.Sprintf("the batch has %d events; send at most %d a batch", len(ins), maxEventBatch))
		return
	}
	received := s.now()
	events := make([]store.Event, len(ins))
	for i, in := range ins {
		ev, msg := checkEvent(in)
		if msg != "" {
			s.fail(w, r, http.StatusBadRequest, "invalid_event", "events["+strconv.Itoa(i)+"]"+msg)
			return
		}
		ev.PlatformID, ev.ReceivedAt = e.platformID, received
		events[i] = ev
	}
	if !s.events.add(events) {
		s.queueFull()
		w.Header()["Retry-After"] = hdrRetryAfter
		s.fail(w, r, http.StatusServiceUnavailable, "busy", "the server is busy storing events; send the batch again after 1 second")
		return
	}
	var out []byte
	out = strconv.AppendInt(append(body[:0], `{"accepted":`...), int64(len(events)), 10)
	out = append(out, '}')
	*bp = out[:0]
	s.writeJSON(w, http.StatusAccepted, out)
}

// queueFull logs, at most once a second, that batches are being refused.
func (s *Server) queueFull() {
	now := time.Now().Unix()
	if last := s.lastQueueWarn.Load(); last != now && s.lastQueueWarn.CompareAndSwap(last, now) {
		s.log.Warn("sdk: the event queue is full; refusing batches with 503", "queued", s.events.queued())
	}
}

// shapeProblem says what is wrong with the JSON shape of one event, or "" when it reads as an
// event; the message starts with the field's path, e.g. ".type: ...", or ": " for the whole.
func shapeProblem(raw json.RawMessage) string {
	var in eventIn
	err := json.Unmarshal(raw, &in)
	if err == nil {
		return ""
	}
	// raw is valid JSON (the batch parsed), so this is a value of the wrong type.
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return "." + typeErr.Field + ": must be " + jsonKind(typeErr.Type.Kind().String()) + ", not " + article(typeErr.Value)
	}
	return ": an event must be a JSON object, not " + article(jsonValueKind(raw))
}

// checkEvent checks one event's values; the message starts with the field's path, e.g. ".type: ...".
func checkEvent(in eventIn) (store.Event, string) {
	if !isEventType(in.Type) {
		if in.Type == "" {
			return store.Event{}, ".type: missing; use one of impression, close, purchase, restore, cta_tap"
		}
		return store.Event{}, fmt.Sprintf(".type: %q is not one of impression, close, purchase, restore, cta_tap", in.Type)
	}
	switch {
	case in.DeviceID == "":
		return store.Event{}, ".device_id: missing; send the device's stable id"
	case len(in.DeviceID) > maxDeviceID:
		return store.Event{}, fmt.Sprintf(".device_id: %d bytes long; at most %d are allowed", len(in.DeviceID), maxDeviceID)
	}
	if in.Paywall == "" {
		return store.Event{}, ".paywall: missing; send the ref of the paywall the event happened on"
	}
	for _, f := range []struct{ name, value string }{{"campaign", in.Campaign}, {"variant", in.Variant}, {"paywall", in.Paywall}} {
		if f.value != "" && !engine.ValidRef(f.value) {
			return store.Event{}, fmt.Sprintf(".%s: %q is not a ref (1 to 64 lowercase letters, digits, - and _)", f.name, f.value)
		}
	}
	if (in.Campaign == "") != (in.Variant == "") {
		return store.Event{}, ".variant: campaign and variant go together; send both (a paywall a campaign showed) or neither"
	}
	if in.Type == "purchase" && in.SKU == "" {
		return store.Event{}, ".sku: missing; a purchase names the sku bought"
	}
	if in.SKU != "" {
		if err := offer.CheckSKU(in.SKU); err != nil {
			return store.Event{}, fmt.Sprintf(".sku: %q is not a sku: %s", in.SKU, err.Error())
		}
	}
	if in.Time == "" {
		return store.Event{}, ".time: missing; send when it happened in RFC 3339, e.g. 2026-05-01T12:00:00Z"
	}
	at, err := time.Parse(time.RFC3339Nano, in.Time)
	if err != nil {
		return store.Event{}, fmt.Sprintf(".time: %q is not an RFC 3339 time such as 2026-05-01T12:00:00Z", in.Time)
	}
	if y := at.UTC().Year(); y < 2000 || at.After(time.Now().Add(48*time.Hour)) {
		return store.Event{}, fmt.Sprintf(".time: %q is not a plausible time for an event (from 2000 to now)", in.Time)
	}
	return store.Event{Type: in.Type, DeviceID: in.DeviceID, Campaign: in.Campaign, Variant: in.Variant,
		Paywall: in.Paywall, SKU: in.SKU, OccurredAt: at.UTC()}, ""
}

// jsonValueKind names the kind of a valid JSON value by its first byte.
func jsonValueKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

func isEventType(t string) bool {
	for _, x := range eventTypes {
		if t == x {
			return true
		}
	}
	return false
}
