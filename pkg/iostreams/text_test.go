package iostreams

import "testing"

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ..."},
		{"a ⏎ b ⏎ c ⏎ d", 8, "a ⏎ b..."},
		{"ééééééé", 6, "ééé..."},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	if got, want := OneLine("  cat <<EOF\nhi\nEOF\n"), "cat <<EOF ⏎ hi ⏎ EOF"; got != want {
		t.Errorf("OneLine = %q, want %q", got, want)
	}
}
