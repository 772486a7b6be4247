package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// The region of every wire test.
const testRegion = "eu-west-3"

// wireReq is one request the SDK sent, as the tests check it.
type wireReq struct {
	service string     // the SigV4 credential scope's: ec2, autoscaling, ecr
	action  string     // Action=…, or X-Amz-Target's operation
	form    url.Values // EC2 and Auto Scaling (AWS Query)
	body    map[string]any
	header  http.Header
}

// wire is a tiny AWS endpoint for one test: answer gives each request's
// status and body (XML for the Query services, JSON for ECR), in the
// shapes the services publish. Unlike the fake AWS of gazr's deploy
// tests it models no state unless a test's answer does.
type wire struct {
	mu     sync.Mutex
	reqs   []wireReq
	answer func(r wireReq) (int, string)
}

var scopeRE = regexp.MustCompile(`Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request`)

func newWire(t *testing.T, answer func(r wireReq) (int, string)) (*wire, *httptest.Server) {
	t.Helper()
	w := &wire{answer: answer}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return w, srv
}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil || m[1] != testRegion {
		http.Error(rw, "unsigned, or signed for another region: "+r.Header.Get("Authorization"), http.StatusForbidden)
		return
	}
	req := wireReq{service: m[2], header: r.Header.Clone()}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		_, req.action, _ = strings.Cut(target, ".")
		_ = json.Unmarshal(data, &req.body)
	} else {
		req.form, _ = url.ParseQuery(string(data))
		req.action = req.form.Get("Action")
	}
	w.mu.Lock()
	w.reqs = append(w.reqs, req)
	w.mu.Unlock()
	status, body := w.answer(req)
	if status == -1 { // silence: hold the request until the client gives up
		<-r.Context().Done()
		return
	}
	if req.service == "ecr" {
		rw.Header().Set("Content-Type", "application/x-amz-json-1.1")
	} else {
		rw.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	}
	rw.WriteHeader(status)
	io.WriteString(rw, body)
}

// calls are the requests of action, in order.
func (w *wire) calls(action string) []wireReq {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []wireReq
	for _, r := range w.reqs {
		if r.action == action {
			out = append(out, r)
		}
	}
	return out
}

// testEnv makes the SDK's default chain find static keys in the
// environment, and nothing else of this machine: no shared files, no
// profile, and never the instance metadata service.
func testEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_AUTO_SCALING", "AWS_ENDPOINT_URL_ECR",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "GAZR_AWS_TIMEOUT",
	} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDGAZRTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "gazr-test-secret")
}

// testTarget: the staging groups, by name, at srv.
func testTarget(srv *httptest.Server) Target {
	return Target{
		Region:      testRegion,
		EndpointURL: srv.URL,
		Managers:    Selector{ASG: "swarm-manager-staging-asg"},
		Workers:     Selector{ASG: "swarm-worker-staging-asg"},
	}
}

// testSettings: the default attempts, without waits between them.
func testSettings() settings {
	s := defaultSettings()
	s.backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	s.timeout = 10 * time.Second
	return s
}

// call serves req as the helper does, with testSettings.
func call(t *testing.T, req Request) Response {
	t.Helper()
	s := testSettings()
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	req.Version = Version
	return serve(ctx, req, s)
}

// The services' answers, as the APIs publish them.
const (
	ec2NS = `xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"`
	asNS  = `xmlns="https://autoscaling.amazonaws.com/doc/2011-01-01/"`
)

type testInstance struct {
	id, state, ip, zone, group, name string
}

func ec2Instances(insts ...testInstance) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<DescribeInstancesResponse %s><requestId>r-1</requestId><reservationSet>`, ec2NS)
	for _, i := range insts {
		fmt.Fprintf(&b, `<item><reservationId>r-%s</reservationId><ownerId>123456789012</ownerId><instancesSet><item>`+
			`<instanceId>%s</instanceId><imageId>ami-1</imageId><instanceState><code>16</code><name>%s</name></instanceState>`+
			`<privateIpAddress>%s</privateIpAddress><ipAddress>203.0.113.9</ipAddress><placement><availabilityZone>%s</availabilityZone><tenancy>default</tenancy></placement>`+
			`<launchTime>2026-03-01T08:00:00.000Z</launchTime><tagSet><item><key>Name</key><value>%s</value></item>`,
			i.id, i.id, i.state, i.ip, i.zone, i.name)
		if i.group != "" {
			fmt.Fprintf(&b, `<item><key>aws:autoscaling:groupName</key><value>%s</value></item>`, i.group)
		}
		b.WriteString(`</tagSet></item></instancesSet></item>`)
	}
	b.WriteString(`</reservationSet></DescribeInstancesResponse>`)
	return b.String()
}

func asgGroups(name string, min, max, desired int, ids ...string) string {
	if name == "" {
		return `<DescribeAutoScalingGroupsResponse ` + asNS + `><DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult>` +
			`<ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>`
	}
	var inst strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&inst, `<member><InstanceId>%s</InstanceId><AvailabilityZone>eu-west-3a</AvailabilityZone><LifecycleState>InService</LifecycleState>`+
			`<HealthStatus>Healthy</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>`, id)
	}
	return fmt.Sprintf(`<DescribeAutoScalingGroupsResponse %s><DescribeAutoScalingGroupsResult><AutoScalingGroups><member>`+
		`<AutoScalingGroupName>%s</AutoScalingGroupName><MinSize>%d</MinSize><MaxSize>%d</MaxSize><DesiredCapacity>%d</DesiredCapacity>`+
		`<DefaultCooldown>300</DefaultCooldown><CreatedTime>2026-01-01T00:00:00Z</CreatedTime><HealthCheckType>EC2</HealthCheckType>`+
		`<Instances>%s</Instances></member></AutoScalingGroups></DescribeAutoScalingGroupsResult>`+
		`<ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>`,
		asNS, name, min, max, desired, inst.String())
}

func asgScheduled(actions ...ScheduledAction) string {
	var b strings.Builder
	for _, a := range actions {
		fmt.Fprintf(&b, `<member><AutoScalingGroupName>g</AutoScalingGroupName><ScheduledActionName>%s</ScheduledActionName>`+
			`<Recurrence>%s</Recurrence><DesiredCapacity>%d</DesiredCapacity><StartTime>2026-03-02T07:00:00Z</StartTime>`, a.Name, a.Recurrence, a.Desired)
		if a.TimeZone != "" {
			fmt.Fprintf(&b, `<TimeZone>%s</TimeZone>`, a.TimeZone)
		}
		b.WriteString(`</member>`)
	}
	return fmt.Sprintf(`<DescribeScheduledActionsResponse %s><DescribeScheduledActionsResult><ScheduledUpdateGroupActions>%s</ScheduledUpdateGroupActions>`+
		`</DescribeScheduledActionsResult><ResponseMetadata><RequestId>r-3</RequestId></ResponseMetadata></DescribeScheduledActionsResponse>`, asNS, b.String())
}

// asgEmpty is the answer of an Auto Scaling action without a result.
func asgEmpty(action string) string {
	return fmt.Sprintf(`<%sResponse %s><ResponseMetadata><RequestId>r-4</RequestId></ResponseMetadata></%sResponse>`, action, asNS, action)
}

func ec2Error(code, msg string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>r-5</RequestID></Response>`, code, msg)
}

func asgError(code, msg string) string {
	return fmt.Sprintf(`<ErrorResponse %s><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>r-6</RequestId></ErrorResponse>`, asNS, code, msg)
}

func ecrError(code, msg string) string {
	return fmt.Sprintf(`{"__type":"%s","message":"%s"}`, code, msg)
}
