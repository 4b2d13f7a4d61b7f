package due

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

func problems() diag.List {
	return diag.List{
		{Pos: diag.Pos{File: "data/providers/awo.yaml", Line: 40, Col: 16}, Severity: diag.Warning, Rule: "stale", Message: "last verified 2026-05-01, 200 days ago", Entry: "provider awo", Checked: "2026-05-01", Days: 200},
		{Pos: diag.Pos{File: "data/courses/mvhs.yaml", Line: 12, Col: 19}, Severity: diag.Warning, Rule: "expired", Message: "last verified 2025-01-01", Entry: "course mvhs-1", Checked: "2025-01-01", Days: 700},
		{Pos: diag.Pos{File: "data/courses/mvhs.yaml", Line: 5, Col: 19}, Severity: diag.Warning, Rule: "stale", Message: "never", Entry: "course mvhs-0"},
		{Pos: diag.Pos{File: "data/providers/awo.yaml", Line: 3, Col: 1}, Severity: diag.Warning, Rule: "missing-translation", Message: "no ar"},
	}
}

func TestList(t *testing.T) {
	list := List(problems())
	if len(list) != 2 || list[0].ID != "mvhs" || list[1].ID != "awo" {
		t.Fatalf("groups: %+v", list)
	}
	if e := list[0].Entries; len(e) != 2 || e[0].Entry != "course mvhs-0" || !e[1].Expired {
		t.Errorf("mvhs entries by line: %+v", e)
	}
	var js []Provider
	var b bytes.Buffer
	if err := Write(&b, "json", list); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &js); err != nil || len(js) != 2 || js[1].Entries[0].Checked != "2026-05-01" {
		t.Errorf("json: %s (%v)", b.String(), err)
	}
	b.Reset()
	if err := Write(&b, "csv", list); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "provider" || rows[1][3] != "course mvhs-0" || rows[1][5] != "" || rows[2][5] != "700" {
		t.Errorf("csv: %q (%v)", rows, err)
	}
	b.Reset()
	Write(&b, "text", nil)
	if b.String() != "Nothing is due.\n" {
		t.Errorf("text of an empty list: %q", b.String())
	}
}

func TestCodeOwners(t *testing.T) {
	c := ParseCodeOwners([]byte("# comment\n*  @org/koordination\n/data/providers/awo.yaml @org/awo @org/koordination\ndata/courses/ @org/kurse\n[Section]\n*.md @org/docs\n"))
	for file, want := range map[string]string{
		"data/providers/awo.yaml":   "@org/awo @org/koordination",
		"data/providers/brk.yaml":   "@org/koordination",
		"data/courses/mvhs.yaml":    "@org/kurse",
		"content/de/ueber-uns.md":   "@org/docs",
		"x/data/providers/awo.yaml": "@org/koordination",
	} {
		if got := strings.Join(c.Owners(file), " "); got != want {
			t.Errorf("%s: %q, want %q", file, got, want)
		}
	}
}

// fakeGitHub is GitHub's issues API as far as Sync uses it, on loopback.
type fakeGitHub struct {
	mu     sync.Mutex
	issues map[int]*ghIssue
	next   int
	auth   []string
}

type ghIssue struct {
	Number   int      `json:"number"`
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	State    string   `json:"state"`
	Labels   []string `json:"-"`
	Comments []string `json:"-"`
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	var in map[string]any
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &in)
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/repos/org/site/issues"), "/")
	switch {
	case r.Method == "GET" && r.URL.Path == "/repos/org/site/issues":
		out := []*ghIssue{}
		for n := 1; n <= f.next; n++ {
			if is := f.issues[n]; is != nil && is.State == "open" && slices.Contains(is.Labels, r.URL.Query().Get("labels")) {
				out = append(out, is)
			}
		}
		json.NewEncoder(w).Encode(out)
	case r.Method == "POST" && r.URL.Path == "/repos/org/site/issues":
		f.next++
		is := &ghIssue{Number: f.next, Title: in["title"].(string), Body: in["body"].(string), State: "open"}
		for _, l := range in["labels"].([]any) {
			is.Labels = append(is.Labels, l.(string))
		}
		f.issues[f.next] = is
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(is)
	case len(parts) >= 2:
		n, _ := strconv.Atoi(parts[1])
		is := f.issues[n]
		if is == nil {
			http.NotFound(w, r)
			return
		}
		switch {
		case r.Method == "PATCH" && len(parts) == 2:
			if b, ok := in["body"].(string); ok {
				is.Body = b
			}
			if s, ok := in["state"].(string); ok {
				is.State = s
			}
			json.NewEncoder(w).Encode(is)
		case r.Method == "POST" && len(parts) == 3 && parts[2] == "comments":
			is.Comments = append(is.Comments, in["body"].(string))
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte("{}"))
		default:
			http.Error(w, "unexpected", http.StatusBadRequest)
		}
	default:
		http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusBadRequest)
	}
}

// TestSyncGitHub runs three weekly checks against GitHub's API on
// loopback: the first opens one issue per provider, the second (one entry
// verified) updates one and leaves the other, the third (all verified)
// closes both. An issue of someone else's stays as it is.
func TestSyncGitHub(t *testing.T) {
	f := &fakeGitHub{issues: map[int]*ghIssue{1: {Number: 1, Title: "Typo", Body: "hello", State: "open", Labels: []string{"bug"}}}, next: 1}
	srv := httptest.NewServer(f)
	defer srv.Close()
	env := map[string]string{"GITHUB_REPOSITORY": "org/site", "GITHUB_TOKEN": "secret", "GITHUB_API_URL": srv.URL, "GITHUB_SHA": "abc123"}
	gh, err := GitHubFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	owners := ParseCodeOwners([]byte("/data/providers/awo.yaml @org/awo\n")).Owners
	ctx := context.Background()
	did := func(list []Provider) string {
		t.Helper()
		acts, err := Sync(ctx, gh, list, owners)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, a := range acts {
			s = append(s, a.Provider+":"+a.Did+":"+strconv.Itoa(a.Issue))
		}
		return strings.Join(s, " ")
	}
	all := problems()
	if got := did(List(all)); got != "mvhs:opened:2 awo:opened:3" {
		t.Errorf("first run: %s", got)
	}
	awo := f.issues[3]
	if !strings.Contains(awo.Body, "@org/awo") || !strings.Contains(awo.Body, "/org/site/blob/abc123/data/providers/awo.yaml#L40") || !slices.Contains(awo.Labels, Label) {
		t.Errorf("awo's issue: %q", awo.Body)
	}
	// The course file's first entry is verified.
	if got := did(List(diag.List{all[0], all[1], all[3]})); got != "mvhs:updated:2 awo:unchanged:3" {
		t.Errorf("second run: %s", got)
	}
	if strings.Contains(f.issues[2].Body, "mvhs-0") {
		t.Errorf("the verified entry is still listed")
	}
	if got := did(List(all[3:])); got != "awo:closed:3 mvhs:closed:2" {
		t.Errorf("third run: %s", got)
	}
	if f.issues[2].State != "closed" || len(f.issues[2].Comments) != 1 || f.issues[1].State != "open" {
		t.Errorf("states: %s %s %s", f.issues[1].State, f.issues[2].State, f.issues[3].State)
	}
	for _, a := range f.auth {
		if a != "Bearer secret" {
			t.Fatalf("a call with Authorization %q", a)
		}
	}
	if _, err := GitHubFromEnv(func(string) string { return "" }); err == nil {
		t.Errorf("no error without a token")
	}
}

// TestGitLab checks the GitLab adapter's calls: the token header, the
// project path and the fields GitLab names differently.
func TestGitLab(t *testing.T) {
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		calls = append(calls, r.Method+" "+r.URL.EscapedPath()+" "+r.Header.Get("PRIVATE-TOKEN")+" "+string(b))
		switch r.Method {
		case "GET":
			w.Write([]byte(`[{"iid": 7, "title": "old", "description": "<!-- wegweiser-due:brk -->"}]`))
		default:
			w.Write([]byte(`{"iid": 8}`))
		}
	}))
	defer srv.Close()
	env := map[string]string{"CI_API_V4_URL": srv.URL, "CI_PROJECT_ID": "42", "WEGWEISER_GITLAB_TOKEN": "tok", "CI_PROJECT_URL": "https://gitlab.example.org/g/site"}
	gl, err := GitLabFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	acts, err := Sync(context.Background(), gl, List(problems()[:1]), func(string) []string { return nil })
	if err != nil || len(acts) != 2 {
		t.Fatalf("%+v %v", acts, err)
	}
	want := []string{"GET /projects/42/issues tok ", "POST /projects/42/issues tok {", "POST /projects/42/issues/7/notes tok {", "PUT /projects/42/issues/7 tok {\"state_event\":\"close\"}"}
	if len(calls) != len(want) {
		t.Fatalf("calls: %q", calls)
	}
	for i := range want {
		if !strings.HasPrefix(calls[i], want[i]) {
			t.Errorf("call %d: %q, want %q…", i, calls[i], want[i])
		}
	}
	if !strings.Contains(calls[1], `"labels":"wegweiser-due"`) || !strings.Contains(calls[1], "gitlab.example.org/g/site/-/blob/HEAD/data/providers/awo.yaml#L40") {
		t.Errorf("create: %s", calls[1])
	}
}
