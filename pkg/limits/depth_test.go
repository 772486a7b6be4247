package limits

import (
	"errors"
	"strings"
	"testing"
)

func TestTOMLDepth(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		max      int
		wantLine int // 0: no error
		wantCol  int
	}{
		{"flat", "name = \"x\"\n[verbs.test]\nrun = [\"a\", \"b\"]\n", 3, 0, 0},
		{"header at the limit", "[a.b.c]\nx = 1\n", 3, 0, 0},
		{"header past the limit", "[a.b.c.d]\nx = 1\n", 3, 1, 7},
		{"dotted key under a header", "[a.b]\nc.d = 1\n", 3, 2, 2},
		{"inline tables", "a = {b = {c = {d = 1}}}\n", 2, 1, 15},
		{"arrays", "a = [[[1]]]\n", 2, 1, 7},
		{"closed levels are freed", "a = [[1], [2], [3]]\nb = {c = [1]}\n", 3, 0, 0},
		{"brackets in strings", "a = \"[[[[{{{{\"\nb = '[[[['\nc = \"\"\"\n[[[[\n\"\"\"\n", 2, 0, 0},
		{"brackets in comments", "# [[[[[[\na = 1 # {{{{{\n", 2, 0, 0},
		{"escaped quote", "a = \"\\\"[[[[\"\n", 2, 0, 0},
		{"float is no dotted key", "a = 1.5\nb = [1.5, 2.5]\n", 2, 0, 0},
		{"array of tables", "[[a.b]]\nc = 1\n", 2, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := TOMLDepth([]byte(tt.in), tt.max)
			checkDepthErr(t, err, tt.wantLine, tt.wantCol)
		})
	}
}

func TestYAMLDepth(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		max      int
		wantLine int
	}{
		{"compose", "services:\n  web:\n    image: x\n    ports:\n      - \"80:80\"\n", 5, 0},
		{"block past the limit", "a:\n  b:\n    c:\n      d:\n        e: 1\n", 4, 5},
		{"dashes", "- - - - - a\n", 4, 1},
		{"flow", "a: [[[[1]]]]\n", 4, 1},
		{"flow across lines", "a: [\n  [\n   [\n    [1]]]]\n", 4, 4},
		{"brackets in quotes", "a: \"[[[[[[\"\nb: '{{{{{{'\n", 2, 0},
		{"block scalar", "a: |\n  x:\n    y:\n      z:\n        [[[[[[\nb: 1\n", 2, 0},
		{"plain scalar with brackets", "run: echo a[0][1][2][3]\n", 2, 0},
		{"comment", "a: 1 # [[[[[[[\n", 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDepthErr(t, YAMLDepth([]byte(tt.in), tt.max), tt.wantLine, 0)
		})
	}
}

func TestYAMLAliases(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [1]\nb: [")
	for range MaxAliases + 1 {
		b.WriteString("*a, ")
	}
	b.WriteString("]\n")
	checkDepthErr(t, YAMLDepth([]byte(b.String()), MaxDepth), 2, 0)
	if err := YAMLDepth([]byte("x: &d {a: 1}\ny:\n  <<: *d\nz:\n  <<: *d\n"), MaxDepth); err != nil {
		t.Fatalf("two aliases: %v", err)
	}
}

func checkDepthErr(t *testing.T, err error, line, col int) {
	t.Helper()
	if line == 0 {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	var le *Error
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *limits.Error", err)
	}
	if le.Line != line || (col != 0 && le.Col != col) {
		t.Fatalf("error at %d:%d (%v), want %d:%d", le.Line, le.Col, err, line, col)
	}
}

func TestCounts(t *testing.T) {
	wide := "a = [" + strings.Repeat("{b = 1}, ", MaxTOMLTables) + "]\n"
	checkDepthErr(t, TOMLDepth([]byte(wide), MaxDepth), 1, 0)
	headers := strings.Repeat("[[a]]\nb = 1\n", MaxTOMLTables+1)
	checkDepthErr(t, TOMLDepth([]byte(headers), MaxDepth), 2*MaxTOMLTables+1, 1)
	if err := TOMLDepth([]byte(strings.Repeat("[[a]]\nb = [1]\n", MaxTOMLTables/2)), MaxDepth); err != nil {
		t.Errorf("%d tables: %v", MaxTOMLTables, err)
	}

	labels := "labels:\n" + strings.Repeat("  a: b\n", MaxYAMLEntries)
	checkDepthErr(t, YAMLDepth([]byte(labels), MaxDepth), MaxYAMLEntries+1, 0)
	flow := "a: [" + strings.Repeat("1, ", MaxYAMLEntries) + "]\n"
	checkDepthErr(t, YAMLDepth([]byte(flow), MaxDepth), 1, 0)
	if err := YAMLDepth([]byte("labels:\n"+strings.Repeat("  a: b\n", MaxYAMLEntries-1)), MaxDepth); err != nil {
		t.Errorf("%d entries: %v", MaxYAMLEntries, err)
	}
}
