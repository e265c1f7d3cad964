package realtime

import (
	"github.com/coder/websocket"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// CompileServerMessages compiles asyncapi.yaml's payload schemas for the
// named messages, with format assertions on, for tests to check outbound frames.
func CompileServerMessages(names ...string) (map[string]*jsonschema.Schema, error) {
	c, err := newContractCompiler(true)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*jsonschema.Schema, len(names))
	for _, n := range names {
		s, err := compileMessage(c, n)
		if err != nil {
			return nil, err
		}
		out[n] = s
	}
	return out, nil
}

// DecodeResult is what the decoder of NewFrameDecoder found in a frame: the
// event type, or the refusal.
type DecodeResult struct {
	Type, RequestID           string
	ErrCode, ErrField, ErrMsg string
	// Close is the close code a refusal fails the connection with, or 0.
	Close int
}

// NewFrameDecoder exposes the inbound decoder to the fuzz test.
func NewFrameDecoder() (func(binary bool, data []byte) DecodeResult, error) {
	d, err := newDecoder()
	if err != nil {
		return nil, err
	}
	return func(binary bool, data []byte) DecodeResult {
		typ := websocket.MessageText
		if binary {
			typ = websocket.MessageBinary
		}
		in, fe := d.decode(typ, data)
		if fe != nil {
			return DecodeResult{RequestID: fe.RequestID, ErrCode: fe.Code, ErrField: fe.Field, ErrMsg: fe.Message, Close: int(fe.Close)}
		}
		return DecodeResult{Type: in.Type, RequestID: in.RequestID}
	}, nil
}

// SwitchingProtocols is the 101's head as the hub writes it at the hijack.
var SwitchingProtocols = switchingProtocols
