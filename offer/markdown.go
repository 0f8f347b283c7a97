package offer

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown renders paywall copy written in CommonMark to HTML that is safe to embed as is.
// Raw HTML in the source is never passed through (goldmark leaves an HTML comment in its place);
// links keep their href only for http, https and mailto URLs and open in a new tab with
// rel="nofollow noopener"; images are kept only for http and https URLs. A link or image with
// any other URL (javascript:, data:, a relative path, ...) is reduced to its text.
func Markdown(src string) string {
	md := goldmark.New(goldmark.WithParserOptions(
		parser.WithASTTransformers(util.Prioritized(linkPolicy{}, 100)),
	))
	var out bytes.Buffer
	if err := md.Convert([]byte(src), &out); err != nil {
		// Rendering into a bytes.Buffer cannot fail; keep the copy readable if it ever does.
		return "<p>" + escapeHTML(src) + "</p>"
	}
	return out.String()
}

// linkPolicy is the AST transformer that enforces Markdown's URL rules before rendering.
type linkPolicy struct{}

// Transform unwraps links and images whose URL is not allowed and marks the others.
func (linkPolicy) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var nodes []ast.Node
	// Collect first: the tree must not change while it is walked.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.Kind() {
			case ast.KindLink, ast.KindAutoLink, ast.KindImage:
				nodes = append(nodes, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Link:
			if allowedURL(string(n.Destination), linkSchemes) {
				markExternal(n)
			} else {
				unwrap(n)
			}
		case *ast.AutoLink:
			url := string(n.URL(source))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
				url = "mailto:" + url
			}
			if allowedURL(url, linkSchemes) {
				markExternal(n)
			} else {
				n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(n.Label(source)))
			}
		case *ast.Image:
			if !allowedURL(string(n.Destination), imageSchemes) {
				unwrap(n)
			}
		}
	}
}

var (
	linkSchemes  = []string{"http", "https", "mailto"}
	imageSchemes = []string{"http", "https"}
)

// allowedURL reports whether raw is an absolute URL with one of schemes; web URLs need a host.
func allowedURL(raw string, schemes []string) bool {
	u, err := url.Parse(raw)
	if err != nil || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	for _, s := range schemes {
		if scheme == s {
			return scheme == "mailto" || u.Host != ""
		}
	}
	return false
}

func markExternal(n ast.Node) {
	n.SetAttributeString("rel", []byte("nofollow noopener"))
	n.SetAttributeString("target", []byte("_blank"))
}

// unwrap replaces n by its children, so a refused link or image leaves its text behind.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for child := n.FirstChild(); child != nil; {
		next := child.NextSibling()
		parent.InsertBefore(parent, n, child)
		child = next
	}
	parent.RemoveChild(parent, n)
}

func escapeHTML(s string) string {
	return string(util.EscapeHTML([]byte(s)))
}
