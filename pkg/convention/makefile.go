package convention

import (
	"bufio"
	"os"
	"regexp"
	"strings"

	"github.com/gazr-io/gazr/pkg/config"
)

// targetRE matches a rule line "name other: deps"; it excludes variable
// assignments (":=", "::=") and recipe lines (they start with a tab).
var targetRE = regexp.MustCompile(`^([A-Za-z0-9_.\- ]+?)\s*::?(?:[^:=]|$)`)

// makeTargets returns the gazr verbs that the Makefile at path defines as
// targets, in the order of config.Verbs.
func makeTargets(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	found := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "\t") {
			continue
		}
		m := targetRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, t := range strings.Fields(m[1]) {
			found[t] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var out []string
	for _, v := range config.Verbs {
		if found[v] {
			out = append(out, v)
		}
	}
	return out, nil
}

// makefileConvention builds the effective convention of a gazr-style
// Makefile: `make <verb>` for each target, in the image and with the caches
// of the language convention found beside it, if any.
func makefileConvention(mk, lang *Convention, targets []string) *Convention {
	c := *mk
	c.Verbs = map[string]Verb{}
	for _, t := range targets {
		c.Verbs[t] = Verb{Run: []string{"make " + t}}
	}
	borrow(&c, lang)
	return &c
}
