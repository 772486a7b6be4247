package compose

import (
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// posOf returns the line and column of the dotted key (as compose-go and
// its schema name it: "services.web.ports.0") in the YAML file at path, or
// 0, 0 when the file cannot be read or parsed, or has no such key.
func posOf(path, key string) (line, col int) {
	if key == "" {
		return 0, 0
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return 0, 0
	}
	if n := locate(doc.Content[0], strings.Split(key, ".")); n != nil {
		return n.Line, n.Column
	}
	return 0, 0
}

// locate walks path down from n. Map keys may themselves contain dots
// ("com.example.label"), so at a mapping the longest key matching the next
// elements of path wins.
func locate(n *yaml.Node, path []string) *yaml.Node {
	if len(path) == 0 {
		return n
	}
	switch n.Kind {
	case yaml.MappingNode:
		for j := len(path); j > 0; j-- {
			name := strings.Join(path[:j], ".")
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value != name {
					continue
				}
				if j == len(path) {
					return n.Content[i]
				}
				if found := locate(n.Content[i+1], path[j:]); found != nil {
					return found
				}
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(path[0])
		if err == nil && i >= 0 && i < len(n.Content) {
			return locate(n.Content[i], path[1:])
		}
	}
	return nil
}

// clampLine keeps a line reported by the YAML parser inside the file at
// path: at the end of a file without a final newline, it names the line
// after the last.
func clampLine(path string, line int) int {
	data, err := os.ReadFile(path)
	if err != nil || line <= 1 {
		return line
	}
	return min(line, strings.Count(string(data), "\n")+1)
}
