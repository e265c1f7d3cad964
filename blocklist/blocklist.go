// Package blocklist finds a tenant's blocked words in message text, built
// once per list so that a send costs one pass over its text however many
// words the list holds: in Word mode a hash set of the normalised words
// looked up once per word of the text, and one Aho-Corasick automaton for
// the entries a word-by-word lookup cannot find (phrases, words with
// punctuation or symbols, words of scripts written without spaces, and
// every entry in Substring mode).
//
// Matching is case-insensitive and Unicode-aware. Text and words are
// compared after the same normalisation, one rune at a time: the rune's
// compatibility decomposition (NFKD: a full-width "ｂａｄ" is "bad", the
// ligature "ﬁ" is "fi", a precomposed "é" is "e" and its combining accent,
// as a decomposed one already is) and then its full Unicode case folding
// ("Straße" is "strasse", "ΣΑΣ" is "σασ"). Accents stay: "café" does not
// match "cafe". Per rune, so that every matched byte of the normalised
// text leads back to the original runes that masking replaces.
//
// In Word mode a match must not have a letter, digit or combining mark
// (of any script) right before or after it in the original text, so
// "ass" does not match "class" nor "Ässe". A word that begins or ends with
// a character of a script written without spaces between words (Han,
// Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) needs no boundary on that
// side: there, a word mode list behaves like a substring one.
package blocklist

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Mode is how a listed word must sit in the text to match.
type Mode int

const (
	// Word matches whole words only.
	Word Mode = iota
	// Substring matches anywhere, inside words too.
	Substring
)

// Matcher finds the words of one list. It is immutable and safe for
// concurrent use.
type Matcher struct {
	mode Mode
	// words holds, in Word mode, the normalised entries made of word
	// characters only: a text's word is looked up there whole.
	words map[string]struct{}
	// root holds the edges of the automaton's root (0: none), which most
	// bytes of a text go through, without a map lookup.
	root [256]uint32
	// next holds the automaton's other edges, keyed by node<<8 | byte.
	next map[uint32]uint32
	// fail is each node's failure link; out the length in bytes of the
	// longest word ending at the node (0: none), dict the nearest node on
	// its failure chain with out > 0.
	fail, out, dict []uint32
	// open and close tell, per node with out > 0, whether its word needs a
	// word boundary before and after it (Word mode).
	open, close []bool
	// folds remembers the normalisation of the non-ASCII runes met, which
	// the x/text transformers compute slowly; scans lends scan its buffers.
	folds sync.Map
	scans sync.Pool
}

// New builds the matcher of words. Words that normalise to nothing are
// ignored.
func New(words []string, mode Mode) *Matcher {
	m := &Matcher{mode: mode, words: make(map[string]struct{}), next: make(map[uint32]uint32)}
	m.scans.New = func() any { return new(scanState) }
	m.addNode()
	var buf []byte
	for _, w := range words {
		buf = buf[:0]
		for _, r := range w {
			buf = m.appendFolded(buf, r)
		}
		if len(buf) == 0 {
			continue
		}
		if mode == Word && plainWord(w) {
			m.words[string(buf)] = struct{}{}
			continue
		}
		n := uint32(0)
		for _, b := range buf {
			k := n<<8 | uint32(b)
			c, ok := m.next[k]
			if !ok {
				c = m.addNode()
				m.next[k] = c
				if n == 0 {
					m.root[b] = c
				}
			}
			n = c
		}
		first, _ := utf8.DecodeRuneInString(w)
		last, _ := utf8.DecodeLastRuneInString(w)
		m.out[n] = uint32(len(buf))
		m.open[n] = mode == Word && !unspaced(first)
		m.close[n] = mode == Word && !unspaced(last)
	}
	m.link()
	return m
}

func (m *Matcher) addNode() uint32 {
	m.fail = append(m.fail, 0)
	m.out = append(m.out, 0)
	m.dict = append(m.dict, 0)
	m.open = append(m.open, false)
	m.close = append(m.close, false)
	return uint32(len(m.fail) - 1)
}

// link sets the failure and dictionary links, breadth first.
func (m *Matcher) link() {
	children := make([][]uint32, len(m.fail)) // node → edge keys
	for k := range m.next {
		children[k>>8] = append(children[k>>8], k)
	}
	queue := []uint32{0}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, k := range children[n] {
			c, b := m.next[k], k&0xff
			queue = append(queue, c)
			if n == 0 {
				continue // the root's children fail to the root
			}
			f := m.fail[n]
			for {
				if t, ok := m.next[f<<8|b]; ok {
					m.fail[c] = t
					break
				}
				if f == 0 {
					break
				}
				f = m.fail[f]
			}
			if fc := m.fail[c]; m.out[fc] > 0 {
				m.dict[c] = fc
			} else {
				m.dict[c] = m.dict[fc]
			}
		}
	}
}

// Span is a match: the bytes [Start, End) of the original text.
type Span struct{ Start, End int }

// Find returns the matches in text, by start, overlapping ones merged.
func (m *Matcher) Find(text string) []Span {
	var spans []Span
	m.scan(text, func(s Span) bool {
		spans = append(spans, s)
		return true
	})
	if len(spans) < 2 {
		return spans
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
	merged := spans[:1]
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if s.Start <= last.End {
			last.End = max(last.End, s.End)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// Matches reports whether text holds a listed word; it stops at the first.
func (m *Matcher) Matches(text string) bool {
	found := false
	m.scan(text, func(Span) bool {
		found = true
		return false
	})
	return found
}

// Mask replaces every match in text with "***".
func (m *Matcher) Mask(text string) string {
	spans := m.Find(text)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	at := 0
	for _, s := range spans {
		b.WriteString(text[at:s.Start])
		b.WriteString("***")
		at = s.End
	}
	b.WriteString(text[at:])
	return b.String()
}

// Words returns the distinct matched parts of text, as written there.
func (m *Matcher) Words(text string) []string {
	var words []string
	for _, s := range m.Find(text) {
		if w := text[s.Start:s.End]; !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

// scan runs the automaton over text's normalised bytes and calls found for
// each match that passes the boundary rules, until found returns false.
func (m *Matcher) scan(text string, found func(Span) bool) {
	if text == "" {
		return
	}
	st := m.scans.Get().(*scanState)
	defer m.scans.Put(st)
	if len(m.words) > 0 && !m.scanWords(text, st, found) {
		return
	}
	if len(m.fail) == 1 {
		return
	}
	st.reset()
	for i, r := range text {
		n := len(st.folded)
		st.folded = m.appendFolded(st.folded, r)
		end := i + utf8.RuneLen(r)
		if r == utf8.RuneError {
			end = i + 1
		}
		for range len(st.folded) - n {
			st.start = append(st.start, int32(i))
			st.end = append(st.end, int32(end))
		}
	}
	node := uint32(0)
	for i, b := range st.folded {
		for node != 0 {
			if c, ok := m.next[node<<8|uint32(b)]; ok {
				node = c
				break
			}
			node = m.fail[node]
		}
		if node == 0 {
			node = m.root[b]
		}
		for o := node; o != 0; o = m.dict[o] {
			if m.out[o] == 0 {
				continue
			}
			fs := i + 1 - int(m.out[o])
			s, ok := m.span(text, st, fs, i, o)
			if ok && !found(s) {
				return
			}
		}
	}
}

// span maps the normalised bytes [fs, fe] of a match at node o back to the
// original text and checks its boundaries: a match must cover whole
// original runes, and in Word mode sit between non-word characters.
func (m *Matcher) span(text string, st *scanState, fs, fe int, o uint32) (Span, bool) {
	if fs > 0 && st.start[fs] == st.start[fs-1] {
		return Span{}, false // starts inside one rune's normalisation
	}
	if fe+1 < len(st.start) && st.start[fe+1] == st.start[fe] {
		return Span{}, false // ends inside one
	}
	s := Span{Start: int(st.start[fs]), End: int(st.end[fe])}
	if m.open[o] && s.Start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:s.Start]); wordRune(r) {
			return Span{}, false
		}
	}
	if m.close[o] && s.End < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[s.End:]); wordRune(r) {
			return Span{}, false
		}
	}
	return s, true
}

// scanWords looks every word of text (a longest run of word characters)
// up in the set of plain words, and calls found for each listed one until
// it returns false; it reports whether the scan is to go on.
func (m *Matcher) scanWords(text string, st *scanState, found func(Span) bool) bool {
	start := -1
	for i, r := range text {
		if wordRune(r) {
			if start < 0 {
				start = i
				st.folded = st.folded[:0]
			}
			st.folded = m.appendFolded(st.folded, r)
			continue
		}
		if start >= 0 {
			if _, ok := m.words[string(st.folded)]; ok && !found(Span{Start: start, End: i}) {
				return false
			}
			start = -1
		}
	}
	if start >= 0 {
		if _, ok := m.words[string(st.folded)]; ok && !found(Span{Start: start, End: len(text)}) {
			return false
		}
	}
	return true
}

// plainWord reports whether a Word mode entry is a single word the set can
// hold: word characters only, none of a script written without spaces
// (whose words a text does not delimit).
func plainWord(w string) bool {
	for _, r := range w {
		if !wordRune(r) || unspaced(r) {
			return false
		}
	}
	return true
}

type scanState struct {
	folded     []byte
	start, end []int32
}

func (s *scanState) reset() {
	s.folded, s.start, s.end = s.folded[:0], s.start[:0], s.end[:0]
}

// appendFolded appends r's normalisation: NFKD, then full case folding.
func (m *Matcher) appendFolded(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	if f, ok := m.folds.Load(r); ok {
		return append(dst, f.(string)...)
	}
	f := cases.Fold().String(norm.NFKD.String(string(r)))
	// Folding may compose again what NFKD took apart; decompose the result.
	f = norm.NFKD.String(f)
	m.folds.Store(r, f)
	return append(dst, f...)
}

// wordRune reports whether r is part of a word: a letter, digit or mark.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// unspaced reports whether r belongs to a script written without spaces
// between words, where word boundaries cannot be told from the text.
func unspaced(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}
