package shell

import "testing"

func TestJoin(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"-run", "TestX", "./pkg/...", "-count=1", "a@b:c,d%e+f"}, "-run TestX ./pkg/... -count=1 a@b:c,d%e+f"},
		{[]string{"a b"}, "'a b'"},
		{[]string{"a", "b"}, "a b"},
		{[]string{""}, "''"},
		{[]string{"it's"}, `'it'\''s'`},
		{[]string{"$HOME", "*", "a\nb"}, "'$HOME' '*' 'a\nb'"},
	}
	for _, tt := range tests {
		if got := Join(tt.in); got != tt.want {
			t.Errorf("Join(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
