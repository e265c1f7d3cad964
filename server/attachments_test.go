package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
)

// The whole attachment path: a PNG uploaded, attached to a message sent
// over REST, received by another member over WebSocket with a signed URL
// that fetches the image without any header, and shown by the message
// list with a fresh one.
func TestAttachmentReachesWebSocketClient(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 1000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	data := pngOf(t, 640, 480)
	up := tn.upload(t, "alice", room.RoomId, "photo.png", "image/png", data)

	wsURL := "ws" + strings.TrimPrefix(e.url, "http") + "/ws?token=" + url.QueryEscape(tn.token("bob"))
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.CloseNow()
	type frame struct {
		Type        string                  `json:"type"`
		MessageID   string                  `json:"message_id"`
		Attachments []chatclient.Attachment `json:"attachments"`
		Cursor      string                  `json:"cursor"`
	}
	read := func(conn *websocket.Conn) frame {
		t.Helper()
		_, raw, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var f frame
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatalf("frame %q: %v", raw, err)
		}
		return f
	}
	next := func() frame { t.Helper(); return read(conn) }
	synced := next()
	if synced.Type != "sync.complete" {
		t.Fatalf("first event = %+v, want sync.complete", synced)
	}

	atts := []string{up.UploadId}
	r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "look", Attachments: &atts})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("send: %v %s", err, bodyOf(r))
	}
	check := func(t *testing.T, where string, got *[]chatclient.Attachment) {
		t.Helper()
		if got == nil || len(*got) != 1 {
			t.Fatalf("%s: attachments = %v, want one", where, got)
		}
		a := (*got)[0]
		if a.UploadId != up.UploadId || a.Filename != "photo.png" || a.ContentType != "image/png" || a.Size != int64(len(data)) ||
			a.Width == nil || *a.Width != 640 || a.Height == nil || *a.Height != 480 || a.Url == nil {
			t.Fatalf("%s: attachment = %+v", where, a)
		}
		code, got2 := fetch(t, *a.Url)
		if code != http.StatusOK || !bytes.Equal(got2, data) {
			t.Fatalf("%s: GET url without headers: %d, %d bytes; want 200 and the PNG", where, code, len(got2))
		}
	}
	check(t, "send answer", r.JSON201.Data.Attachments)
	f := next()
	if f.Type != "message" || f.MessageID != r.JSON201.Data.MessageId {
		t.Fatalf("event = %+v, want the message", f)
	}
	check(t, "WebSocket message", &f.Attachments)

	l, err := tn.as("bob").ListMessagesWithResponse(ctx, room.RoomId, nil)
	if err != nil || l.JSON200 == nil || len(l.JSON200.Data) != 1 {
		t.Fatalf("list: %v %s", err, bodyOf(l))
	}
	check(t, "message list", l.JSON200.Data[0].Attachments)

	// The log keeps attachments without URLs; every way of reading it
	// hands them out signed: a resuming connection, the room's events,
	// /sync.
	again, _, err := websocket.Dial(ctx, wsURL+"&cursor="+url.QueryEscape(synced.Cursor), nil)
	if err != nil {
		t.Fatalf("dial to resume: %v", err)
	}
	defer again.CloseNow()
	for f := read(again); ; f = read(again) {
		if f.Type == "message" {
			check(t, "WebSocket resume", &f.Attachments)
			break
		}
		if f.Type == "sync.complete" {
			t.Fatal("resumed without the message")
		}
	}
	bob := map[string]string{"X-API-Key": tn.key, "X-User-Id": "bob"}
	for _, path := range []string{"/rooms/" + room.RoomId + "/events", "/sync?cursor=" + url.QueryEscape(synced.Cursor)} {
		status, _, body := e.raw("GET", path, bob, "")
		var page struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &page); status != http.StatusOK || err != nil {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		events := page.Data
		var wrapped struct {
			Events json.RawMessage `json:"events"`
		}
		if json.Unmarshal(events, &wrapped) == nil && wrapped.Events != nil {
			events = wrapped.Events
		}
		var frames []frame
		if err := json.Unmarshal(events, &frames); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
		found := false
		for _, f := range frames {
			if f.Type == "message" {
				check(t, "GET "+path, &f.Attachments)
				found = true
			}
		}
		if !found {
			t.Fatalf("GET %s: no message in %s", path, body)
		}
	}

	up2, err := tn.as("alice").GetUploadWithResponse(ctx, up.UploadId)
	if err != nil || up2.JSON200 == nil || up2.JSON200.Data.MessageId == nil || *up2.JSON200.Data.MessageId != r.JSON201.Data.MessageId {
		t.Fatalf("upload after attaching: %v %s", err, bodyOf(up2))
	}
}

func TestAttachmentRefusals(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 0)
	other := e.newTenant("other", 0)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	room2 := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	png := pngOf(t, 8, 8)
	otherRoom := other.createRoom("alice", chatclient.RoomTypeGroup)

	ofRoom2 := tn.upload(t, "alice", room2.RoomId, "a.png", "image/png", png)
	pending := tn.startUpload(t, "alice", room.RoomId, "b.png", "image/png", png)
	bobs := tn.upload(t, "bob", room.RoomId, "c.png", "image/png", png)
	otherTenants := other.upload(t, "alice", otherRoom.RoomId, "d.png", "image/png", png)
	attached := tn.upload(t, "alice", room.RoomId, "e.png", "image/png", png)
	ok := tn.upload(t, "alice", room.RoomId, "f.png", "image/png", png)
	first := []string{attached.UploadId}
	if r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "first", Attachments: &first}); err != nil || r.JSON201 == nil {
		t.Fatalf("send: %v %s", err, bodyOf(r))
	}

	tests := []struct {
		name string
		ids  []string
		want refusal
	}{
		{"another room's upload", []string{ofRoom2.UploadId}, refusal{http.StatusConflict, "CONFLICT", "attachments"}},
		{"an upload not completed", []string{pending.UploadId}, refusal{http.StatusConflict, "CONFLICT", "attachments"}},
		{"an upload already attached", []string{attached.UploadId}, refusal{http.StatusConflict, "CONFLICT", "attachments"}},
		{"another member's upload", []string{bobs.UploadId}, refusal{http.StatusNotFound, "NOT_FOUND", ""}},
		{"another tenant's upload", []string{otherTenants.UploadId}, refusal{http.StatusNotFound, "NOT_FOUND", ""}},
		{"an unknown upload", []string{"up_nothing"}, refusal{http.StatusNotFound, "NOT_FOUND", ""}},
		{"one good, one of another room", []string{ok.UploadId, ofRoom2.UploadId}, refusal{http.StatusConflict, "CONFLICT", "attachments"}},
		{"the same upload twice", []string{ok.UploadId, ok.UploadId}, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "attachments"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "x", Attachments: &tc.ids})
			refused(t, r, err, tc.want)
		})
	}
	// Nothing was stored by the refusals: one message, and the good upload
	// of a refused send is still free to attach.
	l, err := tn.as("alice").ListMessagesWithResponse(ctx, room.RoomId, nil)
	if err != nil || l.JSON200 == nil || len(l.JSON200.Data) != 1 {
		t.Fatalf("messages after the refusals: %v %s; want the first only", err, bodyOf(l))
	}
	g, err := tn.as("alice").GetUploadWithResponse(ctx, ok.UploadId)
	if err != nil || g.JSON200 == nil || g.JSON200.Data.MessageId != nil {
		t.Fatalf("the good upload of a refused send: %v %s; want it unattached", err, bodyOf(g))
	}
}

// PATCH of a message replaces its attachments by the rules of a send: the
// answer and the room's log show the new list, an upload taken off is free
// again, and an upload of another room is refused with nothing changed.
func TestEditAttachments(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	room2 := tn.createRoom("alice", chatclient.RoomTypeGroup)
	png := pngOf(t, 8, 8)
	first := tn.upload(t, "alice", room.RoomId, "first.png", "image/png", png)
	second := tn.upload(t, "alice", room.RoomId, "second.png", "image/png", png)
	elsewhere := tn.upload(t, "alice", room2.RoomId, "elsewhere.png", "image/png", png)
	atts := []string{first.UploadId}
	sent, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "files", Attachments: &atts})
	if err != nil || sent.JSON201 == nil {
		t.Fatalf("send: %v %s", err, bodyOf(sent))
	}
	msgID := sent.JSON201.Data.MessageId
	edit := func(ids []string) (*chatclient.UpdateMessageResponse, error) {
		return tn.as("alice").UpdateMessageWithResponse(ctx, room.RoomId, msgID, chatclient.UpdateMessageRequest{Attachments: &ids})
	}
	refusals := []struct {
		name string
		ids  []string
		want refusal
	}{
		{"another room's upload", []string{elsewhere.UploadId}, refusal{http.StatusConflict, "CONFLICT", "attachments"}},
		{"an unknown upload", []string{"up_nothing"}, refusal{http.StatusNotFound, "NOT_FOUND", ""}},
		{"eleven uploads", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "attachments"}},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			r, err := edit(tc.ids)
			refused(t, r, err, tc.want)
		})
	}
	r, err := edit([]string{second.UploadId})
	if err != nil || r.JSON200 == nil {
		t.Fatalf("edit: %v %s", err, bodyOf(r))
	}
	conforms(t, http.MethodPatch, "/rooms/{room_id}/messages/{message_id}", r.StatusCode(), r.Body)
	got := r.JSON200.Data.Attachments
	if got == nil || len(*got) != 1 || (*got)[0].UploadId != second.UploadId || (*got)[0].Url == nil {
		t.Fatalf("edited attachments = %+v", got)
	}
	if code, body := fetch(t, *(*got)[0].Url); code != http.StatusOK || !bytes.Equal(body, png) {
		t.Fatalf("GET the new attachment's url: %d", code)
	}
	g, err := tn.as("alice").GetUploadWithResponse(ctx, first.UploadId)
	if err != nil || g.JSON200 == nil || g.JSON200.Data.MessageId != nil {
		t.Fatalf("the upload taken off: %v %s; want it unattached", err, bodyOf(g))
	}
	code, events, body := tn.roomEvents("bob", room.RoomId, nil, nil)
	if code != http.StatusOK || len(events) == 0 || events[len(events)-1].Type != "message.updated" {
		t.Fatalf("room log after the edit: %d %v %s", code, strs(events), body)
	}
	if r, err := edit([]string{}); err != nil || r.JSON200 == nil || r.JSON200.Data.Attachments != nil {
		t.Fatalf("edit removing every attachment: %v %s", err, bodyOf(r))
	}
}
