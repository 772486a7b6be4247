package limits

import (
	"bytes"
	"fmt"
)

// MaxTOMLTables is the most tables and arrays (headers, inline tables,
// arrays) gazr accepts in a TOML file. BurntSushi/toml spends several KB
// and up to 100 µs on each: 10,000 nested inline tables took about 1 s and
// 55 MB on a loaded machine. A real .gazr.toml has under 100.
const MaxTOMLTables = 2000

// TOMLDepth checks that no value of a TOML document nests deeper than max
// (each table header or dotted key segment, inline table and array counts
// one level), and that it holds no more than MaxTOMLTables tables and
// arrays. It only scans the bytes (strings and comments skipped), so it
// runs in linear time and constant memory on any input; a document it
// cannot follow is left for the decoder to reject. A violation is an
// *Error at the place where the nesting passes max.
func TOMLDepth(data []byte, max int) error {
	s := tomlScanner{data: data, line: 1, key: true}
	for s.i < len(s.data) {
		if err := s.step(max); err != nil {
			return err
		}
	}
	return nil
}

type tomlScanner struct {
	data      []byte
	i         int
	line, col int   // of data[i], col 0-based
	key       bool  // reading a key (before '=') rather than a value
	header    int   // levels of the current [table] header
	dots      int   // dots of the key being read
	stack     []int // levels pushed by each open '{' or '[' (negative: '[')
	depth     int
	tables    int // headers, inline tables and arrays seen
}

func (s *tomlScanner) advance(n int) {
	for _, c := range s.data[s.i : s.i+n] {
		if c == '\n' {
			s.line, s.col = s.line+1, 0
		} else {
			s.col++
		}
	}
	s.i += n
}

func (s *tomlScanner) tooDeep(max int) error {
	return &Error{Line: s.line, Col: s.col + 1, Msg: fmt.Sprintf("nests deeper than %d levels; gazr does not parse it", max)}
}

func (s *tomlScanner) tooMany() error {
	return &Error{Line: s.line, Col: s.col + 1, Msg: fmt.Sprintf("has more than %d tables and arrays; gazr does not parse it", MaxTOMLTables)}
}

func (s *tomlScanner) step(max int) error {
	c := s.data[s.i]
	switch {
	case c == '#':
		end := bytes.IndexByte(s.data[s.i:], '\n')
		if end < 0 {
			end = len(s.data) - s.i
		}
		s.advance(end)
		return nil
	case c == '"' || c == '\'':
		s.skipString(c)
		return nil
	case c == '\n':
		if len(s.stack) == 0 {
			s.key, s.dots = true, 0
		}
	case c == '[' && s.key && len(s.stack) == 0 && s.depth == 0:
		return s.tableHeader(max)
	case c == '.' && s.key:
		s.dots++
		if s.header+s.depth+s.dots+1 > max {
			return s.tooDeep(max)
		}
	case c == '=' && s.key:
		s.key = false
	case c == '{' || c == '[':
		levels := s.dots + 1
		if c == '[' {
			levels = -levels
		}
		if s.tables++; s.tables > MaxTOMLTables {
			return s.tooMany()
		}
		s.stack = append(s.stack, levels)
		s.depth += s.dots + 1
		s.key, s.dots = c == '{', 0
		if s.header+s.depth > max {
			return s.tooDeep(max)
		}
	case (c == '}' || c == ']') && len(s.stack) > 0:
		levels := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		s.depth -= max1(levels)
		s.key, s.dots = false, 0
	case c == ',' && len(s.stack) > 0 && s.stack[len(s.stack)-1] > 0:
		s.key, s.dots = true, 0
	}
	s.advance(1)
	return nil
}

// tableHeader reads a [table] or [[array]] header: its dotted name sets the
// base level of the keys under it.
func (s *tomlScanner) tableHeader(max int) error {
	if s.tables++; s.tables > MaxTOMLTables {
		return s.tooMany()
	}
	s.header = 1
	s.advance(1)
	for s.i < len(s.data) {
		switch c := s.data[s.i]; c {
		case '"', '\'':
			s.skipString(c)
			continue
		case '.':
			s.header++
			if s.header > max {
				return s.tooDeep(max)
			}
		case ']', '\n':
			return nil
		}
		s.advance(1)
	}
	return nil
}

// skipString moves past a basic, literal or multi-line string starting at
// s.i. An unterminated string ends the scan: the decoder reports it.
func (s *tomlScanner) skipString(q byte) {
	if bytes.HasPrefix(s.data[s.i:], []byte{q, q, q}) {
		end := bytes.Index(s.data[s.i+3:], []byte{q, q, q})
		if end < 0 {
			s.advance(len(s.data) - s.i)
			return
		}
		// A multi-line string may end with up to two more quotes.
		n := 3 + end + 3
		for n < len(s.data)-s.i && s.data[s.i+n] == q && n < 3+end+5 {
			n++
		}
		s.advance(n)
		return
	}
	j := s.i + 1
	for j < len(s.data) && s.data[j] != q && s.data[j] != '\n' {
		if q == '"' && s.data[j] == '\\' {
			j++
		}
		j++
	}
	s.advance(min(j+1, len(s.data)) - s.i)
}

func max1(levels int) int {
	if levels < 0 {
		return -levels
	}
	return levels
}
