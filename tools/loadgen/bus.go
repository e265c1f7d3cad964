package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"
)

// The bus scenario measures how many events a second the instances' bus
// carries before its hop passes -limit: senders on the first instance of
// -bases, receivers on the others, and one on the first, the rate raised
// step by step. A step is judged by the hop (a message's arrival on another
// instance after its arrival on the sender's, where it is published), not
// by the send-to-receive latency: on PostgreSQL with fsync on the send path
// alone passes 100 ms before the bus does. What the bus carried is read
// from the instances' /metrics: notifications sent (every event crosses,
// the receivers' receipts as well as the messages) and their payload bytes.

// busGrowth is the ratio between two steps of the ramp, and busMaxSteps
// bounds their number.
const (
	busGrowth   = 1.5
	busMaxSteps = 14
)

// busStep is one rate of the ramp.
type busStep struct {
	rate     int     // offered, messages/s
	sentPerS float64 // answered 201, per second of sending
	// carriedPerS is the notifications the instances sent per second of
	// the step (sending and drain), receivedPerS those they handled from
	// each other, payload their mean payload in bytes.
	carriedPerS, receivedPerS, payload float64
	across, local                      latencySummary
	hop                                latencySummary // from the sender's instance to another
	missing, errors                    int64
	late                               int64
	cores                              string
	ok, senderKeptPace                 bool
}

func (s busStep) String() string {
	return fmt.Sprintf("offered %d msg/s: sent %.0f/s; bus carried %.0f notifications/s (%.0f received), NOTIFY payload %.0f B; hop p50 %.1f p99 %.1f ms; send to receive across p50 %.1f p99 %.1f ms, on the sender's instance p99 %.1f ms; missing %d, errors %d, late sends %d; %s",
		s.rate, s.sentPerS, s.carriedPerS, s.receivedPerS, s.payload, s.hop.P50, s.hop.P99, s.across.P50, s.across.P99, s.local.P99, s.missing, s.errors, s.late, s.cores)
}

func runBus(ctx context.Context, o options) (outcome, error) {
	conns := maxPacedWorkers + 16
	tns, closeAPIs, err := tenants(ctx, o.bases, conns, "loadgen-bus", o.masterKey)
	if err != nil {
		return outcome{}, err
	}
	defer closeAPIs()
	if want := o.rooms * (o.members*(len(tns)-1) + 1); want > maxConns {
		return outcome{}, fmt.Errorf("-g %d rooms × (-m %d × %d instances + 1) = %d receivers: at most %d", o.rooms, o.members, len(tns)-1, want, maxConns)
	}
	// Room g: its sender, one receiver on the sender's instance, -m on
	// each other instance.
	senders := make([]string, o.rooms)
	rooms := make([]string, o.rooms)
	var places []placement
	for g := range o.rooms {
		senders[g] = "bus-s" + strconv.Itoa(g)
		local := fmt.Sprintf("bus-r%d-0", g)
		var members []string
		members = append(members, local)
		group := map[int][]string{}
		for i := 1; i < len(tns); i++ {
			for k := range o.members {
				u := fmt.Sprintf("bus-r%d-%d-%d", g, i, k)
				members = append(members, u)
				group[i] = append(group[i], u)
			}
		}
		if rooms[g], err = tns[0].createRoom(ctx, senders[g], members); err != nil {
			return outcome{}, err
		}
		places = append(places, placement{inst: 0, room: rooms[g], users: []string{local}})
		for i := 1; i < len(tns); i++ {
			places = append(places, placement{inst: i, room: rooms[g], users: group[i]})
		}
	}
	hc := wsHTTPClient()
	defer hc.CloseIdleConnections()
	ms, _, err := connectSpread(ctx, tns, hc, places, o.confirm)
	defer closeMembers(ms)
	if err != nil {
		return outcome{}, err
	}
	for _, m := range ms {
		m.takeLatencies()
		m.trackArrivals()
	}

	countersBefore := readCounters(ctx, tns)
	o.cpu.begin()
	var steps []busStep
	maxSeq := map[string]int64{}
	errs := map[string]int64{}
	var missingBefore int64
	rate := o.rate
	for range busMaxSteps {
		before := o.cpu.sample()
		busBefore, t0 := readCounters(ctx, tns), time.Now()
		p := pacedSend(ctx, rate, o.duration, o.payload, func(i int) sendTarget {
			g := i % len(rooms)
			return sendTarget{tn: tns[0], via: 0, user: senders[g], room: rooms[g]}
		})
		for r, s := range p.maxSeq {
			maxSeq[r] = max(maxSeq[r], s)
		}
		drain(ctx, ms, maxSeq, 5*time.Second)
		busAfter, took := readCounters(ctx, tns), time.Since(t0).Seconds()
		after := o.cpu.sample()
		if ctx.Err() != nil {
			return outcome{}, ctx.Err()
		}
		_, across, local := latencySplit(ms)
		hop := hops(ms)
		t := tallyMembers(ms, maxSeq)
		var nerr int64
		for k, v := range p.errors {
			errs[k] += v
			nerr += v
		}
		st := busStep{
			rate: rate, sentPerS: float64(p.ok) / p.elapsed.Seconds(),
			across: across.summary(), local: local.summary(), hop: hop.summary(),
			missing: t.missing - missingBefore, errors: nerr, late: p.late,
			cores: after.coresSince(before),
		}
		notified := busAfter["bus_sent"] - busBefore["bus_sent"]
		st.carriedPerS = float64(notified) / took
		st.receivedPerS = float64(busAfter["bus_received"]-busBefore["bus_received"]) / took
		if notified > 0 {
			st.payload = float64(busAfter["bus_sent_bytes"]-busBefore["bus_sent_bytes"]) / float64(notified)
		}
		missingBefore = t.missing
		st.senderKeptPace = st.sentPerS >= 0.9*float64(rate)
		st.ok = st.hop.N > 0 && time.Duration(st.hop.P99*float64(time.Millisecond)) <= o.limit && st.missing == 0 && st.errors == 0
		steps = append(steps, st)
		if !st.ok || !st.senderKeptPace {
			break
		}
		next := int(math.Round(float64(rate) * busGrowth))
		if next > maxRate {
			break
		}
		rate = next
	}
	o.cpu.end()

	t := tallyMembers(ms, maxSeq)
	out := outcome{
		Metrics: map[string]float64{},
		Counts: map[string]int64{
			"missing": t.missing, "out_of_order": t.outOfOrder, "duplicates": t.dups,
			"closed_by_server": t.closed, "error_events": t.errFrames, "steps": int64(len(steps)),
		},
		Errors: errs,
		Notes:  t.notes,
		Params: map[string]any{"g": o.rooms, "m": o.members, "d": o.duration.String(), "from_r": o.rate,
			"instances": len(tns), "limit": o.limit.String(), "confirm": o.confirm},
	}
	if o.payload > 0 {
		out.Params["payload"] = o.payload
	}
	var best *busStep
	for i := range steps {
		if steps[i].ok && steps[i].senderKeptPace {
			best = &steps[i]
		}
		out.Notes = append(out.Notes, steps[i].String())
	}
	last := steps[len(steps)-1]
	switch {
	case last.ok && last.senderKeptPace:
		out.Notes = append(out.Notes, "stopped: the ramp's last step, still under the limit")
	case !last.senderKeptPace:
		out.Notes = append(out.Notes, fmt.Sprintf("stopped: the sender fell behind at %d/s (sent %.0f/s): the send path bounds the ramp before the bus", last.rate, last.sentPerS))
	default:
		out.Notes = append(out.Notes, fmt.Sprintf("stopped: at %d/s, hop p99 %.1f ms (limit %v), missing %d, errors %d", last.rate, last.hop.P99, o.limit, last.missing, last.errors))
	}
	out.Metrics["max_events_per_s"] = 0
	if best != nil {
		// Messages a second that crossed within the limit; the bus
		// carried them and the receivers' receipts (notify_per_s).
		out.Metrics["max_events_per_s"] = best.sentPerS
		out.Metrics["at_max_notify_per_s"] = best.carriedPerS
		out.Metrics["at_max_notify_received_per_s"] = best.receivedPerS
		out.Metrics["at_max_notify_payload_bytes"] = best.payload
		out.Metrics["at_max_across_p50_ms"] = best.across.P50
		out.Metrics["at_max_across_p99_ms"] = best.across.P99
		out.Metrics["at_max_local_p99_ms"] = best.local.P99
		out.Metrics["at_max_hop_p50_ms"] = best.hop.P50
		out.Metrics["at_max_hop_p99_ms"] = best.hop.P99
	}
	out.Metrics["last_rate"] = float64(last.rate)
	out.Metrics["last_sent_per_s"] = last.sentPerS
	out.Metrics["last_across_p99_ms"] = last.across.P99
	out.Metrics["last_hop_p99_ms"] = last.hop.P99
	out.Metrics["last_notify_per_s"] = last.carriedPerS
	out.Order = []string{"max_events_per_s", "at_max_notify_per_s", "at_max_notify_received_per_s", "at_max_notify_payload_bytes",
		"at_max_hop_p50_ms", "at_max_hop_p99_ms", "at_max_across_p50_ms", "at_max_across_p99_ms", "at_max_local_p99_ms",
		"last_rate", "last_sent_per_s", "last_notify_per_s", "last_hop_p99_ms", "last_across_p99_ms", "missing", "out_of_order", "duplicates", "closed_by_server", "steps"}
	addCounterDeltas(&out, countersBefore, readCounters(ctx, tns))
	return out, nil
}

// hops is, for every message that reached a receiver on another instance
// than the sender's, how long after the receiver on the sender's instance
// (the room's first member, on instance 0) it arrived there: the bus's own
// share of the latency, without the send path's. It takes the arrivals
// recorded since the last call.
func hops(ms []*member) latencies {
	local := map[string]map[int64]time.Time{}
	var remote []*member
	arrivals := map[*member]map[int64]time.Time{}
	for _, m := range ms {
		arrivals[m] = m.trackArrivals()
		if m.inst == 0 {
			local[m.room] = arrivals[m]
		} else {
			remote = append(remote, m)
		}
	}
	var out latencies
	for _, m := range remote {
		for seq, at := range arrivals[m] {
			if l, ok := local[m.room][seq]; ok {
				out = append(out, max(0, at.Sub(l)))
			}
		}
	}
	return out
}
