package due

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// client calls a Git host's REST API with a token.
type client struct {
	http   *http.Client
	api    string // base address, without a trailing slash
	header string // the header the token goes in
	token  string
}

// maxPages bounds the pages of open issues read (100 each).
const maxPages = 20

func (c *client) do(ctx context.Context, method, path string, body, out any) (http.Header, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.api+path, r)
	if err != nil {
		return nil, err
	}
	if c.header == "Authorization" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	} else {
		req.Header.Set(c.header, c.token)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return nil, err
	}
	if res.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, res.Status, strings.TrimSpace(string(b[:min(len(b), 300)])))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return res.Header, nil
}

func newHTTP() *http.Client { return &http.Client{Timeout: 30 * time.Second} }

// GitHub is the issue tracker of a GitHub repository, through the REST API
// with the workflow's token (permissions: issues: write).
type GitHub struct {
	c      client
	repo   string // owner/name
	server string // https://github.com
	ref    string // commit the links point at
}

// GitHubFromEnv returns the tracker of the repository a GitHub Actions job
// runs for, from GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL,
// GITHUB_SERVER_URL and GITHUB_SHA.
func GitHubFromEnv(getenv func(string) string) (*GitHub, error) {
	g := &GitHub{repo: getenv("GITHUB_REPOSITORY"), server: strings.TrimSuffix(getenv("GITHUB_SERVER_URL"), "/"), ref: getenv("GITHUB_SHA")}
	g.c = client{http: newHTTP(), api: strings.TrimSuffix(getenv("GITHUB_API_URL"), "/"), header: "Authorization", token: getenv("GITHUB_TOKEN")}
	if g.c.api == "" {
		g.c.api = "https://api.github.com"
	}
	if g.server == "" {
		g.server = "https://github.com"
	}
	if g.ref == "" {
		g.ref = "HEAD"
	}
	if g.repo == "" || g.c.token == "" {
		return nil, errors.New("GITHUB_REPOSITORY and GITHUB_TOKEN must be set (pass env: GITHUB_TOKEN: ${{ github.token }} to the step)")
	}
	return g, nil
}

// openIssues reads the open issues labelled Label from path (the host's
// list of issues), 100 a page; state is the host's word for open. issue
// converts one (ok false: not an issue, e.g. GitHub's pull requests).
func openIssues[T any](ctx context.Context, c *client, path, state string, issue func(T) (Issue, bool)) ([]Issue, error) {
	var all []Issue
	for page := 1; page <= maxPages; page++ {
		var got []T
		q := url.Values{"labels": {Label}, "state": {state}, "per_page": {"100"}, "page": {strconv.Itoa(page)}}
		if _, err := c.do(ctx, "GET", path+"?"+q.Encode(), nil, &got); err != nil {
			return nil, err
		}
		for _, x := range got {
			if is, ok := issue(x); ok {
				all = append(all, is)
			}
		}
		if len(got) < 100 {
			break
		}
	}
	return all, nil
}

type githubIssue struct {
	Number      int              `json:"number"`
	Title       string           `json:"title"`
	Body        string           `json:"body"`
	PullRequest *json.RawMessage `json:"pull_request"`
}

// Open implements Tracker.
func (g *GitHub) Open(ctx context.Context) ([]Issue, error) {
	return openIssues(ctx, &g.c, "/repos/"+g.repo+"/issues", "open", func(is githubIssue) (Issue, bool) {
		return Issue{is.Number, is.Title, is.Body}, is.PullRequest == nil
	})
}

// Create implements Tracker.
func (g *GitHub) Create(ctx context.Context, title, body string) (Issue, error) {
	var got struct {
		Number int `json:"number"`
	}
	_, err := g.c.do(ctx, "POST", "/repos/"+g.repo+"/issues", map[string]any{"title": title, "body": body, "labels": []string{Label}}, &got)
	return Issue{got.Number, title, body}, err
}

// Update implements Tracker.
func (g *GitHub) Update(ctx context.Context, number int, body string) error {
	_, err := g.c.do(ctx, "PATCH", fmt.Sprintf("/repos/%s/issues/%d", g.repo, number), map[string]any{"body": body}, nil)
	return err
}

// Close implements Tracker.
func (g *GitHub) Close(ctx context.Context, number int, comment string) error {
	if _, err := g.c.do(ctx, "POST", fmt.Sprintf("/repos/%s/issues/%d/comments", g.repo, number), map[string]any{"body": comment}, nil); err != nil {
		return err
	}
	_, err := g.c.do(ctx, "PATCH", fmt.Sprintf("/repos/%s/issues/%d", g.repo, number), map[string]any{"state": "closed", "state_reason": "completed"}, nil)
	return err
}

// Link implements Tracker.
func (g *GitHub) Link(file string, line int) string {
	u := fmt.Sprintf("%s/%s/blob/%s/%s", g.server, g.repo, g.ref, file)
	if line > 0 {
		u += "#L" + strconv.Itoa(line)
	}
	return u
}

// GitLab is the issue tracker of a GitLab project, through the REST API
// (v4). A CI job's own token (CI_JOB_TOKEN) may not write issues, so the
// job needs a project access token with the api scope, in the CI/CD
// variable WEGWEISER_GITLAB_TOKEN (masked).
type GitLab struct {
	c       client
	project string // numeric id or URL-escaped path
	web     string // project address
	ref     string
}

// GitLabFromEnv returns the tracker of the project a GitLab CI job runs
// for, from CI_API_V4_URL, CI_PROJECT_ID, CI_PROJECT_URL, CI_COMMIT_SHA
// and WEGWEISER_GITLAB_TOKEN.
func GitLabFromEnv(getenv func(string) string) (*GitLab, error) {
	g := &GitLab{project: getenv("CI_PROJECT_ID"), web: strings.TrimSuffix(getenv("CI_PROJECT_URL"), "/"), ref: getenv("CI_COMMIT_SHA")}
	g.c = client{http: newHTTP(), api: strings.TrimSuffix(getenv("CI_API_V4_URL"), "/"), header: "PRIVATE-TOKEN", token: getenv("WEGWEISER_GITLAB_TOKEN")}
	if g.ref == "" {
		g.ref = "HEAD"
	}
	if g.c.api == "" || g.project == "" || g.c.token == "" {
		return nil, errors.New("CI_API_V4_URL, CI_PROJECT_ID and WEGWEISER_GITLAB_TOKEN (a project access token with the api scope) must be set")
	}
	return g, nil
}

type gitlabIssue struct {
	IID         int    `json:"iid"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// Open implements Tracker.
func (g *GitLab) Open(ctx context.Context) ([]Issue, error) {
	return openIssues(ctx, &g.c, "/projects/"+url.PathEscape(g.project)+"/issues", "opened", func(is gitlabIssue) (Issue, bool) {
		return Issue{is.IID, is.Title, is.Description}, true
	})
}

// Create implements Tracker.
func (g *GitLab) Create(ctx context.Context, title, body string) (Issue, error) {
	var got struct {
		IID int `json:"iid"`
	}
	_, err := g.c.do(ctx, "POST", "/projects/"+url.PathEscape(g.project)+"/issues", map[string]any{"title": title, "description": body, "labels": Label}, &got)
	return Issue{got.IID, title, body}, err
}

// Update implements Tracker.
func (g *GitLab) Update(ctx context.Context, number int, body string) error {
	_, err := g.c.do(ctx, "PUT", fmt.Sprintf("/projects/%s/issues/%d", url.PathEscape(g.project), number), map[string]any{"description": body}, nil)
	return err
}

// Close implements Tracker.
func (g *GitLab) Close(ctx context.Context, number int, comment string) error {
	if _, err := g.c.do(ctx, "POST", fmt.Sprintf("/projects/%s/issues/%d/notes", url.PathEscape(g.project), number), map[string]any{"body": comment}, nil); err != nil {
		return err
	}
	_, err := g.c.do(ctx, "PUT", fmt.Sprintf("/projects/%s/issues/%d", url.PathEscape(g.project), number), map[string]any{"state_event": "close"}, nil)
	return err
}

// Link implements Tracker.
func (g *GitLab) Link(file string, line int) string {
	u := fmt.Sprintf("%s/-/blob/%s/%s", g.web, g.ref, file)
	if line > 0 {
		u += "#L" + strconv.Itoa(line)
	}
	return u
}
