// Package richtext renders the Markdown that circle members write together
// and compares versions of it word by word, so that amendments can be
// reviewed in the words that changed. Everything here is pure: no I/O, and
// safe for concurrent use.
package richtext

import (
	"bytes"
	"html/template"
	"net/url"
	"regexp"
	"slices"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkRel is stamped on every link: agreements are written by members, not
// vouched for by the platform, and destinations should learn nothing about
// which circle linked to them.
const linkRel = "nofollow noopener noreferrer"

// linkSchemes also shuts out relative URLs: they would resolve against
// whichever page happens to embed the agreement.
var linkSchemes = []string{"http", "https", "mailto"}

var (
	converter = goldmark.New(
		goldmark.WithExtensions(
			extension.Linkify,
			// Alignment as an attribute, because style attributes are
			// stripped by the sanitiser and would lose it.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.TaskList,
		),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(linkTransformer{}, 100)),
		),
		goldmark.WithRendererOptions(
			// Members write agreements one commitment per line and expect
			// to see them that way.
			html.WithHardWraps(),
			renderer.WithNodeRenderers(util.Prioritized(imageAsText{}, 100)),
		),
	)

	policy = newPolicy()

	newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n")

	// rendered keeps the HTML of the texts rendered lately, by their
	// Markdown: an agreement, a note or a post is shown far more often
	// than it changes, and rendering and sanitising it again was a
	// twentieth of a meeting room's cost. Callers bound each text (at most
	// circle.MaxTextLen), so the cache is bounded too.
	rendered = mustCache(renderedTexts)
)

// renderedTexts is how many rendered texts are kept.
const renderedTexts = 256

func mustCache(size int) *lru.Cache[string, template.HTML] {
	c, err := lru.New[string, template.HTML](size)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return c
}

// Render turns user Markdown into sanitised HTML safe to put in a page.
// Raw HTML in the input is never passed through. Callers must bound the
// length: goldmark's emphasis and blockquote handling is superlinear on
// hostile input (around a second for 50 KB of "*a_" repeated).
func Render(markdown string) template.HTML {
	if h, ok := rendered.Get(markdown); ok {
		return h
	}
	h := render(markdown)
	rendered.Add(markdown, h)
	return h
}

func render(markdown string) template.HTML {
	var buf bytes.Buffer
	if err := converter.Convert([]byte(normalizeNewlines(markdown)), &buf); err != nil {
		// Writing to a bytes.Buffer cannot fail, but if goldmark ever does,
		// showing nothing is safer than showing a partial document.
		return ""
	}
	// The sanitiser runs even though goldmark already escapes raw HTML, so
	// that a goldmark bug or a future option change cannot open a hole.
	return template.HTML(policy.SanitizeReader(&buf).String())
}

func normalizeNewlines(s string) string {
	return newlines.Replace(s)
}

// newPolicy is an allowlist of exactly what goldmark emits for the enabled
// extensions, modelled on bluemonday's UGC policy. UGCPolicy itself cannot be
// used as a base: bluemonday rules only ever add permissions, so its id
// attributes and images could not be taken away again afterwards.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()

	p.AllowElements(
		"p", "br", "hr", "blockquote", "pre", "code",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"em", "strong", "del",
		"ul", "ol", "li",
		"table", "thead", "tbody", "tr", "th", "td",
	)
	// UGC drops start, which would renumber an agreement's clauses when a
	// list is interrupted and resumed.
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("align").Matching(bluemonday.CellAlign).OnElements("th", "td")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile("^" + linkRel + "$")).OnElements("a")
	p.RequireParseableURLs(true)
	p.AllowURLSchemes(linkSchemes...)
	// Backstops in case a link ever reaches the sanitiser without the rel
	// the transformer adds; bluemonday has no switch for noopener alone.
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)

	// Task-list items. input is not allowed without attributes, so anything
	// that is not one of these checkboxes is dropped rather than left as a
	// bare text field.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked").Matching(regexp.MustCompile(`^(|checked)$`)).OnElements("input")
	p.AllowAttrs("disabled").Matching(regexp.MustCompile(`^(|disabled)$`)).OnElements("input")

	return p
}

// linkTransformer adds rel to links in the AST because goldmark has no
// option for it and bluemonday can only add noopener alongside
// target="_blank", which would pull readers out of the page. Links the
// sanitiser would strip the href from are unwrapped to their text here, so
// readers see plain words instead of a dead anchor.
type linkTransformer struct{}

func (linkTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var dead []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var ok bool
		switch l := n.(type) {
		case *ast.Link:
			ok = allowedLink(l.Destination)
		case *ast.AutoLink:
			// goldmark prefixes mailto: to e-mail autolinks only when it
			// renders them.
			ok = l.AutoLinkType == ast.AutoLinkEmail || allowedLink(l.URL(source))
		default:
			return ast.WalkContinue, nil
		}
		if ok {
			n.SetAttributeString("rel", []byte(linkRel))
		} else {
			dead = append(dead, n)
		}
		return ast.WalkContinue, nil
	})
	// Unwrapping after the walk, because ast.Walk does not tolerate the
	// tree changing under it.
	for _, n := range dead {
		parent := n.Parent()
		if l, isAuto := n.(*ast.AutoLink); isAuto {
			label := ast.NewString(l.Label(source))
			label.SetRaw(true)
			parent.ReplaceChild(parent, n, label)
			continue
		}
		for c := n.FirstChild(); c != nil; c = n.FirstChild() {
			parent.InsertBefore(parent, n, c)
		}
		parent.RemoveChild(parent, n)
	}
}

// allowedLink mirrors the sanitiser's URL rule on the destination as goldmark
// will write it.
func allowedLink(dest []byte) bool {
	u, err := url.Parse(string(util.URLEscape(dest, true)))
	return err == nil && slices.Contains(linkSchemes, u.Scheme)
}

// imageAsText renders an image as its alt text. Agreements are text and the
// sanitiser removes img anyway; without this the alt text would vanish with it.
type imageAsText struct{}

func (imageAsText) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkContinue, nil
	})
}

// Normalize trims text a person wrote and makes its line endings Unix's.
func Normalize(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
