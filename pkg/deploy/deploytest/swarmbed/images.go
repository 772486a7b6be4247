package swarmbed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// Load loads host images into every running node: one `docker save` stream
// from the host engine is copied to a `docker load` on each node, all at
// once, without temporary files. Nodes stopped by StopNode are skipped
// (their images persist in their volume).
func (b *Bed) Load(ctx context.Context, images ...string) error {
	nodes := b.running()
	if len(nodes) == 0 && len(images) > 0 {
		return fmt.Errorf("swarmbed %s: load %v: no node is running", b.Name, images)
	}
	return b.loadNodes(ctx, nodes, images...)
}

// loadNodes is Load into the given nodes.
func (b *Bed) loadNodes(ctx context.Context, nodes []int, images ...string) error {
	if len(images) == 0 {
		return nil
	}
	if err := checkImages(ctx, b.host, images...); err != nil {
		return err
	}
	t0 := time.Now()
	save, err := b.host.ImageSave(ctx, images)
	if err != nil {
		return fmt.Errorf("swarmbed %s: save %v on the host: %w", b.Name, images, err)
	}
	defer save.Close()

	pipes := make([]*io.PipeWriter, len(nodes))
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for k, i := range nodes {
		pr, pw := io.Pipe()
		pipes[k] = pw
		wg.Go(func() {
			errs[k] = b.loadInto(ctx, i, pr, t0, images)
			// Unblocks the copy below if the load stopped reading early.
			pr.CloseWithError(fmt.Errorf("load into node %d ended", i))
		})
	}
	n, saveErr := copyToAll(pipes, save)
	for _, pw := range pipes {
		pw.CloseWithError(saveErr) // nil: EOF for the readers
	}
	wg.Wait()
	if saveErr != nil {
		errs = append(errs, fmt.Errorf("save %v on the host: %w", images, saveErr))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("swarmbed %s: %w", b.Name, err)
	}
	b.logf("loaded %v (%.1f MB) into %d nodes in %s", images, float64(n)/1e6, len(nodes), since(t0))
	return nil
}

// loadInto streams an image archive into node i's engine and waits for the
// load to finish, failing on an error reported in its progress stream.
func (b *Bed) loadInto(ctx context.Context, i int, archive io.Reader, t0 time.Time, images []string) error {
	c, err := b.Client(i)
	if err != nil {
		return err
	}
	n, _ := b.Node(i)
	res, err := c.ImageLoad(ctx, archive, client.ImageLoadWithQuiet(true))
	if err != nil {
		return fmt.Errorf("load %v into %s: %w", images, n.Name, err)
	}
	defer res.Close()
	if err := checkJSONStream(res); err != nil {
		return fmt.Errorf("load %v into %s: %w", images, n.Name, err)
	}
	b.logf("%s: loaded %v in %s", n.Name, images, since(t0))
	return nil
}

// copyToAll copies r to every writer still accepting data, until r ends or
// no writer is left. A writer that fails is dropped, not reported: its load
// reports why it stopped, and a load that has read the whole archive may
// well stop before its trailing padding. Only a read error is returned.
func copyToAll(ws []*io.PipeWriter, r io.Reader) (int64, error) {
	live := append([]*io.PipeWriter(nil), ws...)
	buf := make([]byte, 1<<20)
	var total int64
	for len(live) > 0 {
		n, err := r.Read(buf)
		total += int64(n)
		if n > 0 {
			kept := live[:0]
			for _, w := range live {
				if _, werr := w.Write(buf[:n]); werr == nil {
					kept = append(kept, w)
				}
			}
			live = kept
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// checkJSONStream reads an engine progress stream to its end and returns
// the first error it reports.
func checkJSONStream(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if m.Error != nil {
			return m.Error
		}
	}
}
