package image

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// pingAPI answers Ping only.
type pingAPI struct {
	BuildAPI
	ping client.PingResult
	err  error
}

func (p pingAPI) Ping(context.Context, client.PingOptions) (client.PingResult, error) {
	return p.ping, p.err
}

func TestChooseBuilder(t *testing.T) {
	tests := []struct {
		name, env string
		ping      client.PingResult
		pingErr   error
		want      build.BuilderVersion
		wantWhy   string
		wantErr   string
	}{
		{name: "engine with BuildKit", ping: client.PingResult{APIVersion: "1.41", OSType: "linux"}, want: build.BuilderBuildKit},
		{name: "newer API", ping: client.PingResult{APIVersion: "1.100", OSType: "linux"}, want: build.BuilderBuildKit},
		{name: "engine preferring the legacy builder", ping: client.PingResult{APIVersion: "1.41", OSType: "linux", BuilderVersion: build.BuilderV1}, want: build.BuilderBuildKit},
		{name: "old engine", ping: client.PingResult{APIVersion: "1.38", OSType: "linux"}, want: build.BuilderV1, wantWhy: "API 1.38"},
		{name: "windows", ping: client.PingResult{APIVersion: "1.41", OSType: "windows"}, want: build.BuilderV1, wantWhy: "Windows"},
		{name: "forced off", env: "0", want: build.BuilderV1, wantWhy: "DOCKER_BUILDKIT=0"},
		{name: "forced on, old engine", env: "true", ping: client.PingResult{APIVersion: "1.30"}, want: build.BuilderBuildKit},
		{name: "bad variable", env: "maybe", wantErr: `DOCKER_BUILDKIT="maybe"`},
		{name: "no engine", pingErr: errors.New("connection refused"), wantErr: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DOCKER_BUILDKIT", tt.env)
			got, err := chooseBuilder(t.Context(), pingAPI{ping: tt.ping, err: tt.pingErr})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.version != tt.want || !strings.Contains(got.why, tt.wantWhy) {
				t.Errorf("got %+v, want version %s, why containing %q", got, tt.want, tt.wantWhy)
			}
		})
	}
}
