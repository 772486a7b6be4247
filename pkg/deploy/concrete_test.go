package deploy_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const backendPrefix = "github.com/gazr-io/gazr/pkg/deploy/"

// TestNoConcreteBackendOutsideItsPackage guards the contract's rule that
// settings reach a backend through its Factory and callers branch on
// Properties: no file outside pkg/deploy/<backend> names a backend's
// concrete type (<backend>.Backend), so none asserts it either.
func TestNoConcreteBackendOutsideItsPackage(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files++
		for _, use := range concreteUses(t, rel, src) {
			t.Errorf("%s names a backend's concrete type: build it with options through its deploy.Factory, branch on Properties", use)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("walked %d Go files under %s: not the repository", files, root)
	}
}

// TestConcreteUsesFindsAssertions: the guard above finds what it guards
// against, in a type assertion and a type switch.
func TestConcreteUsesFindsAssertions(t *testing.T) {
	src := `package app
import lb "github.com/gazr-io/gazr/pkg/deploy/local"
func f(b any) {
	if l, ok := b.(*lb.Backend); ok { _ = l }
	switch b.(type) {
	case lb.Backend:
	}
}`
	if got := concreteUses(t, "pkg/app/x.go", []byte(src)); len(got) != 2 {
		t.Errorf("found %d uses (%v), want 2", len(got), got)
	}
	if got := concreteUses(t, "pkg/deploy/local/x.go", []byte(strings.Replace(src, "package app", "package local_test", 1))); len(got) != 0 {
		t.Errorf("the backend's own package (its tests included) may name its type; found %v", got)
	}
}

// concreteUses returns where file rel (slash or OS separated, relative to
// the module root) names <backend>.Backend of a package it imports from
// pkg/deploy/<backend>, unless rel is in that package's directory.
func concreteUses(t *testing.T, rel string, src []byte) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", rel, err)
	}
	dir := filepath.ToSlash(filepath.Dir(rel))
	names := map[string]bool{} // local names of imported backend packages
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		pkg, ok := strings.CutPrefix(p, backendPrefix)
		if !ok || strings.Contains(pkg, "/") || "pkg/deploy/"+pkg == dir {
			continue
		}
		name := pkg
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = true
	}
	var uses []string
	if len(names) == 0 {
		return nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Backend" {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] {
			uses = append(uses, fset.Position(sel.Pos()).String())
		}
		return true
	})
	return uses
}
