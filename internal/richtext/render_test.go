package richtext_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/holdspace/holdspace/internal/richtext"
)

const rel = `rel="nofollow noopener noreferrer"`

func TestRenderFormatting(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "heading has no id",
			in:   "# Our agreement",
			want: "<h1>Our agreement</h1>\n",
		},
		{
			name: "emphasis and hard wraps",
			in:   "We *listen* and **speak up**.\nWe ~~interrupt~~ wait.",
			want: "<p>We <em>listen</em> and <strong>speak up</strong>.<br>\nWe <del>interrupt</del> wait.</p>\n",
		},
		{
			name: "crlf reads as lf",
			in:   "one\r\ntwo\r\n",
			want: "<p>one<br>\ntwo</p>\n",
		},
		{
			name: "unordered list",
			in:   "- confidentiality\n- presence",
			want: "<ul>\n<li>confidentiality</li>\n<li>presence</li>\n</ul>\n",
		},
		{
			name: "ordered list keeps its start",
			in:   "3. third\n4. fourth",
			want: "<ol start=\"3\">\n<li>third</li>\n<li>fourth</li>\n</ol>\n",
		},
		{
			name: "task list renders disabled checkboxes",
			in:   "- [x] agreed\n- [ ] open",
			want: "<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> agreed</li>\n<li><input disabled=\"\" type=\"checkbox\"> open</li>\n</ul>\n",
		},
		{
			name: "table with alignment",
			in:   "| who | when |\n|:--|--:|\n| Ana | 9 |",
			want: "<table>\n<thead>\n<tr>\n<th align=\"left\">who</th>\n<th align=\"right\">when</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">Ana</td>\n<td align=\"right\">9</td>\n</tr>\n</tbody>\n</table>\n",
		},
		{
			name: "code",
			in:   "`x` and\n\n```go\na < b\n```",
			want: "<p><code>x</code> and</p>\n<pre><code>a &lt; b\n</code></pre>\n",
		},
		{
			name: "blockquote and rule",
			in:   "> quoted\n\n---",
			want: "<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr>\n",
		},
		{
			name: "links carry rel",
			in:   "[guide](https://example.org/guide \"The guide\")",
			want: "<p><a href=\"https://example.org/guide\" title=\"The guide\" " + rel + ">guide</a></p>\n",
		},
		{
			name: "autolinks carry rel",
			in:   "see www.example.org, <https://example.org/a?b=1&c=2> or ana@example.org",
			want: "<p>see <a href=\"http://www.example.org\" " + rel + ">www.example.org</a>, " +
				"<a href=\"https://example.org/a?b=1&amp;c=2\" " + rel + ">https://example.org/a?b=1&amp;c=2</a> or " +
				"<a href=\"mailto:ana@example.org\" " + rel + ">ana@example.org</a></p>\n",
		},
		{
			name: "relative links become text",
			in:   "[home](/admin) [top](#top) [up](../x)",
			want: "<p>home top up</p>\n",
		},
		{
			name: "other schemes become text",
			in:   "ftp://files.example.org/x [chat](irc://example.org)",
			want: "<p>ftp://files.example.org/x chat</p>\n",
		},
		{
			name: "images become their alt text",
			in:   "![our *logo*](https://example.org/logo.png)",
			want: "<p>our <em>logo</em></p>\n",
		},
		{
			name: "heading attribute syntax is not parsed",
			in:   "## Norms {#main .x}",
			want: "<h2>Norms {#main .x}</h2>\n",
		},
		{
			name: "empty",
			in:   "",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(richtext.Render(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Render(%q) (-want +got):\n%s", tt.in, diff)
			}
			checkSafe(t, got)
		})
	}
}

func TestRenderNeutralisesXSS(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"script block", "<script>alert(1)</script>", "\n"},
		{"script inline", "hi <script>alert(1)</script>", "<p>hi alert(1)</p>\n"},
		{"script mixed case", "<ScRiPt>alert(1)</sCrIpT>", "\n"},
		{"img onerror", "<img src=x onerror=alert(1)>", "\n"},
		{"img onerror inline", "a <img src=x onerror=alert(1)> b", "<p>a  b</p>\n"},
		{"javascript link", "[x](javascript:alert(1))", "<p>x</p>\n"},
		{"javascript link mixed case", "[x](JaVaScRiPt:alert(1))", "<p>x</p>\n"},
		{"javascript link entity", "[x](javascript&#58;alert(1))", "<p>x</p>\n"},
		{"javascript autolink", "<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n"},
		{"javascript link with title", `[x](javascript:alert(1) "t")`, "<p>x</p>\n"},
		{"raw anchor with onclick", `<a href="https://example.org" onclick="alert(1)">x</a>`, "<p>x</p>\n"},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, "\n"},
		{"style", "<style>body{display:none}</style>", "\n"},
		{"style attribute", `<p style="position:fixed">x</p>`, "\n"},
		{"title attribute injection", `[x](https://example.org "a\" onmouseover=\"alert(1)")`,
			"<p><a href=\"https://example.org\" " + rel + ">x</a></p>\n"},
		{"title with angle brackets", `[x](https://example.org "<script>alert(1)</script>")`,
			"<p><a href=\"https://example.org\" " + rel + ">x</a></p>\n"},
		{"data url link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "<p>x</p>\n"},
		{"data url image", "![x](data:image/svg+xml;base64,PHN2Zz4=)", "<p>x</p>\n"},
		{"vbscript link", "[x](vbscript:msgbox(1))", "<p>x</p>\n"},
		{"svg", `<svg onload=alert(1)>`, "\n"},
		{"input", `<input type="checkbox" onclick="alert(1)">`, "\n"},
		{"html comment", "a <!-- <script>alert(1)</script> --> b", "<p>a  b</p>\n"},
		{"escaped text stays text", `\<script>alert(1)\</script>`, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(richtext.Render(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Render(%q) (-want +got):\n%s", tt.in, diff)
			}
			checkSafe(t, got)
		})
	}
}

// Render shares one goldmark instance and one policy across requests; the
// race detector in CI checks that this is sound.
func TestRenderConcurrent(t *testing.T) {
	const in = "# A\n\n- [x] [b](https://example.org)\n\n| c |\n|---|\n| d |"
	want := richtext.Render(in)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := richtext.Render(in); got != want {
					t.Errorf("concurrent Render = %q, want %q", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"[x](javascript:alert(1))",
		`<a href="https://example.org" onclick="alert(1)">x</a>`,
		"<iframe src=x></iframe><style>*{}</style>",
		`[x](https://example.org "a\" onclick=\"alert(1)")`,
		"[x](data:text/html,<script>alert(1)</script>)",
		"<javascript:alert(1)>",
		"- [x] done\n- [ ] todo",
		"| a | b |\n|:-:|---|\n| 1 | 2 |",
		"# h\n\n*em* **strong** ~~del~~ `code` www.example.org ana@example.org",
		"![alt](https://example.org/x.png)",
		"[a](<java\nscript:alert(1)>)",
		"[](http:)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSafe(t, string(richtext.Render(in)))
	})
}

// allowedAttrs is everything Render may emit, by element. Text is not
// checked: words like "onclick" are harmless once escaped, and an agreement
// about code reviews may well contain them.
var allowedAttrs = map[string]map[string]bool{
	"a":     {"href": true, "title": true, "rel": true},
	"input": {"type": true, "checked": true, "disabled": true},
	"ol":    {"start": true},
	"th":    {"align": true},
	"td":    {"align": true},
}

var allowedElements = map[string]bool{
	"a": true, "input": true, "ol": true, "th": true, "td": true,
	"p": true, "br": true, "hr": true, "blockquote": true, "pre": true, "code": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"em": true, "strong": true, "del": true, "ul": true, "li": true,
	"table": true, "thead": true, "tbody": true, "tr": true,
}

func checkSafe(t *testing.T, out string) {
	t.Helper()
	if err := unsafeMarkup(out); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
}

// unsafeMarkup parses out as a browser would and reports any element,
// attribute or URL outside what Render is meant to produce.
func unsafeMarkup(out string) error {
	if strings.Contains(strings.ToLower(out), "<script") {
		return fmt.Errorf("<script")
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			if !allowedElements[tok.Data] {
				return fmt.Errorf("element %q", tok.Data)
			}
			if tok.Type != html.EndTagToken && tok.Data == "input" && !hasAttr(tok, "disabled") {
				return fmt.Errorf("enabled input")
			}
			for _, a := range tok.Attr {
				if err := checkAttr(tok.Data, a); err != nil {
					return err
				}
			}
		}
	}
}

// The fuzz oracle is only as good as its checks, so make sure they bite.
func TestUnsafeMarkupCatches(t *testing.T) {
	for _, out := range []string{
		"<script>alert(1)</script>",
		"<SCRIPT>alert(1)</SCRIPT>",
		`<a href="javascript:alert(1)">x</a>`,
		`<a href=" java&#9;script:alert(1)">x</a>`,
		`<a href="/admin">x</a>`,
		`<a href="https://example.org" rel="opener">x</a>`,
		`<p onclick="alert(1)">x</p>`,
		`<p ONERROR="alert(1)">x</p>`,
		`<img src="https://example.org/x.png">`,
		`<h1 id="main">x</h1>`,
		`<p style="color:red">x</p>`,
		`<iframe></iframe>`,
		`<input type="checkbox">`,
		`<input type="text" disabled="">`,
	} {
		if unsafeMarkup(out) == nil {
			t.Errorf("unsafeMarkup(%q) = nil, want an error", out)
		}
	}
}

func checkAttr(element string, a html.Attribute) error {
	key := strings.ToLower(a.Key)
	if strings.HasPrefix(key, "on") || !allowedAttrs[element][key] {
		return fmt.Errorf("attribute %q on %q", a.Key, element)
	}
	switch key {
	case "href":
		// Browsers skip whitespace and control characters around and inside
		// a scheme, so judge the scheme as they would read it.
		squeezed := strings.Map(func(r rune) rune {
			if r <= ' ' {
				return -1
			}
			return r
		}, strings.ToLower(a.Val))
		if !strings.HasPrefix(squeezed, "http:") && !strings.HasPrefix(squeezed, "https:") && !strings.HasPrefix(squeezed, "mailto:") {
			return fmt.Errorf("href %q is not http, https or mailto", a.Val)
		}
		if u, err := url.Parse(a.Val); err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
			return fmt.Errorf("href %q does not parse as http, https or mailto", a.Val)
		}
	case "rel":
		if a.Val != "nofollow noopener noreferrer" {
			return fmt.Errorf("rel %q", a.Val)
		}
	case "type":
		if a.Val != "checkbox" {
			return fmt.Errorf("input type %q", a.Val)
		}
	}
	return nil
}

func hasAttr(tok html.Token, key string) bool {
	for _, a := range tok.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
