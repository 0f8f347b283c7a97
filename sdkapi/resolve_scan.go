package sdkapi

// scanResolve reads the common shape of a resolve body without reflection: an object with
// "device_id" and "label" strings and an "attributes" object of strings, numbers, booleans and
// nulls, every string plain printable ASCII without escapes. Anything else (escapes, non-ASCII
// text, other or repeated keys, nesting, a syntax error) returns ok false, and the caller reads
// the body with encoding/json instead, so the outcome never differs from encoding/json's; this
// path only makes the usual request cheap (JSON decoding was two thirds of resolve's cost).
func scanResolve(body []byte) (r resolveFields, ok bool) {
	s := scanner{b: body}
	s.space()
	if !s.take('{') {
		return r, false
	}
	s.space()
	if s.take('}') {
		return r, s.end()
	}
	for {
		key, ok := s.plainString()
		if !ok {
			return r, false
		}
		s.space()
		if !s.take(':') {
			return r, false
		}
		s.space()
		switch key {
		case "device_id":
			if r.hasDevice {
				return r, false
			}
			if r.deviceID, ok = s.plainString(); !ok {
				return r, false
			}
			r.hasDevice = true
		case "label":
			if r.hasLabel {
				return r, false
			}
			if r.label, ok = s.plainString(); !ok {
				return r, false
			}
			r.hasLabel = true
		case "attributes":
			if r.attributes != nil || !s.attributes(&r) {
				return r, false
			}
		default:
			return r, false
		}
		s.space()
		if s.take('}') {
			return r, s.end()
		}
		if !s.take(',') {
			return r, false
		}
		s.space()
	}
}

// resolveFields is what a resolve body says, however it was read.
type resolveFields struct {
	deviceID   string
	hasDevice  bool
	label      string
	hasLabel   bool
	attributes map[string]string // values as the engine's text; nil when none were sent
}

// scanner walks a JSON text byte by byte.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) take(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

// plainString reads a string of printable ASCII without escapes.
func (s *scanner) plainString() (string, bool) {
	if !s.take('"') {
		return "", false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := string(s.b[start:s.i])
			s.i++
			return v, true
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return "", false
		}
		s.i++
	}
	return "", false
}

// attributes reads the attributes object; a null value means the attribute was not sent.
func (s *scanner) attributes(r *resolveFields) bool {
	if !s.take('{') {
		return false
	}
	r.attributes = make(map[string]string, 8)
	s.space()
	if s.take('}') {
		return true
	}
	for {
		name, ok := s.plainString()
		if !ok {
			return false
		}
		if _, dup := r.attributes[name]; dup {
			return false
		}
		s.space()
		if !s.take(':') {
			return false
		}
		s.space()
		if s.i >= len(s.b) {
			return false
		}
		switch c := s.b[s.i]; {
		case c == '"':
			v, ok := s.plainString()
			if !ok {
				return false
			}
			r.attributes[name] = v
		case c == '-' || c >= '0' && c <= '9':
			v, ok := s.number()
			if !ok {
				return false
			}
			r.attributes[name] = v
		case s.literal("true"):
			r.attributes[name] = "true"
		case s.literal("false"):
			r.attributes[name] = "false"
		case s.literal("null"):
			// Not sent. Were the name repeated after this, the last value would win, as in
			// encoding/json.
		default:
			return false
		}
		s.space()
		if s.take('}') {
			return true
		}
		if !s.take(',') {
			return false
		}
		s.space()
	}
}

// literal reads word if it comes next.
func (s *scanner) literal(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, as written.
func (s *scanner) number() (string, bool) {
	start := s.i
	s.take('-')
	switch {
	case s.take('0'):
	case s.digits() == 0:
		return "", false
	}
	if s.take('.') && s.digits() == 0 {
		return "", false
	}
	if s.take('e') || s.take('E') {
		if !s.take('+') {
			s.take('-')
		}
		if s.digits() == 0 {
			return "", false
		}
	}
	return string(s.b[start:s.i]), true
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}
