package provider_test

// The fault harness, provider level: seeded random schedules of applies
// (with configuration changes: renames, replacements, added and removed
// credentials, bumped rotation triggers), refreshes, plans, imports and
// destroys of both kinds and of both rotating resources, with the mock's
// clock moved past overlap or rotate_every (rotations and retirements),
// through the real terraform CLI, with faults injected into the mock (5xx
// before and after the API acted, lost answers, resets, 429s, lagging
// lists, another actor making same-named credentials as a request arrives,
// a token that suddenly sees nothing, Ctrl-C as a request arrives) and,
// after a failure, a re-apply with the faults over or (half the time) the
// next step under its own fault. A step's faults go where its operation
// sends requests, and a step that may delete gets a second one spread over
// its deletes (a refusal, a 503, a token that stops seeing): the deletes
// are where a credential still held gets forgotten. Half the schedules
// start from rotating resources that already hold a previous credential,
// so that their first faulted apply retires it. Invariants, checked after
// every command (a rotating resource's credentials are its current and
// previous ones and each of its retiring_ids):
//
//	(a) nothing the other actor made is deleted or renamed;
//	(b) after a successful apply the API holds exactly the credentials in
//	    state, the other actor's, and ones an error named; every secret in
//	    state is the one the API minted;
//	(c) no credential leaves state while the API still holds it (but for
//	    the harness's own state rm before an import);
//	(d) the plan right after a successful apply is empty;
//	(e) no secret or token appears in the provider's log or any output;
//	(z) every exchange with the mock keeps the API document (internal/contract).
//
// PLANETSCALE_HARNESS_PROVIDER_SCHEDULES sets how many run (make soak raises
// it); PLANETSCALE_HARNESS_SEED runs one seed.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

var (
	harnessRCOnce sync.Once
	harnessRC     string
)

func TestAccFaultHarnessProvider(t *testing.T) {
	tf, host := directTerraform(t, "1.5.0", "the provider-level fault harness")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no terraform on PATH")
		}
	}
	var seeds []uint64
	if v := os.Getenv("PLANETSCALE_HARNESS_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("PLANETSCALE_HARNESS_SEED=%q: %v", v, err)
		}
		seeds = []uint64{seed}
	} else {
		n := 24
		if v := os.Getenv("PLANETSCALE_HARNESS_PROVIDER_SCHEDULES"); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil {
				t.Fatalf("PLANETSCALE_HARNESS_PROVIDER_SCHEDULES=%q: %v", v, err)
			}
		}
		base := uint64(time.Now().UnixNano())
		if v := os.Getenv("PLANETSCALE_HARNESS_BASE_SEED"); v != "" {
			base, _ = strconv.ParseUint(v, 10, 64)
		}
		for i := range n {
			seeds = append(seeds, base+uint64(i))
		}
	}
	harnessRCOnce.Do(func() { harnessRC = devOverrides(t, host) })
	// Schedules run side by side: each mostly waits for terraform and the
	// provider to start, so six at once keep two cores busy.
	workers := 6
	if v := os.Getenv("PLANETSCALE_HARNESS_WORKERS"); v != "" {
		workers, _ = strconv.Atoi(v)
	}
	queue := make(chan uint64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	broken := 0
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range queue {
				h := newProviderWorld(t, tf, host, seed)
				if problem := h.runRecovering(); problem != "" {
					mu.Lock()
					broken++
					mu.Unlock()
					t.Errorf("seed %d breaks an invariant: %s\ntrace (PLANETSCALE_HARNESS_SEED=%d reruns it):\n%s", seed, problem, seed, h.trace())
				}
			}
		}()
	}
	for _, seed := range seeds {
		queue <- seed
	}
	close(queue)
	wg.Wait()
	t.Logf("%d provider schedules ran, %d broke an invariant", len(seeds), broken)
}

// slot is one resource of the configuration.
type slot struct {
	kind    string // a key of harnessKinds
	present bool
	name    string // "" for a generated one; a rotating slot's name_prefix
	ttl     int64  // 0 for none
	// A rotating slot's rotation_trigger is "v<trigger>"; every is its
	// rotate_every, "" for none. Its overlap is always harnessOverlap.
	trigger int
	every   string
}

// harnessKinds are the kinds of slot: the resource type, its database, and
// the attribute that holds a credential's secret.
var harnessKinds = map[string]struct{ typ, db, secret string }{
	"password":          {"planetscale_branch_password", "app-db", "plain_text"},
	"role":              {"planetscale_postgres_role", "pg-db", "password"},
	"rotating password": {"planetscale_rotating_branch_password", "app-db", "plain_text"},
	"rotating role":     {"planetscale_rotating_postgres_role", "pg-db", "password"},
}

func rotating(kind string) bool { return strings.HasPrefix(kind, "rotating ") }

// The rotation's durations, and the clock moves past them: far enough
// past that the seconds a schedule takes never bring a plan to the edge.
const harnessOverlap, harnessEvery = "1h", "2h"

var harnessClockMoves = []time.Duration{61 * time.Minute, 121 * time.Minute}

func (s slot) hcl(i int) string {
	out := fmt.Sprintf("resource %q \"s%d\" {\n  organization = \"acme\"\n  database     = %q\n  branch       = \"main\"\n", harnessKinds[s.kind].typ, i, harnessKinds[s.kind].db)
	if s.name != "" && rotating(s.kind) {
		out += fmt.Sprintf("  name_prefix  = %q\n", s.name)
	} else if s.name != "" {
		out += fmt.Sprintf("  name         = %q\n", s.name)
	}
	if s.ttl != 0 {
		out += fmt.Sprintf("  ttl          = %d\n", s.ttl)
	}
	if rotating(s.kind) {
		out += fmt.Sprintf("  rotation_trigger = \"v%d\"\n  overlap          = %q\n", s.trigger, harnessOverlap)
		if s.every != "" {
			out += fmt.Sprintf("  rotate_every     = %q\n", s.every)
		}
	}
	return out + "}\n"
}

type providerWorld struct {
	tf, dir string
	host    string
	rng     *rand.Rand
	mock    *acctest.Mock
	direct  *planetscale.Client
	slots   []slot
	steps   []string
	outputs []string
	theirs  map[string]string
	logPath string
	mu      sync.Mutex
	running *exec.Cmd
	// interrupted: the running command got its SIGINT.
	interrupted bool
	rmByUs      map[string]bool // IDs the harness itself removed from state
	lastIDs     map[string]bool
}

func newProviderWorld(t *testing.T, tf, host string, seed uint64) *providerWorld {
	mock := acctest.NewMock(t)
	mock.AddServiceToken(otherActorTokenID, otherActorToken)
	direct, err := planetscale.New(planetscale.Config{BaseURL: mock.URL, ServiceTokenID: otherActorTokenID, ServiceToken: otherActorToken, NoRetries: true, Unpaced: true})
	if err != nil {
		panic(err)
	}
	dir := t.TempDir()
	h := &providerWorld{
		tf: tf, host: host, dir: dir, rng: rand.New(rand.NewPCG(seed, ^seed)), mock: mock, direct: direct,
		theirs: map[string]string{}, logPath: filepath.Join(dir, "provider.log"), rmByUs: map[string]bool{}, lastIDs: map[string]bool{},
	}
	kinds := []string{"password", "role"}
	for i := range 2 + h.rng.IntN(3) {
		h.slots = append(h.slots, h.randomSlot(kinds[i%2]))
	}
	h.slots = append(h.slots, h.randomSlot("rotating password"), h.randomSlot("rotating role"))
	return h
}

const otherActorTokenID, otherActorToken = "other-actor", "pscale_tkn_other-actor-secret"

// Names, and rotating slots' name prefixes: the other actor makes "app"
// and "app-2", so generation 2 of "app-" has a same-named twin.
var harnessNames, harnessPrefixes = []string{"", "", "app", "app-2"}, []string{"", "app-"}

func (h *providerWorld) randomSlot(kind string) slot {
	if rotating(kind) {
		// A ttl outlives rotate_every plus overlap, as validation wants.
		return slot{kind: kind, present: true, name: harnessPrefixes[h.rng.IntN(2)], ttl: h.rotatingTTL(), trigger: 1, every: []string{"", harnessEvery}[h.rng.IntN(2)]}
	}
	return slot{kind: kind, present: true, name: harnessNames[h.rng.IntN(len(harnessNames))], ttl: []int64{0, 0, 3600, 7200}[h.rng.IntN(4)]}
}

func (h *providerWorld) rotatingTTL() int64 { return []int64{0, 0, 4 * 3600, 6 * 3600}[h.rng.IntN(4)] }

func (h *providerWorld) trace() string {
	var b strings.Builder
	for i, s := range h.steps {
		fmt.Fprintf(&b, "  %2d. %s\n", i+1, s)
	}
	return b.String()
}

func (h *providerWorld) writeConfig() {
	var b strings.Builder
	fmt.Fprintf(&b, "terraform {\n  required_providers {\n    planetscale = {\n      source = %q\n    }\n  }\n}\n\n", h.host+"/credsmith/planetscale")
	b.WriteString("provider \"planetscale\" {\n  max_retries = 3\n}\n")
	for i, s := range h.slots {
		if s.present {
			b.WriteString(s.hcl(i))
		}
	}
	if err := os.WriteFile(filepath.Join(h.dir, "main.tf"), []byte(b.String()), 0o600); err != nil {
		panic(err)
	}
}

// terraform runs one command; it reports whether it succeeded.
func (h *providerWorld) terraform(args ...string) (string, bool) {
	cmd := terraformCommand(h.tf, h.dir, harnessRC, h.mock, args...)
	cmd.Env = append(cmd.Env, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+h.logPath)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		panic(fmt.Sprintf("starting terraform: %v", err))
	}
	// Only a started command is handed to interrupt: Start sets its Process.
	h.mu.Lock()
	h.running, h.interrupted = cmd, false
	h.mu.Unlock()
	err := cmd.Wait()
	h.mu.Lock()
	h.running = nil
	h.mu.Unlock()
	out := output.Bytes()
	h.outputs = append(h.outputs, string(out))
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		panic(fmt.Sprintf("running terraform: %v", err))
	}
	return string(out), err == nil
}

// interrupt is Ctrl-C: one SIGINT to the running terraform, as a CI job's
// cancel sends. A second one would make terraform exit at once, warning
// that state may be lost: that is terraform's own doing, not the
// provider's, so a command gets one at most.
func (h *providerWorld) interrupt() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running != nil && h.running.Process != nil && !h.interrupted {
		h.interrupted = true
		_ = h.running.Process.Signal(syscall.SIGINT)
	}
}

func (h *providerWorld) see(visible bool) {
	h.mock.HideDatabase("acme", "app-db", !visible)
	h.mock.HideDatabase("acme", "pg-db", !visible)
}

// stateCredential is what the harness reads of one credential in state:
// a resource's, or one of those a rotating resource holds (its slot).
type stateCredential struct {
	addr, kind, id, secret string
	slot                   string // "", or "current", "previous" or "retiring"
}

func (c stateCredential) where() string {
	if c.slot == "" {
		return c.addr
	}
	return c.addr + " (" + c.slot + ")"
}

func (h *providerWorld) state() []stateCredential {
	raw, err := os.ReadFile(filepath.Join(h.dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		panic(err)
	}
	var st struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		panic(fmt.Sprintf("reading state: %v", err))
	}
	var out []stateCredential
	for _, r := range st.Resources {
		var kind string
		for k, about := range harnessKinds {
			if about.typ == r.Type {
				kind = k
			}
		}
		secretAttr := harnessKinds[kind].secret
		for _, inst := range r.Instances {
			c := stateCredential{addr: r.Type + "." + r.Name, kind: kind}
			if !rotating(kind) {
				c.id, _ = inst.Attributes["id"].(string)
				c.secret, _ = inst.Attributes[secretAttr].(string)
				out = append(out, c)
				continue
			}
			for _, slot := range []string{"current", "previous"} {
				if held, ok := inst.Attributes[slot].(map[string]any); ok {
					c.slot = slot
					c.id, _ = held["id"].(string)
					c.secret, _ = held[secretAttr].(string)
					out = append(out, c)
				}
			}
			retiring, _ := inst.Attributes["retiring_ids"].([]any)
			for _, id := range retiring {
				c.slot, c.secret = "retiring", ""
				c.id, _ = id.(string)
				out = append(out, c)
			}
		}
	}
	return out
}

// runRecovering is run, with a harness failure (terraform that cannot be
// started, a state file that cannot be read) reported as a problem: Fatal
// cannot be called from the worker goroutines.
func (h *providerWorld) runRecovering() (problem string) {
	defer func() {
		if r := recover(); r != nil {
			problem = fmt.Sprint("the harness failed: ", r)
		}
	}()
	return h.run()
}

func (h *providerWorld) run() string {
	h.writeConfig()
	// Half the schedules start from credentials made and rotated once with
	// the API healthy: each rotating resource then holds a previous
	// credential from its first faulted step, so that the step's apply
	// retires it (or deletes it as the older one) under the fault.
	if h.rng.IntN(2) == 0 {
		h.steps = append(h.steps, "set up: apply, faults off")
		if problem := h.applyUntilGreen(); problem != "" {
			return problem
		}
		h.steps = append(h.steps, "set up: rotate")
		h.rotateAll()
		if problem := h.applyUntilGreen(); problem != "" {
			return problem
		}
	}
	// Long enough for a rotation and a later apply that retires or rotates
	// again: what deletes a rotating resource's older credentials.
	for range 4 + h.rng.IntN(5) {
		if problem := h.step(); problem != "" {
			return problem
		}
	}
	// The end: faults over, the token sees, a final apply, then destroy.
	h.mock.ClearFaults()
	h.see(true)
	h.steps = append(h.steps, "final apply")
	if problem := h.applyUntilGreen(); problem != "" {
		return problem
	}
	h.steps = append(h.steps, "destroy")
	if _, ok := h.terraform("destroy", "-auto-approve", "-no-color", "-input=false"); !ok {
		return "(final) destroy failed with the API healthy:\n" + h.outputs[len(h.outputs)-1]
	}
	if problem := h.check(false); problem != "" {
		return "after destroy: " + problem
	}
	return ""
}

// applyUntilGreen re-applies, faults over, until an apply succeeds (at most
// three times), then checks (b) and (d).
func (h *providerWorld) applyUntilGreen() string {
	for range 3 {
		if _, ok := h.terraform("apply", "-auto-approve", "-no-color", "-input=false"); ok {
			if problem := h.check(true); problem != "" {
				return problem
			}
			out, _ := h.terraform("plan", "-detailed-exitcode", "-no-color", "-input=false")
			if !strings.Contains(out, "No changes.") {
				return "(d) the plan right after a successful apply is not empty:\n" + out
			}
			return h.check(false)
		}
		if problem := h.check(false); problem != "" {
			return problem
		}
	}
	return "an apply with the API healthy failed three times:\n" + h.outputs[len(h.outputs)-1]
}

func (h *providerWorld) step() string {
	op := h.rng.IntN(100)
	h.injectFault(harnessRoutesOf(op), false)
	// A step that may delete gets a second fault on the deletes: a delete
	// that fails is where a credential still held gets forgotten.
	mayDelete := op < harnessApply || op >= harnessImport
	if mayDelete {
		h.injectFault(harnessDeletes, true)
	}
	// Two in three steps that may delete move the clock, one in three of
	// the others: rotations by age, expiries and retirements after overlap
	// then happen under the step's faults.
	moves := 1
	if mayDelete {
		moves = 2
	}
	if h.rng.IntN(3) < moves {
		d := harnessClockMoves[h.rng.IntN(len(harnessClockMoves))]
		h.mock.Advance(d)
		h.steps[len(h.steps)-1] += fmt.Sprintf("; clock +%s", d)
	}
	var ok bool
	switch {
	case op < harnessApply:
		h.mutateConfig()
		h.rotateSome()
		h.writeConfig()
		h.steps[len(h.steps)-1] += "; apply"
		_, ok = h.terraform("apply", "-auto-approve", "-no-color", "-input=false")
	case op < harnessRefresh:
		h.steps[len(h.steps)-1] += "; refresh"
		_, ok = h.terraform("apply", "-refresh-only", "-auto-approve", "-no-color", "-input=false")
	case op < harnessPlan:
		h.steps[len(h.steps)-1] += "; plan"
		_, ok = h.terraform("plan", "-no-color", "-input=false")
	case op < harnessImport:
		ok = h.reimport()
	default:
		h.steps[len(h.steps)-1] += "; destroy"
		_, ok = h.terraform("destroy", "-auto-approve", "-no-color", "-input=false")
	}
	if problem := h.check(false); problem != "" {
		return problem
	}
	h.mock.ClearFaults()
	h.see(true)
	// Half the failures meet the next step's fault before a re-apply: what
	// a failed apply leaves (retiring_ids, a tainted credential) is then
	// read, deleted and destroyed under faults too.
	if strings.HasSuffix(h.steps[len(h.steps)-1], "destroy") || (!ok && h.rng.IntN(2) == 0) {
		h.steps = append(h.steps, "re-apply, faults over")
		return h.applyUntilGreen()
	}
	return ""
}

// reimport forgets one resource (terraform state rm) and imports it by ID:
// a rotating one as "<current_id>[/<previous_id>]".
//
// A rotating resource with retiring_ids is not reimported: those cannot be
// imported, so the harness would orphan them itself, and (b) would let
// such orphans pass only because the error that named them promised that
// the next apply deletes them. Skipped, (b) stays exact: every credential
// a rotating resource was responsible for is deleted or still in state.
func (h *providerWorld) reimport() bool {
	st := h.state()
	held := map[string][]stateCredential{}
	var addrs []string
	for _, c := range st {
		if c.slot == "" || c.slot == "current" {
			addrs = append(addrs, c.addr)
		}
		held[c.addr] = append(held[c.addr], c)
	}
	if len(addrs) == 0 {
		h.steps[len(h.steps)-1] += "; import (nothing to import in state)"
		return true
	}
	addr := addrs[h.rng.IntN(len(addrs))]
	id := ""
	for _, c := range held[addr] {
		switch c.slot {
		case "retiring":
			h.steps[len(h.steps)-1] += "; import skipped (" + addr + " has retiring_ids)"
			return true
		case "", "current":
			id = c.id + id
		case "previous":
			id += "/" + c.id
		}
	}
	h.steps[len(h.steps)-1] += "; state rm and import " + addr + " as " + id
	for _, c := range held[addr] {
		h.rmByUs[c.id] = true
	}
	if _, ok := h.terraform("state", "rm", "-no-color", addr); !ok {
		return false
	}
	_, ok := h.terraform("import", "-no-color", "-input=false", addr, "acme/"+harnessKinds[held[addr][0].kind].db+"/main/"+id)
	if ok {
		for _, c := range held[addr] {
			delete(h.rmByUs, c.id)
		}
	}
	return ok
}

func (h *providerWorld) mutateConfig() {
	i := h.rng.IntN(len(h.slots))
	s := &h.slots[i]
	switch h.rng.IntN(7) {
	case 0:
		if rotating(s.kind) {
			s.name = harnessPrefixes[h.rng.IntN(len(harnessPrefixes))]
			h.steps = append(h.steps, fmt.Sprintf("s%d: name_prefix %q", i, s.name))
			break
		}
		s.name = harnessNames[h.rng.IntN(len(harnessNames))]
		h.steps = append(h.steps, fmt.Sprintf("s%d: name %q", i, s.name))
	case 1:
		if rotating(s.kind) {
			s.ttl = h.rotatingTTL()
		} else {
			s.ttl = []int64{0, 3600, 7200}[h.rng.IntN(3)]
		}
		h.steps = append(h.steps, fmt.Sprintf("s%d: ttl %d", i, s.ttl))
	case 2:
		s.present = !s.present
		h.steps = append(h.steps, fmt.Sprintf("s%d: present %t", i, s.present))
	case 3:
		kinds := slices.Sorted(maps.Keys(harnessKinds))
		h.slots = append(h.slots, h.randomSlot(kinds[h.rng.IntN(len(kinds))]))
		h.steps = append(h.steps, fmt.Sprintf("s%d added (%s)", len(h.slots)-1, h.slots[len(h.slots)-1].kind))
	case 4, 5:
		// The trigger of a rotating slot, s itself when it is one.
		for j := range h.slots {
			if k := (i + j) % len(h.slots); rotating(h.slots[k].kind) {
				h.slots[k].trigger++
				h.steps = append(h.steps, fmt.Sprintf("s%d: rotation_trigger \"v%d\"", k, h.slots[k].trigger))
				return
			}
		}
		h.steps = append(h.steps, "config unchanged")
	default:
		h.steps = append(h.steps, "config unchanged")
	}
}

// rotateAll bumps the trigger of every rotating slot.
func (h *providerWorld) rotateAll() {
	for i := range h.slots {
		if rotating(h.slots[i].kind) {
			h.slots[i].trigger++
		}
	}
	h.writeConfig()
}

// rotateSome bumps the trigger of each rotating slot by chance, so that
// most applies rotate or retire: a rotation deletes the older previous
// credential, and once the clock has passed overlap an apply retires the
// previous one, each under the step's faults.
func (h *providerWorld) rotateSome() {
	for i := range h.slots {
		if s := &h.slots[i]; rotating(s.kind) && s.present && h.rng.IntN(2) == 0 {
			s.trigger++
			h.steps[len(h.steps)-1] += fmt.Sprintf("; s%d: rotation_trigger \"v%d\"", i, s.trigger)
		}
	}
}

func (h *providerWorld) otherCreate(kind, name string) {
	ctx := context.Background()
	if kind == "password" {
		if p, err := h.direct.CreatePassword(ctx, vitessMain, planetscale.CreatePasswordRequest{Name: name}); err == nil {
			h.mu.Lock()
			h.theirs[p.ID] = name
			h.mu.Unlock()
		}
		return
	}
	if ro, err := h.direct.CreateRole(ctx, postgresMain, planetscale.CreateRoleRequest{Name: name}); err == nil {
		h.mu.Lock()
		h.theirs[ro.ID] = name
		h.mu.Unlock()
	}
}

// A step's operation, drawn from 0..99: an apply below harnessApply, a
// refresh below harnessRefresh, and so on; a destroy above harnessImport.
const harnessApply, harnessRefresh, harnessPlan, harnessImport = 50, 65, 75, 85

var (
	harnessReads   = []string{mockapi.RouteListPasswords, mockapi.RouteListRoles, mockapi.RouteGetPassword, mockapi.RouteGetRole}
	harnessDeletes = []string{mockapi.RouteDeletePassword, mockapi.RouteDeleteRole}
	// An apply's faults go anywhere, the deletes twice, since every
	// rotation and retirement deletes and is where a credential gets lost.
	harnessApplyRoutes = slices.Concat(harnessReads, harnessDeletes, harnessDeletes, []string{
		mockapi.RouteCreatePassword, mockapi.RouteCreateRole, mockapi.RouteUpdatePassword, mockapi.RouteUpdateRole,
	})
)

// harnessRoutesOf are where the faults of a step with operation op go: the
// routes it sends to. A refresh, a plan and an import only read (a fault
// on a create would never fire); a destroy reads, then deletes, and its
// deletes are what forgets a credential that is still there.
func harnessRoutesOf(op int) []string {
	switch {
	case op < harnessApply:
		return harnessApplyRoutes
	case op < harnessImport:
		return harnessReads
	}
	return slices.Concat(harnessReads, harnessDeletes, harnessDeletes, harnessDeletes)
}

// injectFault adds one fault on one of routes. It meets the first one or
// two requests there, or (one in four) enough to outlast max_retries (3)
// so that the client gives up; a spread fault instead meets each request
// there by chance, late ones (a retirement after a replacement) included.
func (h *providerWorld) injectFault(routes []string, spread bool) {
	route := routes[h.rng.IntN(len(routes))]
	// Faults meet the provider's requests only: the other actor's go through.
	f := mockapi.Fault{Route: route, Times: []int{1, 2, 2, 5}[h.rng.IntN(4)], Authorization: mockapi.DefaultServiceTokenID + ":" + mockapi.DefaultServiceToken}
	var what string
	if spread {
		f.Times, f.Probability = 0, 0.5
		switch h.rng.IntN(3) {
		case 0:
			f.Status, what = 422, "422 (the API refuses)"
		case 1:
			f.Status, what = 503, "503 before acting"
		default:
			f.Before, what = func() { h.see(false) }, "the token stops seeing the databases as the request arrives"
		}
		h.mock.Inject(f)
		h.steps = append(h.steps, fmt.Sprintf("fault: %s, each request by chance (%s)", what, route))
		return
	}
	kind := "password"
	if strings.HasSuffix(route, "_role") || strings.HasSuffix(route, "_roles") {
		kind = "role"
	}
	switch h.rng.IntN(13) {
	case 0:
		h.steps = append(h.steps, "no fault")
		return
	case 10:
		f.Status, what = 422, "422 (the API refuses)"
	case 11:
		h.mock.SetRolesPendingGets(1 + h.rng.IntN(2))
		f.Status, what = 422, "new roles not ready at once, and a 422"
	case 1:
		f.Status, what = []int{502, 503, 504}[h.rng.IntN(3)], "5xx before acting"
	case 2:
		f.Status, f.AfterCommit, what = []int{500, 502}[h.rng.IntN(2)], true, "5xx after acting"
	case 3:
		f.CloseAfterCommit, what = true, "answer lost after acting"
	case 4:
		f.CloseBeforeHandling, what = true, "connection reset before acting"
	case 5:
		f.Status, f.RetryAfter, what = 429, "0", "429"
	case 6:
		f.EmptyPage, what = true, "list lags"
	case 7:
		name := []string{"app", "app-2"}[h.rng.IntN(2)]
		f.Before, what = func() { h.otherCreate(kind, name) }, "another actor makes a "+kind+" named "+name+" as the request arrives"
	case 8:
		f.Before, what = func() { h.see(false) }, "the token stops seeing the databases as the request arrives"
	case 9:
		f.Before, what = h.interrupt, "Ctrl-C as the request arrives"
	case 12:
		// Found by review: a list read earlier in the walk is no proof
		// that the branch still answers when a GET gets its 404.
		list, get := mockapi.RouteListPasswords, mockapi.RouteGetPassword
		if kind == "role" {
			list, get = mockapi.RouteListRoles, mockapi.RouteGetRole
		}
		h.mock.Inject(mockapi.Fault{Route: list, EmptyPage: true, Times: 1, Authorization: f.Authorization})
		f = mockapi.Fault{Route: get, Times: 1, Authorization: f.Authorization, Before: func() { h.see(false) }}
		what, route = "the list lags, then the token stops seeing the databases as the GET arrives", list+" then "+get
	}
	h.mock.Inject(f)
	h.steps = append(h.steps, fmt.Sprintf("fault: %s (%s)", what, route))
}

// reported says whether any output named the credential by ID or name.
func (h *providerWorld) reported(id, name string) bool {
	for _, out := range h.outputs {
		if strings.Contains(out, id) || (name != "" && strings.Contains(strings.Join(strings.Fields(out), " "), name)) {
			return true
		}
	}
	return false
}

// check tests the invariants; exact adds (b)'s "exactly the state".
func (h *providerWorld) check(exact bool) string {
	// (z) every request the provider sent and every answer the mock gave
	// (faults included) keeps the API document.
	if v := h.mock.Contract.Validator.Violations(); len(v) > 0 {
		return fmt.Sprintf("(z) the API document rejects an exchange: %s", v[0])
	}
	type held struct{ kind, name, secret string }
	at := map[string]held{}
	var secrets []string
	for _, p := range h.mock.Passwords() {
		at[p.ID] = held{"password", p.Name, p.PlainText}
		secrets = append(secrets, p.PlainText)
	}
	for _, ro := range h.mock.Roles() {
		if !ro.Dropped {
			at[ro.ID] = held{"role", ro.Name, ro.Password}
		}
		secrets = append(secrets, ro.Password)
	}
	h.mu.Lock()
	theirs := maps.Clone(h.theirs)
	h.mu.Unlock()
	for id, name := range theirs {
		if got, ok := at[id]; !ok || got.name != name {
			return fmt.Sprintf("(a) the other actor's credential %s (%q) was deleted or renamed", id, name)
		}
	}
	st := h.state()
	inState := map[string]stateCredential{}
	for _, c := range st {
		inState[c.id] = c
	}
	// (c) what left state is gone from the API.
	for id := range h.lastIDs {
		if _, still := inState[id]; !still && !h.rmByUs[id] {
			if _, live := at[id]; live {
				return fmt.Sprintf("(c) credential %s left state while the API still holds it", id)
			}
		}
	}
	h.lastIDs = map[string]bool{}
	for id := range inState {
		h.lastIDs[id] = true
	}
	for id, c := range inState {
		if got, ok := at[id]; ok && c.secret != "" && c.secret != got.secret {
			return fmt.Sprintf("(b) the secret in state for %s is not the one the API holds", c.where())
		}
	}
	if exact {
		for id, got := range at {
			if _, ok := inState[id]; ok {
				continue
			}
			if _, ok := theirs[id]; ok || h.rmByUs[id] {
				continue
			}
			if !h.reported(id, got.name) {
				return fmt.Sprintf("(b) the API holds the %s %s (%q) that is in no state, is not the other actor's, and no output named: an orphan", got.kind, id, got.name)
			}
		}
		for id, c := range inState {
			if _, ok := at[id]; !ok {
				return fmt.Sprintf("(b) %s (%s) is in state but not at the API after a successful apply", c.where(), id)
			}
		}
	}
	// (e) no secret or token in the provider's log or any output.
	logged, _ := os.ReadFile(h.logPath)
	text := string(logged) + strings.Join(h.outputs, "\n")
	for _, secret := range append(secrets, mockapi.DefaultServiceToken, otherActorToken) {
		if secret != "" && strings.Contains(text, secret) {
			return "(e) a secret or token appears in the provider's log or terraform's output"
		}
	}
	return ""
}
