package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// Parse reads a catalog file strictly: a field the format does not define (spelled exactly,
// case included), a value of the wrong JSON type and anything after the top-level object are
// errors. Field and type mistakes come back as Problems naming every offending path. Parse does
// not judge the values themselves; that is Validate's job.
func Parse(r io.Reader) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("catalog.Parse: %w", err)
	}
	// A generic pass first, so that every unknown field and wrong type is reported with its path
	// (encoding/json stops at the first and names no path).
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, decodeError(data, err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, skipSpace(data, end))
		return nil, fmt.Errorf("catalog.Parse: unexpected data after the catalog object at line %d, column %d", line, col)
	}
	var problems Problems
	checkShape("", tree, reflect.TypeFor[File](), func(path, msg string) {
		problems = append(problems, Problem{Path: path, Message: msg})
	})
	if len(problems) > 0 {
		return nil, problems
	}
	var f File
	strict := json.NewDecoder(bytes.NewReader(data))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&f); err != nil {
		return nil, fmt.Errorf("catalog.Parse: %w", err)
	}
	return &f, nil
}

// Encode writes f as JSON indented by two spaces and followed by a newline, the form that
// `nami export` prints.
func Encode(w io.Writer, f *File) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("catalog.Encode: %w", err)
	}
	return nil
}

// decodeError turns a JSON syntax error into a message with a line and column.
func decodeError(data []byte, err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("catalog.Parse: the file is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("catalog.Parse: the file ends before the catalog object does")
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset-1)
		return fmt.Errorf("catalog.Parse: invalid JSON at line %d, column %d: %w", line, col, err)
	}
	return fmt.Errorf("catalog.Parse: %w", err)
}

// position returns the 1-based line and column (in bytes) of offset in data.
func position(data []byte, offset int64) (line, col int) {
	offset = max(0, min(offset, int64(len(data))))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	return line, int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
}

// skipSpace returns the offset of the first non-whitespace byte at or after offset.
func skipSpace(data []byte, offset int64) int64 {
	for offset < int64(len(data)) && bytes.IndexByte([]byte(" \t\r\n"), data[offset]) >= 0 {
		offset++
	}
	return offset
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// checkShape compares a generically decoded JSON value with the Go type it will be decoded
// into, and calls add for every object key the type does not define and every value of the
// wrong JSON type. Null is accepted only where encoding/json gives it a meaning (pointers,
// lists, maps); raw messages and custom unmarshalers are left to their own decoding.
func checkShape(path string, v any, t reflect.Type, add func(path, msg string)) {
	if t == rawMessageType || reflect.PointerTo(t).Implements(unmarshalerType) {
		return
	}
	if v == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		default:
			add(path, fmt.Sprintf("expected %s, got null", expected(t)))
		}
		return
	}
	wrong := func() { add(path, fmt.Sprintf("expected %s, got %s", expected(t), got(v))) }
	switch t.Kind() {
	case reflect.Pointer:
		checkShape(path, v, t.Elem(), add)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			wrong()
			return
		}
		fields := jsonFields(t)
		for _, key := range sortedKeys(obj) {
			field, ok := fields[key]
			if !ok {
				add(path, fmt.Sprintf("unknown field %q", key))
				continue
			}
			checkShape(joinPath(path, key), obj[key], field, add)
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			wrong()
			return
		}
		for _, key := range sortedKeys(obj) {
			checkShape(joinPath(path, key), obj[key], t.Elem(), add)
		}
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			wrong()
			return
		}
		for i, elem := range list {
			checkShape(fmt.Sprintf("%s[%d]", path, i), elem, t.Elem(), add)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			wrong()
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			wrong()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := v.(json.Number); !ok {
			wrong()
		} else if _, err := n.Int64(); err != nil {
			add(path, fmt.Sprintf("expected a whole number, got %s", n))
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			wrong()
		}
	}
}

// jsonFields maps the JSON names of t's exported fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type, t.NumField())
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

func sortedKeys(obj map[string]any) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// expected names the JSON type that t decodes from.
func expected(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return expected(t.Elem())
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Interface:
		return "a value"
	}
	return "a whole number"
}

// got names the JSON type of a generically decoded value.
func got(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "true or false"
	case json.Number:
		return "a number"
	}
	return "null"
}
