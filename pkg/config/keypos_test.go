package config

import (
	"strings"
	"testing"
)

func TestLocator(t *testing.T) {
	tests := []struct {
		name string
		in   string
		key  string // dotted; components hold no dots here
		want Position
	}{
		{"top-level key", "a = 1\nb = 2\n", "b", Position{2, 1}},
		{"indented key", "[t]\n   k = 1\n", "t.k", Position{2, 4}},
		{"table header", "\n[verbs.build]\n", "verbs.build", Position{2, 8}},
		{"implicit table from header", "\n[verbs.build]\n", "verbs", Position{2, 2}},
		{"spaced header", "[ verbs . build ] # c\nrun = 1\n", "verbs.build.run", Position{2, 1}},
		{"dotted key", "verbs.test-unit.run = \"x\"\n", "verbs.test-unit.run", Position{1, 17}},
		{"implicit table from dotted key", "a = 1\nverbs.test-unit.run = \"x\"\n", "verbs.test-unit", Position{2, 7}},
		{"dotted key under a table", "[verbs]\nbuild.run = 1\n", "verbs.build.run", Position{2, 7}},
		{"quoted keys", "\"verbs\" . 'test-unit' . \"run\" = 1\n", "verbs.test-unit.run", Position{1, 25}},
		{"quoted key with escapes", "[env]\n\"a\\\"b\" = 1\nc = 2\n", "env.c", Position{3, 1}},
		{"escapes in a quoted key", "[t]\n\"\\u00e9t\\U000000E9\\b\\e\\x41\" = 1\n", "t.été\b\x1bA", Position{2, 1}},
		{"inline table", "env = { A = 1, B = 2 }\n", "env.B", Position{1, 16}},
		{"nested inline table", "verbs = { build = { run = 1 } }\n", "verbs.build.run", Position{1, 21}},
		{"multi-line inline table", "env = {\n  A = 1,\n  B = { C = 2 },\n}\n", "env.B.C", Position{3, 9}},
		{"inline table string with comma", "env = { A = \"x, B = 1\", B = 2 }\n", "env.B", Position{1, 25}},
		{"first definition wins", "[verbs.build.env]\nA = \"1\"\n[verbs.build]\nrun = 1\n", "verbs.build", Position{1, 8}},
		{"array of tables", "[[verbs]]\nrun = 1\n[[verbs]]\nrun = 2\n", "verbs.run", Position{2, 1}},
		{"array of tables header", "x = 1\n[[verbs.build]]\n", "verbs.build", Position{2, 9}},
		{"comment", "# run = 1\nrun = 2 # run = 3\n", "run", Position{2, 1}},
		{"hash in a string", "a = \"#\" \nrun = 1\n", "run", Position{2, 1}},
		{"key text in a basic multi-line string", "d = \"\"\"\nrun = 1\n\"\"\"\nrun = 2\n", "run", Position{4, 1}},
		{"key text in a literal multi-line string", "d = '''\n[x]\nrun = 1\n'''\nrun = 2\n", "run", Position{5, 1}},
		{"multi-line string ending with quotes", "d = \"\"\"\nx\"\"\"\"\"\nrun = 1\n", "run", Position{3, 1}},
		{"escaped delimiter in a multi-line string", "d = \"\"\"\n\\\"\"\"\nrun = 1\n\"\"\"\nrun = 2\n", "run", Position{5, 1}},
		{"line-ending backslash", "d = \"\"\"a \\\nrun = 1\"\"\"\nrun = 2\n", "run", Position{3, 1}},
		{"multi-line string in an array", "run = [\n  \"\"\"\n  x = 1\n  \"\"\",\n]\nx = 2\n", "x", Position{6, 1}},
		{"table text in an array", "a = [\n  [1], # [x]\n  [\"[y]\"],\n]\nx = 1\n", "x", Position{5, 1}},
		{"inline tables in an array are not keys", "a = [{ x = 1 }]\nx = 2\n", "x", Position{2, 1}},
		{"date with a space", "d = 1979-05-27 07:32:00Z\nrun = 1\n", "run", Position{2, 1}},
		{"CRLF", "a = 1\r\n[t]\r\nrun = 1\r\n", "t.run", Position{3, 1}},
		{"multibyte text before a key counts bytes", "e = { \"é\" = \"ü\", B = 1 }\n", "e.B", Position{1, 20}},
		{"missing key", "a = 1\n", "b", Position{}},
		{"missing nested key", "[a]\nb = 1\n", "a.c", Position{}},
		{"empty input", "", "a", Position{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newLocator(tt.in).find(strings.Split(tt.key, ".")); got != tt.want {
				t.Errorf("find(%q) = %v, want %v in\n%s", tt.key, got, tt.want, tt.in)
			}
		})
	}
}

// TestLocatorKeyWithDot checks that a quoted key holding a dot is one
// component, not two.
func TestLocatorKeyWithDot(t *testing.T) {
	l := newLocator("[env]\n\"a.b\" = 1\n")
	if got, want := l.find([]string{"env", "a.b"}), (Position{2, 1}); got != want {
		t.Errorf("find(env, a.b) = %v, want %v", got, want)
	}
	if got := l.find([]string{"env", "a", "b"}); got != (Position{}) {
		t.Errorf("find(env, a, b) = %v, want not found", got)
	}
}

func TestSyntaxErrorPos(t *testing.T) {
	// Each case has a syntax error; the position must match the one
	// computed from the byte offset, whatever toml.ParseError's Line says.
	tests := []struct {
		name string
		in   string
		want Position
	}{
		{"mid-line", "a = 1\nb = @\n", Position{2, 5}},
		{"at end of line", "[a\nb = 1\n", Position{1, 3}},
		{"at start of line", "a = 1\na = 2\n", Position{2, 1}},
		{"at end of file without newline", "a = ", Position{1, 4}},
		{"after a BOM", "\ufeffa = 1\na = 2\n", Position{2, 1}},
		// Found by FuzzParse: toml.ParseError says line 0.
		{"unterminated string before CRLF", "\"\r\n", Position{1, 2}},
		{"unterminated string before CRLF on line 2", "a = 1\n\"\r\n", Position{2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f", []byte(tt.in))
			ce, ok := err.(*Error)
			if !ok {
				t.Fatalf("Parse error = %v (%T), want *Error", err, err)
			}
			if ce.Pos != tt.want {
				t.Errorf("Parse error at %v, want %v: %v", ce.Pos, tt.want, err)
			}
		})
	}
}
