//go:build unix

package e2e_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/storage/s3test"
)

// The attachment flow through the built binary, once per storage backend
// STORAGE_URL names: a PNG declared, PUT to the upload URL the server hands
// out (the server's own /files/ route, or the S3 service), completed,
// attached to a message another member receives over WebSocket, and fetched
// through its signed URL without any header; the URL tampered with is
// refused. With S3 the credentials come from the environment, and the
// server's log never shows the secret key.
func TestUploadFlowPerStorageBackend(t *testing.T) {
	tests := []struct {
		name string
		// env starts the server on the backend and returns the URL prefix
		// of its signed URLs.
		env func(t *testing.T) (prefix string, env []string)
	}{
		{"local directory", func(t *testing.T) (string, []string) {
			return "", []string{"STORAGE_URL=file://" + t.TempDir()}
		}},
		{"S3-compatible", func(t *testing.T) (string, []string) {
			srv, err := s3test.Start()
			if err != nil {
				s3test.Unavailable(t, err)
			}
			t.Cleanup(srv.Close)
			bucket, err := srv.NewBucket(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return srv.Endpoint + "/" + bucket + "/", []string{
				"STORAGE_URL=s3://" + bucket + "?endpoint=" + srv.Endpoint + "&region=" + s3test.Region + "&path_style=true",
				"AWS_ACCESS_KEY_ID=" + s3test.AccessKeyID,
				"AWS_SECRET_ACCESS_KEY=" + s3test.SecretAccessKey,
				"LOG_LEVEL=debug", // every line the server may write
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prefix, env := tc.env(t)
			p := startServer(t, filepath.Join(t.TempDir(), "chatapi.db"), env...)
			if prefix == "" {
				// PUBLIC_URL's default: http://localhost:PORT.
				prefix = strings.Replace(p.base, "127.0.0.1", "localhost", 1) + "/files/"
			}
			uploadFlow(t, p, prefix)
			log, err := os.ReadFile(p.logs)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(log, []byte(s3test.SecretAccessKey)) {
				t.Fatal("the server's log shows the S3 secret key")
			}
		})
	}
}

func uploadFlow(t *testing.T, p *proc, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a := newAPI(t, p)
	tn := a.newTenant(t, ctx, "acme", 1000)
	room, err := tn.createRoom(ctx, "alice", "group", []string{"bob"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := dialWS(ctx, p, tn, "bob", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err := awaitSync(ctx, ws, 10); err != nil {
		t.Fatal(err)
	}

	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	sum := sha256.Sum256(data)

	var ticket struct {
		UploadID  string `json:"upload_id"`
		UploadURL string `json:"upload_url"`
	}
	if _, err := tn.a.do(ctx, http.MethodPost, "/uploads", tn.headers("alice"), map[string]any{
		"room_id": room, "filename": "photo.png", "content_type": "image/png",
		"size": len(data), "sha256": hex.EncodeToString(sum[:]),
	}, &ticket); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ticket.UploadURL, prefix) {
		t.Fatalf("upload_url %s, want it under %s", ticket.UploadURL, prefix)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, ticket.UploadURL, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "image/png")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT upload_url: %d", resp.StatusCode)
	}
	if _, err := tn.a.do(ctx, http.MethodPost, "/uploads/"+ticket.UploadID+"/complete", tn.headers("alice"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.a.do(ctx, http.MethodPost, "/rooms/"+room+"/messages", tn.headers("alice"),
		map[string]any{"content": "look", "attachments": []string{ticket.UploadID}}, nil); err != nil {
		t.Fatal(err)
	}

	var download string
	for download == "" {
		ev, raw, err := readEvent(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Type != "message" {
			continue
		}
		var m struct {
			Attachments []struct {
				UploadID string `json:"upload_id"`
				URL      string `json:"url"`
			} `json:"attachments"`
		}
		if err := json.Unmarshal(raw, &m); err != nil || len(m.Attachments) != 1 || m.Attachments[0].UploadID != ticket.UploadID || m.Attachments[0].URL == "" {
			t.Fatalf("message event %s: want the attachment with its url", raw)
		}
		download = m.Attachments[0].URL
	}
	if !strings.HasPrefix(download, prefix) {
		t.Fatalf("download url %s, want it under %s", download, prefix)
	}
	get := func(u string) (int, []byte) {
		resp, err := http.Get(u) // no header at all, as an <img src>
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if code, got := get(download); code != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET download url: %d, %d bytes; want 200 and the %d-byte PNG", code, len(got), len(data))
	}
	// The upload id's last character changed: to X, or to Y when it is
	// an X already (an id ending in X made this URL the untampered one).
	cut := len(ticket.UploadID) - 1
	swap := "X"
	if ticket.UploadID[cut:] == "X" {
		swap = "Y"
	}
	tampered := strings.Replace(download, ticket.UploadID, ticket.UploadID[:cut]+swap, 1)
	if tampered == download {
		t.Fatalf("tampering left the download url %s as it was", download)
	}
	if code, _ := get(tampered); code != http.StatusForbidden {
		t.Fatalf("GET tampered download url: %d, want 403", code)
	}
}

// An S3 STORAGE_URL the process cannot use stops it at start, exit status
// 1, with a message that names STORAGE_URL and never the secret key.
func TestS3StorageRefusedAtStart(t *testing.T) {
	srv, err := s3test.Start()
	if err != nil {
		s3test.Unavailable(t, err)
	}
	t.Cleanup(srv.Close)
	bucket, err := srv.NewBucket(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	const secret = "e2e-secret-never-shown-0123456789"
	good := "s3://" + bucket + "?endpoint=" + srv.Endpoint + "&path_style=true"
	tests := []struct {
		name, url, secret, want string
	}{
		{"missing bucket", strings.Replace(good, bucket, "no-such-bucket", 1), s3test.SecretAccessKey, "does not exist"},
		{"wrong secret key", good, secret, "Access Denied"},
		{"credentials in the URL", "s3://AKIAX:" + secret + "@" + bucket + "?endpoint=" + srv.Endpoint, s3test.SecretAccessKey, "no credentials in the URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			addr, err := freeAddr()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(ctx, binary)
			cmd.Env = append(os.Environ(), "CHATAPI_ADDR="+addr, "MASTER_API_KEY="+masterKey, "LOG_LEVEL=debug",
				"DATABASE_URL="+filepath.Join(t.TempDir(), "chatapi.db"), "STORAGE_URL="+tc.url,
				"AWS_ACCESS_KEY_ID="+s3test.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+tc.secret)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want status 1; output:\n%s", err, out)
			}
			if !bytes.Contains(out, []byte("STORAGE_URL")) || !bytes.Contains(out, []byte(tc.want)) {
				t.Fatalf("output %q, want STORAGE_URL and %q", out, tc.want)
			}
			if bytes.Contains(out, []byte(secret)) || bytes.Contains(out, []byte(s3test.SecretAccessKey)) {
				t.Fatalf("the output shows a secret key: %s", out)
			}
		})
	}
}
