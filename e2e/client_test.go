//go:build unix

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// api talks REST to one process with plain net/http, as any integrator would.
type api struct {
	base   string
	client *http.Client
}

func newAPI(t testing.TB, p *proc) *api {
	tr := &http.Transport{
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     30 * time.Second,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &api{base: p.base, client: &http.Client{Transport: tr, Timeout: 15 * time.Second}}
}

type envelope struct {
	Success bool            `json:"success"`
	Data    json.RawMessage `json:"data"`
	Error   *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// do sends body (nil for none) and decodes the envelope's data into out when
// the status is 2xx. It returns the status; err is a transport or decoding
// failure, or a non-2xx answer described with its error code.
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
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: %d, body %q: %w", method, path, resp.StatusCode, raw, err)
	}
	if resp.StatusCode/100 != 2 {
		if env.Error != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %d %s: %s", method, path, resp.StatusCode, env.Error.Code, env.Error.Message)
		}
		return resp.StatusCode, fmt.Errorf("%s %s: %d, body %q", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: data %s: %w", method, path, env.Data, err)
		}
	}
	return resp.StatusCode, nil
}

// tenant is a tenant's API key on one process.
type tenant struct {
	a   *api
	key string
	id  string
}

func (a *api) newTenant(t testing.TB, ctx context.Context, name string, rps int) tenant {
	t.Helper()
	var out struct {
		APIKey   string `json:"api_key"`
		TenantID string `json:"tenant_id"`
	}
	body := map[string]any{"name": name, "rate_limit_rps": rps}
	if _, err := a.do(ctx, http.MethodPost, "/admin/tenants", map[string]string{"X-Master-Key": masterKey}, body, &out); err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return tenant{a: a, key: out.APIKey, id: out.TenantID}
}

// on is the same tenant on another process (a restart on the same database).
func (tn tenant) on(a *api) tenant { return tenant{a: a, key: tn.key, id: tn.id} }

func (tn tenant) headers(user string) map[string]string {
	return map[string]string{"X-API-Key": tn.key, "X-User-Id": user}
}

func (tn tenant) createRoom(ctx context.Context, creator, typ string, members []string) (string, error) {
	var out struct {
		RoomID string `json:"room_id"`
	}
	body := map[string]any{"type": typ, "members": members}
	if _, err := tn.a.do(ctx, http.MethodPost, "/rooms", tn.headers(creator), body, &out); err != nil {
		return "", err
	}
	return out.RoomID, nil
}

// sent is a message the server answered 201 for.
type sent struct {
	MessageID string `json:"message_id"`
	Seq       int64  `json:"seq"`
	Content   string `json:"-"`
}

func (tn tenant) send(ctx context.Context, user, roomID, content string) (int, sent, error) {
	var out sent
	status, err := tn.a.do(ctx, http.MethodPost, "/rooms/"+roomID+"/messages", tn.headers(user), map[string]any{"content": content}, &out)
	out.Content = content
	return status, out, err
}

type message struct {
	MessageID string `json:"message_id"`
	RoomID    string `json:"room_id"`
	SenderID  string `json:"sender_id"`
	Seq       int64  `json:"seq"`
	Content   string `json:"content"`
}

// allMessages pages through a room with after_seq, 100 at a time, at most
// maxPages pages.
func (tn tenant) allMessages(ctx context.Context, user, roomID string) ([]message, error) {
	const maxPages = 200
	var all []message
	after := int64(0)
	for range maxPages {
		var page []message
		q := url.Values{"after_seq": {fmt.Sprint(after)}, "limit": {"100"}}
		if _, err := tn.a.do(ctx, http.MethodGet, "/rooms/"+roomID+"/messages?"+q.Encode(), tn.headers(user), nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < 100 {
			return all, nil
		}
		after = page[len(page)-1].Seq
	}
	return nil, fmt.Errorf("room %s: more than %d pages", roomID, maxPages)
}

func (tn tenant) lastSeq(ctx context.Context, user, roomID string) (int64, error) {
	var out struct {
		LastSeq int64 `json:"last_seq"`
	}
	_, err := tn.a.do(ctx, http.MethodGet, "/rooms/"+roomID, tn.headers(user), nil, &out)
	return out.LastSeq, err
}

// checkStored fails t unless the room holds exactly seqs 1..last_seq and every
// message in acked is among them with its seq, id and content.
func checkStored(t *testing.T, ctx context.Context, tn tenant, user, roomID string, acked []sent) {
	t.Helper()
	msgs, err := tn.allMessages(ctx, user, roomID)
	if err != nil {
		t.Fatalf("list messages after restart: %v", err)
	}
	last, err := tn.lastSeq(ctx, user, roomID)
	if err != nil {
		t.Fatalf("room after restart: %v", err)
	}
	if int64(len(msgs)) != last {
		t.Errorf("after restart: %d messages listed, room last_seq = %d", len(msgs), last)
	}
	bySeq := make(map[int64]message, len(msgs))
	for i, m := range msgs {
		if m.Seq != int64(i+1) {
			t.Errorf("after restart: message %d has seq %d, want %d (gap or disorder)", i, m.Seq, i+1)
			break
		}
		bySeq[m.Seq] = m
	}
	lost := 0
	for _, s := range acked {
		m, ok := bySeq[s.Seq]
		if !ok || m.MessageID != s.MessageID || m.Content != s.Content {
			lost++
			if lost <= 5 {
				t.Errorf("after restart: 201 message %s (seq %d, %q) = %+v, present %v", s.MessageID, s.Seq, s.Content, m, ok)
			}
		}
	}
	if lost > 0 {
		t.Errorf("after restart: %d of %d messages answered 201 are missing or changed", lost, len(acked))
	}
	t.Logf("after restart: %d messages, seqs 1..%d, all %d acknowledged with 201 present", len(msgs), last, len(acked)-lost)
}

// wsEvent holds the fields of server events these tests look at.
type wsEvent struct {
	Type             string          `json:"type"`
	RoomID           string          `json:"room_id"`
	UserID           string          `json:"user_id"`
	MessageID        string          `json:"message_id"`
	Seq              int64           `json:"seq"`
	EventSeq         int64           `json:"event_seq"`
	Action           string          `json:"action"`
	Status           string          `json:"status"`
	NotificationID   string          `json:"notification_id"`
	Payload          json.RawMessage `json:"payload"`
	ReconnectAfterMS *int64          `json:"reconnect_after_ms"`
	Code             string          `json:"code"`
	Message          string          `json:"message"`
	RequestID        string          `json:"request_id"`
	Receipts         []wsReceipt     `json:"receipts"`
}

// wsReceipt is one member's entry of a receipts event.
type wsReceipt struct {
	UserID        string `json:"user_id"`
	LastAck       *int64 `json:"last_ack"`
	LastDelivered *int64 `json:"last_delivered"`
}

// dialWS opens /ws for user with the REST headers, using hc for the handshake.
func dialWS(ctx context.Context, p *proc, tn tenant, user string, hc *http.Client) (*websocket.Conn, error) {
	h := http.Header{}
	h.Set("X-API-Key", tn.key)
	h.Set("X-User-Id", user)
	wsURL := "ws" + strings.TrimPrefix(p.base, "http") + "/ws"
	c, resp, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: h, HTTPClient: hc})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial %s: %d: %w", user, resp.StatusCode, err)
		}
		return nil, fmt.Errorf("dial %s: %w", user, err)
	}
	c.SetReadLimit(4 << 20)
	return c, nil
}

func readEvent(ctx context.Context, c *websocket.Conn) (wsEvent, []byte, error) {
	typ, data, err := c.Read(ctx)
	if err != nil {
		return wsEvent{}, nil, err
	}
	if typ != websocket.MessageText {
		return wsEvent{}, data, fmt.Errorf("binary frame %q", data)
	}
	var ev wsEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return wsEvent{}, data, fmt.Errorf("frame %q: %w", data, err)
	}
	return ev, data, nil
}

// awaitSync reads events until sync.complete, at most limit of them.
func awaitSync(ctx context.Context, c *websocket.Conn, limit int) error {
	for range limit {
		ev, raw, err := readEvent(ctx, c)
		if err != nil {
			return fmt.Errorf("before sync.complete: %w", err)
		}
		switch ev.Type {
		case "sync.complete":
			return nil
		case "error":
			return fmt.Errorf("error event before sync.complete: %s", raw)
		}
	}
	return fmt.Errorf("no sync.complete within %d events", limit)
}

// wsHTTPClient is a handshake client for many concurrent dials.
func wsHTTPClient(t testing.TB) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func userIDs(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	return ids
}
