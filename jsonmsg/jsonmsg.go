// Package jsonmsg words what is wrong with a JSON request body for the people who wrote it:
// the byte offset of a syntax error, the field whose value has the wrong type.
package jsonmsg

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Problem says what is wrong with a JSON body that failed to decode with err; example is a
// valid body, quoted when the body is empty or not an object.
func Problem(body []byte, err error, example string) string {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case len(body) == 0:
		return "the body is empty; send a JSON object, e.g. " + example
	case errors.As(err, &syntax):
		return fmt.Sprintf("the body is not valid JSON: %s (at byte %d)", syntax.Error(), syntax.Offset)
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return "the body must be a JSON object, not " + Article(typeErr.Value) + ", e.g. " + example
	case errors.As(err, &typeErr):
		return fmt.Sprintf("%s must be %s, not %s", typeErr.Field, Kind(typeErr.Type.Kind().String()), Article(typeErr.Value))
	default:
		return "the body could not be read as JSON: " + err.Error()
	}
}

// Article puts "a" or "an" before a JSON value's kind ("an object", "a string", "null").
func Article(jsonValue string) string {
	switch jsonValue {
	case "array", "object":
		return "an " + jsonValue
	case "null", "true", "false":
		return jsonValue
	}
	return "a " + jsonValue
}

// Kind names a Go kind as the JSON value it reads ("a string", "an object").
func Kind(kind string) string {
	switch kind {
	case "string", "ptr":
		return "a string"
	case "map", "struct":
		return "an object"
	case "slice", "array":
		return "an array"
	case "bool":
		return "true or false"
	}
	return "a number"
}

// ValueKind names the kind of a valid JSON value by its first byte.
func ValueKind(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
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
