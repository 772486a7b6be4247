package image

import "testing"

func TestInstructionLine(t *testing.T) {
	dockerfile := "# syntax comment\nFROM busybox AS base\n\nrun  echo a \\\n  # a comment\n    && echo b\nRUN --mount=type=cache,target=/c ls /c\nRUN make\nRUN make\n"
	tests := []struct {
		name, instr string
		want        int
	}{
		{"first line", "FROM busybox AS base", 2},
		{"continued, lower case keyword", "RUN echo a && echo b", 4},
		{"with a mount", "RUN --mount=type=cache,target=/c ls /c", 7},
		{"twice: the first", "RUN make", 8},
		{"absent", "RUN make install", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := instructionLine([]byte(dockerfile), tt.instr); got != tt.want {
				t.Errorf("instructionLine(%q) = %d, want %d", tt.instr, got, tt.want)
			}
		})
	}
}

func TestStepInstruction(t *testing.T) {
	for in, want := range map[string]string{
		"[2/3] RUN make":                "RUN make",
		"[build 2/3] RUN make":          "RUN make",
		"[internal] load .dockerignore": "load .dockerignore",
		"RUN make":                      "RUN make",
	} {
		if got := stepInstruction(in); got != want {
			t.Errorf("stepInstruction(%q) = %q, want %q", in, got, want)
		}
	}
}
