package realtime_test

import (
	"bufio"
	"context"
	"fmt"
	"os"

	"github.com/chatapi/chatapi/sdk/go/realtime"
)

// A terminal chat UI in 30 lines: lines typed are sent to the room, the
// room's messages printed as they arrive (and marked read), across
// reconnects. fetchToken asks your backend for a user token (POST /tokens).
func Example() {
	ctx := context.Background()
	room := os.Getenv("ROOM_ID")
	c, err := realtime.Connect(ctx, realtime.Options{BaseURL: "http://localhost:8080", Token: fetchToken})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	go func() {
		for ev := range c.Events() {
			switch e := ev.(type) {
			case realtime.Message:
				fmt.Printf("[%d] %s: %s\n", e.Seq, e.SenderID, e.Content)
				c.MarkRead(ctx, e.RoomID, e.Seq)
			case realtime.Disconnected:
				fmt.Printf("(offline, retrying in %v)\n", e.RetryIn)
			}
		}
	}()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if _, err := c.SendMessage(ctx, room, in.Text()); err != nil {
			fmt.Println("not sent:", err)
		}
	}
}

func fetchToken(ctx context.Context) (string, error) {
	return os.Getenv("CHATAPI_TOKEN"), nil
}
