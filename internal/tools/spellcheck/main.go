// Command spellcheck reads the prose of the documentation (Markdown files and
// their templates) and reports, as file:line: problem,
//
//   - words that hunspell's en_US dictionary and the project's word list
//     (words.txt beside this file) do not know,
//   - what proselint finds: its checks of usage, redundancy and style, and a
//     word written twice in a row ("the the"). Its typography and "password
//     in plain text" checks are off (proselint/config beside this file): the
//     pages are Markdown about passwords.
//
// Code is left out: fenced blocks, `code spans`, template actions, URLs,
// HTML tags, and tokens that are identifiers or paths (with a digit, an
// underscore, a slash, an inner dot...). Words in capitals are acronyms and
// left out too. It exits 1 when it finds anything, 2 when it cannot run.
//
//	go run ./internal/tools/spellcheck docs templates
//
// make spellcheck installs hunspell, hunspell-en-us and proselint from
// Debian's packages first (install.sh).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

func main() {
	words := flag.String("words", "internal/tools/spellcheck/words.txt", "the project's word list, one word a line")
	proselintConfig := flag.String("proselint-config", "internal/tools/spellcheck", "directory holding proselint/config")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: spellcheck [-words FILE] DIR_OR_FILE...")
		os.Exit(2)
	}
	findings, err := check(flag.Args(), *words, *proselintConfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, "spellcheck:", err)
		os.Exit(2)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	if len(findings) > 0 {
		fmt.Fprintf(os.Stderr, "spellcheck: %d problem(s). Fix the templates, examples or schema descriptions (docs/ is generated), "+
			"or add a correctly spelt project word to %s.\n", len(findings), *words)
		os.Exit(1)
	}
}

// check returns the problems found in the Markdown files under paths.
func check(paths []string, words, proselintConfig string) ([]string, error) {
	var files []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".md.tmpl")) {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .md or .md.tmpl file under %v", paths)
	}

	prose := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		prose[f] = proseLines(string(b))
	}

	var findings []string
	spelling, err := misspelt(files, prose, words)
	if err != nil {
		return nil, err
	}
	findings = append(findings, spelling...)
	style, err := proselint(files, prose, proselintConfig)
	if err != nil {
		return nil, err
	}
	findings = append(findings, style...)
	return findings, nil
}

var (
	codeSpan       = regexp.MustCompile("`[^`]*`")
	templateAction = regexp.MustCompile(`\{\{.*?\}\}`)
	linkTarget     = regexp.MustCompile(`\]\([^)]*\)`)
	url            = regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^\s)>|]*`)
	htmlTag        = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
)

// proseLines is the text with code blotted out, one entry per line of the
// file. Each blot is a run of backquotes as long as what it hides, so that
// line and column numbers stay those of the file, and so that it reads as
// something between the words around it: not a word, and no gap that would
// make "the `Retry-After` the API sends" a repeated "the".
func proseLines(text string) []string {
	lines := strings.Split(text, "\n")
	inFence := false
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			lines[i] = ""
			continue
		}
		if inFence {
			lines[i] = ""
			continue
		}
		for _, re := range []*regexp.Regexp{templateAction, codeSpan, linkTarget, url, htmlTag} {
			line = re.ReplaceAllStringFunc(line, func(m string) string { return strings.Repeat("`", len(m)) })
		}
		lines[i] = line
	}
	return lines
}

// proseWords are the words of a line worth a dictionary's look.
func proseWords(line string) []string {
	var words []string
	fields := strings.FieldsFunc(line, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("|*()[]{},;!?\"“”—–", r)
	})
	for _, field := range fields {
		field = strings.Trim(field, ".:'’")
		// Identifiers, paths, numbers, versions, flags and e.g.
		if field == "" || strings.ContainsAny(field, "0123456789_/\\@=#&%+~$^<>.:`") || strings.HasPrefix(field, "-") {
			continue
		}
		for _, w := range strings.Split(field, "-") {
			w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
			w = strings.Trim(w, "'’")
			if len(w) < 2 || isAcronym(w) {
				continue
			}
			words = append(words, w)
		}
	}
	return words
}

// isAcronym is true for a word in capitals, and for one in capitals with a
// plural s (TTLs, CIDRs).
func isAcronym(w string) bool {
	core := strings.TrimSuffix(w, "s")
	return len(core) > 1 && strings.ToUpper(core) == core
}

// misspelt asks hunspell which words it does not know, then says where
// each one is.
func misspelt(files []string, prose map[string][]string, words string) ([]string, error) {
	unique := map[string]bool{}
	for _, f := range files {
		for _, line := range prose[f] {
			for _, w := range proseWords(line) {
				unique[w] = true
			}
		}
	}
	var input bytes.Buffer
	for w := range unique {
		input.WriteString(w + "\n")
	}
	if _, err := os.Stat(words); err != nil {
		return nil, fmt.Errorf("the word list: %w", err)
	}
	cmd := exec.Command("hunspell", "-d", "en_US", "-i", "utf-8", "-p", words, "-l")
	cmd.Stdin = &input
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("hunspell (apt-get install hunspell hunspell-en-us, or make spellcheck): %w: %s", err, stderr.String())
	}
	unknown := map[string]bool{}
	for _, w := range strings.Fields(string(out)) {
		unknown[w] = true
	}
	var findings []string
	for _, f := range files {
		for i, line := range prose[f] {
			for _, w := range proseWords(line) {
				if unknown[w] {
					findings = append(findings, fmt.Sprintf("%s:%d: unknown word %q", f, i+1, w))
				}
			}
		}
	}
	return findings, nil
}

// proselint runs proselint over the prose of each file, written to a
// temporary directory under the file's own path, and reports what it finds
// under the file's name.
func proselint(files []string, prose map[string][]string, configDir string) ([]string, error) {
	tmp, err := os.MkdirTemp("", "spellcheck")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	config, err := filepath.Abs(configDir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(config, "proselint", "config")); err != nil {
		return nil, fmt.Errorf("proselint's configuration: %w", err)
	}
	// The copy of files[i] is prose/<i>.md.
	if err := os.Mkdir(filepath.Join(tmp, "prose"), 0o755); err != nil {
		return nil, err
	}
	var copies []string
	for i, f := range files {
		c := filepath.Join(tmp, "prose", strconv.Itoa(i)+".md")
		if err := os.WriteFile(c, []byte(strings.Join(prose[f], "\n")), 0o600); err != nil {
			return nil, err
		}
		copies = append(copies, c)
	}
	cmd := exec.Command("proselint", copies...)
	// proselint keeps what it found for a text in its cache: kept outside
	// the repository, like the other tools, it makes a second run take a
	// second instead of half a minute.
	cache := os.Getenv("PLANETSCALE_TOOLS_CACHE")
	if dir, err := os.UserCacheDir(); cache == "" && err == nil {
		cache = filepath.Join(dir, "terraform-provider-planetscale")
	}
	if cache == "" {
		cache = filepath.Join(tmp, "cache")
	}
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+config, "XDG_CACHE_HOME="+cache)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// proselint exits 1 when it finds something; only a failure to run
	// is an error here.
	if err != nil && (cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 || len(out) == 0) {
		return nil, fmt.Errorf("proselint (apt-get install python3-proselint, or make spellcheck): %w: %s", err, stderr.String())
	}
	var findings []string
	prefix := filepath.Join(tmp, "prose") + string(filepath.Separator)
	scanner := bufio.NewScanner(bytes.NewReader(out))
	for scanner.Scan() {
		line := scanner.Text()
		rest, ok := strings.CutPrefix(line, prefix)
		index, found, _ := strings.Cut(rest, ".md:")
		if i, err := strconv.Atoi(index); ok && err == nil && i < len(files) {
			findings = append(findings, files[i]+":"+found)
		} else if strings.TrimSpace(line) != "" {
			findings = append(findings, line)
		}
	}
	return findings, scanner.Err()
}
