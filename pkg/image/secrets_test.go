package image

import (
	"reflect"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

func TestComposeSecrets(t *testing.T) {
	project := &types.Project{
		Environment: types.Mapping{"NPM_TOKEN": "t0ken"},
		Secrets: types.Secrets{
			"npmrc":    {File: "/src/shop/.npmrc"},
			"npm":      {Environment: "NPM_TOKEN"},
			"unset":    {Environment: "GAZR_NOT_SET"},
			"external": {External: types.External(true)},
		},
	}
	tests := []struct {
		name    string
		in      []types.ServiceSecretConfig
		want    map[string]BuildSecret
		wantErr string
	}{
		{name: "none", in: nil, want: nil},
		{name: "file, by its source", in: []types.ServiceSecretConfig{{Source: "npmrc"}},
			want: map[string]BuildSecret{"npmrc": {File: "/src/shop/.npmrc"}}},
		{name: "environment, by its target", in: []types.ServiceSecretConfig{{Source: "npm", Target: "token"}},
			want: map[string]BuildSecret{"token": {Value: []byte("t0ken")}}},
		{name: "undefined", in: []types.ServiceSecretConfig{{Source: "nope"}},
			wantErr: `build secret "nope" is not defined in the top-level secrets`},
		{name: "variable not set", in: []types.ServiceSecretConfig{{Source: "unset"}},
			wantErr: `build secret "unset": environment variable GAZR_NOT_SET is not set`},
		{name: "external", in: []types.ServiceSecretConfig{{Source: "external"}},
			wantErr: `build secret "external": only file and environment secrets can be given to a build`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ComposeSecrets(project, &types.BuildConfig{Secrets: tt.in})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
