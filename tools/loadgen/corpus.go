package main

import (
	"math/rand/v2"
	"strings"
)

// corpus writes chat-like text from a fixed seed: a vocabulary of made-up
// words whose frequency follows a Zipf law (the most common word is in
// most messages, the rarest in a few dozen of a million), as words in real
// text do. The same seed gives the same messages and queries, so two runs
// (and two databases) search the same text.
type corpus struct {
	words []string // by rank: words[0] is the most common
	r     *rand.Rand
	zipf  *rand.Zipf
}

// Corpus shape.
const (
	corpusWords  = 20000 // vocabulary size
	corpusZipfS  = 1.1   // the Zipf exponent (natural language: about 1)
	corpusMinLen = 3     // words a message holds, at least
	corpusMaxLen = 18    // and at most
)

func newCorpus(seed uint64) *corpus {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	c := &corpus{r: r, words: vocabulary(rand.New(rand.NewPCG(seed, 0x70ca)), corpusWords)}
	c.zipf = rand.NewZipf(r, corpusZipfS, 1, corpusWords-1)
	return c
}

// vocabulary makes n distinct lower-case words of consonant-vowel
// syllables, the common ones short and the rare ones longer, as in
// natural language.
func vocabulary(r *rand.Rand, n int) []string {
	const consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
	seen := make(map[string]bool, n)
	words := make([]string, 0, n)
	var b strings.Builder
	for len(words) < n {
		rank := len(words)
		syllables := 1 + r.IntN(2)
		switch {
		case rank >= 2000:
			syllables += 2
		case rank >= 100:
			syllables++
		}
		b.Reset()
		for range syllables {
			b.WriteByte(consonants[r.IntN(len(consonants))])
			b.WriteByte(vowels[r.IntN(len(vowels))])
			if r.IntN(3) == 0 {
				b.WriteByte(consonants[r.IntN(len(consonants))])
			}
		}
		w := b.String()
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// word is a word drawn by frequency.
func (c *corpus) word() string { return c.words[c.zipf.Uint64()] }

// message is a sentence: corpusMinLen to corpusMaxLen words, the first
// capitalized, with a comma now and then and a full stop.
func (c *corpus) message() string {
	n := corpusMinLen + c.r.IntN(corpusMaxLen-corpusMinLen+1)
	var b strings.Builder
	for i := range n {
		w := c.word()
		if i == 0 {
			b.WriteString(strings.ToUpper(w[:1]))
			b.WriteString(w[1:])
		} else {
			b.WriteString(w)
		}
		switch {
		case i == n-1:
			b.WriteByte('.')
		case c.r.IntN(8) == 0:
			b.WriteString(", ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// searchQuery is one query of the search scenario and its kind.
type searchQuery struct {
	kind, q string
}

// Query kinds.
var searchKinds = []string{"common", "rare", "phrase", "prefix"}

// queries draws n queries of each kind from its own seeded stream:
//   - common: one of the ten most frequent words (in most messages);
//   - rare: a word ranked 5,000 to 20,000 (some tens to a few hundred
//     messages of a million);
//   - phrase: two words in a row as the generator writes them ("w1 w2");
//   - prefix: the first three letters of a word ranked 100 to 2,000, with *.
func (c *corpus) queries(seed uint64, n int) []searchQuery {
	r := rand.New(rand.NewPCG(seed, 0x9e27))
	z := rand.NewZipf(r, corpusZipfS, 1, corpusWords-1)
	var qs []searchQuery
	for range n {
		qs = append(qs,
			searchQuery{"common", c.words[r.IntN(10)]},
			searchQuery{"rare", c.words[5000+r.IntN(corpusWords-5000)]},
			searchQuery{"phrase", `"` + c.words[z.Uint64()] + " " + c.words[z.Uint64()] + `"`},
			searchQuery{"prefix", c.words[100+r.IntN(1900)][:3] + "*"},
		)
	}
	r.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return qs
}
