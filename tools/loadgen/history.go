package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chatapi/chatapi/tools/loadgen/sendbaseline"
)

// seed sends k messages to room as user from a few concurrent senders.
func seed(ctx context.Context, tn tenant, user string, rooms []string, k int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(k) || ctx.Err() != nil {
					return
				}
				room := rooms[int(i)%len(rooms)]
				if _, _, err := tn.send(ctx, user, room, "history "+strconv.FormatInt(i, 10)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// reactors react to every message of a -rich history, the reader first.
var reactors = []string{"reader", "r1", "r2", "r3", "r4"}

// seedRich gives each of the first k messages of room 5 reaction types,
// one by each of the reactors, and a reply by one of them: the history a
// -rich reader pages (issue 14: "100 messages, each with 5 reaction types
// and a thread summary"). The replies take seqs after k, so the reader's
// pages over 1…k hold only messages that have both.
func seedRich(ctx context.Context, tn tenant, room string, k int) error {
	var ids []string
	for after := int64(0); len(ids) < k; {
		var page []struct {
			ID  string `json:"message_id"`
			Seq int64  `json:"seq"`
		}
		q := "?after_seq=" + strconv.FormatInt(after, 10) + "&limit=" + strconv.Itoa(historyPageSize)
		if _, err := tn.a.do(ctx, http.MethodGet, "/rooms/"+room+"/messages"+q, tn.headers("reader"), nil, &page); err != nil {
			return err
		}
		if len(page) == 0 {
			return fmt.Errorf("read %d message ids, want %d", len(ids), k)
		}
		for _, m := range page {
			ids = append(ids, m.ID)
		}
		after = page[len(page)-1].Seq
	}
	ids = ids[:k]
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(len(ids)) || ctx.Err() != nil {
					return
				}
				path := "/rooms/" + room + "/messages/" + ids[i]
				for j, user := range reactors {
					if _, err := tn.a.do(ctx, http.MethodPut, path+"/reactions/type"+strconv.Itoa(j), tn.headers(user), nil, nil); err != nil {
						errs <- fmt.Errorf("react: %w", err)
						return
					}
				}
				replier := reactors[1+int(i)%(len(reactors)-1)]
				if _, err := tn.a.do(ctx, http.MethodPost, "/rooms/"+room+"/messages", tn.headers(replier),
					map[string]any{"content": "reply " + strconv.FormatInt(i, 10), "parent_id": ids[i]}, nil); err != nil {
					errs <- fmt.Errorf("reply: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// vacuumAfterSeed runs VACUUM ANALYZE on a PostgreSQL server's database (nothing
// for none or for SQLite) after the seeding, as autovacuum would a minute
// later: right after thousands of updates of the same rows (each reaction
// rewrites its message's counts, each reply its parent) every index scan
// still walks their dead versions, and the pages read would measure the
// seeding's aftermath rather than a history at rest.
func vacuumAfterSeed(ctx context.Context, dbURL string) error {
	if dbURL == "" {
		return nil
	}
	db, postgres, err := sendbaseline.Open(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	defer db.Close()
	if !postgres {
		return nil
	}
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		return fmt.Errorf("vacuum: VACUUM ANALYZE: %w", err)
	}
	return nil
}

// runHistory seeds a room with K messages, then one reader pages through
// them, 100 at a time with after_seq, pass after pass for -d. Every page is
// checked: a 200 holding the messages after after_seq, each seq the next
// one, 100 of them but on the last page. With -rich every message has
// reactions and a reply (seedRich), and a pass ends after the K messages,
// before the replies. With -database-url a PostgreSQL database is vacuumed
// after the seeding (vacuumAfterSeed).
func runHistory(ctx context.Context, o options) (outcome, error) {
	a := newAPI(o.base, 32)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-history")
	if err != nil {
		return outcome{}, err
	}
	members := []string{"reader"}
	if o.rich {
		members = reactors
	}
	room, err := tn.createRoom(ctx, "writer", members)
	if err != nil {
		return outcome{}, err
	}
	if err := seed(ctx, tn, "writer", []string{room}, o.messages); err != nil {
		return outcome{}, fmt.Errorf("seed: %w", err)
	}
	if o.rich {
		if err := seedRich(ctx, tn, room, o.messages); err != nil {
			return outcome{}, fmt.Errorf("seed reactions and replies: %w", err)
		}
	}
	if err := vacuumAfterSeed(ctx, o.dbURL); err != nil {
		return outcome{}, err
	}
	r := historyReader{tn: tn, user: "reader", room: room}
	var lat latencies
	var pages, passes int64
	o.cpu.begin() // the reading, not the seeding
	start := time.Now()
	for passes == 0 || time.Since(start) < o.duration {
		read := 0
		after := int64(0)
		for {
			t0 := time.Now()
			n, err := r.page(ctx, after, historyPageSize)
			if err != nil {
				return outcome{}, err
			}
			lat = append(lat, time.Since(t0))
			pages++
			read += n
			if n < historyPageSize || (o.rich && read >= o.messages) {
				break
			}
			after += int64(n)
		}
		if read != o.messages {
			return outcome{}, fmt.Errorf("a pass read %d messages, want %d", read, o.messages)
		}
		passes++
	}
	elapsed := time.Since(start)
	o.cpu.end()
	ls := lat.summary()
	params := map[string]any{"k": o.messages, "d": o.duration.String()}
	if o.rich {
		params["rich"] = "5 reaction types and a reply a message"
	}
	return outcome{
		Metrics: map[string]float64{
			"pages_per_s": float64(pages) / elapsed.Seconds(),
			"p50_ms":      ls.P50, "p99_ms": ls.P99, "max_ms": ls.Max,
		},
		Counts: map[string]int64{"pages_total": pages, "passes": passes},
		Order:  []string{"pages_per_s", "p50_ms", "p99_ms", "max_ms", "passes"},
		Params: params,
	}, nil
}

// historyPageSize is the history reader's page: the API's most.
const historyPageSize = 100

// historyReader pages one room as one user, reusing its buffers.
type historyReader struct {
	tn         tenant
	user, room string
	body       bytes.Buffer
	seqs       []int64
}

// page reads the messages after after, at most limit, and checks that they
// are after+1, after+2… in that order. It returns how many there were.
//
// The body is walked for the messages' seqs (pageSeqs), not decoded: the
// reader shares the two cores with the server, and decoding each 25 KB
// page into values it never looks at took as long as the server took to
// answer it.
func (r *historyReader) page(ctx context.Context, after int64, limit int) (int, error) {
	path := "/rooms/" + r.room + "/messages?after_seq=" + strconv.FormatInt(after, 10) + "&limit=" + strconv.Itoa(limit)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.tn.a.base+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-API-Key", r.tn.key)
	req.Header.Set("X-User-Id", r.user)
	resp, err := r.tn.a.client.Do(req)
	if err != nil {
		return 0, err
	}
	r.body.Reset()
	_, err = r.body.ReadFrom(io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: HTTP %d: %.200s", path, resp.StatusCode, r.body.Bytes())
	}
	if r.seqs, err = pageSeqs(r.body.Bytes(), r.seqs[:0]); err != nil {
		return 0, fmt.Errorf("GET %s: %w", path, err)
	}
	if len(r.seqs) > limit {
		return 0, fmt.Errorf("GET %s: %d messages, asked for %d", path, len(r.seqs), limit)
	}
	for i, seq := range r.seqs {
		if want := after + int64(i) + 1; seq != want {
			return 0, fmt.Errorf("GET %s: message %d has seq %d, want %d", path, i, seq, want)
		}
	}
	return len(r.seqs), nil
}

// pageSeqs appends to seqs the "seq" of each message of a message list
// body ({"data":[{…,"seq":1},…],"error":null,"success":true}), in order. It
// walks the JSON's nesting, skipping strings with their escapes, and reads
// only the seq numbers: a body whose nesting does not close, that is not a
// success, or whose data holds an object without exactly one integer seq is
// an error. Members nested deeper (a meta's own "seq") are not the
// message's.
func pageSeqs(body []byte, seqs []int64) ([]int64, error) {
	var (
		depth     int
		key       []byte // the member name just read, until its value
		inData    bool   // inside the top-level "data" array
		objects   int    // messages opened
		success   bool
		wantValue bool // the next value is a message's seq
	)
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '"':
			end, err := skipString(body, i)
			if err != nil {
				return nil, err
			}
			j := end - 1 // the closing quote
			str := body[i+1 : j]
			i = j
			k := j + 1
			for k < len(body) && (body[k] == ' ' || body[k] == '\n' || body[k] == '\t' || body[k] == '\r') {
				k++
			}
			if k < len(body) && body[k] == ':' && !wantValue {
				key = str
				wantValue = inData && depth == 3 && string(key) == "seq"
				i = k
				continue
			}
			if wantValue {
				return nil, errors.New("a message's seq is a string")
			}
			key = nil
		case c == '{' || c == '[':
			if wantValue {
				return nil, errors.New("a message's seq is not a number")
			}
			depth++
			switch {
			case c == '[' && depth == 2 && string(key) == "data":
				inData = true
			case c == '{' && depth == 3 && inData:
				objects++
			}
			key = nil
		case c == '}' || c == ']':
			depth--
			if depth < 0 {
				return nil, errors.New("unbalanced nesting")
			}
			if c == ']' && depth == 1 {
				inData = false
			}
			if c == '}' && depth == 2 && inData && len(seqs) != objects {
				return nil, fmt.Errorf("message %d has %d seq members, want 1", objects, len(seqs)-objects+1)
			}
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(body) && body[j] >= '0' && body[j] <= '9' {
				j++
			}
			if wantValue {
				n, err := strconv.ParseInt(string(body[i:j]), 10, 64)
				if err != nil || (j < len(body) && (body[j] == '.' || body[j] == 'e' || body[j] == 'E')) {
					return nil, fmt.Errorf("message %d: seq %.20q is not an integer", objects, body[i:])
				}
				seqs = append(seqs, n)
				wantValue = false
			}
			i = j - 1
			key = nil
		case c == 't' && depth == 1 && string(key) == "success":
			success = len(body) >= i+4 && string(body[i:i+4]) == "true"
			key = nil
		case c > ' ' && c != ',':
			if wantValue {
				return nil, errors.New("a message's seq is not a number")
			}
			key = nil
		}
	}
	switch {
	case depth != 0:
		return nil, errors.New("unbalanced nesting")
	case !success:
		return nil, errors.New(`not "success":true`)
	case len(seqs) != objects:
		return nil, fmt.Errorf("%d messages, %d seqs", objects, len(seqs))
	}
	return seqs, nil
}
