package sdkapi

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"nami/events"
)

// ingest answers POST /sdk/v1/platforms/{key}/events: it checks every event of the batch, then
// stores the whole batch and answers 202 {"accepted": n, "duplicates": d} once it is committed,
// or refuses it whole: 400 naming the first bad event, 413 over 500 events or 1 MB, 429 over
// the key's rate, 503 when the database cannot take the batch now; a refusal's Retry-After
// says when to send it again.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, e *liveEntry) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	body, tooLarge, err := readBody(r, (*bp)[:0], events.MaxBody)
	*bp = body[:0]
	if tooLarge {
		s.refuse(w, r, http.StatusRequestEntityTooLarge, events.RefusedTooLarge, "too_large", "the body is over 1 MB; send at most 500 events a batch")
		return
	}
	if err != nil {
		s.refuse(w, r, http.StatusBadRequest, events.RefusedInvalid, "bad_request", "the body could not be read: "+err.Error())
		return
	}
	batch, problem := events.Parse(body, e.platformID, s.now())
	if problem != nil {
		status, reason := http.StatusBadRequest, events.RefusedInvalid
		if problem.Code == "too_many_events" {
			status, reason = http.StatusRequestEntityTooLarge, events.RefusedTooLarge
		}
		s.refuse(w, r, status, reason, problem.Code, problem.Message)
		return
	}
	res, err := s.pipeline.Ingest(r.Context(), e.platformID, batch)
	if err != nil {
		s.refuseStore(w, r, err)
		return
	}
	out := strconv.AppendInt(append(body[:0], `{"accepted":`...), int64(res.Accepted), 10)
	out = strconv.AppendInt(append(out, `,"duplicates":`...), int64(res.Duplicates), 10)
	out = append(out, '}')
	*bp = out[:0]
	s.writeJSON(w, http.StatusAccepted, out)
}

// refuseStore answers a batch the pipeline did not store: 429 over the key's rate, 503 when
// the database cannot take it, each with the Retry-After to follow.
func (s *Server) refuseStore(w http.ResponseWriter, r *http.Request, err error) {
	var limited *events.RateLimitError
	switch {
	case errors.As(err, &limited):
		retryAfter(w, limited.RetryAfter)
		s.refuse(w, r, http.StatusTooManyRequests, events.RefusedRateLimited, "rate_limited", limited.Error())
	case errors.Is(err, events.ErrUnavailable):
		retryAfter(w, 5*time.Second)
		s.refuse(w, r, http.StatusServiceUnavailable, events.RefusedUnavailable, "unavailable",
			"the server cannot store events now ("+err.Error()+"); send the batch again after 5 seconds")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads an answer.
		s.pipeline.Refusals.Note(events.RefusedBusy, "the client closed the request while its batch waited")
	default: // ErrBusy, ErrClosed, a deadline
		retryAfter(w, time.Second)
		s.refuse(w, r, http.StatusServiceUnavailable, events.RefusedBusy, "busy",
			"the server is busy storing events; send the batch again after 1 second")
	}
}

// refuse answers an error and counts the refusal; the pipeline logs each reason at most once a
// second, so a client that ignores Retry-After cannot flood the log.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, reason, code, msg string) {
	s.pipeline.Refusals.Note(reason, msg)
	s.writeError(w, status, code, msg)
}

// retryAfter sets Retry-After in whole seconds, at least 1.
func retryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header()["Retry-After"] = []string{strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))}
}
