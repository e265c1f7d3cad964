package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// messagePage is the 200 answer of ListMessages, written straight from the
// store's messages. The generated response goes through []chatapi.Message
// and encoding/json's reflection, which on a page of 100 messages cost more
// CPU than the query. The bytes are the generated response's exactly
// (TestMessagePageJSON holds it to that): same field order, same escaping,
// same time format, the trailing newline of json.Encoder.
type messagePage struct {
	msgs []store.Message
	// bufs, when set, lends the buffer the page is encoded into: a page of
	// 100 is ~25 KB, otherwise the largest allocation of the request.
	bufs *sync.Pool
}

var (
	_ chatapi.ListMessagesResponseObject = messagePage{}
	_ chatapi.ListRepliesResponseObject  = messagePage{}
)

// VisitListRepliesResponse writes the page as chatapi.MessageListResponse.
func (p messagePage) VisitListRepliesResponse(w http.ResponseWriter) error {
	return p.VisitListMessagesResponse(w)
}

// maxPooledPage bounds the buffers kept for reuse, so that one page of
// long, escaped messages does not stay allocated.
const maxPooledPage = 64 << 10

// VisitListMessagesResponse writes the page as chatapi.MessageListResponse.
func (p messagePage) VisitListMessagesResponse(w http.ResponseWriter) error {
	var buf *[]byte
	if p.bufs != nil {
		buf, _ = p.bufs.Get().(*[]byte)
	}
	if buf == nil {
		b := make([]byte, 0, 64+256*len(p.msgs))
		buf = &b
	}
	body, err := p.appendJSON((*buf)[:0])
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	// With its length known, net/http sends the page in one write instead
	// of chunks (a page of 100 is ~25 KB, beyond its 4 KB buffer).
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body) // net/http does not keep body past Write
	if p.bufs != nil && cap(body) <= maxPooledPage {
		*buf = body
		p.bufs.Put(buf)
	}
	return err
}

// appendJSON appends what json.Encoder writes for the generated
// ListMessages200JSONResponse of p.
func (p messagePage) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"data":[`...)
	for i, m := range p.msgs {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendMessageJSON(b, m); err != nil {
			return nil, err
		}
	}
	return append(b, "],\"error\":null,\"success\":true}\n"...), nil
}

// appendMessageJSON appends m as encoding/json encodes messageOut(m): the
// fields of chatapi.Message in declaration order.
func appendMessageJSON(b []byte, m store.Message) ([]byte, error) {
	var err error
	b = append(b, '{')
	if as := attachmentsOut(m); as != nil {
		// Rare: encoded as messageOut's are.
		enc, err := json.Marshal(as)
		if err != nil {
			return nil, err
		}
		b = append(b, `"attachments":`...)
		b = append(b, enc...)
		b = append(b, ',')
	}
	b = append(b, `"client_msg_id":`...)
	if m.ClientMsgID == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *m.ClientMsgID)
	}
	b = append(b, `,"content":`...)
	b = appendJSONString(b, m.Content)
	b = append(b, `,"created_at":`...)
	if b, err = appendJSONTime(b, &m.CreatedAt); err != nil {
		return nil, err
	}
	b = append(b, `,"deleted_at":`...)
	if b, err = appendJSONTime(b, m.DeletedAt); err != nil {
		return nil, err
	}
	b = append(b, `,"edited_at":`...)
	if b, err = appendJSONTime(b, m.EditedAt); err != nil {
		return nil, err
	}
	if len(m.Mentions) > 0 {
		b = append(b, `,"mentions":[`...)
		for i, u := range m.Mentions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, u)
		}
		b = append(b, ']')
	}
	b = append(b, `,"message_id":`...)
	b = appendJSONString(b, m.ID)
	b = append(b, `,"meta":`...)
	if meta := decodeObject(m.Meta); meta == nil {
		b = append(b, "null"...)
	} else {
		// Rare, and re-encoded as messageOut's map is: sorted keys,
		// numbers as stored (json.Number).
		enc, err := json.Marshal(meta)
		if err != nil {
			return nil, err
		}
		b = append(b, enc...)
	}
	if m.ParentID != nil {
		b = append(b, `,"parent_id":`...)
		b = appendJSONString(b, *m.ParentID)
	}
	if q := m.Quoted; q != nil {
		// Fields of chatapi.Quote in declaration order.
		b = append(b, `,"quoted":{"content":`...)
		b = appendJSONString(b, q.Content)
		b = append(b, `,"deleted":`...)
		b = strconv.AppendBool(b, q.Deleted)
		b = append(b, `,"message_id":`...)
		b = appendJSONString(b, q.MessageID)
		b = append(b, `,"sender_id":`...)
		b = appendJSONString(b, q.SenderID)
		b = append(b, '}')
	}
	b = append(b, `,"reactions":{"counts":`...)
	if len(m.Reactions.Counts) == 0 {
		b = append(b, "{}"...)
	} else {
		// Stored as encoding/json encodes the map: sorted keys, compact.
		b = append(b, m.Reactions.Counts...)
	}
	b = append(b, `,"own":[`...)
	for i, typ := range m.Reactions.Own {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, typ)
	}
	b = append(b, "]}"...)
	b = append(b, `,"room_id":`...)
	b = appendJSONString(b, m.RoomID)
	b = append(b, `,"sender_id":`...)
	b = appendJSONString(b, m.SenderID)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, m.Seq, 10)
	if t := m.Thread; t != nil {
		// Fields of chatapi.Thread in declaration order.
		b = append(b, `,"thread":{"last_reply_at":`...)
		if b, err = appendJSONTime(b, &t.LastReplyAt); err != nil {
			return nil, err
		}
		b = append(b, `,"participant_ids":[`...)
		for i, u := range t.ParticipantIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, u)
		}
		b = append(b, `],"reply_count":`...)
		b = strconv.AppendInt(b, t.ReplyCount, 10)
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// appendJSONTime appends t in UTC as time.Time's MarshalJSON does, or null.
func appendJSONTime(b []byte, t *time.Time) ([]byte, error) {
	if t == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '"')
	b, err := t.UTC().AppendText(b)
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

// appendJSONString appends s as a JSON string. Printable ASCII without
// characters encoding/json escapes (quote, backslash and, by default, < > &)
// is copied; anything else is left to encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s) // a string always encodes
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
