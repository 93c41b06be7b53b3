// Command contractcoverage adds up what the test suite's contract-checked
// servers wrote (see contract.CoverageDirEnv) and prints, for every password
// and role operation in the API document, how often the suite exercised it
// and with which statuses. It fails when an operation the mock implements was
// not answered at least once with a success and once with an error.
//
//	go run ./internal/tools/contractcoverage -dir DIR [-write FILE]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

func main() {
	dir := flag.String("dir", "", "the directory the tests wrote their coverage to")
	write := flag.String("write", "", "also write the table, with its preamble, to this Markdown file")
	flag.Parse()
	log.SetFlags(0)
	if *dir == "" {
		log.Fatal("contractcoverage: -dir is required")
	}
	coverage, err := contract.ReadCoverage(*dir)
	if err != nil {
		log.Fatalf("contractcoverage: %v", err)
	}
	if len(coverage) == 0 {
		log.Fatalf("contractcoverage: no coverage in %s: run the tests with %s=%s", *dir, contract.CoverageDirEnv, *dir)
	}
	operations, err := contract.Operations()
	if err != nil {
		log.Fatalf("contractcoverage: %v", err)
	}
	table, missing := render(operations, mockapi.Routes(), coverage)
	fmt.Print(table)
	if *write != "" {
		doc := "# API operations the test suite exercises\n\n" +
			"Written by `make contract-coverage`: every exchange of the suite (client and mock unit tests, acceptance tests, " +
			"end-to-end tests and the fault harness) passes the contract check (`internal/contract`), which counts it here. " +
			"Counts change with the suite; the rule does not: every operation the mock implements is answered at least " +
			"once with a success and once with an error (`make test` fails otherwise).\n\n" + table
		if err := os.WriteFile(*write, []byte(doc), 0o644); err != nil {
			log.Fatalf("contractcoverage: %v", err)
		}
	}
	if len(missing) > 0 {
		log.Fatalf("contractcoverage: the suite never exercised:\n  %s", strings.Join(missing, "\n  "))
	}
}

func render(operations, implemented []string, coverage contract.Coverage) (string, []string) {
	var out bytes.Buffer
	var missing []string
	fmt.Fprintln(&out, "| operation | in the mock | exchanges | answers (status × count) |")
	fmt.Fprintln(&out, "|---|---|---|---|")
	for _, op := range operations {
		statuses := coverage[op]
		var codes []int
		total := 0
		for status, n := range statuses {
			codes = append(codes, status)
			total += n
		}
		sort.Ints(codes)
		var answers []string
		success, failure := false, false
		for _, status := range codes {
			if status == 0 {
				// The mock dropped the connection: a lost answer.
				answers = append(answers, fmt.Sprintf("no answer × %d", statuses[status]))
				continue
			}
			answers = append(answers, fmt.Sprintf("%d × %d", status, statuses[status]))
			success = success || (status >= 200 && status < 300)
			failure = failure || status >= 400
		}
		inMock := slices.Contains(implemented, op)
		mark := "no"
		if inMock {
			mark = "yes"
			if !success {
				missing = append(missing, op+": no success answer")
			}
			if !failure {
				missing = append(missing, op+": no error answer")
			}
		}
		fmt.Fprintf(&out, "| `%s` | %s | %d | %s |\n", op, mark, total, strings.Join(answers, ", "))
	}
	// Requests the document has no operation for (tests send some on
	// purpose, to see the mock's 404); each also failed its test unless the
	// test expected the violation.
	var outside []string
	for op := range coverage {
		if !slices.Contains(operations, op) {
			outside = append(outside, op)
		}
	}
	sort.Strings(outside)
	for _, op := range outside {
		n := 0
		for _, count := range coverage[op] {
			n += count
		}
		fmt.Fprintf(&out, "| %s (no operation) | no | %d | |\n", op, n)
	}
	sort.Strings(missing)
	return out.String(), missing
}
