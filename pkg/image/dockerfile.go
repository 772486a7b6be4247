package image

import (
	"bufio"
	"bytes"
	"strings"
)

// instructionLine returns the line (from 1) of the Dockerfile instruction
// whose text is instr ("RUN make test", as BuildKit names a step), or 0
// when none matches: comparing without case in the keyword and with runs
// of blanks as one, an instruction continued over lines ("\") being one.
// BuildKit's built-in frontend in Docker 20.10 names a failed step but not
// its line; a step whose text differs from the file's (variables expanded)
// gets no line.
func instructionLine(dockerfile []byte, instr string) int {
	want := normalizeInstruction(instr)
	if want == "" {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(dockerfile))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var logical strings.Builder
	start, n := 0, 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimSpace(line)
		if logical.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if logical.Len() > 0 && strings.HasPrefix(trimmed, "#") {
			continue // a comment inside a continued instruction
		}
		if logical.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(line, "\\") {
			logical.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		logical.WriteString(line)
		if normalizeInstruction(logical.String()) == want {
			return start
		}
		logical.Reset()
	}
	return 0
}

// normalizeInstruction upper-cases the keyword and makes every run of
// blanks one space.
func normalizeInstruction(s string) string {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return ""
	}
	fields[0] = strings.ToUpper(fields[0])
	return strings.Join(fields, " ")
}
