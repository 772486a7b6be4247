package config

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// repoRoot is the repository's root, seen from this package.
const repoRoot = "../.."

// markdownPages are the pages whose links TestDocsLinks checks, as
// slash-separated paths from the repository's root: the top-level pages
// and every page under docs/.
func markdownPages(t *testing.T) []string {
	t.Helper()
	pages := []string{"README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"}
	err := filepath.WalkDir(filepath.Join(repoRoot, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(repoRoot, p)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

var (
	// fence opens or closes a fenced code block, possibly indented.
	fence = regexp.MustCompile("^ *(```|~~~)")
	// codeSpan is inline code: a link inside it is an example, not a link.
	codeSpan = regexp.MustCompile("`+[^`]*`+")
	// inlineLink is [text](target) or ![alt](target), with an optional title.
	inlineLink = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	// refLink is a reference definition: [label]: target.
	refLink = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s+(\S+)`)
	// heading is an ATX heading's line.
	heading = regexp.MustCompile(`^#{1,6} `)
	// scheme starts an absolute URL (https:, mailto:…).
	scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// line is a line of a page and its number.
type line struct {
	n    int
	text string
}

// prose is a Markdown page's lines outside fenced code blocks, in order.
func prose(text string) []line {
	var lines []line
	in := false
	for i, l := range strings.Split(text, "\n") {
		if fence.MatchString(l) {
			in = !in
			continue
		}
		if !in {
			lines = append(lines, line{i + 1, l})
		}
	}
	return lines
}

// slug is the anchor GitHub gives a heading: its text lower-cased, with
// everything but letters, digits, '_', '-' and spaces removed, and spaces
// made '-'.
func slug(text string) string {
	text = inlineLink.ReplaceAllStringFunc(text, func(l string) string { return l[1:strings.Index(l, "](")] })
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors are the anchors of a page's headings, numbered as GitHub
// numbers repeated ones (x, x-1, x-2…).
func anchors(text string) map[string]bool {
	seen := map[string]int{}
	out := map[string]bool{}
	for _, l := range prose(text) {
		if !heading.MatchString(l.text) {
			continue
		}
		h := strings.TrimSpace(strings.TrimRight(strings.TrimLeft(l.text, "#"), "#"))
		a := slug(h)
		if n := seen[a]; n > 0 {
			seen[a]++
			a += "-" + itoa(n)
		} else {
			seen[a] = 1
		}
		out[a] = true
	}
	return out
}

// TestSlug: slug gives GitHub's anchors (the first four are headings the
// README, docs/chaos.md and docs/json.md linked before this test existed).
func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Onboarding: `gazr init` / `gazr doctor`", "onboarding-gazr-init--gazr-doctor"},
		{"Replica schedules: `[[env.<name>.schedule]]`", "replica-schedules-envnameschedule"},
		{"`gazr list --json`", "gazr-list---json"},
		{"Continuous experiments: `every`", "continuous-experiments-every"},
		{"Dependencies, parallel runs, skipping unchanged work", "dependencies-parallel-runs-skipping-unchanged-work"},
		{"See [the guide](guide.md)", "see-the-guide"},
	}
	for _, tt := range tests {
		if got := slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDocsLinks: every relative link of the README, CONTRIBUTING.md,
// ARCHITECTURE.md and docs/ leads to a file or directory of the
// repository, and a link to a heading (page.md#anchor, #anchor) to a
// heading of that page, so moving text between pages cannot leave a link
// behind.
func TestDocsLinks(t *testing.T) {
	pages := markdownPages(t)
	cache := map[string]map[string]bool{}
	headings := func(page string) map[string]bool {
		if a, ok := cache[page]; ok {
			return a
		}
		data, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		cache[page] = anchors(string(data))
		return cache[page]
	}
	checked := 0
	for _, page := range pages {
		data, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		for _, pl := range prose(string(data)) {
			n, l := pl.n, codeSpan.ReplaceAllString(pl.text, "code")
			var targets []string
			for _, m := range inlineLink.FindAllStringSubmatch(l, -1) {
				targets = append(targets, m[1])
			}
			if m := refLink.FindStringSubmatch(l); m != nil {
				targets = append(targets, m[1])
			}
			for _, target := range targets {
				if scheme.MatchString(target) {
					continue
				}
				checked++
				file, anchor, _ := strings.Cut(strings.Trim(target, "<>"), "#")
				dest := page
				if file != "" {
					dest = path.Join(path.Dir(page), file)
					if strings.HasPrefix(dest, "../") || path.IsAbs(file) {
						t.Errorf("%s:%d: link %q leaves the repository", page, n, target)
						continue
					}
					if _, err := os.Stat(filepath.Join(repoRoot, filepath.FromSlash(dest))); err != nil {
						t.Errorf("%s:%d: link %q: no file %s", page, n, target, dest)
						continue
					}
				}
				if anchor != "" && strings.HasSuffix(dest, ".md") && !headings(dest)[anchor] {
					t.Errorf("%s:%d: link %q: %s has no heading with anchor #%s", page, n, target, dest, anchor)
				}
			}
		}
	}
	t.Logf("%d relative links checked", checked)
	if checked < 50 {
		t.Errorf("checked %d relative links: the link pattern no longer matches the pages'", checked)
	}
}

// TestDocsIndex: the README's table of documentation links every page of
// docs/, so a new page is found from the front door.
func TestDocsIndex(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range markdownPages(t) {
		if strings.HasPrefix(page, "docs/") && !strings.Contains(string(readme), "]("+page+")") {
			t.Errorf("README.md does not link %s: add it to the documentation table", page)
		}
	}
}

// TestDocsTestCommand: the test command .ci/run ends with is the one the
// README and CONTRIBUTING.md show (.ci/run: "keep it identical to the
// README's").
func TestDocsTestCommand(t *testing.T) {
	run, err := os.ReadFile(filepath.Join(repoRoot, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(run)), "\n")
	cmd := lines[len(lines)-1]
	if !strings.HasPrefix(cmd, "go test ") {
		t.Fatalf(".ci/run's last line is %q, not the test command", cmd)
	}
	for _, page := range []string{"README.md", "CONTRIBUTING.md"} {
		data, err := os.ReadFile(filepath.Join(repoRoot, page))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "```sh\n"+cmd+"\n```") {
			t.Errorf("%s does not show .ci/run's test command in a sh block: %s", page, cmd)
		}
	}
}
