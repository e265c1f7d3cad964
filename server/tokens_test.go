package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/gen/chatclient"
)

func TestCreateToken(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		ttl  *int
		want time.Duration
	}{
		{"default one hour", nil, time.Hour},
		{"ten minutes", ptr(600), 10 * time.Minute},
		{"a day", ptr(86400), 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tn.as("alice").CreateTokenWithResponse(ctx, nil, chatclient.CreateTokenRequest{TtlSeconds: tc.ttl})
			if err != nil || r.JSON201 == nil {
				t.Fatalf("create token: %v %s", err, bodyOf(r))
			}
			left := time.Until(r.JSON201.Data.ExpiresAt)
			if left > tc.want || left < tc.want-time.Minute || !strings.HasPrefix(r.JSON201.Data.Token, "v2.") {
				t.Errorf("token %+v expires in %v, want about %v", r.JSON201.Data, left, tc.want)
			}
		})
	}
	auth := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}
	for _, tc := range []struct{ name, body string }{
		{"over 24 h", `{"ttl_seconds":86401}`},
		{"zero", `{"ttl_seconds":0}`},
		{"not a number", `{"ttl_seconds":"1h"}`},
		{"null", `{"ttl_seconds":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := e.raw("POST", "/tokens", auth, tc.body)
			checkRefusal(t, status, body, refusal{400, "VALIDATION_ERROR", "ttl_seconds"})
		})
	}
	// No body at all is the default token.
	status, _, body := e.raw("POST", "/tokens", map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice"}, "")
	if status != 201 {
		t.Errorf("token without a body: %d %s", status, body)
	}
}

// The /ws handshake accepts a token, the headers or their query fallback, and
// refuses everything else with an envelope before any socket is opened.
func TestWebSocketHandshakeAuth(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	other := e.newTenant("other", 1000)
	ctx := context.Background()
	token := func(tn tenant, user string, ttl int) string {
		r, err := tn.as(user).CreateTokenWithResponse(ctx, nil, chatclient.CreateTokenRequest{TtlSeconds: &ttl})
		if err != nil || r.JSON201 == nil {
			t.Fatalf("token: %v %s", err, bodyOf(r))
		}
		return r.JSON201.Data.Token
	}
	good := token(tn, "alice", 600)
	otherTok := token(other, "bob", 600)
	short := token(tn, "carol", 1)
	forged := good[:strings.LastIndexByte(good, '.')] + ".AAAA" + good[strings.LastIndexByte(good, '.')+5:]
	// A payload re-signed by nobody: bob's claims with alice's signature.
	swapped := otherTok[:strings.LastIndexByte(otherTok, '.')] + good[strings.LastIndexByte(good, '.'):]

	for _, tc := range []struct {
		name    string
		query   url.Values
		headers map[string]string
		want    string   // the principal handed to the hub
		refuse  *refusal // or the refusal
	}{
		{"token", url.Values{"token": {good}}, nil, "ws " + tn.id + " alice", nil},
		{"token of another tenant", url.Values{"token": {otherTok}}, nil, "ws " + other.id + " bob", nil},
		{"headers", nil, map[string]string{"X-API-Key": tn.key, "X-User-Id": "dave"}, "ws " + tn.id + " dave", nil},
		{"query fallback", url.Values{"api_key": {tn.key}, "user_id": {"erin"}}, nil, "ws " + tn.id + " erin", nil},
		{"forged token", url.Values{"token": {forged}}, nil, "", &refusal{401, "AUTHENTICATION_ERROR", ""}},
		{"claims with another signature", url.Values{"token": {swapped}}, nil, "", &refusal{401, "AUTHENTICATION_ERROR", ""}},
		{"garbage token", url.Values{"token": {"v2.x.y"}}, nil, "", &refusal{401, "AUTHENTICATION_ERROR", ""}},
		{"no credentials", nil, nil, "", &refusal{401, "AUTHENTICATION_ERROR", ""}},
		{"unknown key", url.Values{"api_key": {"sk_nope"}, "user_id": {"erin"}}, nil, "", &refusal{401, "AUTHENTICATION_ERROR", ""}},
		{"key without user", url.Values{"api_key": {tn.key}}, nil, "", &refusal{400, "VALIDATION_ERROR", "X-User-Id"}},
		{"bad user", url.Values{"api_key": {tn.key}, "user_id": {"a b"}}, nil, "", &refusal{400, "VALIDATION_ERROR", "X-User-Id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := e.raw("GET", "/ws?"+tc.query.Encode(), tc.headers, "")
			if tc.refuse != nil {
				checkRefusal(t, status, body, *tc.refuse)
				return
			}
			if status != 200 || string(body) != tc.want {
				t.Errorf("handshake: %d %q, want %q", status, body, tc.want)
			}
		})
	}
	t.Run("expired token", func(t *testing.T) {
		e.advance(2 * time.Second)
		status, _, body := e.raw("GET", "/ws?token="+url.QueryEscape(short), nil, "")
		checkRefusal(t, status, body, refusal{401, "AUTHENTICATION_ERROR", ""})
	})
	if logs := e.logs.String(); strings.Contains(logs, good) || strings.Contains(logs, tn.key) {
		t.Error("a token or key reached the log")
	}
}

// A token's base64 parts are canonical: the last character of the MAC
// (32 bytes, 43 characters) carries two bits that encode nothing, and a
// token whose only difference is those bits is not the token that was
// issued.
func TestTokenBase64MustBeCanonical(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	r, err := tn.as("alice").CreateTokenWithResponse(context.Background(), nil, chatclient.CreateTokenRequest{})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("token: %v %s", err, bodyOf(r))
	}
	good := r.JSON201.Data.Token
	if status, _, body := e.raw("GET", "/ws?token="+url.QueryEscape(good), nil, ""); status != 200 {
		t.Fatalf("the issued token: %d %s", status, body)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, good[len(good)-1])
	for _, bits := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("unused bits %02b", bits), func(t *testing.T) {
			tampered := good[:len(good)-1] + string(alphabet[last^bits])
			status, _, body := e.raw("GET", "/ws?token="+url.QueryEscape(tampered), nil, "")
			checkRefusal(t, status, body, refusal{401, "AUTHENTICATION_ERROR", ""})
		})
	}
}

// A rotation of the tenant's key ends the tokens issued under the old key,
// however long they had left: the /ws handshake refuses them with 401,
// while the tokens issued with the new key open it.
func TestRotatedKeyEndsItsTokens(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	ctx := context.Background()
	token := func(key, user string) string {
		t.Helper()
		c := e.client(map[string]string{"X-API-Key": key, "X-User-Id": user})
		ttl := 86400
		r, err := c.CreateTokenWithResponse(ctx, nil, chatclient.CreateTokenRequest{TtlSeconds: &ttl})
		if err != nil || r.JSON201 == nil {
			t.Fatalf("token: %v %s", err, bodyOf(r))
		}
		return r.JSON201.Data.Token
	}
	open := func(tok string) (int, []byte) {
		status, _, body := e.raw("GET", "/ws?token="+url.QueryEscape(tok), nil, "")
		return status, body
	}
	old := token(tn.key, "alice")
	if status, body := open(old); status != 200 {
		t.Fatalf("before the rotation: %d %s", status, body)
	}
	rot, err := e.admin().RotateTenantKeyWithResponse(ctx, tn.id)
	if err != nil || rot.JSON200 == nil {
		t.Fatalf("rotate: %v %s", err, bodyOf(rot))
	}
	status, body := open(old)
	checkRefusal(t, status, body, refusal{401, "AUTHENTICATION_ERROR", ""})

	fresh := token(rot.JSON200.Data.ApiKey, "alice")
	if status, body := open(fresh); status != 200 || string(body) != "ws "+tn.id+" alice" {
		t.Errorf("a token of the new key: %d %s", status, body)
	}
}
