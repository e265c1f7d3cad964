// Command flow is what a Go developer writes with the SDK generated from
// ChatAPI's openapi.yaml: a whole flow against a live server over REST, then
// a message received and acked over WebSocket with coder/websocket.
//
//	BASE_URL=http://127.0.0.1:8080 MASTER_KEY=… go run .
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/coder/websocket"

	chatapi "github.com/chatapi/chatapi/sdk/go"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Getenv("BASE_URL"), os.Getenv("MASTER_KEY")); err != nil {
		fmt.Fprintln(os.Stderr, "go-sdk:", err)
		os.Exit(1)
	}
	fmt.Println("go-sdk: ok")
}

func headers(kv ...string) chatapi.ClientOption {
	return chatapi.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return nil
	})
}

func run(ctx context.Context, base, master string) error {
	if base == "" || master == "" {
		return errors.New("set BASE_URL and MASTER_KEY")
	}
	admin, err := chatapi.NewClientWithResponses(base, headers("X-Master-Key", master))
	if err != nil {
		return err
	}
	rps := 1000
	tn, err := admin.CreateTenantWithResponse(ctx, nil, chatapi.CreateTenantRequest{Name: "go-sdk", RateLimitRps: &rps})
	if err != nil || tn.JSON201 == nil {
		return fmt.Errorf("create tenant: %v %s", err, body(tn))
	}
	key := tn.JSON201.Data.ApiKey
	as := func(user string) *chatapi.ClientWithResponses {
		c, _ := chatapi.NewClientWithResponses(base, headers("X-API-Key", key, "X-User-Id", user))
		return c
	}
	alice, bob := as("alice"), as("bob")

	members := []string{"bob"}
	room, err := alice.CreateRoomWithResponse(ctx, nil, chatapi.CreateRoomRequest{Type: chatapi.RoomTypeGroup, Members: &members})
	if err != nil || room.JSON201 == nil {
		return fmt.Errorf("create room: %v %s", err, body(room))
	}
	roomID := room.JSON201.Data.RoomId
	for i := 1; i <= 3; i++ {
		m, err := alice.SendMessageWithResponse(ctx, roomID, chatapi.SendMessageRequest{Content: fmt.Sprintf("hello %d", i)})
		if err != nil || m.JSON201 == nil || m.JSON201.Data.Seq != int64(i) {
			return fmt.Errorf("send %d: %v %s", i, err, body(m))
		}
	}
	list, err := bob.ListMessagesWithResponse(ctx, roomID, nil)
	if err != nil || list.JSON200 == nil || len(list.JSON200.Data) != 3 {
		return fmt.Errorf("list: %v %s", err, body(list))
	}
	if ack, err := bob.AckMessagesWithResponse(ctx, chatapi.AckRequest{RoomId: roomID, Seq: 3}); err != nil || ack.JSON200 == nil || ack.JSON200.Data.LastAck != 3 {
		return fmt.Errorf("ack: %v %s", err, body(ack))
	}
	rooms, err := bob.ListRoomsWithResponse(ctx, nil)
	if err != nil || rooms.JSON200 == nil || len(rooms.JSON200.Data) != 1 || rooms.JSON200.Data[0].UnreadCount != 0 {
		return fmt.Errorf("unread: %v %s", err, body(rooms))
	}
	dn, avatar := "Alice Liddell", "https://cdn.example.com/alice.png"
	if p, err := alice.PutUserWithResponse(ctx, "alice", chatapi.UserProfileRequest{DisplayName: &dn, AvatarUrl: &avatar}); err != nil || p.JSON200 == nil {
		return fmt.Errorf("put profile: %v %s", err, body(p))
	}
	ids := []string{"alice", "nobody"}
	profiles, err := bob.ListUsersWithResponse(ctx, &chatapi.ListUsersParams{Ids: &ids})
	if err != nil || profiles.JSON200 == nil || len(profiles.JSON200.Data.Users) != 2 ||
		profiles.JSON200.Data.Users[0].DisplayName != dn || profiles.JSON200.Data.Users[1].UpdatedAt != nil {
		return fmt.Errorf("profiles: %v %s", err, body(profiles))
	}
	// bob mutes the room for an hour, then unmutes it with null.
	mute := chatapi.MemberSettingsRequest{}
	mute.MutedUntil.Set(time.Now().Add(time.Hour))
	if ms, err := bob.UpdateMemberSettingsWithResponse(ctx, roomID, "me", mute); err != nil || ms.JSON200 == nil || ms.JSON200.Data.MutedUntil == nil {
		return fmt.Errorf("mute: %v %s", err, body(ms))
	}
	unmute := chatapi.MemberSettingsRequest{}
	unmute.MutedUntil.SetNull()
	if ms, err := bob.UpdateMemberSettingsWithResponse(ctx, roomID, "me", unmute); err != nil || ms.JSON200 == nil || ms.JSON200.Data.MutedUntil != nil {
		return fmt.Errorf("unmute: %v %s", err, body(ms))
	}
	users := []string{"bob"}
	n, err := alice.SendNotificationWithResponse(ctx, nil, chatapi.NotifyRequest{
		Topic: "greetings", Payload: chatapi.NotificationPayload{"hello": "bob"}, Targets: chatapi.NotifyTargets{UserIds: &users},
	})
	if err != nil || n.JSON202 == nil || n.JSON202.Data.Recipients != 1 {
		return fmt.Errorf("notify: %v %s", err, body(n))
	}

	// bob connects over WebSocket with a user token, as a browser would.
	tok, err := bob.CreateTokenWithResponse(ctx, nil, chatapi.CreateTokenRequest{})
	if err != nil || tok.JSON201 == nil {
		return fmt.Errorf("token: %v %s", err, body(tok))
	}
	wsURL := "ws" + strings.TrimPrefix(base, "http") + "/ws?token=" + url.QueryEscape(tok.JSON201.Data.Token)
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer conn.CloseNow()
	if _, err := readUntil(ctx, conn, "sync.complete"); err != nil {
		return err
	}
	sent, err := alice.SendMessageWithResponse(ctx, roomID, chatapi.SendMessageRequest{Content: "live"})
	if err != nil || sent.JSON201 == nil {
		return fmt.Errorf("send live: %v %s", err, body(sent))
	}
	ev, err := readUntil(ctx, conn, "message")
	if err != nil {
		return err
	}
	if ev["message_id"] != sent.JSON201.Data.MessageId {
		return fmt.Errorf("got message %v, want %s", ev["message_id"], sent.JSON201.Data.MessageId)
	}
	ack, _ := json.Marshal(map[string]any{"type": "ack", "room_id": roomID, "seq": ev["seq"]})
	if err := conn.Write(ctx, websocket.MessageText, ack); err != nil {
		return fmt.Errorf("ack over ws: %w", err)
	}
	if _, err := readUntil(ctx, conn, "ack.received"); err != nil {
		return err
	}
	return conn.Close(websocket.StatusNormalClosure, "done")
}

// readUntil reads events until one of type typ; others (notifications,
// presence) are skipped.
func readUntil(ctx context.Context, conn *websocket.Conn, typ string) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return nil, fmt.Errorf("waiting for %s: %w", typ, err)
		}
		var ev map[string]any
		if err := json.Unmarshal(data, &ev); err != nil {
			return nil, fmt.Errorf("frame %q: %w", data, err)
		}
		if ev["type"] == typ {
			return ev, nil
		}
	}
}

func body(r interface{ StatusCode() int }) string {
	if v := reflect.ValueOf(r); !v.IsValid() || v.IsNil() {
		return "(no response)"
	}
	type bodied interface{ GetBody() []byte }
	if b, ok := r.(bodied); ok {
		return fmt.Sprintf("%d %s", r.StatusCode(), b.GetBody())
	}
	return fmt.Sprint(r.StatusCode())
}
