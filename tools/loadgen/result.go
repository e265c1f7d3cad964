package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// outcome is what one run of a scenario measured.
type outcome struct {
	// Metrics are rates and latencies; several runs report their median.
	Metrics map[string]float64
	// Counts are integrity failures and totals (gaps, missing…); several
	// runs report their sum, so one bad run shows.
	Counts map[string]int64
	// Errors counts failed requests by status ("429", "transport"…).
	Errors map[string]int64
	// Order is the display order of the metric and count names.
	Order []string
	// Params are the sizes actually run.
	Params map[string]any
	// Notes are examples of what went wrong, for the report.
	Notes []string
}

// result is one scenario invocation: the RESULT line.
type result struct {
	Scenario string             `json:"scenario"`
	Label    string             `json:"label,omitempty"`
	Params   map[string]any     `json:"params"`
	Runs     int                `json:"runs"`
	Metrics  map[string]float64 `json:"metrics"`
	Counts   map[string]int64   `json:"counts"`
	Errors   map[string]int64   `json:"errors,omitempty"`
	Order    []string           `json:"order"`
	Check    string             `json:"check,omitempty"`
	// Verdict is PASS, MISS, or PENDING when a check names a value only
	// the table can compute (baseline_ratio); empty without checks.
	Verdict string   `json:"verdict,omitempty"`
	Misses  []string `json:"misses,omitempty"`
	Notes   []string `json:"notes,omitempty"`
	// PerRun keeps each run's metrics, for the record.
	PerRun []map[string]float64 `json:"per_run,omitempty"`
}

// summarize folds the runs of one invocation into its RESULT.
func summarize(o options, runs []outcome) result {
	r := result{
		Scenario: o.scenario, Label: o.label, Runs: len(runs), Params: runs[0].Params,
		Metrics: map[string]float64{}, Counts: map[string]int64{}, Errors: map[string]int64{},
		Order: runs[0].Order, Check: o.check,
	}
	values := map[string][]float64{}
	for _, run := range runs {
		for k, v := range run.Metrics {
			values[k] = append(values[k], v)
		}
		for k, v := range run.Counts {
			r.Counts[k] += v
		}
		for k, v := range run.Errors {
			r.Errors[k] += v
		}
		r.Notes = append(r.Notes, run.Notes...)
		if len(runs) > 1 {
			r.PerRun = append(r.PerRun, run.Metrics)
		}
	}
	for k, vs := range values {
		r.Metrics[k] = round(median(vs))
	}
	r.evaluate()
	return r
}

func round(v float64) float64 { return math.Round(v*1000) / 1000 }

// value looks a name up among the metrics, the counts, and "errors" (the
// total of failed requests).
func (r *result) value(name string) (float64, bool) {
	if v, ok := r.Metrics[name]; ok {
		return v, true
	}
	if v, ok := r.Counts[name]; ok {
		return float64(v), true
	}
	if name == "errors" {
		var n int64
		for _, v := range r.Errors {
			n += v
		}
		return float64(n), true
	}
	return 0, false
}

// check is one target: name op value.
type check struct {
	name, op string
	want     float64
}

func parseChecks(s string) ([]check, error) {
	var out []check
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var c check
		for _, op := range []string{">=", "<=", "=="} {
			if name, val, ok := strings.Cut(part, op); ok {
				v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil {
					return nil, fmt.Errorf("-check %q: %w", part, err)
				}
				c = check{name: strings.TrimSpace(name), op: op, want: v}
				break
			}
		}
		if c.op == "" {
			return nil, fmt.Errorf("-check %q: want NAME>=N, NAME<=N or NAME==N", part)
		}
		out = append(out, c)
	}
	return out, nil
}

func (c check) holds(v float64) bool {
	switch c.op {
	case ">=":
		return v >= c.want
	case "<=":
		return v <= c.want
	default:
		return v == c.want
	}
}

// evaluate sets Verdict and Misses from Check.
func (r *result) evaluate() {
	checks, _ := parseChecks(r.Check)
	if len(checks) == 0 {
		r.Verdict, r.Misses = "", nil
		return
	}
	r.Verdict, r.Misses = "PASS", nil
	pending := false
	for _, c := range checks {
		v, ok := r.value(c.name)
		if !ok {
			pending = true
			continue
		}
		if !c.holds(v) {
			r.Misses = append(r.Misses, fmt.Sprintf("%s=%s (want %s%s)", c.name, fmtNum(v), c.op, fmtNum(c.want)))
		}
	}
	switch {
	case len(r.Misses) > 0:
		r.Verdict = "MISS"
	case pending:
		r.Verdict = "PENDING"
	}
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// print writes the RESULT line and a readable table of r.
func (r result) print(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "RESULT %s\n", b); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\t%s %s\n", r.Scenario, r.Label)
	fmt.Fprintf(tw, "params\t%s\n", r.params())
	for _, k := range r.names() {
		v, _ := r.value(k)
		fmt.Fprintf(tw, "%s\t%s\n", k, fmtNum(v))
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(tw, "errors by status\t%s\n", r.errorList())
	}
	for _, n := range r.Notes {
		fmt.Fprintf(tw, "note\t%s\n", n)
	}
	if r.Verdict != "" {
		fmt.Fprintf(tw, "target\t%s\n", r.Check)
		fmt.Fprintf(tw, "verdict\t%s %s\n", r.Verdict, strings.Join(r.Misses, "; "))
	}
	return tw.Flush()
}

// names lists metric and count names, Order's first.
func (r result) names() []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range r.Order {
		if _, ok := r.value(k); ok && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	var rest []string
	for k := range r.Metrics {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	for k := range r.Counts {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

func (r result) params() string {
	keys := make([]string, 0, len(r.Params))
	for k := range r.Params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys)+1)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%v", k, r.Params[k]))
	}
	if r.Runs > 1 {
		parts = append(parts, fmt.Sprintf("median of %d runs", r.Runs))
	}
	return strings.Join(parts, " ")
}

func (r result) errorList() string {
	keys := make([]string, 0, len(r.Errors))
	for k := range r.Errors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s:%d", k, r.Errors[k]))
	}
	return strings.Join(parts, " ")
}

// printTable reads RESULT lines (other lines are skipped) and prints them as
// one Markdown table. A send result is given its ratio to the baseline
// result of the same label (baseline_ratio), and checks are evaluated again.
func printTable(in io.Reader, out io.Writer) error {
	var results []result
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "RESULT ")
		if !ok {
			continue
		}
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return fmt.Errorf("RESULT line: %w", err)
		}
		results = append(results, r)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	baselines := map[string]float64{}
	for _, r := range results {
		if r.Scenario == "baseline" {
			baselines[r.Label] = r.Metrics["msgs_per_s"]
		}
	}
	fmt.Fprintln(out, "| scenario | database | params | measured | target | verdict |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|")
	for _, r := range results {
		if b, ok := baselines[r.Label]; ok && r.Scenario == "send" && b > 0 {
			r.Metrics["baseline_msgs_per_s"] = b
			r.Metrics["baseline_ratio"] = round(r.Metrics["msgs_per_s"] / b)
			r.Order = append(r.Order, "baseline_ratio")
			r.evaluate()
		}
		var measured []string
		for _, k := range r.names() {
			if strings.HasSuffix(k, "_total") || k == "baseline_msgs_per_s" {
				continue
			}
			v, _ := r.value(k)
			measured = append(measured, fmt.Sprintf("%s %s", k, fmtNum(v)))
		}
		if len(r.Errors) > 0 {
			measured = append(measured, "errors "+r.errorList())
		}
		verdict := r.Verdict
		if len(r.Misses) > 0 {
			verdict += ": " + strings.Join(r.Misses, "; ")
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s | %s | %s |\n", r.Scenario, r.Label, r.params(),
			strings.Join(measured, ", "), r.Check, verdict)
	}
	return nil
}
