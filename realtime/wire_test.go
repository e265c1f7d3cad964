package realtime

// WebSocket by hand, for the tests (of this package and of realtime_test)
// that must see or send bytes coder/websocket's client would hide or refuse:
// frames sent with the handshake, control frames of chosen sizes, every
// server frame checked as RFC 6455 wants it.

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// RawUpgrade dials host and upgrades path (no leading slash) by hand,
// writing first (client frames, say) with the request, and returns the
// connection, with a deadline of d, after its 101. The caller closes it.
func RawUpgrade(t testing.TB, host, path string, d time.Duration, first []byte) (net.Conn, *bufio.Reader) {
	t.Helper()
	nc, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.SetDeadline(time.Now().Add(d))
	req := "GET /" + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := nc.Write(append([]byte(req), first...)); err != nil {
		nc.Close()
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		nc.Close()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		nc.Close()
		t.Fatalf("got status %d, want 101", resp.StatusCode)
	}
	return nc, br
}

// ClientFrame is a final, masked frame (mask 0: the payload is unchanged)
// of a payload under 64 KiB.
func ClientFrame(op byte, payload []byte) []byte {
	b := []byte{0x80 | op}
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	default:
		b = append(b, 0x80|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	}
	b = append(b, 0, 0, 0, 0)
	return append(b, payload...)
}

// ClientText is ClientFrame of a text frame.
func ClientText(payload string) []byte { return ClientFrame(0x1, []byte(payload)) }

// ReadServerFrame reads one frame as a server must send it: final (we
// never fragment), no RSV bits (no compression here), unmasked, a known
// opcode, a control frame's payload at most 125 B.
func ReadServerFrame(br *bufio.Reader) (op byte, payload []byte, err error) {
	var h [10]byte
	if _, err := io.ReadFull(br, h[:2]); err != nil {
		return 0, nil, err
	}
	if h[0]&0x80 == 0 || h[0]&0x70 != 0 || h[1]&0x80 != 0 {
		return 0, nil, fmt.Errorf("header %#x %#x: want final, no RSV bits, unmasked", h[0], h[1])
	}
	op = h[0] & 0x0f
	n := uint64(h[1] & 0x7f)
	switch {
	case op != 0x1 && op != 0x8 && op != 0x9 && op != 0xA:
		return 0, nil, fmt.Errorf("opcode %#x", op)
	case op >= 0x8 && n > 125:
		return 0, nil, fmt.Errorf("control frame %#x of length code %d", op, n)
	case n == 126:
		if _, err := io.ReadFull(br, h[2:4]); err != nil {
			return 0, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(h[2:4]))
	case n == 127:
		if _, err := io.ReadFull(br, h[2:10]); err != nil {
			return 0, nil, err
		}
		n = binary.BigEndian.Uint64(h[2:10])
	}
	if n > 1<<20 {
		return 0, nil, fmt.Errorf("frame of %d B", n)
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(br, payload); err != nil {
		return 0, nil, err
	}
	return op, payload, nil
}

// MustReadServerFrame is ReadServerFrame that fails the test on an error.
func MustReadServerFrame(t testing.TB, br *bufio.Reader) (op byte, payload []byte) {
	t.Helper()
	op, payload, err := ReadServerFrame(br)
	if err != nil {
		t.Fatalf("read a frame: %v", err)
	}
	return op, payload
}
