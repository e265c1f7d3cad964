package main

import (
	"context"
	"errors"

	"github.com/chatapi/chatapi/tools/loadgen/sendbaseline"
)

// runBaseline is the direct-to-database ceiling of the send scenario: the
// same rooms and senders (created over REST), then SendMessage's
// transaction run with database/sql against the server's database from C
// goroutines (see tools/loadgen/sendbaseline).
func runBaseline(ctx context.Context, o options) (outcome, error) {
	if o.dbURL == "" {
		return outcome{}, errors.New("baseline needs -database-url: the server's database")
	}
	a := newAPI(o.base, 8)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-baseline")
	if err != nil {
		return outcome{}, err
	}
	l, err := setupSendLoad(ctx, tn, "", o.senders, o.rooms)
	if err != nil {
		return outcome{}, err
	}
	targets := make([]sendbaseline.Target, len(l.senders))
	for i, s := range l.senders {
		targets[i] = sendbaseline.Target{TenantID: tn.id, RoomID: l.rooms[i%len(l.rooms)], Sender: s}
	}
	db, postgres, err := sendbaseline.Open(ctx, o.dbURL)
	if err != nil {
		return outcome{}, err
	}
	defer db.Close()
	o.cpu.begin()
	r := sendbaseline.Run(ctx, db, postgres, targets, o.senders, o.duration)
	o.cpu.end()
	if r.Sent == 0 {
		return outcome{}, errors.Join(errors.New("baseline committed nothing"), r.FirstError)
	}
	out := outcome{
		Metrics: map[string]float64{"msgs_per_s": r.PerSecond()},
		Counts:  map[string]int64{"sent_total": r.Sent},
		Errors:  map[string]int64{},
		Order:   []string{"msgs_per_s", "sent_total"},
		Params:  map[string]any{"c": o.senders, "g": min(o.rooms, o.senders), "d": o.duration.String()},
	}
	if r.Errors > 0 {
		out.Errors["db"] = r.Errors
	}
	return out, nil
}
