package config

import (
	"strconv"
	"strings"
)

// locator finds the line and column where a dotted key is defined.
//
// BurntSushi/toml reports positions for syntax errors but not for keys, and
// gazr wants "file:line:col" on every error, including unknown keys and
// wrong types found after a successful parse. The file already parsed, so
// a small scanner that does not validate is enough: it walks [table] and
// [[array]] headers, dotted and quoted keys and inline tables (multi-line
// ones too, as TOML 1.1 allows), and skips strings, comments and other
// values, recording where each key path first appears.
type locator struct {
	pos map[string]Position
}

func newLocator(data string) *locator {
	s := &keyScanner{src: data, line: 1, pos: map[string]Position{}}
	s.document()
	return &locator{pos: s.pos}
}

// find returns the position of key path, or the zero Position when the key
// cannot be found. The column is that of the path's last component. A key
// only defined implicitly, by a longer dotted key or table header
// ("verbs.test.run = …" for verbs.test), is found where it first appears.
func (l *locator) find(path []string) Position {
	return l.pos[strings.Join(path, "\x00")]
}

// keyScanner walks a TOML document, recording key positions in pos.
type keyScanner struct {
	src             string
	i               int // offset of the next byte
	line, lineStart int // line of src[i] and offset where it starts
	pos             map[string]Position
}

func (s *keyScanner) peek() byte {
	if s.i < len(s.src) {
		return s.src[s.i]
	}
	return 0
}

func (s *keyScanner) next() {
	if s.peek() == '\n' {
		s.line, s.lineStart = s.line+1, s.i+1
	}
	s.i++
}

// document scans key/value lines and table headers to the end of src.
func (s *keyScanner) document() {
	var table []string
	for s.space(true); s.i < len(s.src); s.space(true) {
		from := s.i
		if s.peek() == '[' {
			s.next()
			if s.peek() == '[' {
				s.next()
			}
			table = s.key(nil, true)
		} else {
			s.value(s.key(table, true), true)
		}
		for s.i < len(s.src) && s.peek() != '\n' { // rest of line: ] or comment
			s.next()
		}
		if s.i == from {
			s.next()
		}
	}
}

// space skips blanks and comments, and newlines when multiline is set.
func (s *keyScanner) space(multiline bool) {
	for s.i < len(s.src) {
		switch c := s.peek(); {
		case c == ' ' || c == '\t' || c == '\r' || (c == '\n' && multiline):
			s.next()
		case c == '#':
			for s.i < len(s.src) && s.peek() != '\n' {
				s.next()
			}
		default:
			return
		}
	}
}

// key reads a dotted key defined under prefix, records the position of
// each component path when rec is set, and returns the full path.
func (s *keyScanner) key(prefix []string, rec bool) []string {
	path := append([]string{}, prefix...)
	for {
		s.space(false)
		pos := Position{Line: s.line, Col: s.i - s.lineStart + 1}
		var name string
		switch s.peek() {
		case '"', '\'':
			name = s.str()
		default:
			from := s.i
			for s.i < len(s.src) && !strings.ContainsRune(" \t\r\n=.[]{},#\"'", rune(s.peek())) {
				s.next()
			}
			name = s.src[from:s.i]
		}
		path = append(path, name)
		if k := strings.Join(path, "\x00"); rec && s.pos[k] == (Position{}) {
			s.pos[k] = pos
		}
		s.space(false)
		if s.peek() != '.' {
			return path
		}
		s.next()
	}
}

// value skips the value after "key", recording the keys of inline tables
// when rec is set (keys inside arrays are not addressable by path).
func (s *keyScanner) value(path []string, rec bool) {
	s.space(false)
	if s.peek() == '=' {
		s.next()
	}
	s.space(false)
	switch s.peek() {
	case '"', '\'':
		s.str()
	case '[':
		s.list('[', ']', func() { s.value(nil, false) })
	case '{':
		s.list('{', '}', func() { s.value(s.key(path, rec), rec) })
	default: // numbers, booleans, dates (which may hold a space)
		for s.i < len(s.src) && !strings.ContainsRune(",]}\r\n#", rune(s.peek())) {
			s.next()
		}
	}
}

// list skips an array or inline table, calling elem for each element.
func (s *keyScanner) list(open, end byte, elem func()) {
	s.next() // open
	for s.space(true); s.i < len(s.src); s.space(true) {
		from := s.i
		switch s.peek() {
		case end:
			s.next()
			return
		case ',':
			s.next()
		default:
			elem()
		}
		if s.i == from {
			s.next()
		}
	}
}

// str reads a basic, literal or multi-line string and returns its content,
// with the escapes of basic strings resolved, as a quoted key needs.
func (s *keyScanner) str() string {
	q := s.peek()
	delim := string(q)
	if strings.HasPrefix(s.src[s.i:], strings.Repeat(delim, 3)) {
		delim = strings.Repeat(delim, 3)
	}
	for range delim {
		s.next()
	}
	var b strings.Builder
	for s.i < len(s.src) {
		c := s.peek()
		switch {
		case q == '"' && c == '\\':
			s.next()
			s.escape(&b)
		case strings.HasPrefix(s.src[s.i:], delim):
			for range delim {
				s.next()
			}
			// Up to two more quotes belong to a multi-line string: """a""""
			for n := 0; len(delim) == 3 && n < 2 && s.peek() == q; n++ {
				b.WriteByte(q)
				s.next()
			}
			return b.String()
		case c == '\n' && len(delim) == 1:
			return b.String()
		default:
			b.WriteByte(c)
			s.next()
		}
	}
	return b.String()
}

// escape reads the escape sequence after a backslash into b. A backslash
// ending a line of a multi-line string writes nothing: only keys need the
// text, and keys are single-line.
func (s *keyScanner) escape(b *strings.Builder) {
	c := s.peek()
	s.next()
	digits := 0
	switch c {
	case 'b':
		b.WriteByte('\b')
	case 't':
		b.WriteByte('\t')
	case 'n':
		b.WriteByte('\n')
	case 'f':
		b.WriteByte('\f')
	case 'r':
		b.WriteByte('\r')
	case 'e':
		b.WriteByte(0x1b)
	case '"', '\\':
		b.WriteByte(c)
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	}
	from := s.i
	for ; digits > 0 && s.i < len(s.src); digits-- {
		s.next()
	}
	if from < s.i {
		if r, err := strconv.ParseUint(s.src[from:s.i], 16, 32); err == nil {
			b.WriteRune(rune(r))
		}
	}
}
