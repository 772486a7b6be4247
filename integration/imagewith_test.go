package integration

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"
)

// imagewith tag base file dest — make the image tag: base with the work
// directory's file at dest (mode 0755), for a tool no offline image has (a
// stand-in on the PATH of every step). No build, no registry: a container
// of base gets the file and is committed. The image is removed when the
// script ends.
func cmdImageWith(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: imagewith tag base file dest")
	}
	tag, base, dest := args[0], args[1], args[3]
	data, err := os.ReadFile(ts.MkAbs(args[2]))
	ts.Check(err)
	var archive bytes.Buffer
	tw := tar.NewWriter(&archive)
	ts.Check(tw.WriteHeader(&tar.Header{Name: path.Base(dest), Mode: 0o755, Size: int64(len(data))}))
	_, err = tw.Write(data)
	ts.Check(err)
	ts.Check(tw.Close())

	cli := engine(ts)
	defer cli.Close()
	ctx := context.Background()
	c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: base}})
	ts.Check(err)
	defer cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true})
	_, err = cli.CopyToContainer(ctx, c.ID, client.CopyToContainerOptions{DestinationPath: path.Dir(dest), Content: &archive})
	ts.Check(err)
	_, err = cli.ContainerCommit(ctx, c.ID, client.ContainerCommitOptions{Reference: tag, Comment: "gazr integration test: " + base + " with " + dest})
	ts.Check(err)
	ts.Defer(func() {
		cli := engine(ts)
		defer cli.Close()
		if _, err := cli.ImageRemove(context.Background(), tag, client.ImageRemoveOptions{Force: true}); err != nil {
			ts.Logf("removing %s: %v", tag, err)
		}
	})
}
