package server

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// Events leave as the store encoded them: each RoomEvent's Frame is already
// the JSON of the contract's RoomEvent (the event's WebSocket frame with its
// event_seq), encoded once when the change was stored. Decoding them into
// the generated union types only to encode them again would cost a page of
// 500 events most of the request's CPU and could only lose fields.

// eventPage is the 200 answer of ListRoomEvents, a RoomEventListResponse.
type eventPage struct{ events []store.RoomEvent }

var _ chatapi.ListRoomEventsResponseObject = eventPage{}

// VisitListRoomEventsResponse writes the page.
func (p eventPage) VisitListRoomEventsResponse(w http.ResponseWriter) error {
	b := make([]byte, 0, 64+framesSize(p.events))
	b = append(b, `{"data":`...)
	b = appendFrames(b, p.events)
	return writeJSON(w, append(b, ",\"error\":null,\"success\":true}\n"...))
}

// syncPage is the 200 answer of Sync, a SyncPageResponse.
type syncPage struct{ page store.SyncPage }

var _ chatapi.SyncResponseObject = syncPage{}

// VisitSyncResponse writes the page.
func (p syncPage) VisitSyncResponse(w http.ResponseWriter) error {
	cursor, err := json.Marshal(p.page.Next.String())
	if err != nil {
		return err
	}
	b := make([]byte, 0, 128+len(cursor)+framesSize(p.page.Events))
	b = append(b, `{"data":{"events":`...)
	b = appendFrames(b, p.page.Events)
	b = append(b, `,"has_more":`...)
	b = strconv.AppendBool(b, p.page.HasMore)
	b = append(b, `,"next_cursor":`...)
	b = append(b, cursor...)
	return writeJSON(w, append(b, "},\"error\":null,\"success\":true}\n"...))
}

func framesSize(events []store.RoomEvent) int {
	n := 2
	for _, e := range events {
		n += len(e.Frame) + 1
	}
	return n
}

// appendFrames appends events as a JSON array of their frames.
func appendFrames(b []byte, events []store.RoomEvent) []byte {
	b = append(b, '[')
	for i, e := range events {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e.Frame...)
	}
	return append(b, ']')
}

// writeJSON sends body as a 200 JSON answer, its length known so that
// net/http writes it at once.
func writeJSON(w http.ResponseWriter, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}
