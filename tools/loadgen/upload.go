package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// uploadQuota is a tenant's default storage quota (store.DefaultUploadQuotaBytes):
// a run's files must fit in it.
const uploadQuota = 1 << 30

// runUpload uploads K files of -size bytes (text/plain) from C concurrent
// clients into a fresh tenant's room, each the three steps of the API:
// POST /uploads, PUT the bytes to its upload_url, POST
// /uploads/{id}/complete (the server checks size, SHA-256 and content).
// It reports files/s and MB/s (10^6 bytes) over the whole, and the
// latency of one file's three steps.
func runUpload(ctx context.Context, o options) (outcome, error) {
	if int64(o.messages)*int64(o.fileSize) > uploadQuota {
		return outcome{}, fmt.Errorf("-k %d files of %d bytes exceed a tenant's quota (%d bytes)", o.messages, o.fileSize, uploadQuota)
	}
	a := newAPI(o.base, o.senders)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-upload")
	if err != nil {
		return outcome{}, err
	}
	room, err := tn.createRoom(ctx, "uploader", []string{"reader"})
	if err != nil {
		return outcome{}, err
	}
	// Printable text, so that it sniffs as text/plain; each file's first
	// line makes its bytes (and SHA-256) its own.
	base := make([]byte, o.fileSize)
	for i := range base {
		base[i] = "abcdefghij klmnopqrstuvwxyz\n"[i%28]
	}
	var (
		next  atomic.Int64
		lat   = make([]latencies, o.senders)
		wg    sync.WaitGroup
		mu    sync.Mutex // guards errs and first
		errs  = map[string]int64{}
		first error
	)
	o.cpu.begin()
	start := time.Now()
	for w := range o.senders {
		buf := bytes.Clone(base)
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(o.messages) || ctx.Err() != nil {
					return
				}
				copy(buf, fmt.Sprintf("file %010d\n", i))
				t0 := time.Now()
				status, err := uploadOne(ctx, tn, room, buf, i)
				if err != nil {
					mu.Lock()
					errs[errorKey(status, err)]++
					if first == nil {
						first = err
					}
					mu.Unlock()
					continue
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	o.cpu.end()
	var all latencies
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return outcome{}, fmt.Errorf("no upload completed: %w", first)
	}
	ls := all.summary()
	out := outcome{
		Metrics: map[string]float64{
			"files_per_s": float64(len(all)) / elapsed.Seconds(),
			"mb_per_s":    float64(len(all)) * float64(o.fileSize) / 1e6 / elapsed.Seconds(),
			"p50_ms":      ls.P50, "p99_ms": ls.P99, "max_ms": ls.Max,
		},
		Counts: map[string]int64{"files": int64(len(all))},
		Errors: errs,
		Order:  []string{"files_per_s", "mb_per_s", "p50_ms", "p99_ms", "max_ms", "files"},
		Params: map[string]any{"k": o.messages, "c": o.senders, "size": o.fileSize},
	}
	if first != nil {
		out.Notes = append(out.Notes, first.Error())
	}
	return out, nil
}

// uploadOne runs the three steps for one file.
func uploadOne(ctx context.Context, tn tenant, room string, content []byte, i int64) (int, error) {
	sum := sha256.Sum256(content)
	var ticket struct {
		UploadID  string `json:"upload_id"`
		UploadURL string `json:"upload_url"`
	}
	body := map[string]any{
		"room_id": room, "filename": "file-" + strconv.FormatInt(i, 10) + ".txt", "content_type": "text/plain",
		"size": len(content), "sha256": hex.EncodeToString(sum[:]),
	}
	if status, err := tn.a.do(ctx, http.MethodPost, "/uploads", tn.headers("uploader"), body, &ticket); err != nil {
		return status, fmt.Errorf("POST /uploads: %w", err)
	}
	if err := checkLoopback(ticket.UploadURL); err != nil {
		return 0, fmt.Errorf("upload_url: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, ticket.UploadURL, bytes.NewReader(content))
	if err != nil {
		return 0, err
	}
	resp, err := tn.a.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("PUT upload_url: %w", err)
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("PUT upload_url: HTTP %d: %.200s", resp.StatusCode, msg)
	}
	var up struct {
		Status string `json:"status"`
	}
	if status, err := tn.a.do(ctx, http.MethodPost, "/uploads/"+ticket.UploadID+"/complete", tn.headers("uploader"), nil, &up); err != nil {
		return status, fmt.Errorf("POST complete: %w", err)
	}
	if up.Status != "ready" {
		return 0, fmt.Errorf("complete: status %q, want ready", up.Status)
	}
	return 200, nil
}
