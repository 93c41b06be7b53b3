package mockapi

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/localdb"
)

// newPostgresTestServer is a test server whose roles are roles of a local
// PostgreSQL server, started for the test.
func newPostgresTestServer(t *testing.T) (*testServer, *localdb.Server) {
	t.Helper()
	pg, err := localdb.StartPostgres(context.Background())
	if errors.Is(err, localdb.ErrUnavailable) && os.Getenv("PLANETSCALE_E2E") != "require" {
		t.Skipf("%v; make e2e-deps installs it (CI sets PLANETSCALE_E2E=require to fail instead)", err)
	}
	if err != nil {
		t.Fatalf("starting PostgreSQL: %v", err)
	}
	t.Cleanup(pg.Stop)
	ts := newTestServer(t)
	if err := ts.UseDatabases(Databases{Postgres: pg.Admin, PostgresAddr: pg.Addr}); err != nil {
		t.Fatal(err)
	}
	return ts, pg
}

// A role PostgreSQL cannot drop, even after its objects in the mock's
// database went to the successor (it owns a table in another database), is
// not deleted: the API answers that it is still referenced, and the mock
// keeps it, as PostgreSQL does.
func TestDeleteRoleTheDatabaseCannotDrop(t *testing.T) {
	t.Parallel()
	ts, pg := newPostgresTestServer(t)
	_, owner := ts.call(t, http.MethodPost, roleBase, nil)
	_, heir := ts.call(t, http.MethodPost, roleBase, nil)
	id, login := stringField(t, owner, "id"), stringField(t, owner, "username")

	if _, err := pg.Admin.Exec("CREATE DATABASE elsewhere"); err != nil {
		t.Fatal(err)
	}
	elsewhere, err := sql.Open("pgx", strings.Replace(pg.AdminDSN, "/postgres?", "/elsewhere?", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer elsewhere.Close()
	if _, err := elsewhere.Exec(`CREATE TABLE kept (id int); ALTER TABLE kept OWNER TO ` + pgIdent(login)); err != nil {
		t.Fatal(err)
	}

	status, body := ts.call(t, http.MethodDelete, roleBase+"/"+id+"?successor="+stringField(t, heir, "id"), nil)
	if status != http.StatusUnprocessableEntity || body["message"] != stillReferenced {
		t.Errorf("delete with successor of a role PostgreSQL cannot drop = %d %v, want 422 %q", status, body, stillReferenced)
	}
	if _, ok := ts.Role(id); !ok {
		t.Error("the mock forgot a role that still exists in PostgreSQL")
	}
	var exists bool
	if err := pg.Admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", login).Scan(&exists); err != nil || !exists {
		t.Fatalf("role %s in PostgreSQL: %v, %v; the test needs it to survive the delete", login, exists, err)
	}

	// Once nothing holds it, the same delete drops it.
	if _, err := elsewhere.Exec(`DROP TABLE kept`); err != nil {
		t.Fatal(err)
	}
	if status, body := ts.call(t, http.MethodDelete, roleBase+"/"+id+"?successor="+stringField(t, heir, "id"), nil); status != http.StatusNoContent {
		t.Fatalf("delete after the table went = %d %v, want 204", status, body)
	}
	if _, ok := ts.Role(id); ok {
		t.Error("the mock still holds the dropped role")
	}
}
