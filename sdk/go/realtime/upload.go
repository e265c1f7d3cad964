package realtime

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	chatapi "github.com/chatapi/chatapi/sdk/go"
)

// File is a file to upload for a room's messages.
type File struct {
	// RoomID is the room whose messages may carry the file.
	RoomID string
	// Filename is the name readers see; ContentType its MIME type (in the
	// tenant's allow-list; the server checks the bytes against it).
	Filename, ContentType string
	// Data is the whole file.
	Data []byte
	// HTTPClient puts the bytes to the signed URL; default
	// http.DefaultClient.
	HTTPClient chatapi.HttpRequestDoer
}

// UploadError is a refusal of one of UploadFile's steps, with the code
// and field of the server's error envelope when it sent one.
type UploadError struct {
	// Step is "create", "put" or "complete".
	Step    string
	Status  int
	Code    string
	Message string
	Field   string
}

func (e *UploadError) Error() string {
	s := fmt.Sprintf("realtime: upload: %s: status %d", e.Step, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	return s
}

func uploadError(step string, status int, body []byte) *UploadError {
	e := &UploadError{Step: step, Status: status}
	var env chatapi.ErrorResponse
	// S3-compatible storage answers a PUT with XML: the status says enough.
	if json.Unmarshal(body, &env) == nil {
		e.Code, e.Message = string(env.Error.Code), env.Error.Message
		if env.Error.Field != nil {
			e.Field = *env.Error.Field
		}
	}
	return e
}

// UploadFile uploads f in the three steps of POST /uploads: it declares
// the file (name, type, size, SHA-256), PUTs the bytes to the signed
// upload_url (no headers: the URL is the permission) and completes the
// upload. It returns the ready upload, whose UploadId goes into a
// message's attachments and whose Url downloads it. A refusal is an
// *UploadError. rest is the REST client of the uploading user; made with
// chatapi.WithRetries, its declaring POST carries an Idempotency-Key and
// is retried under it.
func UploadFile(ctx context.Context, rest chatapi.ClientWithResponsesInterface, f File) (*chatapi.Upload, error) {
	sum := sha256.Sum256(f.Data)
	created, err := rest.CreateUploadWithResponse(ctx, nil, chatapi.CreateUploadRequest{
		RoomId:      f.RoomID,
		Filename:    f.Filename,
		ContentType: f.ContentType,
		Size:        int64(len(f.Data)),
		Sha256:      hex.EncodeToString(sum[:]),
	})
	if err != nil {
		return nil, fmt.Errorf("realtime: upload: create: %w", err)
	}
	if created.JSON201 == nil {
		return nil, uploadError("create", created.StatusCode(), created.Body)
	}
	ticket := created.JSON201.Data

	req, err := http.NewRequestWithContext(ctx, http.MethodPut, ticket.UploadUrl, bytes.NewReader(f.Data))
	if err != nil {
		return nil, fmt.Errorf("realtime: upload: put: %w", err)
	}
	doer := f.HTTPClient
	if doer == nil {
		doer = http.DefaultClient
	}
	resp, err := doer.Do(req)
	if err != nil {
		return nil, fmt.Errorf("realtime: upload: put: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("realtime: upload: put: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, uploadError("put", resp.StatusCode, body)
	}

	done, err := rest.CompleteUploadWithResponse(ctx, ticket.UploadId)
	if err != nil {
		return nil, fmt.Errorf("realtime: upload: complete: %w", err)
	}
	if done.JSON200 == nil {
		return nil, uploadError("complete", done.StatusCode(), done.Body)
	}
	return &done.JSON200.Data, nil
}
