package awsfake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"sync"
	"time"
)

// Machines run the fake's instances (the bed's engines in tests; nothing
// in unit tests). The fake calls them outside its lock, one goroutine per
// operation, with a context cancelled when the fake closes; an instance
// changes state when its call returns. Terminate may come while the
// same instance's Launch still runs (a scale-in right after a scale-out,
// newest first).
type Machines interface {
	// Launch starts the machine of a new instance and returns its private IP.
	Launch(ctx context.Context, inst Instance) (privateIP string, err error)
	Stop(ctx context.Context, id string, force bool) error
	Start(ctx context.Context, id string) error
	Terminate(ctx context.Context, id string) error
}

// DefaultAccessKeyID is the access key the fake knows when
// Options.AccessKeyIDs is empty; any secret key goes with it.
const DefaultAccessKeyID = "AKIAGAZRFAKE00000000"

// Options configure a Fake. The zero value is a fake of us-east-1 with
// no machines, real time and no background reconciler.
type Options struct {
	// Region the fake serves; a request signed for another is refused.
	// Default us-east-1.
	Region string
	// Account is the account id (ECR's registry id, ARNs). Default
	// 123456789012.
	Account string
	// AccessKeyIDs the fake knows; a request signed with another is
	// refused as the services refuse an unknown key. Default
	// DefaultAccessKeyID.
	AccessKeyIDs []string
	// Machines run the instances; nil: instances get fake IPs
	// (10.0.x.y) and change state at once.
	Machines Machines
	// Now is the fake's clock (scheduled actions, token expiry, launch
	// times); default time.Now. See Clock.
	Now func() time.Time
	// ReconcileEvery runs the groups' reconciler (and due scheduled
	// actions) in the background at this period, and soon after any
	// change of a group; 0: only when Reconcile is called.
	ReconcileEvery time.Duration
	// TerminatedTTL is how long EC2 keeps listing a terminated instance.
	// Default 1 h (of Now's clock).
	TerminatedTTL time.Duration
	// TokenTTL is how long an ECR token is valid. Default 12 h.
	TokenTTL time.Duration
	// RegistryEndpoint is ECR's proxyEndpoint, with its scheme
	// ("https://127.0.0.1:5443"). Default
	// https://<account>.dkr.ecr.<region>.amazonaws.com.
	RegistryEndpoint string
	// OnPassword is called with ECR's user ("AWS") and each new password
	// (at New, ExpireToken, or a token found expired), before any client
	// gets it, so a registry can be told.
	OnPassword func(user, password string)
	// PageSize, when set, caps every page the fake answers, whatever the
	// request asks, and pages EC2's tag and filter searches that ask for
	// no page size (AWS may answer fewer items than asked, with a
	// NextToken: a client follows NextToken until it is empty). 0: the
	// services' own (EC2 all at once without MaxResults, Auto Scaling
	// MaxRecords, default 50). A search by instance id is never paged, as
	// in EC2.
	PageSize int
	// SilenceBound is how long a Silence fault holds a request before
	// dropping the connection, if the client has not gone away. Default 2 min.
	SilenceBound time.Duration
	// Logf receives the fake's diagnostics (launch failures…); nil: none.
	Logf func(format string, args ...any)
}

// Fake is a stateful fake of EC2, Auto Scaling and ECR, serving their
// wire protocols as an http.Handler. Its methods are safe for concurrent
// use.
type Fake struct {
	opts Options

	mu        sync.Mutex
	instances map[string]*instance
	groups    map[string]*group
	repos     map[string]*repository
	token     token
	faults    []*Fault
	calls     []Call
	seq       int
	ipNext    int

	inflight int // machine operations running

	rotateMu   sync.Mutex // serializes password rotations (OnPassword)
	ctx        context.Context
	cancel     context.CancelFunc
	kick       chan struct{}
	tickerDone chan struct{} // closed when the ticker stops; nil without one
}

// New returns a fake with no instances, groups or repositories, and
// starts its reconciler ticker if Options.ReconcileEvery is set.
func New(opts Options) *Fake {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Account == "" {
		opts.Account = "123456789012"
	}
	if len(opts.AccessKeyIDs) == 0 {
		opts.AccessKeyIDs = []string{DefaultAccessKeyID}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TerminatedTTL == 0 {
		opts.TerminatedTTL = time.Hour
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 12 * time.Hour
	}
	if opts.RegistryEndpoint == "" {
		opts.RegistryEndpoint = fmt.Sprintf("https://%s.dkr.ecr.%s.amazonaws.com", opts.Account, opts.Region)
	}
	if opts.SilenceBound == 0 {
		opts.SilenceBound = 2 * time.Minute
	}
	f := &Fake{
		opts:      opts,
		instances: map[string]*instance{},
		groups:    map[string]*group{},
		repos:     map[string]*repository{},
		kick:      make(chan struct{}, 1),
	}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	f.rotate()
	if opts.ReconcileEvery > 0 {
		f.tickerDone = make(chan struct{})
		go f.tick()
	}
	return f
}

// Start serves the fake on a new httptest server; close stops the fake
// (Close) and the server.
func (f *Fake) Start() (url string, close func()) {
	srv := httptest.NewServer(f)
	return srv.URL, func() {
		f.cancel() // releases silenced requests, so the server can close
		srv.Close()
		f.Close()
	}
}

// Close stops the ticker, cancels the context of machine operations,
// releases requests held by a Silence fault, and waits for them.
func (f *Fake) Close() {
	f.cancel()
	if f.tickerDone != nil {
		<-f.tickerDone
	}
	_ = f.Wait(context.Background())
}

// Wait waits until no machine operation (launch, stop, start,
// terminate) is in flight, or ctx is done.
func (f *Fake) Wait(ctx context.Context) error {
	for {
		f.mu.Lock()
		n := f.inflight
		f.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (f *Fake) now() time.Time { return f.opts.Now().UTC() }

func (f *Fake) logf(format string, args ...any) {
	if f.opts.Logf != nil {
		f.opts.Logf("awsfake: "+format, args...)
	}
}

// randHex returns n random lowercase hex digits.
func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// newUUID returns a random UUID, as AWS request and activity ids are.
func newUUID() string {
	h := randHex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}
