package main

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
)

// serverCounters are counters of the servers' /metrics that tell how a
// cluster run went inside: gaps in a room's live stream (its events
// arriving out of their log order, across the bus) and the events read
// from the log to fill them; what the bus carried.
var serverCounters = []struct{ metric, name string }{
	{"chatapi_ws_order_gaps_total", "order_gaps"},
	{"chatapi_ws_order_filled_total", "order_filled"},
	{"chatapi_ws_slow_consumers_dropped_total", "slow_dropped"},
	{"chatapi_bus_sent_total", "bus_sent"},
	{"chatapi_bus_sent_bytes_total", "bus_sent_bytes"},
	{"chatapi_bus_received_total", "bus_received"},
}

// readCounters sums serverCounters over the instances' /metrics; an
// instance that does not answer counts nothing.
func readCounters(ctx context.Context, tns []tenant) map[string]int64 {
	out := map[string]int64{}
	for _, tn := range tns {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, tn.a.base+"/metrics", nil)
		if err != nil {
			continue
		}
		resp, err := tn.a.client.Do(req)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			for _, c := range serverCounters {
				if v, ok := strings.CutPrefix(sc.Text(), c.metric+" "); ok {
					if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
						out[c.name] += int64(f)
					}
				}
			}
		}
		resp.Body.Close()
	}
	return out
}

// addCounterDeltas adds the counters' growth from before to after to out.
func addCounterDeltas(out *outcome, before, after map[string]int64) {
	for _, c := range serverCounters {
		out.Counts[c.name] = after[c.name] - before[c.name]
		out.Order = append(out.Order, c.name)
	}
}
