package awsfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ECRUser is the user name of ECR's registry logins.
const ECRUser = "AWS"

// ecrOps are the ECR operations the fake serves.
var ecrOps = map[string]func(*Fake, *request) (any, *APIError){
	"GetAuthorizationToken": (*Fake).getAuthorizationToken,
	"DescribeRepositories":  (*Fake).describeRepositories,
	"CreateRepository":      (*Fake).createRepository,
}

// token is ECR's current registry password.
type token struct {
	password string
	expires  time.Time
}

type repository struct {
	name    string
	created time.Time
}

// Token returns ECR's current registry login: user, password, expiry.
func (f *Fake) Token() (user, password string, expires time.Time) {
	t := f.currentToken()
	return ECRUser, t.password, t.expires
}

// ExpireToken makes the current ECR password invalid: a new one (with a
// new expiry) is made and given to Options.OnPassword, so the registry
// refuses the old one.
func (f *Fake) ExpireToken() {
	f.rotateMu.Lock()
	defer f.rotateMu.Unlock()
	f.rotateLocked()
}

// rotate makes the first password.
func (f *Fake) rotate() {
	f.rotateMu.Lock()
	defer f.rotateMu.Unlock()
	f.rotateLocked()
}

// rotateLocked makes a new password, tells OnPassword, then hands it
// out; f.rotateMu held.
func (f *Fake) rotateLocked() token {
	t := token{password: randHex(64), expires: f.now().Add(f.opts.TokenTTL)}
	if f.opts.OnPassword != nil {
		f.opts.OnPassword(ECRUser, t.password)
	}
	f.mu.Lock()
	f.token = t
	f.mu.Unlock()
	return t
}

// currentToken is the password in force, a new one if it expired.
func (f *Fake) currentToken() token {
	f.rotateMu.Lock()
	defer f.rotateMu.Unlock()
	f.mu.Lock()
	t := f.token
	f.mu.Unlock()
	if f.now().Before(t.expires) {
		return t
	}
	return f.rotateLocked()
}

// AddRepository creates an ECR repository (no error if it exists).
func (f *Fake) AddRepository(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.repos[name] == nil {
		f.repos[name] = &repository{name: name, created: f.now()}
	}
}

// Repositories returns the names of ECR's repositories, sorted.
func (f *Fake) Repositories() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.repos))
}

type ecrAuthData struct {
	Token         string  `json:"authorizationToken"`
	ExpiresAt     float64 `json:"expiresAt"`
	ProxyEndpoint string  `json:"proxyEndpoint"`
}

type ecrRepository struct {
	ARN              string          `json:"repositoryArn"`
	RegistryID       string          `json:"registryId"`
	Name             string          `json:"repositoryName"`
	URI              string          `json:"repositoryUri"`
	CreatedAt        float64         `json:"createdAt"`
	TagMutability    string          `json:"imageTagMutability"`
	ScanningConfig   map[string]bool `json:"imageScanningConfiguration"`
	EncryptionConfig map[string]any  `json:"encryptionConfiguration"`
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func (f *Fake) getAuthorizationToken(q *request) (any, *APIError) {
	t := f.currentToken()
	data := ecrAuthData{
		Token:         base64.StdEncoding.EncodeToString([]byte(ECRUser + ":" + t.password)),
		ExpiresAt:     epoch(t.expires),
		ProxyEndpoint: f.opts.RegistryEndpoint,
	}
	return map[string]any{"authorizationData": []ecrAuthData{data}}, nil
}

// repoOf renders r as ECR does; f.mu held.
func (f *Fake) repoOf(r *repository) ecrRepository {
	host := f.opts.RegistryEndpoint
	if _, after, ok := strings.Cut(host, "://"); ok {
		host = after
	}
	return ecrRepository{
		ARN:        fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", f.opts.Region, f.opts.Account, r.name),
		RegistryID: f.opts.Account, Name: r.name, URI: host + "/" + r.name,
		CreatedAt: epoch(r.created), TagMutability: "MUTABLE",
		ScanningConfig:   map[string]bool{"scanOnPush": false},
		EncryptionConfig: map[string]any{"encryptionType": "AES256"},
	}
}

func decodeJSON(q *request, v any) *APIError {
	if len(q.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(q.body, v); err != nil {
		return &APIError{400, "SerializationException", "Could not parse the request body: " + err.Error()}
	}
	return nil
}

func (f *Fake) notFoundRepo(name string) *APIError {
	return &APIError{400, "RepositoryNotFoundException", fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", name, f.opts.Account)}
}

// describeRepositories answers DescribeRepositories: the names asked
// (each must exist) or all, by pages.
func (f *Fake) describeRepositories(q *request) (any, *APIError) {
	var in struct {
		RepositoryNames []string `json:"repositoryNames"`
		NextToken       string   `json:"nextToken"`
		MaxResults      int      `json:"maxResults"`
	}
	if e := decodeJSON(q, &in); e != nil {
		return nil, e
	}
	start, ok := readToken(in.NextToken)
	if !ok || in.MaxResults < 0 || in.MaxResults > 1000 {
		return nil, &APIError{400, "InvalidParameterException", "Invalid parameter: nextToken or maxResults"}
	}
	if in.MaxResults == 0 {
		in.MaxResults = 100
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	names := in.RepositoryNames
	for _, n := range names {
		if f.repos[n] == nil {
			return nil, f.notFoundRepo(n)
		}
	}
	if len(names) == 0 {
		names = slices.Sorted(maps.Keys(f.repos))
	}
	out := map[string]any{}
	repos := []ecrRepository{}
	for i := start; i < len(names); i++ {
		if len(repos) == in.MaxResults {
			out["nextToken"] = pageToken(i)
			break
		}
		repos = append(repos, f.repoOf(f.repos[names[i]]))
	}
	out["repositories"] = repos
	return out, nil
}

var repoName = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

func (f *Fake) createRepository(q *request) (any, *APIError) {
	var in struct {
		RepositoryName string `json:"repositoryName"`
	}
	if e := decodeJSON(q, &in); e != nil {
		return nil, e
	}
	if len(in.RepositoryName) < 2 || len(in.RepositoryName) > 256 || !repoName.MatchString(in.RepositoryName) {
		return nil, &APIError{400, "InvalidParameterException", fmt.Sprintf("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '%s''", repoName)}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.repos[in.RepositoryName] != nil {
		return nil, &APIError{400, "RepositoryAlreadyExistsException", fmt.Sprintf("The repository with name '%s' already exists in the registry with id '%s'", in.RepositoryName, f.opts.Account)}
	}
	r := &repository{name: in.RepositoryName, created: f.now()}
	f.repos[r.name] = r
	return map[string]any{"repository": f.repoOf(r)}, nil
}
