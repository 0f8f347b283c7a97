package offer

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Tokens in paywall copy name a product's facts, written in double braces: "Just
// {{product.price_per_month}} a month". `product` is the selected product (the highlighted one
// until the customer picks another); `products.2` is the paywall's second product on the
// platform. A section shows its text only when a token has a value, and an inverted section
// only when it has none, as in Mustache:
//
//	{{#product.trial}}Try {{product.trial}} free, then {{/product.trial}}{{product.price}} a {{product.period}}
//	{{^product.trial}}No trial, cancel anytime.{{/product.trial}}
//
// A token without a value (the trial of a product that has none) is removed with the space,
// the empty brackets and the separator it leaves behind ("Annual · {{product.trial}}" reads
// "Annual"). docs/sdk-api.md documents the tokens, their values and these rules for SDKs.

// TokenFields are the facts a token can name, in the order the editor's menu offers them.
var TokenFields = []string{"name", "price", "period", "price_per_month", "price_per_week", "trial", "savings"}

// TokenRef is what one token names: a field of the selected product (Position 0) or of the
// product at a 1-based Position.
type TokenRef struct {
	Position int
	Field    string
}

// String spells the token's name as copy writes it between the braces: "product.price" or
// "products.2.price".
func (r TokenRef) String() string {
	if r.Position == 0 {
		return "product." + r.Field
	}
	return "products." + strconv.Itoa(r.Position) + "." + r.Field
}

// TokenError is a token that cannot be read. Its message names the token as written.
type TokenError struct {
	Token string // as written, with its braces
	Msg   string
}

func (e *TokenError) Error() string { return e.Msg }

// Copy is a copy field's text parsed for tokens, ready to resolve for any product.
type Copy struct {
	nodes []node
	refs  []TokenRef
}

type nodeKind uint8

const (
	textNode nodeKind = iota
	valueNode
	sectionNode  // {{#ref}}…{{/ref}}: shown when ref has a value
	invertedNode // {{^ref}}…{{/ref}}: shown when ref has none
)

type node struct {
	kind     nodeKind
	text     string
	ref      TokenRef
	children []node
}

// emptyMark stands, while copy is resolved, where a token or section rendered nothing; tidy
// then removes it with what it leaves dangling. It is a private-use character, removed from
// the copy's own text first.
const emptyMark = "\ue000"

// ParseCopy reads the tokens of a copy field's text. The first token that cannot be read is
// the error: an unknown name (with the nearest known one when there is one), a position of 0,
// braces that do not close, or a section closed by another name or never closed.
func ParseCopy(src string) (Copy, error) {
	var c Copy
	type open struct {
		raw  string
		node node
	}
	stack := []open{{node: node{}}}
	add := func(n node) { top := &stack[len(stack)-1].node; top.children = append(top.children, n) }
	rest := src
	for rest != "" {
		i := strings.Index(rest, "{{")
		if i < 0 {
			add(node{kind: textNode, text: rest})
			break
		}
		if i > 0 {
			add(node{kind: textNode, text: rest[:i]})
		}
		j := strings.Index(rest[i+2:], "}}")
		if j < 0 {
			raw := rest[i:]
			if k := strings.IndexAny(raw[2:], " \n"); k >= 0 {
				raw = raw[:k+2]
			}
			return Copy{}, &TokenError{Token: raw, Msg: fmt.Sprintf("%s is not closed; end the token with }}", raw)}
		}
		raw := rest[i : i+2+j+2]
		rest = rest[i+2+j+2:]
		inner := strings.TrimSpace(raw[2 : len(raw)-2])
		kind := valueNode
		switch {
		case strings.HasPrefix(inner, "#"):
			kind, inner = sectionNode, strings.TrimSpace(inner[1:])
		case strings.HasPrefix(inner, "^"):
			kind, inner = invertedNode, strings.TrimSpace(inner[1:])
		case strings.HasPrefix(inner, "/"):
			ref, err := parseTokenName(raw, strings.TrimSpace(inner[1:]))
			if err != nil {
				return Copy{}, err
			}
			if len(stack) == 1 {
				return Copy{}, &TokenError{Token: raw, Msg: fmt.Sprintf("%s closes a section that was not opened; open it with {{#%s}}", raw, ref)}
			}
			top := stack[len(stack)-1]
			if top.node.ref != ref {
				return Copy{}, &TokenError{Token: raw, Msg: fmt.Sprintf("%s closes %s; close it with {{/%s}} first", raw, top.raw, top.node.ref)}
			}
			stack = stack[:len(stack)-1]
			add(top.node)
			continue
		}
		ref, err := parseTokenName(raw, inner)
		if err != nil {
			return Copy{}, err
		}
		c.refs = append(c.refs, ref)
		if kind == valueNode {
			add(node{kind: valueNode, ref: ref})
		} else {
			stack = append(stack, open{raw: raw, node: node{kind: kind, ref: ref}})
		}
	}
	if len(stack) > 1 {
		top := stack[len(stack)-1]
		return Copy{}, &TokenError{Token: top.raw, Msg: fmt.Sprintf("%s is never closed; end the section with {{/%s}}", top.raw, top.node.ref)}
	}
	c.nodes = stack[0].node.children
	return c, nil
}

// parseTokenName reads "product.field" or "products.N.field".
func parseTokenName(raw, name string) (TokenRef, error) {
	unknown := func() error {
		msg := "unknown token " + raw
		if near := nearestToken(name); near != "" {
			msg += "; did you mean {{" + near + "}}?"
		} else {
			msg += "; use {{product.price}} and the others in the editor's Tokens menu"
		}
		return &TokenError{Token: raw, Msg: msg}
	}
	parts := strings.Split(name, ".")
	var ref TokenRef
	switch {
	case len(parts) == 2 && parts[0] == "product":
		ref.Field = parts[1]
	case len(parts) == 3 && parts[0] == "products":
		n, err := strconv.Atoi(parts[1])
		if err != nil || !allDigits(parts[1]) || len(parts[1]) > 1 && parts[1][0] == '0' {
			return ref, unknown()
		}
		if n == 0 {
			return ref, &TokenError{Token: raw, Msg: fmt.Sprintf("%s: positions start at 1, as in {{products.1.%s}}", raw, parts[2])}
		}
		ref.Position, ref.Field = n, parts[2]
	default:
		return ref, unknown()
	}
	for _, f := range TokenFields {
		if f == ref.Field {
			return ref, nil
		}
	}
	return ref, unknown()
}

// nearestToken suggests the known token nearest to a misspelt name, keeping its position:
// "product.prize" → "product.price". It returns "" when nothing is within a few edits.
func nearestToken(name string) string {
	prefix, field := "product.", name
	if strings.HasPrefix(name, "products.") {
		parts := strings.SplitN(name, ".", 3)
		if n, err := strconv.Atoi(parts[1]); len(parts) < 3 || err != nil || n < 1 || parts[1][0] == '0' || !allDigits(parts[1]) {
			return "" // the position itself is wrong: no field name would fix it
		}
		prefix, field = "products."+parts[1]+".", parts[2]
	} else if i := strings.LastIndex(name, "."); i >= 0 {
		field = name[i+1:]
		if head := name[:i]; editDistance(head, "product") > 2 {
			return ""
		}
	}
	best, bestDist := "", 3
	for _, f := range TokenFields {
		if d := editDistance(field, f); d < bestDist {
			best, bestDist = prefix+f, d
		}
	}
	if best == name {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between two short ASCII-ish strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// HasTokens reports whether the copy uses any token.
func (c Copy) HasTokens() bool { return len(c.refs) > 0 }

// UsesSelected reports whether the copy names the selected product, so that it changes when
// the customer picks another plan.
func (c Copy) UsesSelected() bool {
	for _, r := range c.refs {
		if r.Position == 0 {
			return true
		}
	}
	return false
}

// CheckPositions reports the first token that names a position past the last of n products, as
// "{{products.3.price}}: the paywall offers 2 products on ios". An empty platform means the
// paywall offers no products at all.
func (c Copy) CheckPositions(n int, platform string) error {
	for _, r := range c.refs {
		if r.Position > n {
			raw := "{{" + r.String() + "}}"
			offers := fmt.Sprintf("the paywall offers %d products on %s", n, platform)
			switch {
			case platform == "":
				offers = "the paywall offers no products yet"
			case n == 0:
				offers = "the paywall offers no products on " + platform + " yet"
			case n == 1:
				offers = "the paywall offers 1 product on " + platform
			}
			return &TokenError{Token: raw, Msg: raw + ": " + offers}
		}
	}
	return nil
}

// CheckTokens parses src and checks its positions against the products a paywall offers:
// offered maps each platform where it offers any to how many, and a position must name one on
// every such platform (checked in sorted order, so the error is always the same); with none,
// any position is past the last.
func CheckTokens(src string, offered map[string]int) error {
	c, err := ParseCopy(src)
	if err != nil {
		return err
	}
	if len(offered) == 0 {
		return c.CheckPositions(0, "")
	}
	platforms := make([]string, 0, len(offered))
	for pl := range offered {
		platforms = append(platforms, pl)
	}
	slices.Sort(platforms)
	for _, pl := range platforms {
		if err := c.CheckPositions(offered[pl], pl); err != nil {
			return err
		}
	}
	return nil
}

// TokenValues gives each token its value.
type TokenValues interface {
	TokenValue(TokenRef) string
}

// Resolve writes the copy with each token replaced by its value, escaped with escape (nil for
// none; Markdown copy passes EscapeMarkdown so a product name cannot add formatting). Tokens
// without a value are removed with what they leave dangling (see tidyEmpty); values themselves
// are never trimmed: a placeholder stands for each while the copy is tidied.
func (c Copy) Resolve(v TokenValues, escape func(string) string) string {
	var b strings.Builder
	var values []string
	resolveNodes(&b, c.nodes, v, &values)
	tidy := tidyEmpty(b.String())
	if len(values) == 0 {
		return tidy
	}
	var out strings.Builder
	for _, val := range values {
		i := strings.Index(tidy, valueMark)
		if i < 0 {
			break
		}
		if escape != nil {
			val = escape(val)
		}
		out.WriteString(tidy[:i])
		out.WriteString(val)
		tidy = tidy[i+len(valueMark):]
	}
	out.WriteString(tidy)
	return out.String()
}

// valueMark stands for a token's value while the copy is tidied, so that tidying reads it as a
// word and never trims the value's own punctuation.
const valueMark = "\ue001"

// marksGone removes the private-use marks from copy text and values, so they cannot pose as marks.
var marksGone = strings.NewReplacer(emptyMark, "", valueMark, "")

func resolveNodes(b *strings.Builder, nodes []node, v TokenValues, values *[]string) {
	for _, n := range nodes {
		switch n.kind {
		case textNode:
			b.WriteString(marksGone.Replace(n.text))
		case valueNode:
			val := marksGone.Replace(v.TokenValue(n.ref))
			if val == "" {
				b.WriteString(emptyMark)
				continue
			}
			*values = append(*values, val)
			b.WriteString(valueMark)
		case sectionNode, invertedNode:
			if (v.TokenValue(n.ref) != "") == (n.kind == sectionNode) {
				resolveNodes(b, n.children, v, values)
			} else {
				b.WriteString(emptyMark)
			}
		}
	}
}

// ResolveCopy parses and resolves src in one step for previews of drafts: copy whose tokens
// cannot be read is shown as written, so the marketer sees what they typed.
func ResolveCopy(src string, v TokenValues, escape func(string) string) string {
	c, err := ParseCopy(src)
	if err != nil {
		return src
	}
	return c.Resolve(v, escape)
}

// EscapeMarkdown backslash-escapes ASCII punctuation so a value reads literally in Markdown.
func EscapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && strings.ContainsRune("\\`*_{}[]()<>#+-.!|~&\"'=:$%", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Characters tidyEmpty treats specially around a token without a value.
const (
	tidySpace   = " \t\u00a0\u202f"
	tidyClauses = ",;:·•|/" // separators that may touch the words beside them
	tidyDashes  = "–—-+&"   // separators only when they stand between spaces, unlike "month-to-month"
	tidyEnds    = ".!?"
	tidyOpeners = "([{"
	tidyClosers = ")]}"
)

// tidyEmpty removes each emptyMark and what it leaves dangling, within its line:
//  1. brackets or Markdown emphasis that held only it: "Annual ({{product.trial}})" → "Annual",
//     "Save **{{product.savings}}** today" → "Save today";
//  2. the spaces on both sides, put back as one space when words remain on both sides;
//  3. a separator that now separates nothing: ", " or " · " at the start of the copy, a line
//     or a clause ("{{product.trial}}, then $9.99" → "then $9.99"), or before the end of one
//     ("Annual · {{product.trial}}" → "Annual", "Save {{product.savings}}!" → "Save!").
//
// It works from left to right in one pass, so its cost follows the copy's length.
func tidyEmpty(s string) string {
	if !strings.Contains(s, emptyMark) {
		return s
	}
	parts := strings.Split(s, emptyMark)
	out := []byte(parts[0])
	for _, right := range parts[1:] {
		out = tidyJoin(out, right)
	}
	return string(out)
}

// tidyWrappers are the Markdown emphasis marks removed in pairs around an empty token.
var tidyWrappers = []string{"**", "__", "~~", "*", "_"}

// tidyJoin joins what stood left of an empty token (out, already tidied) and right of it. Only
// the end of out is read or cut, so each join costs what it removes and what it appends.
func tidyJoin(out []byte, right string) []byte {
	left := out
	l, r := bytes.TrimRight(left, tidySpace), strings.TrimLeft(right, tidySpace)
	for removed := true; removed; {
		removed = false
		if lo, n := utf8.DecodeLastRune(l); n > 0 && strings.ContainsRune(tidyOpeners, lo) {
			if rc, m := utf8.DecodeRuneInString(r); m > 0 && rc == closerOf(lo) {
				l, r, removed = l[:len(l)-n], r[m:], true
			}
		}
		for _, w := range tidyWrappers {
			if !removed && bytes.HasSuffix(l, []byte(w)) && strings.HasPrefix(r, w) {
				l, r, removed = l[:len(l)-len(w)], r[len(w):], true
			}
		}
		if removed {
			left, right = l, r
			l, r = bytes.TrimRight(l, tidySpace), strings.TrimLeft(r, tidySpace)
		}
	}
	var space rune
	if len(l) < len(left) {
		space, _ = utf8.DecodeRune(left[len(l):])
	} else if len(r) < len(right) {
		space, _ = utf8.DecodeRuneInString(right)
	}
	if sep := leadingSeparator(r); sep > 0 && leftBoundary(tail(l)) {
		r = strings.TrimLeft(r[sep:], tidySpace)
	} else if sep := trailingSeparator(tail(l)); sep > 0 && rightBoundary(r) {
		l = bytes.TrimRight(l[:len(l)-sep], tidySpace)
	}
	if len(l) > 0 && r != "" && space != 0 && !endsLine(tail(l)) && !startsWithPunct(r) {
		l = utf8.AppendRune(l, space)
	}
	return append(l, r...)
}

// tail is the end of b, long enough for the last two runes the tidy rules look at.
func tail(b []byte) string {
	return string(b[max(0, len(b)-16):])
}

func closerOf(r rune) rune {
	return rune(tidyClosers[strings.IndexRune(tidyOpeners, r)])
}

func lastRune(s string) (rune, bool) {
	if s == "" {
		return 0, false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return r, true
}

func firstRune(s string) (rune, bool) {
	if s == "" {
		return 0, false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r, true
}

// leadingSeparator returns the byte length of a separator r starts with, or 0: a clause
// separator, or a dash-like one followed by a space or the end.
func leadingSeparator(r string) int {
	c, ok := firstRune(r)
	if !ok {
		return 0
	}
	n := utf8.RuneLen(c)
	switch {
	case strings.ContainsRune(tidyClauses, c):
		return n
	case strings.ContainsRune(tidyDashes, c):
		if next, ok := firstRune(r[n:]); !ok || strings.ContainsRune(tidySpace+"\n", next) {
			return n
		}
	}
	return 0
}

// trailingSeparator returns the byte length of a separator l ends with, or 0: a clause
// separator, or a dash-like one after a space or at the start.
func trailingSeparator(l string) int {
	c, ok := lastRune(l)
	if !ok {
		return 0
	}
	n := utf8.RuneLen(c)
	switch {
	case strings.ContainsRune(tidyClauses, c):
		return n
	case strings.ContainsRune(tidyDashes, c):
		if prev, ok := lastRune(l[:len(l)-n]); !ok || strings.ContainsRune(tidySpace+"\n", prev) {
			return n
		}
	}
	return 0
}

// leftBoundary reports whether nothing that a separator could follow stands before the mark.
func leftBoundary(l string) bool {
	c, ok := lastRune(l)
	return !ok || c == '\n' || strings.ContainsRune(tidyEnds+tidyOpeners+tidyClauses, c) || trailingSeparator(l) > 0
}

// rightBoundary reports whether nothing that a separator could lead to stands after the mark.
func rightBoundary(r string) bool {
	c, ok := firstRune(r)
	return !ok || c == '\n' || strings.ContainsRune(tidyEnds+tidyClosers+tidyClauses, c) || leadingSeparator(r) > 0
}

func endsLine(l string) bool {
	c, _ := lastRune(l)
	return c == '\n' || strings.ContainsRune(tidyOpeners, c)
}

func startsWithPunct(r string) bool {
	c, _ := firstRune(r)
	return c == '\n' || strings.ContainsRune(tidyEnds+tidyClosers+tidyClauses, c)
}
