package internal_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestImportRules holds every package's imports against the table of
// docs/ARCHITECTURE.md: a package may import only the project packages its
// row lists, every package of the module has a row, and every row names a
// package that exists. The table is the rule, so the map and the code
// cannot drift apart.
func TestImportRules(t *testing.T) {
	rules := readRules(t, filepath.Join("..", "docs", "ARCHITECTURE.md"))
	imports := listImports(t)

	for pkg := range rules {
		if _, ok := imports[pkg]; !ok {
			t.Errorf("docs/ARCHITECTURE.md has a row for %s, which is not a package of the module", pkg)
		}
	}
	var pkgs []string
	for pkg := range imports {
		pkgs = append(pkgs, pkg)
	}
	slices.Sort(pkgs)
	for _, pkg := range pkgs {
		allowed, ok := rules[pkg]
		if !ok {
			t.Errorf("%s has no row in docs/ARCHITECTURE.md: say what it owns and what it may import", pkg)
			continue
		}
		for _, imp := range imports[pkg] {
			if !allowedImport(allowed, imp) {
				t.Errorf("%s imports %s, which its row in docs/ARCHITECTURE.md does not allow", pkg, imp)
			}
		}
	}
}

// httpPackages may import net/http: the transports, the live stream they
// serve, its load generator, and main. Below them, nothing speaks HTTP.
var httpPackages = []string{"cmd/holdspace", "internal/api", "internal/web", "internal/live", "internal/live/livebench"}

// TestNoHTTPBelowTransports keeps HTTP out of the domain, the services
// and the store, whatever the table allows.
func TestNoHTTPBelowTransports(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) < 2 || !slices.Contains(fields[1:], "net/http") {
			continue
		}
		if !slices.ContainsFunc(httpPackages, func(p string) bool { return strings.HasSuffix(fields[0], "/"+p) }) {
			t.Errorf("%s imports net/http; only %v may", fields[0], httpPackages)
		}
	}
}

// TestImportRulesBite checks the matcher itself, so that a table that
// allows everything cannot pass unnoticed.
func TestImportRulesBite(t *testing.T) {
	allowed := []string{"internal/account", "internal/service/*"}
	for imp, want := range map[string]bool{
		"internal/account":          true,
		"internal/service/circles":  true,
		"internal/service":          false,
		"internal/store":            false,
		"internal/accounting":       false,
		"internal/service/circles2": true,
	} {
		if got := allowedImport(allowed, imp); got != want {
			t.Errorf("allowedImport(%v, %q) = %v, want %v", allowed, imp, got, want)
		}
	}
}

func allowedImport(allowed []string, imp string) bool {
	for _, a := range allowed {
		if prefix, ok := strings.CutSuffix(a, "/*"); ok {
			if strings.HasPrefix(imp, prefix+"/") {
				return true
			}
			continue
		}
		if a == imp {
			return true
		}
	}
	return false
}

var backticked = regexp.MustCompile("`([^`]+)`")

// readRules parses the package table: rows whose first cell is a
// backticked package path, whose third cell lists the backticked packages
// it may import.
func readRules(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("%s: a package row needs three cells: %s", path, line)
		}
		m := backticked.FindStringSubmatch(cells[0])
		if m == nil {
			t.Fatalf("%s: no package in %s", path, line)
		}
		if _, dup := rules[m[1]]; dup {
			t.Fatalf("%s: two rows for %s", path, m[1])
		}
		allowed := []string{}
		for _, a := range backticked.FindAllStringSubmatch(cells[2], -1) {
			allowed = append(allowed, a[1])
		}
		rules[m[1]] = allowed
	}
	if len(rules) == 0 {
		t.Fatalf("%s: no package table found", path)
	}
	return rules
}

// listImports asks go list for every package of the module and the
// project packages each imports (test files aside), by path within the
// module.
func listImports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	modCmd := exec.Command("go", "list", "-m")
	modCmd.Dir = ".."
	mod, err := modCmd.Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	prefix := strings.TrimSpace(string(mod)) + "/"
	imports := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg, ok := strings.CutPrefix(fields[0], prefix)
		if !ok {
			continue
		}
		var own []string
		for _, imp := range fields[1:] {
			if p, ok := strings.CutPrefix(imp, prefix); ok {
				own = append(own, p)
			}
		}
		imports[pkg] = own
	}
	return imports
}
