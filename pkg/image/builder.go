package image

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// BuildAPI is what a build needs of the engine: the build endpoint, a
// ping (does the engine have BuildKit?) and the hijacked connection of a
// BuildKit session. *client.Client has all three.
type BuildAPI interface {
	client.ImageBuildAPIClient
	Ping(ctx context.Context, options client.PingOptions) (client.PingResult, error)
	DialHijack(ctx context.Context, url, proto string, meta map[string][]string) (net.Conn, error)
}

// minBuildKitAPI is the first Engine API version whose builds take
// version=2 (BuildKit) outside experimental mode (Docker 18.09).
const minBuildKitAPI = "1.39"

// builderChoice is the builder a build uses, and why when it is the
// legacy one.
type builderChoice struct {
	version build.BuilderVersion
	why     string // why the legacy builder, for its errors
}

// chooseBuilder picks the builder as the docker CLI does: DOCKER_BUILDKIT
// when set (a boolean: 0 forces the legacy builder, 1 BuildKit), else
// BuildKit when the engine has it: an API of 1.39 or later on an engine
// that is not Windows.
func chooseBuilder(ctx context.Context, api BuildAPI) (builderChoice, error) {
	if v := os.Getenv("DOCKER_BUILDKIT"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return builderChoice{}, fmt.Errorf("DOCKER_BUILDKIT=%q: want 1 (BuildKit) or 0 (the legacy builder)", v)
		}
		if on {
			return builderChoice{version: build.BuilderBuildKit}, nil
		}
		return builderChoice{version: build.BuilderV1, why: "DOCKER_BUILDKIT=0 forces the legacy builder: unset it to build with BuildKit"}, nil
	}
	ping, err := api.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		return builderChoice{}, fmt.Errorf("ask the engine for BuildKit: %w", err)
	}
	switch {
	case strings.EqualFold(ping.OSType, "windows"):
		return builderChoice{version: build.BuilderV1, why: "this Windows engine has no BuildKit"}, nil
	case ping.APIVersion != "" && versionLess(ping.APIVersion, minBuildKitAPI):
		return builderChoice{version: build.BuilderV1, why: fmt.Sprintf("this engine (API %s) has no BuildKit: upgrade it to Docker 18.09 or later", ping.APIVersion)}, nil
	}
	return builderChoice{version: build.BuilderBuildKit}, nil
}

// versionLess compares API versions ("1.41" < "1.100").
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}
