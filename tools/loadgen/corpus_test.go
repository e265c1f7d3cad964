package main

import (
	"regexp"
	"strings"
	"testing"
)

// The search scenario's text and queries are the same on every run, and
// shaped as words in chat text are: a few words in most messages, most
// words in few.
func TestCorpus(t *testing.T) {
	a, b := newCorpus(searchSeed), newCorpus(searchSeed)
	counts := map[string]int{}
	const n = 20000
	for i := range n {
		ma, mb := a.message(), b.message()
		if ma != mb {
			t.Fatalf("message %d differs between two corpora of one seed: %q, %q", i, ma, mb)
		}
		seen := map[string]bool{}
		for w := range strings.FieldsFuncSeq(strings.ToLower(ma), func(r rune) bool { return r < 'a' || r > 'z' }) {
			if !seen[w] {
				seen[w] = true
				counts[w]++
			}
		}
	}
	if got := counts[a.words[0]]; got < n/2 {
		t.Errorf("the most common word is in %d of %d messages, want most", got, n)
	}
	if got := counts[a.words[10000]]; got > n/1000 {
		t.Errorf("word 10,000 is in %d of %d messages, want few", got, n)
	}

	qs := a.queries(searchSeed, 5)
	if len(qs) != 5*len(searchKinds) {
		t.Fatalf("%d queries, want %d", len(qs), 5*len(searchKinds))
	}
	valid := map[string]*regexp.Regexp{
		"common": regexp.MustCompile(`^[a-z]+$`),
		"rare":   regexp.MustCompile(`^[a-z]+$`),
		"phrase": regexp.MustCompile(`^"[a-z]+ [a-z]+"$`),
		"prefix": regexp.MustCompile(`^[a-z]{3}\*$`),
	}
	for _, q := range qs {
		if re := valid[q.kind]; re == nil || !re.MatchString(q.q) {
			t.Errorf("query %q of kind %q is not of that kind's syntax", q.q, q.kind)
		}
	}
	if again := newCorpus(searchSeed).queries(searchSeed, 5); strings.Join(queryTexts(again), "|") != strings.Join(queryTexts(qs), "|") {
		t.Errorf("two query lists of one seed differ")
	}
}

func queryTexts(qs []searchQuery) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.q
	}
	return out
}
