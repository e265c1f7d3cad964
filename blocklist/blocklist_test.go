package blocklist_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chatapi/chatapi/blocklist"
)

func TestMatcher(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		mode  blocklist.Mode
		text  string
		// masked is Mask's result; text unchanged means no match.
		masked string
	}{
		{"no words", nil, blocklist.Word, "anything", "anything"},
		{"whole word", []string{"darn"}, blocklist.Word, "well darn it", "well *** it"},
		{"case", []string{"darn"}, blocklist.Word, "DARN, Darn!", "***, ***!"},
		{"list case", []string{"DaRn"}, blocklist.Word, "darn", "***"},
		{"inside a word, word mode", []string{"ass"}, blocklist.Word, "a class act", "a class act"},
		{"inside a word, substring mode", []string{"ass"}, blocklist.Substring, "a class act", "a cl*** act"},
		{"non-ASCII letter next to it", []string{"ass"}, blocklist.Word, "Ässe assé", "Ässe assé"},
		{"non-ASCII word", []string{"straße"}, blocklist.Word, "die STRASSE hier", "die *** hier"},
		{"full case folding", []string{"strasse"}, blocklist.Word, "Straße", "***"},
		{"greek final sigma", []string{"σας"}, blocklist.Word, "ΣΑΣ εδώ", "*** εδώ"},
		{"cyrillic", []string{"плохо"}, blocklist.Word, "Это ПЛОХО.", "Это ***."},
		{"full-width", []string{"bad"}, blocklist.Word, "so ｂａｄ", "so ***"},
		{"ligature", []string{"fire"}, blocklist.Word, "ﬁre!", "***!"},
		{"decomposed vs precomposed", []string{"caf\u00e9"}, blocklist.Word, "un cafe\u0301 noir", "un *** noir"},
		{"accents kept", []string{"café"}, blocklist.Word, "cafe", "cafe"},
		{"mark after is part of the word", []string{"cafe"}, blocklist.Word, "cafe\u0301", "cafe\u0301"},
		{"phrase", []string{"go away"}, blocklist.Word, "Go Away now", "*** now"},
		{"overlapping merged", []string{"abc", "bcd"}, blocklist.Substring, "xabcdx", "x***x"},
		{"shorter word on the failure chain", []string{"abcd", "bc"}, blocklist.Substring, "abce", "a***e"},
		{"word mode: shorter fits the boundary", []string{"bad word", "word"}, blocklist.Word, "a bad words word", "a bad words ***"},
		{"digits are word characters", []string{"x"}, blocklist.Word, "x1 x", "x1 ***"},
		{"han needs no boundary", []string{"坏蛋"}, blocklist.Word, "你是坏蛋吗", "你是***吗"},
		{"empty word ignored", []string{"", "ok"}, blocklist.Word, "ok", "***"},
		{"emoji", []string{"💩"}, blocklist.Word, "you 💩!", "you ***!"},
		{"invalid UTF-8 survives", []string{"bad"}, blocklist.Word, "\xffbad", "\xff***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := blocklist.New(tt.words, tt.mode)
			if got := m.Mask(tt.text); got != tt.masked {
				t.Errorf("Mask(%q) = %q, want %q", tt.text, got, tt.masked)
			}
			if got, want := m.Matches(tt.text), tt.masked != tt.text; got != want {
				t.Errorf("Matches(%q) = %v, want %v", tt.text, got, want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	m := blocklist.New([]string{"darn", "heck"}, blocklist.Word)
	got := m.Words("Darn, heck, DARN and Darn")
	if want := []string{"Darn", "heck", "DARN"}; !slices.Equal(got, want) {
		t.Fatalf("Words = %q, want %q", got, want)
	}
}

// bigList is n distinct words of 5 to 12 letters.
func bigList(n int) []string {
	words := make([]string, n)
	for i := range words {
		words[i] = fmt.Sprintf("w%xq%s", i*7919, strings.Repeat("z", i%6))
	}
	return words
}

// BenchmarkMatch scans a 200-byte message with a 10,000-word list.
func BenchmarkMatch(b *testing.B) {
	text := strings.Repeat("Hello there, how are things with the project? ", 4)
	for _, mode := range []blocklist.Mode{blocklist.Word, blocklist.Substring} {
		m := blocklist.New(bigList(10000), mode)
		b.Run(fmt.Sprintf("mode=%d", mode), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if m.Matches(text) {
					b.Fatal("matched")
				}
			}
		})
	}
}

// BenchmarkBuild builds the matcher of a 10,000-word list.
func BenchmarkBuild(b *testing.B) {
	words := bigList(10000)
	for b.Loop() {
		blocklist.New(words, blocklist.Word)
	}
}
