package storetest

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

func testTenants(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()

	t.Run("create", func(t *testing.T) {
		tests := []struct {
			name    string
			tenant  string
			rps     int
			hash    string
			wantRPS int
			wantErr error
			wantFld string
		}{
			{name: "default rate limit", tenant: "acme", rps: 0, hash: "h-default", wantRPS: store.DefaultRateLimitRPS},
			{name: "own rate limit", tenant: "acme", rps: 7, hash: "h-seven", wantRPS: 7},
			{name: "empty name", tenant: " ", hash: "h-empty", wantErr: store.ErrInvalid, wantFld: "name"},
			{name: "negative rate limit", tenant: "acme", rps: -1, hash: "h-neg", wantErr: store.ErrInvalid, wantFld: "rate_limit_rps"},
			{name: "hash in use", tenant: "acme", hash: "h-default", wantErr: store.ErrConflict},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.CreateTenant(ctx, tt.tenant, tt.rps, tt.hash)
				checkErr(t, err, tt.wantErr, tt.wantFld)
				if err != nil {
					return
				}
				if !strings.HasPrefix(got.ID, "tn_") || len(got.ID) != len("tn_")+20 {
					t.Errorf("got id %q, want tn_ and 20 characters", got.ID)
				}
				if got.Name != tt.tenant || got.RateLimitRPS != tt.wantRPS {
					t.Errorf("got %+v, want name %q, rate %d", got, tt.tenant, tt.wantRPS)
				}
				if got.CreatedAt.Location() != time.UTC || got.CreatedAt.Before(epoch) {
					t.Errorf("got created_at %v, want UTC from the injected clock", got.CreatedAt)
				}
				byHash, err := s.TenantByKeyHash(ctx, tt.hash)
				if err != nil {
					t.Fatalf("TenantByKeyHash: %v", err)
				}
				if !reflect.DeepEqual(byHash, got) {
					t.Errorf("TenantByKeyHash got %+v, want %+v", byHash, got)
				}
				byID, err := s.TenantByID(ctx, got.ID)
				if err != nil || !reflect.DeepEqual(byID, got) {
					t.Errorf("TenantByID got %+v, %v, want %+v", byID, err, got)
				}
			})
		}
	})

	t.Run("unknown hash", func(t *testing.T) {
		_, err := s.TenantByKeyHash(ctx, "no-such-hash")
		checkErr(t, err, store.ErrNotFound, "")
	})

	t.Run("unknown id", func(t *testing.T) {
		_, err := s.TenantByID(ctx, "tn_nope")
		checkErr(t, err, store.ErrNotFound, "")
	})

	t.Run("list oldest first", func(t *testing.T) {
		s := newStore(t, b)
		var want []store.Tenant
		for _, name := range []string{"first", "second", "third"} {
			tn, err := s.CreateTenant(ctx, name, 0, "hash-"+name)
			if err != nil {
				t.Fatalf("CreateTenant: %v", err)
			}
			want = append(want, tn)
		}
		got, err := s.ListTenants(ctx)
		if err != nil {
			t.Fatalf("ListTenants: %v", err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d tenants, want %d", len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("tenant %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
	})

	t.Run("rotate key", func(t *testing.T) {
		tn, err := s.CreateTenant(ctx, "rotating", 5, "old-hash")
		if err != nil {
			t.Fatalf("CreateTenant: %v", err)
		}
		if tn.KeyGeneration != 1 {
			t.Errorf("a new tenant's key generation is %d, want 1", tn.KeyGeneration)
		}
		rotated, err := s.RotateTenantKey(ctx, tn.ID, "new-hash")
		if err != nil {
			t.Fatalf("RotateTenantKey: %v", err)
		}
		want := tn
		want.KeyGeneration = 2
		if !reflect.DeepEqual(rotated, want) {
			t.Errorf("got %+v, want %+v", rotated, want)
		}
		if byID, err := s.TenantByID(ctx, tn.ID); err != nil || !reflect.DeepEqual(byID, want) {
			t.Errorf("TenantByID after the rotation: got %+v, %v; want %+v", byID, err, want)
		}
		if _, err := s.TenantByKeyHash(ctx, "old-hash"); err == nil {
			t.Error("old key hash still finds the tenant")
		} else {
			checkErr(t, err, store.ErrNotFound, "")
		}
		got, err := s.TenantByKeyHash(ctx, "new-hash")
		if err != nil || got.ID != tn.ID {
			t.Errorf("new key hash: got %+v, %v; want tenant %s", got, err, tn.ID)
		}
	})

	t.Run("key generations", func(t *testing.T) {
		s := newStore(t, b)
		var ids []string
		want := map[string]int64{}
		// More tenants than one query asks for, each rotated i%3 times.
		for i := range 501 {
			tn, err := s.CreateTenant(ctx, "t", 0, fmt.Sprintf("gen-hash-%d", i))
			if err != nil {
				t.Fatalf("CreateTenant: %v", err)
			}
			for r := range i % 3 {
				if _, err := s.RotateTenantKey(ctx, tn.ID, fmt.Sprintf("gen-hash-%d-%d", i, r)); err != nil {
					t.Fatalf("RotateTenantKey: %v", err)
				}
			}
			ids = append(ids, tn.ID)
			want[tn.ID] = int64(1 + i%3)
		}
		got, err := s.TenantKeyGenerations(ctx, append(ids, "tn_missing"))
		if err != nil {
			t.Fatalf("TenantKeyGenerations: %v", err)
		}
		if !maps.Equal(got, want) {
			t.Errorf("got %d generations, want %d (the unknown id left out); first differences: %v", len(got), len(want), firstDiffs(got, want, 3))
		}
		if got, err := s.TenantKeyGenerations(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("no ids: got %v, %v", got, err)
		}
	})

	t.Run("rotate unknown tenant", func(t *testing.T) {
		_, err := s.RotateTenantKey(ctx, "tn_missing", "another-hash")
		checkErr(t, err, store.ErrNotFound, "")
	})
}

func testCheckWritable(t *testing.T, b Backend) {
	s := newStore(t, b)
	for i := range 2 { // the first write inserts the row, the next rewrites it
		if err := s.CheckWritable(t.Context()); err != nil {
			t.Fatalf("CheckWritable #%d: %v", i+1, err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.CheckWritable(ctx); err == nil {
		t.Error("CheckWritable with a cancelled context: got no error")
	}
}

// firstDiffs lists up to n keys whose values differ between got and want.
func firstDiffs(got, want map[string]int64, n int) []string {
	var out []string
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			out = append(out, fmt.Sprintf("%s: got %d, want %d", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%s: got %d, want none", k, g))
		}
	}
	return out[:min(n, len(out))]
}
