package chatapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// IdempotentOperations is exactly the operations of openapi.yaml that
// declare the Idempotency-Key header.
func TestIdempotentOperationsMatchTheContract(t *testing.T) {
	raw, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Skipf("the contract is not beside the SDK: %v", err)
	}
	type param struct {
		Ref  string `yaml:"$ref"`
		Name string `yaml:"name"`
		In   string `yaml:"in"`
	}
	var spec struct {
		Paths      map[string]map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Parameters map[string]param `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	var want []string
	for path, item := range spec.Paths {
		for method, node := range item {
			var op struct {
				Parameters []param `yaml:"parameters"`
			}
			if err := node.Decode(&op); err != nil {
				continue // not an operation (a path-level parameters list)
			}
			for _, p := range op.Parameters {
				if p.Ref != "" {
					p = spec.Components.Parameters[p.Ref[len("#/components/parameters/"):]]
				}
				if p.In == "header" && p.Name == "Idempotency-Key" {
					want = append(want, map[string]string{"post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE", "get": "GET"}[method]+" "+path)
				}
			}
		}
	}
	got := slices.Sorted(slices.Values(IdempotentOperations))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("IdempotentOperations = %q, openapi.yaml has %q", got, want)
	}
}

// A creating POST carries one Idempotency-Key across its tries, with its
// body each time; a POST the server does not deduplicate is not repeated
// after a 5xx; 429 is.
func TestRetryingDoer(t *testing.T) {
	var mu sync.Mutex
	type seen struct{ method, path, key, body, auth string }
	var got []seen
	var statuses []int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Get("Idempotency-Key"), string(b), r.Header.Get("Authorization")})
		status := http.StatusOK
		if len(statuses) > 0 {
			status, statuses = statuses[0], statuses[1:]
		}
		mu.Unlock()
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"success":true,"data":null,"error":null}`))
	}))
	defer srv.Close()
	ctx := context.Background()
	newClient := func(t *testing.T, next ...int) *ClientWithResponses {
		t.Helper()
		mu.Lock()
		got, statuses = nil, next
		mu.Unlock()
		c, err := NewClientWithResponses(srv.URL+"/api",
			WithHTTPClient(&RetryingDoer{Doer: srv.Client(), Backoff: time.Millisecond}),
			WithBearerToken(func(context.Context) (string, error) { return "v2.tok", nil }))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	t.Run("creating POST", func(t *testing.T) {
		c := newClient(t, 503, 502, 201)
		if _, err := c.AddMemberWithResponse(ctx, "room_1", nil, AddMemberRequest{UserId: "bob"}); err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].key == "" || got[1].key != got[0].key || got[2].key != got[0].key {
			t.Fatalf("tries %+v, want 3 under one key", got)
		}
		for _, s := range got {
			if s.body != `{"user_id":"bob"}` || s.auth != "Bearer v2.tok" || s.path != "/api/rooms/room_1/members" {
				t.Errorf("try %+v", s)
			}
		}
	})
	t.Run("the caller's key", func(t *testing.T) {
		c := newClient(t, 503, 201)
		key := "mine-1"
		if _, err := c.CreateRoomWithResponse(ctx, &CreateRoomParams{IdempotencyKey: &key}, CreateRoomRequest{Type: RoomTypeGroup}); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].key != key || got[1].key != key {
			t.Errorf("tries %+v, want 2 under %s", got, key)
		}
	})
	t.Run("a POST without a key is not repeated after a 5xx", func(t *testing.T) {
		c := newClient(t, 503)
		r, err := c.AckMessagesWithResponse(ctx, AckRequest{RoomId: "room_1", Seq: 1})
		if err != nil || r.StatusCode() != 503 || len(got) != 1 || got[0].key != "" {
			t.Errorf("%v %v, tries %+v", r.StatusCode(), err, got)
		}
	})
	t.Run("429 is repeated for any request", func(t *testing.T) {
		c := newClient(t, 429, 200)
		r, err := c.AckMessagesWithResponse(ctx, AckRequest{RoomId: "room_1", Seq: 1})
		if err != nil || r.StatusCode() != 200 || len(got) != 2 {
			t.Errorf("%v %v, tries %+v", r.StatusCode(), err, got)
		}
	})
}
