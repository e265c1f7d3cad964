package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

func profileIDs(ps []store.Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.UserID
	}
	return out
}

// testProfiles writes and reads profiles: PUT-like and PATCH-like changes,
// the empty profile of a user never seen, batch reads in the order asked,
// limits refused with their field, and tenants kept apart.
func testProfiles(t *testing.T, b Backend) {
	s, clk := newStoreClock(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)

	put := store.ProfileChange{DisplayName: ptr("Alice Liddell"), AvatarURL: ptr("https://cdn.example.com/a.png"), Custom: []byte(`{"title": "Engineer", "n": 9007199254740993}`)}
	got, err := s.UpdateProfile(ctx, tenant, "alice", "alice", put)
	if err != nil {
		t.Fatalf("UpdateProfile: %v", err)
	}
	if got.UserID != "alice" || got.DisplayName != "Alice Liddell" || got.AvatarURL != "https://cdn.example.com/a.png" ||
		string(got.Custom) != `{"title":"Engineer","n":9007199254740993}` || got.UpdatedAt == nil || got.UpdatedAt.Before(epoch) {
		t.Fatalf("UpdateProfile: got %+v", got)
	}

	clk.Advance(time.Second)
	first := *got.UpdatedAt
	t.Run("patch changes only what it names", func(t *testing.T) {
		got, err := s.UpdateProfile(ctx, tenant, "alice", "alice", store.ProfileChange{DisplayName: ptr("Alice")})
		if err != nil || got.DisplayName != "Alice" || got.AvatarURL != "https://cdn.example.com/a.png" ||
			string(got.Custom) != `{"title":"Engineer","n":9007199254740993}` || !got.UpdatedAt.After(first.Add(time.Second)) {
			t.Errorf("got %+v, %v", got, err)
		}
		got, err = s.UpdateProfile(ctx, tenant, "alice", "alice", store.ProfileChange{AvatarURL: ptr(""), Custom: []byte(`null`)})
		if err != nil || got.DisplayName != "Alice" || got.AvatarURL != "" || string(got.Custom) != `{}` {
			t.Errorf("clearing: got %+v, %v", got, err)
		}
	})

	t.Run("get", func(t *testing.T) {
		tests := []struct {
			name   string
			tenant string
			ids    []string
			want   []string // display names, in the order asked
		}{
			{"one", tenant, []string{"alice"}, []string{"Alice"}},
			{"never seen is empty", tenant, []string{"nobody"}, []string{""}},
			{"order asked, duplicates kept", tenant, []string{"nobody", "alice", "alice"}, []string{"", "Alice", "Alice"}},
			{"other tenant sees nothing", other, []string{"alice"}, []string{""}},
			{"none", tenant, nil, []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ps, err := s.GetProfiles(ctx, tt.tenant, tt.ids)
				if err != nil {
					t.Fatalf("GetProfiles: %v", err)
				}
				names := make([]string, len(ps))
				for i, p := range ps {
					names[i] = p.DisplayName
					if p.UserID != tt.ids[i] {
						t.Errorf("profile %d is %q, want %q", i, p.UserID, tt.ids[i])
					}
					if p.DisplayName == "" && (p.UpdatedAt != nil || string(p.Custom) != "{}") {
						t.Errorf("empty profile: got %+v", p)
					}
				}
				if !slices.Equal(names, tt.want) {
					t.Errorf("got %q, want %q", names, tt.want)
				}
			})
		}
		_, err := s.GetProfiles(ctx, tenant, make([]string, store.MaxProfileBatch+1))
		checkErr(t, err, store.ErrInvalid, "ids")
	})

	t.Run("refused, nothing stored", func(t *testing.T) {
		tests := []struct {
			name  string
			ch    store.ProfileChange
			field string
		}{
			{"long name", store.ProfileChange{DisplayName: ptr(strings.Repeat("é", store.MaxDisplayNameLength+1))}, "display_name"},
			{"control character", store.ProfileChange{DisplayName: ptr("a\nb")}, "display_name"},
			{"NUL", store.ProfileChange{DisplayName: ptr("a\x00b")}, "display_name"},
			{"invalid UTF-8", store.ProfileChange{DisplayName: ptr("a\xffb")}, "display_name"},
			{"http avatar", store.ProfileChange{AvatarURL: ptr("http://cdn.example.com/a.png")}, "avatar_url"},
			{"script avatar", store.ProfileChange{AvatarURL: ptr("javascript:alert(1)")}, "avatar_url"},
			{"relative avatar", store.ProfileChange{AvatarURL: ptr("/a.png")}, "avatar_url"},
			{"long avatar", store.ProfileChange{AvatarURL: ptr("https://cdn.example.com/" + strings.Repeat("a", store.MaxAvatarURLLength))}, "avatar_url"},
			{"custom not an object", store.ProfileChange{Custom: []byte(`[1]`)}, "custom"},
			{"custom too large", store.ProfileChange{Custom: []byte(`{"a":"` + strings.Repeat("x", store.MaxProfileCustomSize) + `"}`)}, "custom"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.UpdateProfile(ctx, tenant, "alice", "alice", tt.ch)
				checkErr(t, err, store.ErrInvalid, tt.field)
				ps, err := s.GetProfiles(ctx, tenant, []string{"alice"})
				if err != nil || ps[0].DisplayName != "Alice" {
					t.Errorf("after a refusal: got %+v, %v", ps, err)
				}
			})
		}
	})

	t.Run("another user's profile", func(t *testing.T) {
		_, err := s.UpdateProfile(ctx, tenant, "mallory", "alice", store.ProfileChange{DisplayName: ptr("owned")})
		checkErr(t, err, store.ErrForbidden, "")
		if ps, err := s.GetProfiles(ctx, tenant, []string{"alice"}); err != nil || ps[0].DisplayName != "Alice" {
			t.Errorf("after a refusal: got %+v, %v", ps, err)
		}
	})

	t.Run("a name of exactly the limit", func(t *testing.T) {
		name := strings.Repeat("é", store.MaxDisplayNameLength)
		if got, err := s.UpdateProfile(ctx, tenant, "long", "long", store.ProfileChange{DisplayName: &name}); err != nil || got.DisplayName != name {
			t.Errorf("got %+v, %v", got, err)
		}
	})
}

// testConcurrentProfileChanges has 20 goroutines each set another field of
// one profile at once: every change lands (one statement per change, no
// read-modify-write that could lose a concurrent one).
func testConcurrentProfileChanges(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 20 {
		wg.Go(func() {
			<-start
			var ch store.ProfileChange
			switch i % 2 {
			case 0:
				ch.DisplayName = ptr("Bob")
			case 1:
				ch.AvatarURL = ptr("https://cdn.example.com/bob.png")
			}
			if _, err := s.UpdateProfile(ctx, tenant, "bob", "bob", ch); err != nil {
				t.Errorf("UpdateProfile: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	ps, err := s.GetProfiles(ctx, tenant, []string{"bob"})
	if err != nil || ps[0].DisplayName != "Bob" || ps[0].AvatarURL != "https://cdn.example.com/bob.png" {
		t.Errorf("got %+v, %v; want both fields", ps, err)
	}
}

// testSearchUsers pages the directory: users with a profile and users who
// belong to a room, matched by a case-insensitive prefix of display name or
// id, in id order, tenant by tenant.
func testSearchUsers(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	for id, name := range map[string]string{"u1": "Ana Lima", "u2": "Ánder", "u3": "Bob", "u4": "anabel", "ana.x": "Zed", "u5": "東京"} {
		if _, err := s.UpdateProfile(ctx, tenant, id, id, store.ProfileChange{DisplayName: ptr(name)}); err != nil {
			t.Fatal(err)
		}
	}
	// Members with no profile: found by id only.
	newRoom(t, s, tenant, "anakin", store.RoomGroup, "u3", "Analyst")
	if _, err := s.UpdateProfile(ctx, other, "u9", "u9", store.ProfileChange{DisplayName: ptr("Ana Other")}); err != nil {
		t.Fatal(err)
	}
	newRoom(t, s, other, "ana.other", store.RoomGroup)

	search := func(t *testing.T, tenant, q, after string, limit int) ([]string, bool) {
		t.Helper()
		ps, more, err := s.SearchUsers(ctx, tenant, q, after, limit)
		if err != nil {
			t.Fatalf("SearchUsers(%q): %v", q, err)
		}
		return profileIDs(ps), more
	}
	tests := []struct {
		name   string
		tenant string
		q      string
		want   []string
	}{
		{"name prefix, any case, ids too", tenant, "ana", []string{"Analyst", "ana.x", "anakin", "u1", "u4"}},
		{"upper case query", tenant, "ANA", []string{"Analyst", "ana.x", "anakin", "u1", "u4"}},
		{"accented name", tenant, "án", []string{"u2"}},
		{"whole name", tenant, "ana lima", []string{"u1"}},
		{"CJK", tenant, "東", []string{"u5"}},
		{"member without profile by id", tenant, "analy", []string{"Analyst"}},
		{"id prefix", tenant, "u", []string{"u1", "u2", "u3", "u4", "u5"}},
		{"no match", tenant, "zz", []string{}},
		{"everyone", tenant, "", []string{"Analyst", "ana.x", "anakin", "u1", "u2", "u3", "u4", "u5"}},
		{"other tenant", other, "ana", []string{"ana.other", "u9"}},
		{"not a LIKE pattern", tenant, "%", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, more := search(t, tt.tenant, tt.q, "", 50)
			if !slices.Equal(got, tt.want) || more {
				t.Errorf("got %v (more %v), want %v", got, more, tt.want)
			}
		})
	}

	t.Run("pages", func(t *testing.T) {
		var all []string
		after := ""
		for page := 0; ; page++ {
			got, more := search(t, tenant, "", after, 3)
			if len(got) > 3 || page > 5 {
				t.Fatalf("page %d: %v", page, got)
			}
			all = append(all, got...)
			if !more {
				break
			}
			after = got[len(got)-1]
		}
		if want := []string{"Analyst", "ana.x", "anakin", "u1", "u2", "u3", "u4", "u5"}; !slices.Equal(all, want) {
			t.Errorf("paged %v, want %v", all, want)
		}
	})

	t.Run("refused", func(t *testing.T) {
		for _, tt := range []struct {
			q     string
			limit int
			field string
		}{
			{strings.Repeat("a", store.MaxDirectoryQuery+1), 10, "q"},
			{"a\x00", 10, "q"},
			{"a", store.MaxDirectoryLimit + 1, "limit"},
			{"a", -1, "limit"},
		} {
			t.Run(fmt.Sprintf("%.10q/%d", tt.q, tt.limit), func(t *testing.T) {
				_, _, err := s.SearchUsers(ctx, tenant, tt.q, "", tt.limit)
				checkErr(t, err, store.ErrInvalid, tt.field)
			})
		}
	})
}
