package onboard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreateEnv(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string // name -> content; "->x" makes a symlink to x
		modes    map[string]os.FileMode
		dryRun   bool
		want     EnvResult
		wantEnv  string // content of .env after; "" when absent
		wantMode os.FileMode
	}{
		{name: "from .env.example", files: map[string]string{".env.example": "A=1\n", ".env.dist": "B=2\n"},
			want: EnvResult{From: ".env.example"}, wantEnv: "A=1\n", wantMode: 0o600},
		{name: "from .env.dist", files: map[string]string{".env.dist": "B=2\n"},
			want: EnvResult{From: ".env.dist"}, wantEnv: "B=2\n", wantMode: 0o600},
		{name: "source mode narrower", files: map[string]string{".env.example": "A=1\n"}, modes: map[string]os.FileMode{".env.example": 0o400},
			want: EnvResult{From: ".env.example"}, wantEnv: "A=1\n", wantMode: 0o400},
		{name: "existing .env untouched", files: map[string]string{".env.example": "A=1\n", ".env": "MINE=1\n"},
			modes: map[string]os.FileMode{".env": 0o644},
			want:  EnvResult{Exists: true}, wantEnv: "MINE=1\n", wantMode: 0o644},
		{name: "empty .env is still a .env", files: map[string]string{".env.example": "A=1\n", ".env": ""},
			want: EnvResult{Exists: true}, wantMode: 0o644},
		{name: "dangling symlink is a .env", files: map[string]string{".env.example": "A=1\n", ".env": "->nowhere"},
			want: EnvResult{Exists: true}},
		{name: "no template", files: map[string]string{"go.mod": "module x\n"}, want: EnvResult{}},
		{name: "template is a directory", files: map[string]string{".env.example/x": "", ".env.dist": "B=2\n"},
			want: EnvResult{From: ".env.dist"}, wantEnv: "B=2\n", wantMode: 0o600},
		{name: "dry run writes nothing", files: map[string]string{".env.example": "A=1\n"}, dryRun: true,
			want: EnvResult{From: ".env.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if target, ok := strings.CutPrefix(content, "->"); ok {
					if err := os.Symlink(target, p); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				if m, ok := tt.modes[name]; ok {
					if err := os.Chmod(p, m); err != nil {
						t.Fatal(err)
					}
				}
			}
			got, err := CreateEnv(dir, tt.dryRun)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("CreateEnv = %+v, want %+v", got, tt.want)
			}
			env := filepath.Join(dir, ".env")
			fi, err := os.Lstat(env)
			if tt.files[".env"] != "" && tt.files[".env"][0] == '-' {
				if err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Errorf(".env symlink replaced: %v %v", fi, err)
				}
				return
			}
			_, had := tt.files[".env"]
			if tt.wantEnv == "" && !had {
				if err == nil {
					t.Errorf(".env created, want none")
				}
				return
			}
			data, err := os.ReadFile(env)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tt.wantEnv {
				t.Errorf(".env = %q, want %q", data, tt.wantEnv)
			}
			if tt.wantMode != 0 && fi.Mode().Perm() != tt.wantMode {
				t.Errorf(".env mode = %o, want %o", fi.Mode().Perm(), tt.wantMode)
			}
		})
	}
}

// TestCreateEnvTwice: the second call changes nothing, even when the
// template changed meanwhile.
func TestCreateEnvTwice(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env.example"), []byte("A=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := CreateEnv(dir, false); err != nil || got.From != ".env.example" {
		t.Fatalf("first CreateEnv = %+v, %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("EDITED=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env.example"), []byte("A=2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := CreateEnv(dir, false); err != nil || !got.Exists {
		t.Fatalf("second CreateEnv = %+v, %v", got, err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, ".env")); string(data) != "EDITED=1\n" {
		t.Errorf(".env = %q, want the user's edit kept", data)
	}
}

// TestCreateEnvSymlinkOutside: a template leading out of the project is
// refused, one line, and no .env is written; one inside is copied.
func TestCreateEnvSymlinkOutside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte("KEY=private\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, ".env.example")); err != nil {
		t.Fatal(err)
	}
	_, err := CreateEnv(root, false)
	if err == nil || !strings.Contains(err.Error(), "outside the project") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("CreateEnv error = %v, want one line saying the template is outside the project", err)
	}
	if _, err := os.Lstat(filepath.Join(root, EnvFile)); err == nil {
		t.Error(".env was written")
	}

	inside := t.TempDir()
	if err := os.WriteFile(filepath.Join(inside, "env.template"), []byte("A=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("env.template", filepath.Join(inside, ".env.example")); err != nil {
		t.Fatal(err)
	}
	if res, err := CreateEnv(inside, false); err != nil || res.From != ".env.example" {
		t.Fatalf("CreateEnv with a link inside = %+v, %v; want a copy", res, err)
	}
}
