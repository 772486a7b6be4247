package awsfake_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// client sends requests shaped as aws-sdk-go-v2 sends them: Query forms
// (Action, Version, lists as Name.N or Name.member.N) and ECR's JSON
// with X-Amz-Target, signed (in form only) for a region and key.
type client struct {
	t      *testing.T
	url    string
	region string
	akid   string
	// auth, when set, replaces the Authorization header ("-" for none).
	auth string
}

// start serves a new fake with opts; the test closes it.
func start(t *testing.T, opts awsfake.Options) (*awsfake.Fake, *client) {
	t.Helper()
	f := awsfake.New(opts)
	u, closeFn := f.Start()
	t.Cleanup(closeFn)
	region := opts.Region
	if region == "" {
		region = "us-east-1"
	}
	return f, &client{t: t, url: u, region: region, akid: awsfake.DefaultAccessKeyID}
}

func (c *client) authorization(service string) string {
	switch c.auth {
	case "-":
		return ""
	case "":
		return fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/20261205/%s/%s/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=%s",
			c.akid, c.region, service, strings.Repeat("ab", 32))
	}
	return c.auth
}

// answer is a response: status and body.
type answer struct {
	status int
	body   []byte
}

func (c *client) do(req *http.Request) answer {
	c.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s: %v", req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return answer{resp.StatusCode, body}
}

// query posts a Query protocol request; kv are parameter pairs.
func (c *client) query(service, version, action string, kv ...string) answer {
	c.t.Helper()
	form := url.Values{"Action": {action}, "Version": {version}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	req, _ := http.NewRequest(http.MethodPost, c.url+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Amz-Date", "20261205T100000Z")
	if a := c.authorization(service); a != "" {
		req.Header.Set("Authorization", a)
	}
	return c.do(req)
}

func (c *client) ec2(action string, kv ...string) answer {
	c.t.Helper()
	return c.query("ec2", "2016-11-15", action, kv...)
}

func (c *client) asg(action string, kv ...string) answer {
	c.t.Helper()
	return c.query("autoscaling", "2011-01-01", action, kv...)
}

// ecr posts an ECR JSON 1.1 request.
func (c *client) ecr(op string, in any) answer {
	c.t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, c.url+"/", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921."+op)
	if a := c.authorization("ecr"); a != "" {
		req.Header.Set("Authorization", a)
	}
	return c.do(req)
}

// decodeXML reads body into v as the SDK's XML decoders do (element
// names, namespaces ignored), failing the test otherwise.
func decodeXML(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := xml.Unmarshal(body, v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
}

// ok fails the test unless status is 200.
func ok(t *testing.T, a answer) []byte {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	return a.body
}

// ec2Err is EC2's error document, read as the SDK's ec2query reads it.
type ec2Err struct {
	Code      string `xml:"Errors>Error>Code"`
	Message   string `xml:"Errors>Error>Message"`
	RequestID string `xml:"RequestID"`
}

// queryErr is the Query protocol's error, read as smithy's awsquery does.
type queryErr struct {
	Type    string `xml:"Error>Type"`
	Code    string `xml:"Error>Code"`
	Message string `xml:"Error>Message"`
}

// jsonErr is a JSON 1.1 error, read as smithy's awsjson does.
type jsonErr struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// apiError reads any service's error: the code and message.
func apiError(t *testing.T, service string, body []byte) (code, msg string) {
	t.Helper()
	switch service {
	case "ecr":
		var e jsonErr
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("decoding %s: %v", body, err)
		}
		return e.Type, e.Message
	case "autoscaling":
		var e queryErr
		decodeXML(t, body, &e)
		if e.Type == "" {
			t.Errorf("no Error>Type in %s", body)
		}
		return e.Code, e.Message
	}
	var e ec2Err
	decodeXML(t, body, &e)
	if e.RequestID == "" {
		t.Errorf("no RequestID in %s", body)
	}
	return e.Code, e.Message
}

// wantError fails the test unless the answer is the error code, with
// status, whose message contains each of msgs.
func wantError(t *testing.T, service string, a answer, wantStatus int, wantCode string, msgs ...string) {
	t.Helper()
	code, msg := apiError(t, service, a.body)
	if a.status != wantStatus || code != wantCode {
		t.Fatalf("got %d %s (%s), want %d %s", a.status, code, msg, wantStatus, wantCode)
	}
	for _, m := range msgs {
		if !strings.Contains(msg, m) {
			t.Errorf("message %q does not say %q", msg, m)
		}
	}
}

// sdkTime parses a timestamp as smithy's ParseDateTime does.
func sdkTime(t *testing.T, s string) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z", time.RFC3339Nano} {
		if v, err := time.Parse(layout, s); err == nil {
			return v
		}
	}
	t.Fatalf("timestamp %q is not a date-time the SDK reads", s)
	return time.Time{}
}
