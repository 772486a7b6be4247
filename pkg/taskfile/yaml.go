package taskfile

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/limits"
)

// parse decodes a Taskfile into its top-level mapping. A YAML error is a
// *config.Error at the line and column the parser reports.
// Nesting and aliases past limits' bounds are refused before decoding.
func parse(path string, data []byte) (mapping, error) {
	if err := limits.YAMLDepth(data, limits.MaxDepth); err != nil {
		var le *limits.Error
		errors.As(err, &le)
		return mapping{}, &config.Error{Path: path, Pos: config.Position{Line: le.Line, Col: le.Col}, Msg: le.Msg}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		pos, msg := yamlPosition(err.Error())
		if lines := bytes.Count(data, []byte("\n")) + 1; pos.Line > lines {
			// At the end of a file without a final newline the parser
			// names the line after the last (found by FuzzLoad).
			pos = config.Position{Line: lines}
		}
		return mapping{}, &config.Error{Path: path, Pos: pos, Msg: "invalid YAML: " + msg}
	}
	if len(doc.Content) == 0 {
		return mapping{}, &config.Error{Path: path, Msg: "empty Taskfile: it needs version: '3' and tasks"}
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return mapping{}, errAt(path, top, "a Taskfile must be a mapping (version, vars, tasks…), not %s", kind(top))
	}
	return mapping{top}, nil
}

// mapping is a YAML mapping node with typed look-ups.
type mapping struct{ n *yaml.Node }

// get returns the value of key, nil when absent or when m is empty.
func (m mapping) get(key string) *yaml.Node {
	if m.n == nil {
		return nil
	}
	for i := 0; i+1 < len(m.n.Content); i += 2 {
		if m.n.Content[i].Value == key {
			return m.n.Content[i+1]
		}
	}
	return nil
}

func (m mapping) str(path, key string) (string, error) {
	v := m.get(key)
	if v == nil || v.Tag == "!!null" {
		return "", nil
	}
	if v.Kind != yaml.ScalarNode {
		return "", errAt(path, v, "%s must be a string, not %s", key, kind(v))
	}
	return v.Value, nil
}

func (m mapping) boolean(path, key string) (bool, error) {
	v := m.get(key)
	if v == nil || v.Tag == "!!null" {
		return false, nil
	}
	var b bool
	if v.Kind != yaml.ScalarNode || v.Decode(&b) != nil {
		return false, errAt(path, v, "%s must be true or false, not %s", key, kind(v))
	}
	return b, nil
}

func (m mapping) strings(path, key string) ([]string, error) {
	v := m.get(key)
	if v == nil || v.Tag == "!!null" {
		return nil, nil
	}
	var out []string
	if v.Kind != yaml.SequenceNode || v.Decode(&out) != nil {
		return nil, errAt(path, v, "%s must be a list of strings, not %s", key, kind(v))
	}
	return out, nil
}

func errAt(path string, n *yaml.Node, format string, args ...any) error {
	return &config.Error{Path: path, Pos: config.Position{Line: n.Line, Col: n.Column}, Msg: fmt.Sprintf(format, args...)}
}

func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!null":
		return "null"
	}
	return n.Value
}

var yamlMark = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: `)

// yamlPosition extracts the position of a YAML error message and the
// message without its positions. A message may hold several marks ("while
// parsing a block mapping at line 1, column 3: line 3, column 4: did not
// find expected key"): the one that counts is the last, followed by the
// problem text.
func yamlPosition(msg string) (config.Position, string) {
	msg = strings.TrimPrefix(msg, "yaml: ")
	marks := yamlMark.FindAllStringSubmatchIndex(msg, -1)
	if len(marks) == 0 {
		return config.Position{}, msg
	}
	m := marks[len(marks)-1]
	var pos config.Position
	pos.Line, _ = strconv.Atoi(msg[m[2]:m[3]])
	if m[4] >= 0 {
		pos.Col, _ = strconv.Atoi(msg[m[4]:m[5]])
	}
	text := msg[m[1]:]
	if parserProblem(text) {
		// go.yaml.in/yaml/v4 (v4.0.0-rc.4) reports the line of a parser
		// error 0-based, unlike its scanner errors; TestParseErrors pins it.
		pos.Line++
	}
	return pos, text
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
