package iostreams

import (
	"strings"
	"testing"

	"github.com/fatih/color"
)

func TestTestStreams(t *testing.T) {
	io, out, errOut := Test()
	if io.StdinTTY || io.StdoutTTY || io.StderrTTY {
		t.Errorf("Test() TTY = %v %v %v, want none", io.StdinTTY, io.StdoutTTY, io.StderrTTY)
	}
	if io.Color {
		t.Error("Test() Color = true, want false")
	}
	if io.In == nil {
		t.Error("Test() In = nil")
	}
	io.Out.Write([]byte("result"))
	io.ErrOut.Write([]byte("progress"))
	if out.String() != "result" || errOut.String() != "progress" {
		t.Errorf("out, errOut = %q, %q; want the writes to Out and ErrOut", out, errOut)
	}
	cs := io.ColorScheme()
	if got := cs.Red("x"); got != "x" {
		t.Errorf("Test() scheme Red = %q, want plain", got)
	}
}

func TestScheme(t *testing.T) {
	paints := []struct {
		name  string
		paint func(Scheme, string) string
		code  string
		reset string
	}{
		{"Bold", Scheme.Bold, "1", "22"},
		{"Green", Scheme.Green, "32", "0"},
		{"Red", Scheme.Red, "31", "0"},
		{"Yellow", Scheme.Yellow, "33", "0"},
		{"Gray", Scheme.Gray, "90", "0"},
		{"Cyan", Scheme.Cyan, "36", "0"},
	}
	for _, p := range paints {
		t.Run(p.name, func(t *testing.T) {
			for _, text := range []string{"gazr:", "", "a b ▶"} {
				off := (&IOStreams{Color: false}).ColorScheme()
				if got := p.paint(off, text); got != text {
					t.Errorf("disabled %s(%q) = %q, want unchanged", p.name, text, got)
				}
			}
			on := (&IOStreams{Color: true}).ColorScheme()
			got := p.paint(on, "gazr:")
			want := "\x1b[" + p.code + "mgazr:\x1b[" + p.reset + "m"
			if got != want {
				t.Errorf("enabled %s = %q, want %q", p.name, got, want)
			}
		})
	}
}

// TestSchemeIgnoresNoColorGlobal checks that the scheme, not fatih/color's
// global switch (set from NO_COLOR and whether stdout is a terminal),
// decides: colour goes to ErrOut, which may be a terminal when stdout is not.
func TestSchemeIgnoresNoColorGlobal(t *testing.T) {
	saved := color.NoColor
	color.NoColor = true
	t.Cleanup(func() { color.NoColor = saved })
	on := (&IOStreams{Color: true}).ColorScheme()
	if got := on.Green("ok"); !strings.HasPrefix(got, "\x1b[") || !strings.HasSuffix(got, "\x1b[0m") {
		t.Errorf("enabled Green = %q, want ANSI codes around the text", got)
	}
}

func TestSystemNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if s := System(); s.Color {
		t.Error("System() with NO_COLOR: Color = true")
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "dumb")
	if s := System(); s.Color {
		t.Error("System() with TERM=dumb: Color = true")
	}
}
