package awsfake_test

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// tAuth is GetAuthorizationToken's answer as smithy's awsjson reads it
// (timestamps in epoch seconds).
type tAuth struct {
	Data []struct {
		Token         string  `json:"authorizationToken"`
		ExpiresAt     float64 `json:"expiresAt"`
		ProxyEndpoint string  `json:"proxyEndpoint"`
	} `json:"authorizationData"`
}

// passwords records what OnPassword was told.
type passwords struct {
	mu   sync.Mutex
	list []string
}

func (p *passwords) set(user, pw string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if user != awsfake.ECRUser {
		panic("user " + user)
	}
	p.list = append(p.list, pw)
}

func (p *passwords) last() (string, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.list[len(p.list)-1], len(p.list)
}

// login runs GetAuthorizationToken and returns the password and expiry.
func login(t *testing.T, c *client) (string, time.Time, string) {
	t.Helper()
	var a tAuth
	if err := json.Unmarshal(ok(t, c.ecr("GetAuthorizationToken", map[string]any{})), &a); err != nil {
		t.Fatal(err)
	}
	if len(a.Data) != 1 {
		t.Fatalf("authorizationData %+v", a)
	}
	raw, err := base64.StdEncoding.DecodeString(a.Data[0].Token)
	if err != nil || len(raw) < 5 || string(raw[:4]) != "AWS:" {
		t.Fatalf("token %q (%v): want base64 of AWS:<password>", raw, err)
	}
	sec, frac := math.Modf(a.Data[0].ExpiresAt)
	return string(raw[4:]), time.Unix(int64(sec), int64(frac*1e9)).UTC(), a.Data[0].ProxyEndpoint
}

func TestECRTokenExpiresAndRotates(t *testing.T) {
	clk := awsfake.NewClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	var pws passwords
	_, c := start(t, awsfake.Options{Now: clk.Now, OnPassword: pws.set, RegistryEndpoint: "https://127.0.0.1:5443"})
	f := awsfake.New(awsfake.Options{}) // Token without a server
	defer f.Close()
	if u, pw, _ := f.Token(); u != "AWS" || pw == "" {
		t.Fatalf("Token %q %q", u, pw)
	}

	pw1, exp1, endpoint := login(t, c)
	if last, n := pws.last(); last != pw1 || n != 1 {
		t.Fatalf("OnPassword got %q (%d calls), token has %q", last, n, pw1)
	}
	if endpoint != "https://127.0.0.1:5443" {
		t.Errorf("proxyEndpoint %q", endpoint)
	}
	if want := clk.Now().Add(12 * time.Hour); exp1.Sub(want).Abs() > time.Second {
		t.Errorf("expires %s, want %s", exp1, want)
	}
	if pw, _, _ := login(t, c); pw != pw1 {
		t.Error("a second login before expiry changed the password")
	}

	clk.Advance(12*time.Hour + time.Second)
	pw2, exp2, _ := login(t, c)
	if last, n := pws.last(); pw2 == pw1 || last != pw2 || n != 2 || !exp2.After(exp1) {
		t.Fatalf("after expiry: password changed %v, OnPassword %d calls, expiry %s", pw2 != pw1, n, exp2)
	}
}

func TestECRExpireToken(t *testing.T) {
	var pws passwords
	f, c := start(t, awsfake.Options{OnPassword: pws.set})
	pw1, _, _ := login(t, c)
	f.ExpireToken()
	pw2, _, _ := login(t, c)
	if last, n := pws.last(); pw2 == pw1 || last != pw2 || n != 2 {
		t.Fatalf("ExpireToken: new password %v, OnPassword told %v, %d calls", pw2 != pw1, last == pw2, n)
	}
}

type tRepos struct {
	Repositories []struct {
		Name       string  `json:"repositoryName"`
		URI        string  `json:"repositoryUri"`
		ARN        string  `json:"repositoryArn"`
		RegistryID string  `json:"registryId"`
		CreatedAt  float64 `json:"createdAt"`
	} `json:"repositories"`
	NextToken string `json:"nextToken"`
}

func TestECRRepositories(t *testing.T) {
	f, c := start(t, awsfake.Options{Region: "eu-west-3", AccessKeyIDs: []string{"AKIAOTHER"}})
	c.akid = "AKIAOTHER"
	wantError(t, "ecr", c.ecr("DescribeRepositories", map[string]any{"repositoryNames": []string{"shop/api"}}),
		400, "RepositoryNotFoundException", "shop/api")
	var created struct {
		Repository struct {
			Name string `json:"repositoryName"`
			URI  string `json:"repositoryUri"`
		} `json:"repository"`
	}
	if err := json.Unmarshal(ok(t, c.ecr("CreateRepository", map[string]any{"repositoryName": "shop/api"})), &created); err != nil {
		t.Fatal(err)
	}
	if created.Repository.URI != "123456789012.dkr.ecr.eu-west-3.amazonaws.com/shop/api" {
		t.Errorf("repositoryUri %q", created.Repository.URI)
	}
	wantError(t, "ecr", c.ecr("CreateRepository", map[string]any{"repositoryName": "shop/api"}), 400, "RepositoryAlreadyExistsException")
	wantError(t, "ecr", c.ecr("CreateRepository", map[string]any{"repositoryName": "Shop/API"}), 400, "InvalidParameterException")
	f.AddRepository("shop/web")

	var r tRepos
	if err := json.Unmarshal(ok(t, c.ecr("DescribeRepositories", map[string]any{"repositoryNames": []string{"shop/api"}})), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Repositories) != 1 || r.Repositories[0].RegistryID != "123456789012" || r.Repositories[0].CreatedAt < 1e9 ||
		r.Repositories[0].ARN != "arn:aws:ecr:eu-west-3:123456789012:repository/shop/api" {
		t.Fatalf("repositories %+v", r)
	}
	var page tRepos
	if err := json.Unmarshal(ok(t, c.ecr("DescribeRepositories", map[string]any{"maxResults": 1})), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Repositories) != 1 || page.NextToken == "" {
		t.Fatalf("first page %+v", page)
	}
	var rest tRepos
	if err := json.Unmarshal(ok(t, c.ecr("DescribeRepositories", map[string]any{"maxResults": 1, "nextToken": page.NextToken})), &rest); err != nil {
		t.Fatal(err)
	}
	if len(rest.Repositories) != 1 || rest.Repositories[0].Name != "shop/web" || rest.NextToken != "" {
		t.Fatalf("second page %+v", rest)
	}
	wantError(t, "ecr", c.ecr("DescribeImages", map[string]any{}), 400, "UnknownOperationException")
}
