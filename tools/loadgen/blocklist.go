package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// blocklistWords is the size of the blocklist the blocklist scenario sets:
// the most a tenant may have.
const blocklistWords = 10000

// blocklistText is what each message of the blocklist scenario carries
// besides its counter: a sentence of ordinary length, matching no word of
// the list, so that every send pays the full scan and none is refused.
const blocklistText = ": the quarterly numbers look fine, but could we move Thursday's review to Friday morning? Café at 10 works for me."

// runBlocklist measures what a 10,000-word blocklist costs a send: the
// send load of the send scenario, first in a tenant without a blocklist,
// then in one whose blocklist holds blocklistWords words (word match,
// mask), both on the same server in the same run, each for the duration
// in turns of a tenth of it; ratio is the second's throughput over the
// first's.
func runBlocklist(ctx context.Context, o options) (outcome, error) {
	a := newAPI(o.base, o.senders)
	defer a.close()
	var loads [2]*sendLoad
	for i, name := range []string{"loadgen-blocklist-off", "loadgen-blocklist-on"} {
		tn, err := newTenant(ctx, a, o.masterKey, name)
		if err != nil {
			return outcome{}, err
		}
		if i == 1 {
			words := make([]string, blocklistWords)
			for w := range words {
				// Word-like and distinct: a letter stem and a base-36 tail.
				words[w] = "blk" + strconv.FormatInt(int64(w*7919), 36) + "word"
			}
			body := map[string]any{"words": words, "match": "word", "action": "mask"}
			if _, err := a.do(ctx, http.MethodPut, "/moderation/blocklist", tn.headers("ops"), body, &struct{}{}); err != nil {
				return outcome{}, fmt.Errorf("set blocklist: %w", err)
			}
		}
		if loads[i], err = setupSendLoad(ctx, tn, "", o.senders, o.rooms); err != nil {
			return outcome{}, err
		}
		loads[i].text = blocklistText
	}
	o.cpu.begin()
	var st [2]sendStats
	// Short turns in the order off, on, on, off, repeated: load that comes
	// and goes on the machine weighs on both tenants alike.
	const turns = 20
	for t := range turns {
		i := []int{0, 1, 1, 0}[t%4]
		s := loads[i].run(ctx, 2*o.duration/turns)
		st[i].ok += s.ok
		st[i].elapsed += s.elapsed
		st[i].lat = append(st[i].lat, s.lat...)
		if st[i].errors == nil {
			st[i].errors = map[string]int64{}
		}
		for k, v := range s.errors {
			st[i].errors[k] += v
		}
	}
	o.cpu.end()
	if ctx.Err() != nil {
		return outcome{}, ctx.Err()
	}
	off, on := st[0].lat.summary(), st[1].lat.summary()
	offRate := float64(st[0].ok) / st[0].elapsed.Seconds()
	onRate := float64(st[1].ok) / st[1].elapsed.Seconds()
	errs := map[string]int64{}
	for _, s := range st {
		for k, v := range s.errors {
			errs[k] += v
		}
	}
	return outcome{
		Metrics: map[string]float64{
			"msgs_per_s_off": offRate, "msgs_per_s_on": onRate, "ratio": onRate / offRate,
			"p50_ms_off": off.P50, "p50_ms_on": on.P50, "p99_ms_off": off.P99, "p99_ms_on": on.P99,
		},
		Errors: errs,
		Order:  []string{"ratio", "msgs_per_s_off", "msgs_per_s_on", "p50_ms_off", "p50_ms_on", "p99_ms_off", "p99_ms_on"},
		Params: map[string]any{"c": o.senders, "g": min(o.rooms, o.senders), "d": o.duration.String(), "words": blocklistWords},
	}, nil
}
