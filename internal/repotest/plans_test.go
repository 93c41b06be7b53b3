package repotest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryNonEmptyPlanSaysWhichChange is the suite's rule against plans
// that change on every run: terraform-plugin-testing proves the plan after
// each applying step empty, and a step may turn that off
// (ExpectNonEmptyPlan) only when it also says which change it expects, with
// a PostApplyPostRefresh plan check (an import block step, whose plan is
// never applied: an ImportPlanChecks PreApply one; a refresh step, whose
// plan follows the refresh: a RefreshPlanChecks PostRefresh one). A
// perpetual diff cannot
// hide behind a bare ExpectNonEmptyPlan.
func TestEveryNonEmptyPlanSaysWhichChange(t *testing.T) {
	fset := token.NewFileSet()
	found := 0
	err := filepath.WalkDir("internal", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			var nonEmpty *ast.KeyValueExpr
			checked := false
			for _, el := range lit.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				switch key, _ := kv.Key.(*ast.Ident); {
				case key == nil:
				case key.Name == "ExpectNonEmptyPlan":
					if v, ok := kv.Value.(*ast.Ident); ok && v.Name == "true" {
						nonEmpty = kv
					}
				case key.Name == "ConfigPlanChecks":
					checked = mentions(kv.Value, "PostApplyPostRefresh")
				case key.Name == "RefreshPlanChecks":
					checked = mentions(kv.Value, "PostRefresh")
				case key.Name == "ImportPlanChecks":
					// An import block step applies nothing: its plan is
					// the import's, and PreApply says which change it holds.
					checked = mentions(kv.Value, "PreApply")
				}
			}
			if nonEmpty != nil {
				found++
				if !checked {
					t.Errorf("%s: ExpectNonEmptyPlan without a PostApplyPostRefresh plan check saying which change the next plan holds", fset.Position(nonEmpty.Pos()))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Fatal("no ExpectNonEmptyPlan found at all: the walk looks in the wrong place")
	}
}

// mentions reports whether the expression names ident, in the literal
// itself or in the value assigned to a variable it uses (a shared
// resource.ConfigPlanChecks, say).
func mentions(expr ast.Expr, ident string) bool {
	found := false
	ast.Inspect(expr, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == ident {
			found = true
		}
		return !found
	})
	if found {
		return true
	}
	if id, ok := expr.(*ast.Ident); ok && id.Obj != nil {
		if spec, ok := id.Obj.Decl.(*ast.AssignStmt); ok {
			for _, rhs := range spec.Rhs {
				if mentions(rhs, ident) {
					return true
				}
			}
		}
	}
	return false
}
