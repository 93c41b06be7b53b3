package main

import (
	"fmt"
	"log"
	"os/exec"
	"path/filepath"
	"strings"
)

// ours ÷ floor, or "–" where the floor measured nothing.
func ratio(ours, floor float64) string {
	if floor <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", ours/floor)
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func writeScenario(w *strings.Builder, sc scenario, res map[string][]measurement, b *bench) {
	fmt.Fprintf(w, "## %s, parallelism %d\n\n", sc.title, b.parallelism)
	resources := float64(2 * b.n)
	if sc.limitPerMinute > 0 {
		m := res[ours.name][0]
		fmt.Fprintf(w, "| phase | planetscale (s) | budget (s) | API requests per resource | 429s | provider CPU (s) | provider peak RSS (MiB) |\n|---|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(w, "| apply (%d creates) | %.2f | %.2f | %.2f | %d | %.2f | %.1f |\n\n",
			2*b.n, m.seconds, limitBudget(sc, b), float64(m.writes+m.reads)/resources, m.status429, m.cpuSeconds, mib(m.peakRSSKiB))
		fmt.Fprintf(w, "One run: the pace, not the machine, sets this time. The budget is %d creates at 90%% of the limit (the provider's default pace), plus 10%%: %d / (0.9 × %d) minutes × 1.1.\n\n",
			2*b.n, 2*b.n, sc.limitPerMinute)
		return
	}
	us := res[ours.name]
	var providers []variant
	fmt.Fprintf(w, "Wall time of the terraform command:\n\n| phase |")
	for _, v := range sc.variants {
		fmt.Fprintf(w, " %s (s) |", v.name)
		if v.provider != "" {
			providers = append(providers, v)
		}
	}
	for _, v := range sc.variants[1:] {
		fmt.Fprintf(w, " ÷ %s |", v.name)
	}
	fmt.Fprintf(w, "\n|---|%s\n", strings.Repeat("---:|", 2*len(sc.variants)-1))
	for i, ph := range phases {
		fmt.Fprintf(w, "| %s |", ph.name)
		for _, v := range sc.variants {
			fmt.Fprintf(w, " %.2f |", res[v.name][i].seconds)
		}
		for _, v := range sc.variants[1:] {
			fmt.Fprintf(w, " %s |", ratio(us[i].seconds, res[v.name][i].seconds))
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintf(w, "\nProvider processes: CPU (user+sys) and peak RSS:\n\n| phase |")
	for _, v := range providers {
		fmt.Fprintf(w, " CPU %s (s) |", v.name)
	}
	for _, v := range providers[1:] {
		fmt.Fprintf(w, " ÷ %s |", v.name)
	}
	for _, v := range providers {
		fmt.Fprintf(w, " RSS %s (MiB) |", v.name)
	}
	fmt.Fprintf(w, "\n|---|%s\n", strings.Repeat("---:|", 3*len(providers)-1))
	for i, ph := range phases {
		fmt.Fprintf(w, "| %s |", ph.name)
		for _, v := range providers {
			fmt.Fprintf(w, " %.2f |", res[v.name][i].cpuSeconds)
		}
		for _, v := range providers[1:] {
			fmt.Fprintf(w, " %s |", ratio(us[i].cpuSeconds, res[v.name][i].cpuSeconds))
		}
		for _, v := range providers {
			fmt.Fprintf(w, " %.1f |", mib(res[v.name][i].peakRSSKiB))
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintf(w, "\nAPI requests per resource (planetscale only; the floors send none), and the CPU the mock API used on the same cores meanwhile, which a real API would spend elsewhere:\n\n| phase | writes | reads | 429s | mock API CPU (s) |\n|---|---:|---:|---:|---:|\n")
	for i, ph := range phases {
		fmt.Fprintf(w, "| %s | %.3f | %.3f | %d | %.2f |\n", ph.name, float64(us[i].writes)/resources, float64(us[i].reads)/resources, us[i].status429, us[i].mockCPUSeconds)
	}
	fmt.Fprintln(w)
}

// limitBudget is the bound for 2n creates at the API's limit: the
// provider paces at 90% of it, and may take 10% longer than that pace.
func limitBudget(sc scenario, b *bench) float64 {
	return float64(2*b.n) / (0.9 * float64(sc.limitPerMinute)) * 60 * 1.1
}

// writeTargets compares the run with the project's targets. They are
// reported, never asserted: a slow machine must not fail anything.
func writeTargets(w *strings.Builder, scenarios []scenario, results map[string]map[string][]measurement, b *bench) {
	fmt.Fprintf(w, "## Targets\n\n| target | measured | met |\n|---|---|---|\n")
	row := func(target, measured string, met bool) {
		verdict := "met"
		if !met {
			verdict = "**not met**"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", target, measured, verdict)
	}
	resources := float64(2 * b.n)
	for _, sc := range scenarios {
		res := results[sc.title]
		us := res[ours.name]
		switch {
		case sc.limitPerMinute > 0:
			m := us[0]
			row(fmt.Sprintf("%d creates at %d requests a minute ≤ %d / (0.9 × %d) min + 10%%", 2*b.n, sc.limitPerMinute, 2*b.n, sc.limitPerMinute),
				fmt.Sprintf("%.1f s (budget %.1f s)", m.seconds, limitBudget(sc, b)), m.seconds <= limitBudget(sc, b))
			row("no 429 at the API's limit", fmt.Sprintf("%d", m.status429), m.status429 == 0)
		case sc.latency == 0:
			same, one := res[sameSchemaFloor.name], res[oneAttributeFloor.name]
			for i, ph := range phases {
				row(fmt.Sprintf("%s wall time ≤ 1.25 × one-attribute floor", ph.name),
					fmt.Sprintf("%s ×", ratio(us[i].seconds, one[i].seconds)), us[i].seconds <= 1.25*one[i].seconds)
				row(fmt.Sprintf("%s provider CPU ≤ 1.3 × one-attribute floor", ph.name),
					fmt.Sprintf("%s ×", ratio(us[i].cpuSeconds, one[i].cpuSeconds)), us[i].cpuSeconds <= 1.3*one[i].cpuSeconds)
				row(fmt.Sprintf("%s wall time ≤ 1.1 × same-schema floor", ph.name),
					fmt.Sprintf("%s ×", ratio(us[i].seconds, same[i].seconds)), us[i].seconds <= 1.1*same[i].seconds)
				row(fmt.Sprintf("%s provider CPU ≤ 1.1 × same-schema floor", ph.name),
					fmt.Sprintf("%s ×", ratio(us[i].cpuSeconds, same[i].cpuSeconds)), us[i].cpuSeconds <= 1.1*same[i].cpuSeconds)
			}
			var peak, onePeak int64
			for i := range phases {
				peak, onePeak = max(peak, us[i].peakRSSKiB), max(onePeak, one[i].peakRSSKiB)
			}
			row("provider peak RSS ≤ one-attribute floor's + 10%", fmt.Sprintf("%.1f MiB (floor %.1f MiB)", mib(peak), mib(onePeak)),
				float64(peak) <= 1.1*float64(onePeak))
			per := func(n int) float64 { return float64(n) / resources }
			apply, refresh, destroy := us[0], us[1], us[2]
			row("API requests per resource, apply: 1 create", fmt.Sprintf("%.3f writes, %.3f reads", per(apply.writes), per(apply.reads)),
				per(apply.writes) <= 1 && apply.reads == 0)
			row("API requests per resource, plan (refresh) ≤ 0.02", fmt.Sprintf("%.3f reads", per(refresh.reads)),
				per(refresh.reads) <= 0.02 && refresh.writes == 0)
			row("API requests per resource, destroy: ≤ 1 delete, and its refresh ≤ 0.02", fmt.Sprintf("%.3f writes, %.3f reads", per(destroy.writes), per(destroy.reads)),
				per(destroy.writes) <= 1 && per(destroy.reads) <= 0.02)
		default:
			one := res[oneAttributeFloor.name]
			budget := one[0].seconds + 1.1*resources/float64(b.parallelism)*sc.latency.Seconds()
			row(fmt.Sprintf("apply at latency %s ≤ one-attribute floor + 1.1 × (%d / %d) × %s", sc.latency, 2*b.n, b.parallelism, sc.latency),
				fmt.Sprintf("%.2f s (budget %.2f s)", us[0].seconds, budget), us[0].seconds <= budget)
		}
	}
	fmt.Fprintln(w)
}

// profileReport returns the top entries of the profiles the provider wrote
// in b.profileDir, one directory per phase, as a report section.
func (b *bench) profileReport() string {
	binary := filepath.Join(b.variantDir(ours), "real-provider")
	var w strings.Builder
	fmt.Fprintf(&w, "## Where the provider's CPU goes\n\n"+
		"From one more run at latency 0 with `PLANETSCALE_PROVIDER_PROFILE_DIR` set, which makes each provider process write a CPU and a heap profile when it exits. "+
		"To look yourself: `go tool pprof -http=: <provider binary> <dir>/<phase>/*.cpu.pprof`.\n\n")
	for _, ph := range phases {
		dir := filepath.Join(b.profileDir, ph.args[0])
		cpu, _ := filepath.Glob(filepath.Join(dir, "*.cpu.pprof"))
		heap, _ := filepath.Glob(filepath.Join(dir, "*.heap.pprof"))
		if len(cpu) == 0 {
			log.Printf("bench: no profiles for %s in %s", ph.name, dir)
			continue
		}
		fmt.Fprintf(&w, "### %s\n\n", ph.name)
		fmt.Fprintf(&w, "Cumulative CPU, beyond the gRPC server and the Go runtime:\n\n```\n%s```\n\n",
			pprofTop(binary, cpu, 18, "-cum", `-hide=^(runtime|internal/|google\.golang\.org/grpc|syscall|sync|reflect)`))
		fmt.Fprintf(&w, "This provider's own functions, cumulative (the rest of the time is the framework, gRPC and the runtime):\n\n```\n%s```\n\n",
			pprofTop(binary, cpu, 12, "-cum", "-focus=terraform-provider-planetscale/internal", "-show=terraform-provider-planetscale/internal"))
		fmt.Fprintf(&w, "Allocated bytes, by function:\n\n```\n%s```\n\n", pprofTop(binary, heap, 10, "-sample_index=alloc_space"))
	}
	return w.String()
}

// pprofTop returns the table lines of `go tool pprof -top` for the merged
// profiles.
func pprofTop(binary string, profiles []string, lines int, flags ...string) string {
	args := append([]string{"tool", "pprof", "-top", fmt.Sprintf("-nodecount=%d", lines)}, flags...)
	args = append(append(args, binary), profiles...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		return fmt.Sprintf("go tool pprof: %v\n", err)
	}
	var keep []string
	table := false
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.Contains(line, "flat%"):
			table = true
			keep = append(keep, line)
		case table && strings.TrimSpace(line) != "":
			keep = append(keep, line)
		case strings.HasPrefix(line, "Duration:") || strings.HasPrefix(line, "Showing nodes"):
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n") + "\n"
}

// writeWhy explains, with this run's numbers, why the targets that are not
// met are not. The reasons come from the profiles at the end of the report.
func writeWhy(w *strings.Builder, scenarios []scenario, results map[string]map[string][]measurement, b *bench) {
	var zero, slow *scenario
	for i := range scenarios {
		switch sc := &scenarios[i]; {
		case sc.limitPerMinute == 0 && sc.latency == 0:
			zero = sc
		case sc.limitPerMinute == 0:
			slow = sc
		}
	}
	if zero == nil {
		return
	}
	res := results[zero.title]
	us, same, one := res[ours.name], res[sameSchemaFloor.name], res[oneAttributeFloor.name]
	list := func(f func(i int) string) string {
		var parts []string
		for i, ph := range phases {
			parts = append(parts, fmt.Sprintf("%s %s", f(i), ph.name))
		}
		return strings.Join(parts, ", ")
	}
	fmt.Fprintf(w, "## Why the targets that are not met are not\n\n")
	fmt.Fprintf(w, "**Against the one-attribute floor.** The same-schema floor, which has this provider's schemas and runs none of its code, "+
		"already takes %s the one-attribute floor's wall time, and %s its CPU. "+
		"That is the cost of the schema itself: about twenty attributes and a timeouts block per resource against one attribute. "+
		"terraform-plugin-framework (v1.19.0, the newest the module proxy serves) walks every attribute in every plan: it reads the configuration, plan and state value at the attribute's path, "+
		"runs its plan modifiers and writes the plan back, and each step of each path rebuilds the schema's map of attributes "+
		"(`schema.schemaAttributes`, the largest allocator in every heap profile below), so the work per resource grows with the square of the attribute count. "+
		"Terraform core pays per attribute as well (decoding, diffing and saving state), which shows in wall time outside the provider. "+
		"Meeting these targets would take removing attributes that configurations read (hosts, expiry, renewability) or changing the framework; neither is this provider's to do.\n\n",
		list(func(i int) string { return ratio(same[i].seconds, one[i].seconds) + "×" }),
		list(func(i int) string { return ratio(same[i].cpuSeconds, one[i].cpuSeconds) + "×" }))
	var peak, samePeak, onePeak int64
	for i := range phases {
		peak, samePeak, onePeak = max(peak, us[i].peakRSSKiB), max(samePeak, same[i].peakRSSKiB), max(onePeak, one[i].peakRSSKiB)
	}
	fmt.Fprintf(w, "**Peak RSS.** Ours peaks at %.1f MiB, the same-schema floor at %.1f MiB and the one-attribute floor at %.1f MiB: "+
		"the garbage of the framework's per-attribute conversions sets the Go collector's peak, with or without our code. "+
		"A lower collector target (GOGC) would trade CPU for memory, against the CPU targets.\n\n", mib(peak), mib(samePeak), mib(onePeak))
	if slow != nil {
		fmt.Fprintf(w, "**Latency %s.** The budget is the one-attribute floor's apply plus %d rounds of %d requests at %s; ours also carries the schema's cost, "+
			"which the same-schema floor shows at latency 0: %.2f s over the one-attribute floor.\n\n",
			slow.latency, 2*b.n/b.parallelism, b.parallelism, slow.latency, same[0].seconds-one[0].seconds)
	}
	var over []string
	for i, ph := range phases {
		if us[i].seconds > 1.1*same[i].seconds || us[i].cpuSeconds > 1.1*same[i].cpuSeconds {
			over = append(over, fmt.Sprintf("%s (%+.2f s wall, %+.2f s CPU)", ph.name, us[i].seconds-same[i].seconds, us[i].cpuSeconds-same[i].cpuSeconds))
		}
	}
	if len(over) > 0 {
		fmt.Fprintf(w, "**Against the same-schema floor.** Ours costs more than the floor in %s. "+
			"This provider's own functions (HTTP and JSON, the list cache, the mapping of answers to state, ModifyPlan, ValidateConfig) account for a few percent of its CPU in each phase: "+
			"see their lists in the profiles below. Two things weigh on ours and not on the floor: the mock API runs in the benchmark's process on the same cores "+
			"(its CPU is in the API table; a real API spends it elsewhere), and the state holds real values where the floor's computed strings are empty. "+
			"Single runs of one command vary by up to 15%% on this machine; the tables show the median of %d.\n\n",
			strings.Join(over, ", "), b.runs)

	}
}
