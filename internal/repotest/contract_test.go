package repotest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// The mock API is served only through internal/contract, which checks every
// exchange against the API document: no test can start the mock without
// the contract. A server whose handler is written in place (an
// http.HandlerFunc literal) is not the mock, and may be started directly,
// unless it hands requests on to another handler (a wrapper of the mock).
func TestOnlyTheContractServesTheMock(t *testing.T) {
	bad, err := uncheckedServers(".") // the package runs from the repository root (registry_address_test.go)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range bad {
		t.Errorf("%s starts a test server with a handler that may be the mock: use contract.Serve (or contract.Start), "+
			"so the API document checks its exchanges", at)
	}
}

// The check itself finds a mock served directly.
func TestUncheckedServersFindsTheMockServedDirectly(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a_test.go"), `package a

import (
	"net/http"
	"net/http/httptest"
)

func direct(mock http.Handler) {
	_ = httptest.NewServer(mock)
	_ = httptest.NewUnstartedServer(mock)
	_ = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	_ = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { mock.ServeHTTP(w, r) }))
}
`)
	bad, err := uncheckedServers(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 3 {
		t.Errorf("found %v, want the two servers of the mock and the one of its wrapper", bad)
	}
}

func uncheckedServers(root string) ([]string, error) {
	var bad []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "contract" && filepath.Base(filepath.Dir(path)) == "internal" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "NewServer" && sel.Sel.Name != "NewUnstartedServer") {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "httptest" {
				return true
			}
			if !isHandlerWrittenInPlace(call.Args[0]) {
				bad = append(bad, fset.Position(call.Pos()).String())
			}
			return true
		})
		return nil
	})
	return bad, err
}

func isHandlerWrittenInPlace(e ast.Expr) bool {
	conv, ok := e.(*ast.CallExpr)
	if !ok || len(conv.Args) != 1 {
		return false
	}
	sel, ok := conv.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "HandlerFunc" {
		return false
	}
	literal, isLiteral := conv.Args[0].(*ast.FuncLit)
	if !isLiteral {
		return false
	}
	delegates := false
	ast.Inspect(literal.Body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "ServeHTTP" {
			delegates = true
		}
		return !delegates
	})
	return !delegates
}
