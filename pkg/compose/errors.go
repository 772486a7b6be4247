package compose

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Error is a problem in a compose file, located at Path:Line:Col when the
// line is known (Line 0 otherwise) and the column too (Col 0 otherwise:
// some YAML errors, a duplicate key or a tab, give a line only). Its
// message is always a single line.
type Error struct {
	Path      string
	Line, Col int
	Msg       string

	cause error
}

// Error formats e as "path:line:col: message", leaving out what is
// unknown.
func (e *Error) Error() string {
	switch {
	case e.Path == "":
		return e.Msg
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	default:
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
	}
}

// Unwrap returns compose-go's own error, for errors.Is with its errdefs.
func (e *Error) Unwrap() error { return e.cause }

// translate turns an error from compose-go's loader into an *Error naming
// the file (one of files, the main file first) and, when it can be found,
// the line.
func translate(err error, files []string) *Error {
	msg := oneLine(err.Error())
	for _, f := range files {
		if rest, ok := strings.CutPrefix(msg, "failed to parse "+f+": "); ok {
			line, col, text := yamlPosition(rest)
			if clamped := clampLine(f, line); clamped != line {
				line, col = clamped, 0
			}
			return &Error{Path: f, Line: line, Col: col, Msg: text, cause: err}
		}
		if rest, ok := strings.CutPrefix(msg, "failed to read "+f+": "); ok {
			line, col, text := yamlPosition(rest) // .env: "line N: message"
			return &Error{Path: f, Line: line, Col: col, Msg: text, cause: err}
		}
		if rest, ok := strings.CutPrefix(msg, "validating "+f+": "); ok {
			key, text := schemaMessage(rest)
			line, col := posOf(f, key)
			return &Error{Path: f, Line: line, Col: col, Msg: text, cause: err}
		}
	}
	if rest, ok := strings.CutPrefix(msg, "error while interpolating "); ok {
		key, _, _ := strings.Cut(rest, ": ")
		// The last file wins a merge, so it is the likelier source.
		for i := len(files) - 1; i >= 0; i-- {
			if line, col := posOf(files[i], key); line > 0 {
				return &Error{Path: files[i], Line: line, Col: col, Msg: rest, cause: err}
			}
		}
	}
	return &Error{Path: files[0], Msg: msg, cause: err}
}

// oneLine joins the lines of a multi-line message: after a colon with a
// space, otherwise with "; ".
func oneLine(s string) string {
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimSpace(s), "\n") {
		line = strings.TrimSpace(line)
		if i > 0 {
			if strings.HasSuffix(b.String(), ":") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

var yamlMark = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: `)

// yamlPosition extracts the line and column (0 when the message gives
// none) of a YAML error message and the message without its positions. A
// message may hold several marks ("while parsing a block mapping at line 1,
// column 3: line 3, column 4: did not find expected key"): the one that
// counts is the first followed by the problem text.
func yamlPosition(msg string) (line, col int, text string) {
	msg = strings.TrimPrefix(msg, "yaml: ")
	marks := yamlMark.FindAllStringSubmatchIndex(msg, -1)
	for i, m := range marks {
		if i+1 < len(marks) && marks[i+1][0] == m[1] {
			continue
		}
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		if m[4] >= 0 {
			col, _ = strconv.Atoi(msg[m[4]:m[5]])
		}
		text = msg[m[1]:]
		if parserProblem(text) {
			// go.yaml.in/yaml/v4 (v4.0.0-rc.4) reports the line of a
			// parser error 0-based, unlike its scanner errors (its
			// columns are 1-based); see TestLoadErrors, which pins this.
			line++
		}
		return line, col, text
	}
	return 0, 0, msg
}

// parserProblem tells whether a YAML problem text comes from the YAML
// parser (as opposed to its scanner or composer).
func parserProblem(text string) bool {
	for _, p := range []string{"did not find expected", "found duplicate %", "found incompatible YAML document", "found undefined tag handle"} {
		if strings.HasPrefix(text, p) {
			return true
		}
	}
	return false
}

var additional = regexp.MustCompile(`^additional propert(?:y|ies) '([^']+)'.* not allowed$`)

// schemaMessage rewrites a compose-go schema message ("services.web.imgae
// false schema") as the dotted key it is about and a message that says
// what is wrong with it.
func schemaMessage(msg string) (key, text string) {
	key, text, _ = strings.Cut(msg, " ")
	if m := additional.FindStringSubmatch(text); m != nil {
		if key == "" {
			return m[1], fmt.Sprintf("unknown top-level key %q", m[1])
		}
		return key + "." + m[1], fmt.Sprintf("%s: unknown key %q", key, m[1])
	}
	if text == "false schema" {
		parent, name := splitKey(key)
		if parent == "" {
			return key, fmt.Sprintf("unknown top-level key %q", name)
		}
		return key, fmt.Sprintf("%s: unknown key %q", parent, name)
	}
	text = strings.NewReplacer(" a array", " an array", " a integer", " an integer", " a object", " an object").Replace(text)
	if key == "" {
		return "", text
	}
	return key, key + " " + text
}

// splitKey splits a dotted key into its parent and last element.
func splitKey(key string) (parent, name string) {
	i := strings.LastIndex(key, ".")
	if i < 0 {
		return "", key
	}
	return key[:i], key[i+1:]
}
