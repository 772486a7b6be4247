package limits

import (
	"bytes"
	"fmt"
	"regexp"
)

// blockIndicator matches what ends a line opening a block scalar: | or >,
// chomping and indentation indicators, maybe a comment.
var blockIndicator = regexp.MustCompile(`^[|>][-+0-9]*[ \t]*(#.*)?\r?$`)

// MaxYAMLEntries is the most entries (content lines, and items of flow
// collections) gazr accepts in a YAML file. compose-go's load time grows
// faster than linearly with a mapping's size (10,000 labels: 2 s, 30,000:
// 19 s); a large real compose file has under 1,000.
const MaxYAMLEntries = 5000

// MaxAliases is the most alias references (*name) gazr accepts in a YAML
// file. Compose files use a few (`<<: *defaults`); thousands only serve to
// multiply a document when it is decoded.
const MaxAliases = 1000

// YAMLDepth checks that a YAML document nests no deeper than max (block
// indentation levels, sequence dashes and flow [ ] { } together) and holds
// no more than MaxYAMLEntries entries and MaxAliases aliases. Like TOMLDepth it only scans the bytes,
// in linear time; it counts conservatively (content of a block scalar is
// skipped, but a quoted scalar spanning lines is read as plain text).
func YAMLDepth(data []byte, max int) error {
	var (
		indents []int // columns of the open block nodes
		flow    int   // open flow collections
		aliases int
		entries int
		block   = -1 // indentation of the key owning a block scalar being skipped
	)
	for n, line := range bytes.Split(data, []byte("\n")) {
		col := indentOf(line)
		if block >= 0 {
			if col > block || len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			block = -1
		}
		rest := line[col:]
		if len(rest) == 0 || rest[0] == '#' {
			continue
		}
		if flow == 0 {
			for len(indents) > 0 && indents[len(indents)-1] >= col {
				indents = indents[:len(indents)-1]
			}
			// "- - a" opens a node at each dash.
			for len(rest) > 1 && rest[0] == '-' && (rest[1] == ' ' || rest[1] == '\t') {
				indents = append(indents, col)
				skip := 1 + indentOf(rest[1:])
				col, rest = col+skip, rest[skip:]
			}
			indents = append(indents, col)
		}
		r := yamlLine{rest: rest, flow: flow}
		r.scan()
		flow, aliases, entries = r.flow, aliases+r.aliases, entries+1+r.items
		if r.block {
			block = col
		}
		if len(indents)+r.deepest > max {
			return &Error{Line: n + 1, Col: col + 1, Msg: fmt.Sprintf("nests deeper than %d levels; gazr does not parse it", max)}
		}
		if entries > MaxYAMLEntries {
			return &Error{Line: n + 1, Col: col + 1, Msg: fmt.Sprintf("has more than %d entries; gazr does not parse it", MaxYAMLEntries)}
		}
		if aliases > MaxAliases {
			return &Error{Line: n + 1, Col: col + 1, Msg: fmt.Sprintf("has more than %d aliases; gazr does not parse it", MaxAliases)}
		}
	}
	return nil
}

func indentOf(line []byte) int {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return i
}

// yamlLine scans one line past its indentation: flow brackets, aliases,
// quoted scalars, comments, and a block scalar indicator at its end.
type yamlLine struct {
	rest    []byte
	flow    int  // open flow collections, carried across lines
	deepest int  // most flow collections open on this line
	aliases int  // aliases on this line
	items   int  // separators (,) of flow collections on this line
	block   bool // the line ends with | or > (a block scalar follows)
}

func (l *yamlLine) scan() {
	l.deepest = l.flow
	tokenStart := true
	for i := 0; i < len(l.rest); i++ {
		c := l.rest[i]
		switch {
		case c == '#' && (i == 0 || l.rest[i-1] == ' ' || l.rest[i-1] == '\t'):
			return
		case tokenStart && (c == '"' || c == '\''):
			i = skipQuoted(l.rest, i)
		case tokenStart && (c == '[' || c == '{'):
			l.flow++
			l.deepest = max(l.deepest, l.flow)
		case (c == ']' || c == '}') && l.flow > 0:
			l.flow--
		case c == ',' && l.flow > 0:
			l.items++
		case tokenStart && c == '*':
			l.aliases++
		case tokenStart && (c == '|' || c == '>') && l.flow == 0:
			if blockIndicator.Match(l.rest[i:]) {
				l.block = true
				return
			}
		}
		tokenStart = c == ' ' || c == '\t' || c == '[' || c == '{' || c == ',' || (c == '-' && i == 0) ||
			(c == ':' && (i+1 == len(l.rest) || l.rest[i+1] == ' '))
	}
}

// skipQuoted returns the index of the quote closing the scalar opened at
// i, or the end of the line.
func skipQuoted(s []byte, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case q == '"' && s[j] == '\\':
			j++
		case s[j] == q && q == '\'' && j+1 < len(s) && s[j+1] == '\'':
			j++
		case s[j] == q:
			return j
		}
	}
	return len(s)
}
