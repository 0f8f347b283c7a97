package sdkapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"nami/engine"
	"nami/events"
	"nami/jsonmsg"
	"nami/store"
)

// maxResolveBody is the largest resolve request body; a device's attributes fit in far less.
const maxResolveBody = 64 << 10

// maxDeviceID bounds a device id, which SDKs generate (a UUID is 36 characters).
const maxDeviceID = events.MaxDeviceID

// resolveRequest is the body of POST .../resolve. Attributes are raw so that strings, numbers
// and booleans can all be read as the engine's text.
type resolveRequest struct {
	DeviceID   *string                    `json:"device_id"`
	Label      string                     `json:"label"`
	Attributes map[string]json.RawMessage `json:"attributes"`
}

// bufPool recycles request and answer buffers of the SDK API.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// resolve answers POST /sdk/v1/platforms/{key}/resolve with the decision engine.Decide makes on
// the published snapshot: {"release", "campaign", "variant", "holdout", "paywall"}. It decides
// with engine.Choose on the order prepared when the release was loaded, so a request neither
// sorts the label's campaigns nor builds a trace (only the simulator needs one).
// When a campaign is chosen, the exposure is handed to the events pipeline's writer, which
// commits it with the next group (within milliseconds); the answer does not wait for it, since a
// device must never wait on analytics to show its app.
func (s *Server) resolve(w http.ResponseWriter, r *http.Request, entry *liveEntry) {
	e := entry.rel
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	body, tooLarge, err := readBody(r, (*bp)[:0], maxResolveBody)
	*bp = body[:0]
	if tooLarge {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "too_large", "the body is over 64 KB")
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "bad_request", "the body could not be read: "+err.Error())
		return
	}
	dev, label, msg := parseResolve(body)
	if msg != "" {
		s.fail(w, r, http.StatusBadRequest, "bad_request", msg)
		return
	}
	dev.Attributes[engine.AttrPlatform] = e.store
	now := s.now()
	d := engine.Choose(e.campaigns, e.order, label, dev, now)
	ci, vi := d.Campaign, d.Variant
	if ci >= 0 && (d.Holdout || vi >= 0) {
		s.recordExposure(entry.platformID, label, dev.ID, &e.campaigns[ci], vi, d.Holdout, now)
	}

	out := append(body[:0], `{"release":`...)
	out = strconv.AppendInt(out, int64(e.number), 10)
	out = append(out, `,"campaign":`...)
	if ci < 0 {
		out = append(out, "null"...)
	} else {
		out = append(out, e.answers[ci].json...)
	}
	out = append(out, `,"variant":`...)
	var paywall []byte
	if ci >= 0 && vi >= 0 {
		out = append(out, e.answers[ci].variants[vi]...)
		if pw := e.paywalls[e.campaigns[ci].Variants[vi].Paywall]; pw != nil {
			paywall = pw.json
		}
	} else {
		out = append(out, "null"...)
	}
	out = strconv.AppendBool(append(out, `,"holdout":`...), d.Holdout)
	out = append(out, `,"paywall":`...)
	if paywall == nil {
		out = append(out, "null"...)
	} else {
		out = append(out, paywall...)
	}
	out = append(out, '}')
	*bp = out[:0]
	s.writeJSON(w, http.StatusOK, out)
}

// readBody reads r's body into buf, up to limit bytes; tooLarge says the body is longer.
func readBody(r *http.Request, buf []byte, limit int) (body []byte, tooLarge bool, err error) {
	if r.ContentLength > int64(limit) {
		return buf, true, nil
	}
	lr := io.LimitReader(r.Body, int64(limit)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > limit {
			return buf, true, nil
		}
		if errors.Is(err, io.EOF) {
			return buf, false, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
}

// parseResolve reads a resolve body into the engine's device and the label, or returns a
// message that says precisely what is wrong with it.
func parseResolve(body []byte) (engine.Device, string, string) {
	f, ok := scanResolve(body)
	if !ok {
		var msg string
		if f, msg = decodeResolve(body); msg != "" {
			return engine.Device{}, "", msg
		}
	}
	switch {
	case !f.hasDevice:
		return engine.Device{}, "", "device_id is missing; send the device's stable id, e.g. " + resolveExample
	case f.deviceID == "":
		return engine.Device{}, "", "device_id is empty; send the device's stable id"
	case len(f.deviceID) > maxDeviceID:
		return engine.Device{}, "", fmt.Sprintf("device_id is %d bytes long; at most %d are allowed", len(f.deviceID), maxDeviceID)
	}
	attrs := f.attributes
	if attrs == nil {
		attrs = make(map[string]string, 1)
	}
	return engine.Device{ID: f.deviceID, Attributes: attrs}, f.label, ""
}

// decodeResolve reads any resolve body with encoding/json.
func decodeResolve(body []byte) (resolveFields, string) {
	var req resolveRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return resolveFields{}, jsonmsg.Problem(body, err, resolveExample)
	}
	f := resolveFields{label: req.Label, attributes: make(map[string]string, len(req.Attributes)+1)}
	if req.DeviceID != nil {
		f.deviceID, f.hasDevice = *req.DeviceID, true
	}
	for name, raw := range req.Attributes {
		v, sent, msg := attributeText(raw)
		if msg != "" {
			return resolveFields{}, "attributes." + name + " " + msg
		}
		if sent {
			f.attributes[name] = v
		}
	}
	return f, ""
}

const resolveExample = `{"device_id": "8f14e45f", "label": "onboarding", "attributes": {"country": "US"}}`

// attributeText turns an attribute's JSON value into the engine's text: a string as is, a
// number as written, a boolean as true or false. null means not sent.
func attributeText(raw json.RawMessage) (text string, sent bool, msg string) {
	if len(raw) == 0 {
		return "", false, ""
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false, "is not a valid string"
		}
		return s, true, ""
	case c == '-' || c >= '0' && c <= '9':
		return string(raw), true, ""
	case c == 't' || c == 'f':
		return string(raw), true, ""
	case c == 'n':
		return "", false, ""
	default:
		return "", false, "must be a string, a number or a boolean"
	}
}

// exposureIDs numbers the exposures resolve records: a prefix random per process start, so ids
// never repeat across restarts, and a counter.
type exposureIDs struct {
	prefix string
	n      atomic.Uint64
}

func newExposureIDs() *exposureIDs {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return &exposureIDs{prefix: "resolve:" + hex.EncodeToString(b[:]) + ":"}
}

func (x *exposureIDs) next() string {
	return x.prefix + strconv.FormatUint(x.n.Add(1), 36)
}

// recordExposure stores the exposure of a decision that chose campaign c: the variant at index
// variant of it (-1 for none), or the holdout.
func (s *Server) recordExposure(platformID int64, label, device string, c *engine.Campaign, variant int, holdout bool, now time.Time) {
	ev := store.Event{PlatformID: platformID, ID: s.exposureIDs.next(), Type: events.TypeExposure, DeviceID: device,
		Placement: label, Campaign: c.Ref, Holdout: holdout, OccurredAt: now, ReceivedAt: now}
	if variant >= 0 {
		ev.Variant, ev.Paywall = c.Variants[variant].Ref, c.Variants[variant].Paywall
	}
	s.pipeline.Record(ev)
}
