package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/chatapi/chatapi/gen/chatclient"
)

func TestUserProfiles(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()
	alice := tn.as("alice")

	put, err := alice.PutUserWithResponse(ctx, "alice", chatclient.UserProfileRequest{
		DisplayName: new("Alice Liddell"), AvatarUrl: new("https://cdn.example.com/a%20b.png"),
		Custom: &map[string]any{"title": "Engineer"},
	})
	if err != nil || put.JSON200 == nil {
		t.Fatalf("put: %v %s", err, bodyOf(put))
	}
	if d := put.JSON200.Data; d.UserId != "alice" || d.DisplayName != "Alice Liddell" || d.Custom["title"] != "Engineer" || d.UpdatedAt == nil {
		t.Errorf("put: got %+v", d)
	}
	// PATCH keeps what it does not name; PUT clears it.
	patch, err := alice.PatchUserWithResponse(ctx, "alice", chatclient.UserProfileRequest{DisplayName: new("Alice")})
	if err != nil || patch.JSON200 == nil || patch.JSON200.Data.DisplayName != "Alice" || patch.JSON200.Data.AvatarUrl != "https://cdn.example.com/a%20b.png" {
		t.Errorf("patch: %v %s", err, bodyOf(patch))
	}
	if _, err := tn.as("bob").PutUserWithResponse(ctx, "bob", chatclient.UserProfileRequest{DisplayName: new("Bob")}); err != nil {
		t.Fatal(err)
	}
	bob, err := tn.as("bob").PutUserWithResponse(ctx, "bob", chatclient.UserProfileRequest{AvatarUrl: new("https://cdn.example.com/b.png")})
	if err != nil || bob.JSON200 == nil || bob.JSON200.Data.DisplayName != "" || len(bob.JSON200.Data.Custom) != 0 {
		t.Errorf("put replaces: %v %s", err, bodyOf(bob))
	}

	t.Run("refusals", func(t *testing.T) {
		h := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}
		tests := []struct {
			name, method, path, body string
			want                     refusal
		}{
			{"another user's profile", "PUT", "/users/bob", `{"display_name":"owned"}`, refusal{403, "AUTHORIZATION_ERROR", ""}},
			{"patch another user's", "PATCH", "/users/bob", `{"display_name":"owned"}`, refusal{403, "AUTHORIZATION_ERROR", ""}},
			{"long name", "PATCH", "/users/alice", `{"display_name":"` + strings.Repeat("x", 101) + `"}`, refusal{400, "VALIDATION_ERROR", "display_name"}},
			{"control character", "PATCH", "/users/alice", `{"display_name":"a\u0007b"}`, refusal{400, "VALIDATION_ERROR", "display_name"}},
			{"http avatar", "PATCH", "/users/alice", `{"avatar_url":"http://cdn.example.com/a.png"}`, refusal{400, "VALIDATION_ERROR", "avatar_url"}},
			{"script avatar", "PATCH", "/users/alice", `{"avatar_url":"javascript:alert(1)"}`, refusal{400, "VALIDATION_ERROR", "avatar_url"}},
			{"custom too large", "PATCH", "/users/alice", `{"custom":{"a":"` + strings.Repeat("x", 5200) + `"}}`, refusal{400, "VALIDATION_ERROR", "custom"}},
			{"unknown field", "PATCH", "/users/alice", `{"nickname":"al"}`, refusal{400, "VALIDATION_ERROR", ""}},
			{"bad user id", "GET", "/users/a%20b", ``, refusal{400, "VALIDATION_ERROR", "user_id"}},
			{"limit over 50", "GET", "/users?limit=51", ``, refusal{400, "VALIDATION_ERROR", "limit"}},
			{"too many ids", "GET", "/users?ids=" + strings.Repeat("u,", 100) + "u", ``, refusal{400, "VALIDATION_ERROR", "ids"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				status, _, body := e.raw(tt.method, tt.path, h, tt.body)
				checkRefusal(t, status, body, tt.want)
			})
		}
		g, err := alice.GetUserWithResponse(ctx, "alice")
		if err != nil || g.JSON200 == nil || g.JSON200.Data.DisplayName != "Alice" {
			t.Errorf("after refusals: %v %s", err, bodyOf(g))
		}
	})

	t.Run("get", func(t *testing.T) {
		tests := []struct {
			name   string
			c      *chatclient.ClientWithResponses
			user   string
			wantDN string
		}{
			{"own", alice, "alice", "Alice"},
			{"someone else's", tn.as("carol"), "alice", "Alice"},
			{"never seen: empty, not 404", alice, "nobody", ""},
			{"other tenant's user is not visible", other.as("alice"), "alice", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := tt.c.GetUserWithResponse(ctx, tt.user)
				if err != nil || r.JSON200 == nil {
					t.Fatalf("%v %s", err, bodyOf(r))
				}
				if d := r.JSON200.Data; d.UserId != tt.user || d.DisplayName != tt.wantDN || d.Custom == nil {
					t.Errorf("got %+v, want display name %q", d, tt.wantDN)
				}
			})
		}
	})

	t.Run("list", func(t *testing.T) {
		tn.createRoom("alice", chatclient.RoomTypeGroup, "anders")
		ids := func(p chatclient.UserPage) []string {
			var out []string
			for _, u := range p.Users {
				out = append(out, u.UserId)
			}
			return out
		}
		tests := []struct {
			name     string
			params   chatclient.ListUsersParams
			want     []string
			wantMore bool
		}{
			{"by ids, in order asked", chatclient.ListUsersParams{Ids: &[]string{"bob", "nobody", "alice"}}, []string{"bob", "nobody", "alice"}, false},
			{"ids take precedence over the directory's parameters", chatclient.ListUsersParams{Ids: &[]string{"bob"}, Q: new("ali"), After: new("zz"), Limit: new(1)}, []string{"bob"}, false},
			{"directory by name prefix", chatclient.ListUsersParams{Q: new("ALI")}, []string{"alice"}, false},
			{"directory by id prefix, members too", chatclient.ListUsersParams{Q: new("a")}, []string{"alice", "anders"}, false},
			{"first page", chatclient.ListUsersParams{Limit: new(2)}, []string{"alice", "anders"}, true},
			{"next page", chatclient.ListUsersParams{Limit: new(2), After: new("anders")}, []string{"bob"}, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := alice.ListUsersWithResponse(ctx, &tt.params)
				if err != nil || r.JSON200 == nil {
					t.Fatalf("%v %s", err, bodyOf(r))
				}
				p := r.JSON200.Data
				if got := ids(p); !slices.Equal(got, tt.want) || p.HasMore != tt.wantMore {
					t.Errorf("got %v more %v, want %v more %v", got, p.HasMore, tt.want, tt.wantMore)
				}
				if p.HasMore != (p.NextAfter != nil) || (p.HasMore && *p.NextAfter != tt.want[len(tt.want)-1]) {
					t.Errorf("next_after %v with has_more %v", p.NextAfter, p.HasMore)
				}
			})
		}
		// Repeated, as some generated clients send every array: the same list.
		h := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice"}
		status, _, body := e.raw("GET", "/users?ids=bob&ids=nobody,alice", h, "")
		var page chatclient.UserPageResponse
		if err := json.Unmarshal(body, &page); status != 200 || err != nil || !slices.Equal(ids(page.Data), []string{"bob", "nobody", "alice"}) {
			t.Errorf("repeated ids: %d %s", status, body)
		}
		r, err := other.as("x").ListUsersWithResponse(ctx, &chatclient.ListUsersParams{Q: new("a")})
		if err != nil || r.JSON200 == nil || len(r.JSON200.Data.Users) != 0 {
			t.Errorf("other tenant's directory: %v %s", err, bodyOf(r))
		}
	})
}
