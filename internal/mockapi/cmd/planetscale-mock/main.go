// Command planetscale-mock serves the mock PlanetScale API on a loopback port
// so the provider can be tried without an account. It prints the server URL
// and the credentials it accepts, then serves until interrupted. Beside the
// API, under /_mock/, it serves controls for dry runs (move the clock, mark
// a password used) that take no credentials: it is for local use only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/localdb"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free one)")
	envFile := flag.String("env-file", "", "also write the PLANETSCALE_* settings to this file as shell exports, for scripts")
	withDatabases := flag.Bool("databases", false, "back credentials with local PostgreSQL and MariaDB servers started for this run, so they really log in")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatalf("planetscale-mock: -addr %q: %v", *addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Fatalf("planetscale-mock: -addr must be a loopback address, got %q", *addr)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("planetscale-mock: %v", err)
	}
	serverURL := "http://" + ln.Addr().String() + "/v1"

	mock := mockapi.NewWithDefaultWorld()
	if *withDatabases {
		pg, my, err := startDatabases()
		if err != nil {
			log.Fatalf("planetscale-mock: -databases: %v", err)
		}
		defer pg.Stop()
		defer my.Stop()
		if err := mock.UseDatabases(mockapi.Databases{Postgres: pg.Admin, PostgresAddr: pg.Addr, MySQL: my.Admin, MySQLAddr: my.Addr}); err != nil {
			log.Fatalf("planetscale-mock: -databases: %v", err)
		}
		fmt.Printf("Credentials are real users of PostgreSQL at %s and MariaDB at %s.\n", pg.Addr, my.Addr)
	}
	// Every exchange is checked against the API document, so a client tried
	// against the mock learns where it departs from the API.
	check, err := contract.New()
	if err != nil {
		log.Fatalf("planetscale-mock: %v", err)
	}
	check.Report(func(v contract.Violation) {
		log.Printf("planetscale-mock: the API document rejects this exchange: %s", v)
	})
	srv := &http.Server{Handler: routes(mock, check), ReadHeaderTimeout: 10 * time.Second}

	// These are the mock's own fixed test credentials, not real secrets.
	settings := fmt.Sprintf("export PLANETSCALE_SERVER_URL=%s\nexport PLANETSCALE_SERVICE_TOKEN_ID=%s\nexport PLANETSCALE_SERVICE_TOKEN=%s\n",
		serverURL, mockapi.DefaultServiceTokenID, mockapi.DefaultServiceToken)
	fmt.Printf("PlanetScale mock API listening on %s\n", serverURL)
	fmt.Printf("Organization acme: Vitess database app-db, Postgres database pg-db, branches main and dev.\n")
	fmt.Printf("Point the provider at it with:\n%s", settings)
	fmt.Printf("Move its clock with: curl -X POST -d '{\"duration\":\"25h\"}' http://%s%sadvance (see docs/guides/mock-api.md)\n", ln.Addr(), mockapi.AdminPrefix)
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(settings), 0o600); err != nil {
			log.Fatalf("planetscale-mock: %v", err)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Printf("planetscale-mock: %v", err)
	}
}

// routes serves the API behind the contract validator and the mock's test
// controls (mockapi.AdminHandler) beside it: they are not part of the API
// document, so the validator would only report them.
func routes(mock *mockapi.Server, check *contract.Validator) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(mockapi.AdminPrefix, mockapi.AdminHandler(mock))
	mux.Handle("/", check.Handler(mock))
	return mux
}

func startDatabases() (*localdb.Server, *localdb.Server, error) {
	ctx := context.Background()
	pg, err := localdb.StartPostgres(ctx)
	if err != nil {
		return nil, nil, err
	}
	my, err := localdb.StartMariaDB(ctx)
	if err != nil {
		pg.Stop()
		return nil, nil, err
	}
	return pg, my, nil
}
