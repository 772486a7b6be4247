package plan_test

import (
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/plan"
)

// TestScriptPlacedArgs checks that a command placing the args itself is
// left unchanged, and that the args still reach it when run.
func TestScriptPlacedArgs(t *testing.T) {
	tests := []struct {
		name       string
		prelude    string
		commands   []string
		args       []string
		wantScript string
		want       string
	}{
		{
			name:       "quoted $@ in the middle",
			commands:   []string{`printf '[%s]\n' "$@" end`},
			args:       []string{"a b", "c"},
			wantScript: `printf '[%s]\n' "$@" end`,
			want:       "[a b]\n[c]\n[end]\n",
		},
		{
			name:       "unquoted $@",
			commands:   []string{`printf '[%s]\n' $@`},
			args:       []string{"x", "y"},
			wantScript: `printf '[%s]\n' $@`,
			want:       "[x]\n[y]\n",
		},
		{
			name:       "quoted $@ in the last of several commands",
			commands:   []string{"echo first", `for a in "$@"; do echo "<$a>"; done`},
			args:       []string{"one two", "three"},
			wantScript: "{ echo first\n} || exit $?\n{ for a in \"$@\"; do echo \"<$a>\"; done\n} || exit $?\n",
			want:       "first\n<one two>\n<three>\n",
		},
		{
			name:       "prelude and $@",
			prelude:    "P=pre",
			commands:   []string{`echo "$P" "$@" post`},
			args:       []string{"mid"},
			wantScript: "{ P=pre\n} || exit $?\n{ echo \"$P\" \"$@\" post\n} || exit $?\n",
			want:       "pre mid post\n",
		},
	}
	_, errSh := os.Stat("/bin/sh")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &plan.Step{Commands: tt.commands, Args: tt.args, Prelude: plan.Value{Value: tt.prelude}}
			if got := s.Script(); got != tt.wantScript {
				t.Errorf("Script = %q, want %q", got, tt.wantScript)
			}
			if n := strings.Count(s.Script(), "$@"); n != 1 {
				t.Errorf("Script %q has %d \"$@\", want 1", s.Script(), n)
			}
			argv := s.Cmd()
			wantArgv := append([]string{"sh", "-c", tt.wantScript, "gazr"}, tt.args...)
			if !reflect.DeepEqual(argv, wantArgv) {
				t.Errorf("Cmd = %q, want %q", argv, wantArgv)
			}
			if errSh != nil {
				t.Skip("no /bin/sh")
			}
			cmd := exec.Command("/bin/sh", argv[1:]...)
			cmd.Dir = t.TempDir()
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=/nonexistent"}
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("script %q: %v", s.Script(), err)
			}
			if string(out) != tt.want {
				t.Errorf("script %q args %q: got %q, want %q", s.Script(), tt.args, out, tt.want)
			}
		})
	}
}

// TestScriptPlacedArgsWithoutArgs checks a command mentioning $@ with no
// args: the script is the command itself and Cmd passes no $0.
func TestScriptPlacedArgsWithoutArgs(t *testing.T) {
	s := &plan.Step{Commands: []string{`echo "$@"`}}
	if got, want := s.Cmd(), []string{"sh", "-c", `echo "$@"`}; !reflect.DeepEqual(got, want) {
		t.Errorf("Cmd = %q, want %q", got, want)
	}
}

// TestResolveEnvReplaces checks that a verb's env setting HOME or a cache
// variable replaces the earlier entry in place, with the verb's value and
// origin, rather than adding a second entry the engine would resolve.
func TestResolveEnvReplaces(t *testing.T) {
	tests := []struct {
		name string
		cfg  string
		want []plan.EnvVar
	}{
		{
			name: "HOME",
			cfg:  "[verbs.build]\ncaches = [\"go-mod\"]\nenv = { HOME = \"/root\" }\n",
			want: []plan.EnvVar{
				{Name: "HOME", Value: "/root", Origin: ".gazr.toml:3"},
				{Name: "GOMODCACHE", Value: "/gazr/cache/go-mod", Origin: "cache go-mod"},
			},
		},
		{
			name: "a cache variable",
			cfg:  "[verbs.build]\n\nenv = { GOCACHE = \"/tmp/gocache\", A = \"1\" }\n",
			want: []plan.EnvVar{
				{Name: "HOME", Value: "/gazr/home", Origin: "gazr"},
				{Name: "GOCACHE", Value: "/tmp/gocache", Origin: ".gazr.toml:3"},
				{Name: "GOMODCACHE", Value: "/gazr/cache/go-mod", Origin: "cache go-mod"},
				{Name: "A", Value: "1", Origin: ".gazr.toml:3"},
			},
		},
		{
			name: "both, in a table",
			cfg:  "[verbs.build]\ncaches = [\"go-build\"]\n[verbs.build.env]\nGOCACHE = \"/c\"\nHOME = \"/h\"\n",
			want: []plan.EnvVar{
				{Name: "HOME", Value: "/h", Origin: ".gazr.toml:5"},
				{Name: "GOCACHE", Value: "/c", Origin: ".gazr.toml:4"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Resolve(parse(t, tt.cfg), goConv(), "build", plan.Options{Version: "v"})
			if err != nil {
				t.Fatal(err)
			}
			env := p.Steps[0].Env
			// The GAZR_* block follows unchanged.
			n := len(env) - 6
			if n < 0 || env[n].Name != "GAZR" {
				t.Fatalf("Env = %+v, want the GAZR_* block last", env)
			}
			if got := env[:n]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Env =\n%+v\nwant\n%+v", got, tt.want)
			}
			seen := map[string]bool{}
			for _, e := range p.Steps[0].EnvList() {
				name, _, _ := strings.Cut(e, "=")
				if seen[name] {
					t.Errorf("EnvList %q has %s twice", p.Steps[0].EnvList(), name)
				}
				seen[name] = true
			}
			if i := slices.IndexFunc(env, func(e plan.EnvVar) bool { return e.Name == "HOME" }); i != 0 {
				t.Errorf("HOME at index %d, want 0", i)
			}
		})
	}
}
