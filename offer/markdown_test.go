package offer

import (
	"regexp"
	"strings"
	"testing"
)

var (
	tagPattern       = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	attributePattern = regexp.MustCompile(`\s([^\s=]+)(="([^"]*)")?`)
	allowedTags      = map[string]bool{
		"p": true, "strong": true, "em": true, "a": true, "img": true, "code": true, "pre": true,
		"ul": true, "ol": true, "li": true, "blockquote": true, "hr": true, "br": true,
		"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	}
	allowedAttributes = map[string]bool{
		"href": true, "src": true, "alt": true, "title": true, "rel": true, "target": true, "start": true,
	}
)

// assertSafeHTML scans every tag of out: only Markdown's own tags, no event handlers or other
// attributes, and URLs only with the allowed schemes.
func assertSafeHTML(t *testing.T, src, out string) {
	t.Helper()
	for _, tag := range tagPattern.FindAllStringSubmatch(out, -1) {
		name := strings.ToLower(tag[2])
		if !allowedTags[name] {
			t.Errorf("Markdown(%q) has tag <%s%s>: %q", src, tag[1], name, out)
		}
		for _, attr := range attributePattern.FindAllStringSubmatch(tag[3], -1) {
			key, value := strings.ToLower(attr[1]), attr[3]
			if !allowedAttributes[key] {
				t.Errorf("Markdown(%q) has attribute %s on <%s>: %q", src, key, name, out)
			}
			if key == "href" && !hasPrefixAny(value, "http://", "https://", "mailto:") ||
				key == "src" && !hasPrefixAny(value, "http://", "https://") {
				t.Errorf("Markdown(%q) has %s=%q: %q", src, key, value, out)
			}
		}
	}
}

func hasPrefixAny(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func TestMarkdownRendersCopy(t *testing.T) {
	cases := []struct{ src, want string }{
		{"**bold**", "<p><strong>bold</strong></p>\n"},
		{"*Unlimited* sessions", "<p><em>Unlimited</em> sessions</p>\n"},
		{"- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"},
		{"# Sleep better", "<h1>Sleep better</h1>\n"},
		{"Fish & chips < 5", "<p>Fish &amp; chips &lt; 5</p>\n"},
		{"", ""},
		{"[Terms](https://example.com/terms)",
			`<p><a href="https://example.com/terms" rel="nofollow noopener" target="_blank">Terms</a></p>` + "\n"},
		{"[Privacy](http://example.com/privacy \"Our policy\")",
			`<p><a href="http://example.com/privacy" title="Our policy" rel="nofollow noopener" target="_blank">Privacy</a></p>` + "\n"},
		{"[Write to us](mailto:help@example.com)",
			`<p><a href="mailto:help@example.com" rel="nofollow noopener" target="_blank">Write to us</a></p>` + "\n"},
		{"<https://example.com>",
			`<p><a href="https://example.com" rel="nofollow noopener" target="_blank">https://example.com</a></p>` + "\n"},
		{"<help@example.com>",
			`<p><a href="mailto:help@example.com" rel="nofollow noopener" target="_blank">help@example.com</a></p>` + "\n"},
		{"[Terms][t]\n\n[t]: https://example.com/t",
			`<p><a href="https://example.com/t" rel="nofollow noopener" target="_blank">Terms</a></p>` + "\n"},
		{"![Calm sky](https://example.com/sky.png)", `<p><img src="https://example.com/sky.png" alt="Calm sky"></p>` + "\n"},
	}
	for _, c := range cases {
		got := Markdown(c.src)
		if got != c.want {
			t.Errorf("Markdown(%q) = %q, want %q", c.src, got, c.want)
		}
		assertSafeHTML(t, c.src, got)
	}
}

func TestMarkdownDropsRawHTML(t *testing.T) {
	for _, src := range []string{
		"<script>alert(1)</script>",
		"Hello <script>alert(1)</script> world",
		"<img src=x onerror=alert(1)>",
		"Look: <img src=x onerror=alert(1)>",
		`<a href="javascript:alert(1)">x</a>`,
		`<div onclick="alert(1)">hi</div>`,
		"<iframe src=\"https://evil.example\"></iframe>",
		"<svg onload=alert(1)>",
		"<style>body{display:none}</style>",
	} {
		got := Markdown(src)
		for _, bad := range []string{"<script", "<img", "<iframe", "<svg", "<style", "<div", "onerror", "onclick", "onload", "javascript:"} {
			if strings.Contains(strings.ToLower(got), bad) {
				t.Errorf("Markdown(%q) = %q, contains %q", src, got, bad)
			}
		}
		assertSafeHTML(t, src, got)
	}
}

func TestMarkdownRefusesUnsafeURLs(t *testing.T) {
	cases := []struct{ src, text string }{
		{"[x](javascript:alert(1))", "x"},
		{"[x](JaVaScRiPt:alert(1))", "x"},
		{"[x](javascript&colon;alert(1))", "x"},
		{"[x](java&#x09;script:alert(1))", "x"},
		{"[x](  javascript:alert(1))", "x"},
		{"[x](<javascript:alert(1)>)", "x"},
		{"[x](vbscript:msgbox(1))", "x"},
		{"[x](data:text/html;base64,PHNjcmlwdD4=)", "x"},
		{"[x](file:///etc/passwd)", "x"},
		{"[x](//evil.example/path)", "x"},
		{"[x](/relative)", "x"},
		{"[x](#top)", "x"},
		{"[x](https:evil)", "x"},
		{"[x][r]\n\n[r]: javascript:alert(1)", "x"},
		{"[**bold** x](javascript:alert(1))", "<strong>bold</strong> x"},
		{"<javascript:alert(1)>", "javascript:alert(1)"},
		{"<vbscript:msgbox(1)>", "vbscript:msgbox(1)"},
		{"![alt text](javascript:alert(1))", "alt text"},
		{"![pixel](data:image/png;base64,iVBORw0KGgo=)", "pixel"},
		{"![logo](mailto:a@example.com)", "logo"},
		{"![logo](/logo.png)", "logo"},
	}
	for _, c := range cases {
		got := Markdown(c.src)
		if strings.Contains(got, "<a") || strings.Contains(got, "<img") {
			t.Errorf("Markdown(%q) = %q, kept a link or image", c.src, got)
		}
		if !strings.Contains(got, c.text) {
			t.Errorf("Markdown(%q) = %q, lost the text %q", c.src, got, c.text)
		}
		if strings.Contains(got, `href="`) || strings.Contains(got, `src="`) {
			t.Errorf("Markdown(%q) = %q, has a URL", c.src, got)
		}
		assertSafeHTML(t, c.src, got)
	}
}

func TestMarkdownEscapesAttributes(t *testing.T) {
	for _, src := range []string{
		`[x](https://example.com/"onmouseover="alert(1))`,
		`[x](https://example.com "a\" onclick=\"alert(1)")`,
		`![x" onerror="alert(1)](https://example.com/a.png)`,
		`[x](<https://example.com/a b" onclick="alert(1)>)`,
	} {
		got := Markdown(src)
		assertSafeHTML(t, src, got)
	}
}
