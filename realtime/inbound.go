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
