package config

import (
	"strings"
)

// locator finds the line and column where a dotted key is defined.
//
// BurntSushi/toml reports positions for syntax errors but not for keys, and
// gazr wants "file:line:col" on every error, including unknown keys and
// wrong types found after a successful parse. The file already parsed, so a
// line-oriented scan is enough: it follows [table] headers, dotted keys and
// one level of inline tables, and skips multi-line strings.
type locator struct {
	lines []string
}

func newLocator(data string) *locator {
	return &locator{lines: strings.Split(data, "\n")}
}

// find returns the position of key path, or the zero Position when the key
// cannot be found.
func (l *locator) find(path []string) Position {
	want := strings.Join(path, "\x00")
	var table []string
	inString := ""
	for i, line := range l.lines {
		if inString != "" {
			if strings.Count(line, inString)%2 == 1 {
				inString = ""
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if strings.HasPrefix(trimmed, "[") {
			header := strings.Trim(trimmed, "[]")
			if j := strings.Index(header, "]"); j >= 0 {
				header = header[:j]
			}
			table = splitKey(header)
			if strings.Join(table, "\x00") == want {
				return Position{Line: i + 1, Col: indent + 1 + strings.Index(trimmed, strings.TrimSpace(header))}
			}
			continue
		}
		eq := keyEnd(trimmed)
		if eq < 0 {
			continue
		}
		full := append(append([]string{}, table...), splitKey(trimmed[:eq])...)
		if strings.Join(full, "\x00") == want {
			return Position{Line: i + 1, Col: indent + 1}
		}
		value := strings.TrimSpace(trimmed[eq+1:])
		if p, ok := l.findInline(full, value, want); ok {
			return Position{Line: i + 1, Col: indent + 1 + len(trimmed) - len(value) + p}
		}
		for _, delim := range []string{`"""`, `'''`} {
			if strings.Count(value, delim)%2 == 1 {
				inString = delim
			}
		}
	}
	return Position{}
}

// findInline looks for want among the keys of an inline table value
// ("{ A = 1, B = 2 }") defined at prefix, returning the key's byte offset.
func (l *locator) findInline(prefix []string, value, want string) (int, bool) {
	if !strings.HasPrefix(value, "{") {
		return 0, false
	}
	off := 1
	for _, part := range strings.Split(value[1:], ",") {
		lead := len(part) - len(strings.TrimLeft(part, " \t"))
		p := strings.TrimSpace(part)
		if eq := keyEnd(p); eq >= 0 {
			full := append(append([]string{}, prefix...), splitKey(p[:eq])...)
			if strings.Join(full, "\x00") == want {
				return off + lead, true
			}
		}
		off += len(part) + 1
	}
	return 0, false
}

// keyEnd returns the index of the '=' ending the key part of a key/value
// line, or -1 when the line is not one.
func keyEnd(s string) int {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		case c == '#' || c == '[' || c == '{':
			return -1
		}
	}
	return -1
}

// splitKey splits a dotted TOML key, removing quotes and spaces.
func splitKey(s string) []string {
	var parts []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}
