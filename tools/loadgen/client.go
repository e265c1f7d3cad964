package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// api speaks ChatAPI's REST interface to one server over loopback.
type api struct {
	base   string // http://host:port
	client *http.Client
}

func newAPI(base string, conns int) *api {
	tr := &http.Transport{
		MaxIdleConns:        conns + 16,
		MaxIdleConnsPerHost: conns + 16,
		IdleConnTimeout:     30 * time.Second,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	return &api{base: base, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

func (a *api) close() { a.client.CloseIdleConnections() }

// statusError is a non-2xx answer, with the envelope's error code.
type statusError struct {
	Status int
	Code   string
	Msg    string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Code, e.Msg)
}

type envelope struct {
	Success bool            `json:"success"`
	Data    json.RawMessage `json:"data"`
	Error   *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// do sends body (nil for none) with headers and decodes the envelope's data
// into out (nil to skip) on a 2xx. It returns the status (0 when no answer
// came) and a *statusError for a non-2xx answer.
func (a *api) do(ctx context.Context, method, path string, headers map[string]string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode/100 != 2 {
		se := &statusError{Status: resp.StatusCode}
		var env envelope
		if json.Unmarshal(raw, &env) == nil && env.Error != nil {
			se.Code, se.Msg = env.Error.Code, env.Error.Message
		}
		return resp.StatusCode, se
	}
	if out == nil {
		return resp.StatusCode, nil
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: body %.200q: %w", method, path, raw, err)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: data %.200s: %w", method, path, env.Data, err)
	}
	return resp.StatusCode, nil
}

// tenant is one tenant's API key on the server.
type tenant struct {
	a   *api
	id  string
	key string
}

// newTenant creates a tenant with the master key. Its rate limit is the
// highest the API allows, so the per-tenant limiter is not what is measured.
func newTenant(ctx context.Context, a *api, masterKey, name string) (tenant, error) {
	var out struct {
		TenantID string `json:"tenant_id"`
		APIKey   string `json:"api_key"`
	}
	body := map[string]any{"name": name, "rate_limit_rps": 100000}
	if _, err := a.do(ctx, http.MethodPost, "/admin/tenants", map[string]string{"X-Master-Key": masterKey}, body, &out); err != nil {
		return tenant{}, fmt.Errorf("create tenant: %w", err)
	}
	return tenant{a: a, id: out.TenantID, key: out.APIKey}, nil
}

func (tn tenant) headers(user string) map[string]string {
	return map[string]string{"X-API-Key": tn.key, "X-User-Id": user}
}

// createRoom creates a group room of creator and members (at most 1,000).
func (tn tenant) createRoom(ctx context.Context, creator string, members []string) (string, error) {
	var out struct {
		RoomID string `json:"room_id"`
	}
	body := map[string]any{"type": "group", "members": members}
	if _, err := tn.a.do(ctx, http.MethodPost, "/rooms", tn.headers(creator), body, &out); err != nil {
		return "", fmt.Errorf("create room: %w", err)
	}
	return out.RoomID, nil
}

type sentMessage struct {
	MessageID string `json:"message_id"`
	Seq       int64  `json:"seq"`
}

func (tn tenant) send(ctx context.Context, user, roomID, content string) (int, sentMessage, error) {
	var out sentMessage
	status, err := tn.a.do(ctx, http.MethodPost, "/rooms/"+roomID+"/messages", tn.headers(user),
		map[string]any{"content": content}, &out)
	return status, out, err
}

type storedMessage struct {
	Seq     int64  `json:"seq"`
	Content string `json:"content"`
}

// page reads up to limit messages after afterSeq.
func (tn tenant) page(ctx context.Context, user, roomID string, afterSeq int64, limit int) ([]storedMessage, error) {
	q := url.Values{"after_seq": {strconv.FormatInt(afterSeq, 10)}, "limit": {strconv.Itoa(limit)}}
	var out []storedMessage
	_, err := tn.a.do(ctx, http.MethodGet, "/rooms/"+roomID+"/messages?"+q.Encode(), tn.headers(user), nil, &out)
	return out, err
}

// allSeqs pages through a room, 100 at a time, and returns the seqs in the
// order listed. maxPages bounds the walk.
func (tn tenant) allSeqs(ctx context.Context, user, roomID string, maxPages int) ([]int64, error) {
	var seqs []int64
	after := int64(0)
	for range maxPages {
		page, err := tn.page(ctx, user, roomID, after, 100)
		if err != nil {
			return nil, err
		}
		for _, m := range page {
			seqs = append(seqs, m.Seq)
		}
		if len(page) < 100 {
			return seqs, nil
		}
		after = page[len(page)-1].Seq
	}
	return nil, fmt.Errorf("room %s: more than %d pages", roomID, maxPages)
}

// dial opens a WebSocket connection for user.
func (tn tenant) dial(ctx context.Context, hc *http.Client, user string) (*websocket.Conn, error) {
	// base is http://host:port (or https://): ws:// (wss://) with the
	// same host, without parsing base for every dial (3 % of this
	// process's CPU while it opened 10,000 connections).
	u := "ws" + strings.TrimPrefix(tn.a.base, "http") + "/ws"
	h := http.Header{}
	h.Set("X-API-Key", tn.key)
	h.Set("X-User-Id", user)
	c, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: hc, HTTPHeader: h})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial /ws as %s: HTTP %d: %w", user, resp.StatusCode, err)
		}
		return nil, fmt.Errorf("dial /ws as %s: %w", user, err)
	}
	c.SetReadLimit(1 << 20)
	return c, nil
}

// wsHTTPClient is the HTTP client for handshakes: its own transport, since a
// hijacked connection never returns to a pool.
func wsHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:       (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		DisableKeepAlives: true,
	}}
}

// frame is the part of a server event loadgen looks at.
type frame struct {
	Type    string `json:"type"`
	RoomID  string `json:"room_id"`
	Seq     int64  `json:"seq"`
	Content string `json:"content"`
}

// parseFrame reads a frame's members by walking it (eachMember): a fan-out
// receiver reads 50,000–100,000 frames a second, and decoding each with
// encoding/json was 40 % of the load generator's CPU, on the cores the
// server is measured on. A frame the walk does not read (a content with
// escapes, which the fan-out's never has, a null seq) is decoded by
// encoding/json.
func parseFrame(data []byte) (frame, error) {
	var f frame
	if walkFrame(data, &f) == nil {
		return f, nil
	}
	f = frame{}
	err := json.Unmarshal(data, &f)
	return f, err
}

func walkFrame(data []byte, f *frame) error {
	return eachMember(data, func(key, value []byte) error {
		var err error
		switch string(key) {
		case "type":
			f.Type, err = jsonString(value)
		case "room_id":
			f.RoomID, err = jsonString(value)
		case "seq":
			f.Seq, err = jsonInt(value)
		case "content":
			f.Content, err = jsonString(value)
		}
		return err
	})
}

// errorKey names a failed request for the error table: its status, or the
// transport failure.
func errorKey(status int, err error) string {
	var se *statusError
	switch {
	case errors.As(err, &se):
		return strconv.Itoa(se.Status)
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case status != 0:
		return strconv.Itoa(status)
	default:
		return "transport"
	}
}

// userIDs returns n user ids prefix0…prefix(n-1).
func userIDs(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}
