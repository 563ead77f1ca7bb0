package main

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, the accessibility engine, pinned and unmodified
// (testdata/axe/README.md says where it comes from and how to update it).
// It is part of the repository so that the browser tests check every page
// on any machine, offline, and never skip the check.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeRunner runs axe in each page the browser loads, once the page has
// loaded, and hands the serious and critical violations to the test
// through window.holdspaceAxeReport. window.holdspaceAxe() checks the page
// again as it is now (after a click opened something, say); runs queue up,
// since axe checks one page at a time. window.holdspaceAxeDone settles when
// the check after loading has been reported.
const axeRunner = `(() => {
  if (window.holdspaceAxe || !location.protocol.startsWith("http")) return;
  const run = async () => {
    if (document.contentType !== "text/html") return 0;
    let violations;
    try {
      const result = await axe.run(document, { resultTypes: ["violations"] });
      violations = result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 4).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary || "", html: n.html.slice(0, 240) })) }));
    } catch (err) {
      violations = [{ id: "axe-failed", impact: "critical", help: String(err), nodes: [] }];
    }
    await window.holdspaceAxeReport({
      url: location.pathname + location.search + location.hash,
      scheme: matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
      width: innerWidth,
      violations,
    });
    return violations.length;
  };
  let last = Promise.resolve(0);
  window.holdspaceAxe = () => (last = last.then(run, run));
  window.holdspaceAxeDone = new Promise((resolve) => {
    const go = () => setTimeout(() => resolve(window.holdspaceAxe()), 0);
    if (document.readyState === "complete") go();
    else addEventListener("load", go, { once: true });
  });
})();`

type axeReport struct {
	URL        string         `json:"url"`
	Scheme     string         `json:"scheme"`
	Width      int            `json:"width"`
	Violations []axeViolation `json:"violations"`
}

type axeViolation struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	Nodes  []axeNode `json:"nodes"`
}

type axeNode struct {
	Target  string `json:"target"`
	Summary string `json:"summary"`
	HTML    string `json:"html"`
}

// axeAudit gathers what axe finds in one browser: each rule broken on a
// page once, with the colour schemes and widths where it was found.
type axeAudit struct {
	mu    sync.Mutex
	found map[string]*axeFinding
	order []string
}

type axeFinding struct {
	where  []string
	detail string
}

func (a *axeAudit) add(r axeReport) {
	a.mu.Lock()
	defer a.mu.Unlock()
	where := fmt.Sprintf("%s %d px", r.Scheme, r.Width)
	for _, v := range r.Violations {
		key := r.URL + " " + v.ID
		f := a.found[key]
		if f == nil {
			var b strings.Builder
			fmt.Fprintf(&b, "%s: %s [%s, %s]", r.URL, v.Help, v.ID, v.Impact)
			for _, n := range v.Nodes {
				fmt.Fprintf(&b, "\n    %s  %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
			f = &axeFinding{detail: b.String()}
			a.found[key] = f
			a.order = append(a.order, key)
		}
		if !slices.Contains(f.where, where) {
			f.where = append(f.where, where)
		}
	}
}

func (a *axeAudit) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var b strings.Builder
	for _, key := range a.order {
		f := a.found[key]
		fmt.Fprintf(&b, "\n  (%s) %s", strings.Join(f.where, "; "), f.detail)
	}
	return b.String()
}

// auditEveryPage makes the browser of ctx check every page it loads with
// axe, and fails the test at its end with each serious or critical
// violation found. Pages left before their check ends go unchecked; a
// test that must have a page checked calls checkPage.
func auditEveryPage(t *testing.T, ctx context.Context) {
	t.Helper()
	audit := &axeAudit{found: map[string]*axeFinding{}}
	must(t, chromedp.Do(ctx, chromedp.ExposeFunc("holdspaceAxeReport", func(_ context.Context, r axeReport) (chromedp.Void, error) {
		audit.add(r)
		return chromedp.Void{}, nil
	})))
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axeSource + "\n;" + axeRunner})
	must(t, err)
	t.Cleanup(func() {
		if found := audit.String(); found != "" {
			t.Errorf("axe found serious or critical accessibility problems:%s", found)
		}
	})
}

// checkPage waits until axe has checked the page just loaded, so that
// what it finds is reported even if the test moves on at once.
func checkPage(t *testing.T, ctx context.Context) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.holdspaceAxeDone`, chromedp.EvalAwaitPromise))
	must(t, err)
}

// checkPageNow checks the page again as it is now, after the test opened
// or changed something in it.
func checkPageNow(t *testing.T, ctx context.Context) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.holdspaceAxe()`, chromedp.EvalAwaitPromise))
	must(t, err)
}
