package app

import "runtime/debug"

// version is gazr's version as it prints it: Version when the build set
// it, else the module version `go install …@v1.2.3` records in the binary
// (a release installed without goreleaser's -ldflags), else "dev".
func version() string {
	return buildVersion(Version, debug.ReadBuildInfo)
}

// buildVersion is version with the build info as a parameter, for tests.
func buildVersion(set string, read func() (*debug.BuildInfo, bool)) string {
	if set != "dev" {
		return set
	}
	// "(devel)" is a build from a checkout: nothing better than "dev".
	if info, ok := read(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return set
}
