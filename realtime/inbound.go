package realtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// inboundMessages maps each client event type to its message in asyncapi.yaml.
var inboundMessages = map[string]string{
	"send_message":     "sendMessage",
	"ack":              "ack",
	"delivered":        "delivered",
	"typing.start":     "typingStart",
	"typing.stop":      "typingStop",
	"subscribe":        "subscribe",
	"unsubscribe":      "unsubscribe",
	"notification.ack": "notificationAck",
	"ping":             "ping",
}

// maxRequestIDLength is asyncapi.yaml's RequestId bound: a longer id is not
// echoed, since the reply would break the contract.
const maxRequestIDLength = 64

// inbound is a client event that passed its schema. Only the fields of its
// Type are set.
type inbound struct {
	Type           string          `json:"type"`
	RequestID      string          `json:"request_id"`
	RoomID         string          `json:"room_id"`
	Content        string          `json:"content"`
	Meta           json.RawMessage `json:"meta"`
	ClientMsgID    *string         `json:"client_msg_id"`
	ParentID       *string         `json:"parent_id"`
	QuotedID       *string         `json:"quoted_id"`
	Mentions       []string        `json:"mentions"`
	Seq            int64           `json:"seq"`
	NotificationID string          `json:"notification_id"`
}

// frameError is why a frame was refused, as the error event will say it.
// A frame with Close set fails the connection with that code instead.
type frameError struct {
	Code      string
	Message   string
	Field     string
	RequestID string
	Close     websocket.StatusCode
}

func (e *frameError) Error() string { return e.Code + ": " + e.Message }

// decoder validates client frames against asyncapi.yaml. Its schemas are
// compiled once; it is safe for concurrent use.
type decoder struct {
	schemas map[string]*jsonschema.Schema
	printer *message.Printer
}

func newDecoder() (*decoder, error) {
	c, err := newContractCompiler(false)
	if err != nil {
		return nil, err
	}
	d := &decoder{schemas: make(map[string]*jsonschema.Schema, len(inboundMessages)), printer: message.NewPrinter(language.English)}
	for typ, name := range inboundMessages {
		s, err := compileMessage(c, name)
		if err != nil {
			return nil, err
		}
		d.schemas[typ] = s
	}
	return d, nil
}

// decode turns one frame into a client event, or says why it cannot: a
// binary or non-JSON frame, a frame that is not an object with a known
// string `type`, or one its schema refuses. A text frame that is not UTF-8
// breaks the protocol itself (RFC 6455, 8.1): encoding/json would read it
// with U+FFFD in place of the bad bytes, so it closes the connection with
// 1007 instead.
func (d *decoder) decode(typ websocket.MessageType, data []byte) (inbound, *frameError) {
	if typ != websocket.MessageText {
		return inbound{}, &frameError{Code: codeValidation, Message: "frames must be JSON text, not binary"}
	}
	if in, ok := decodeFrequent(data); ok {
		return in, nil
	}
	return d.decodeText(data)
}

// decodeText is decode's schema path, for a text frame.
func (d *decoder) decodeText(data []byte) (inbound, *frameError) {
	if !utf8.Valid(data) {
		return inbound{}, &frameError{Code: codeValidation, Message: "text frame is not valid UTF-8", Close: websocket.StatusInvalidFramePayloadData}
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return inbound{}, &frameError{Code: codeValidation, Message: "frame is not valid JSON"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return inbound{}, &frameError{Code: codeValidation, Message: "frame must be a JSON object"}
	}
	reqID, _ := obj["request_id"].(string)
	if reqID == "" || len(reqID) > maxRequestIDLength {
		reqID = ""
	}
	t, ok := obj["type"].(string)
	if !ok {
		return inbound{}, &frameError{Code: codeValidation, Message: "type is required and must be a string", Field: "type", RequestID: reqID}
	}
	schema, ok := d.schemas[t]
	if !ok {
		return inbound{}, &frameError{Code: codeValidation, Message: fmt.Sprintf("unknown event type %q", truncate(t, 64)), Field: "type", RequestID: reqID}
	}
	if err := schema.Validate(v); err != nil {
		field, msg := d.describe(err)
		return inbound{}, &frameError{Code: codeValidation, Message: msg, Field: field, RequestID: reqID}
	}
	var in inbound
	if err := json.Unmarshal(data, &in); err != nil {
		// The schema admits only what inbound can hold; this is a contract
		// and code mismatch, reported without internals.
		return inbound{}, &frameError{Code: codeValidation, Message: "frame does not match its event", RequestID: reqID}
	}
	return in, nil
}

// describe names the field a validation error is about and says what is wrong
// with it, from the first leaf of the error tree.
func (d *decoder) describe(err error) (field, msg string) {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return "", "invalid event"
	}
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	loc := ve.InstanceLocation
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		if len(k.Missing) > 0 {
			loc = append(loc[:len(loc):len(loc)], k.Missing[0])
		}
	case *kind.AdditionalProperties:
		if len(k.Properties) > 0 {
			loc = append(loc[:len(loc):len(loc)], k.Properties[0])
		}
	}
	field = strings.Join(loc, ".")
	msg = ve.ErrorKind.LocalizedString(d.printer)
	if field != "" {
		msg = field + ": " + msg
	}
	return field, truncate(msg, 512)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// decodeFrequent reads the client events every receiver sends several
// times a second, delivered, ack and ping, in their plain form: a flat
// object of ASCII strings without escapes and a seq of digits. It accepts
// only what their schemas accept (the differential test and fuzz target in
// inbound_internal_test.go hold it to that), with the result decode's
// schema path gives, and leaves everything else, valid or not, to that
// path. A 1,000-member fan-out whose receivers confirm every 200 ms sends
// 5,000 of them a second; the schema path (generic decode, validation that
// formats every number to compare it, a second decode into inbound) was
// 11-17 % of the server's CPU there, and grew the read loop's small stack
// for each frame.
func decodeFrequent(b []byte) (inbound, bool) {
	const (
		hasType = 1 << iota
		hasRoom
		hasSeq
		hasRequest
	)
	var in inbound
	seen := 0
	i := skipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return inbound{}, false
	}
	for i++; ; i++ {
		key, j, ok := plainString(b, skipSpace(b, i))
		if !ok {
			return inbound{}, false
		}
		if i = skipSpace(b, j); i == len(b) || b[i] != ':' {
			return inbound{}, false
		}
		i = skipSpace(b, i+1)
		var field int
		switch string(key) {
		case "type":
			field = hasType
			var v []byte
			if v, i, ok = plainString(b, i); !ok {
				return inbound{}, false
			}
			switch string(v) {
			case "delivered":
				in.Type = "delivered"
			case "ack":
				in.Type = "ack"
			case "ping":
				in.Type = "ping"
			default:
				return inbound{}, false
			}
		case "room_id":
			field = hasRoom
			var v []byte
			if v, i, ok = plainString(b, i); !ok || !isRoomID(v) {
				return inbound{}, false
			}
			in.RoomID = string(v)
		case "request_id":
			field = hasRequest
			var v []byte
			if v, i, ok = plainString(b, i); !ok || len(v) == 0 || len(v) > maxRequestIDLength {
				return inbound{}, false
			}
			in.RequestID = string(v)
		case "seq":
			field = hasSeq
			if in.Seq, i, ok = plainSeq(b, i); !ok {
				return inbound{}, false
			}
		default:
			return inbound{}, false
		}
		if seen&field != 0 {
			return inbound{}, false // a repeated key: the schema path decides
		}
		seen |= field
		if i = skipSpace(b, i); i == len(b) {
			return inbound{}, false
		}
		if b[i] == '}' {
			break
		}
		if b[i] != ',' {
			return inbound{}, false
		}
	}
	// The required fields and no others (request_id is optional): type,
	// room_id and seq for a confirmation, type alone for a ping.
	want := hasType | hasRoom | hasSeq
	if in.Type == "ping" {
		want = hasType
	}
	if skipSpace(b, i+1) != len(b) || seen&^hasRequest != want {
		return inbound{}, false
	}
	return in, true
}

// skipSpace returns the index of the first byte of b at or after i that is
// not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// plainString reads a JSON string at b[i] made of printable ASCII without
// escapes; it returns its contents and the index after it.
func plainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, i, false
		}
	}
	return nil, i, false
}

// plainSeq reads a JSON integer of at most 18 digits at b[i], without sign
// or leading zero: always a valid seq (0 to MaxInt64).
func plainSeq(b []byte, i int) (int64, int, bool) {
	j := i
	var n int64
	for j < len(b) && b[j] >= '0' && b[j] <= '9' && j-i < 19 {
		n = n*10 + int64(b[j]-'0')
		j++
	}
	switch {
	case j == i, j-i > 18, j-i > 1 && b[i] == '0':
		return 0, i, false
	case j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E'):
		return 0, i, false // a fraction or exponent: the schema path decides
	}
	return n, j, true
}

// isRoomID reports whether v matches the RoomId schema of openapi.yaml,
// ^[A-Za-z0-9_-]{1,64}$.
func isRoomID(v []byte) bool {
	if len(v) == 0 || len(v) > 64 {
		return false
	}
	for _, c := range v {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
