package store

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Search limits.
const (
	// DefaultSearchLimit and MaxSearchLimit bound a page of hits.
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
	// MaxSearchQuery is the longest q, in characters.
	MaxSearchQuery = 200
	// MaxSearchWords is how many words a query may hold, phrases' words
	// included: each is a term both engines look up in their index.
	MaxSearchWords = 16
)

// SearchQuery is a search of the messages a user may read.
type SearchQuery struct {
	// Q is the query: words (all must match), "exact phrases" and
	// prefix* words, any case, accents optional.
	Q string
	// RoomID and SenderID, when not "", keep the hits of that room, of
	// that sender.
	RoomID, SenderID string
	// After and Before, when not nil, keep the messages sent after, before
	// that time (both exclusive).
	After, Before *time.Time
	// Limit is the page size (0: DefaultSearchLimit); Cursor continues
	// from a previous page's NextCursor.
	Limit  int
	Cursor string
}

// SearchHit is one message found, with its content HTML-escaped and the
// matched words wrapped in <mark>…</mark>.
type SearchHit struct {
	Message   Message
	Highlight string
}

// SearchPage is a page of hits, newest first. NextCursor is "" on the
// last page.
type SearchPage struct {
	Hits       []SearchHit
	NextCursor string
}

// searchTerm is one term of a parsed query: a word (one element) or a
// phrase (its words in order), each word folded (see foldSearch) and
// marked a prefix or not.
type searchTerm struct {
	words  []string
	prefix []bool
}

// SearchMessages finds the messages of q.Q in the rooms actor may read
// (their rooms, and every channel of the tenant), newest first. A deleted
// message is never found; an edited one by its current text only. The
// query is parsed here and handed to the database as data it cannot read
// as syntax: a query it cannot parse is an InvalidError on "q".
func (s *Store) SearchMessages(ctx context.Context, tenantID, actor string, q SearchQuery) (SearchPage, error) {
	limit, err := pageLimit(q.Limit, DefaultSearchLimit, MaxSearchLimit)
	if err != nil {
		return SearchPage{}, err
	}
	terms, err := parseSearch(q.Q)
	if err != nil {
		return SearchPage{}, err
	}
	var before int64
	if q.Cursor != "" {
		if before, err = decodeSearchCursor(q.Cursor); err != nil {
			return SearchPage{}, err
		}
	}
	query, args := s.searchQuery(tenantID, actor, q, terms, before, limit)
	var rows []struct {
		SearchID int64 `db:"search_id"`
		messageRow
	}
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(query), args...); err != nil {
		return SearchPage{}, fmt.Errorf("search messages: %w", err)
	}
	var page SearchPage
	if len(rows) > limit {
		rows = rows[:limit]
		page.NextCursor = encodeSearchCursor(rows[limit-1].SearchID)
	}
	page.Hits = make([]SearchHit, len(rows))
	for i, r := range rows {
		msg := r.messageRow.message()
		page.Hits[i] = SearchHit{Message: msg, Highlight: highlight(msg.Content, terms)}
	}
	return page, nil
}

// searchQuery is SearchMessages' SQL (before Rebind) and its arguments:
// the hits of terms in the rooms actor may read, newest first, from before
// (a search id; 0 for the first page), limit+1 of them (one more tells
// whether a next page exists).
//
// The page is chosen from message_search and rooms alone (h), and only its
// rows are joined to messages: a filter on the messages' own columns
// (sender, time) reads them through an EXISTS, and only when given. Joined
// before the LIMIT, every candidate hit cost PostgreSQL a read of its
// message, which made it price its GIN index above a backward walk of
// message_search that reads most of the table for a phrase or prefix it
// takes for common.
func (s *Store) searchQuery(tenantID, actor string, q SearchQuery, terms []searchTerm, before int64, limit int) (string, []any) {
	m := s.dialect.searchMatch(terms)
	inner := `
		SELECT ` + m.order + ` AS search_id, s.room_id, s.seq
		FROM ` + m.from + `
		JOIN rooms r ON r.id = s.room_id
		WHERE ` + m.where + ` AND r.tenant_id = ?
		AND (r.type = 'channel' OR EXISTS (SELECT 1 FROM room_members rm WHERE rm.tenant_id = ? AND rm.room_id = s.room_id AND rm.user_id = ?))`
	// rm.tenant_id lets PostgreSQL hash the actor's rooms through
	// room_members_tenant_user instead of reading all of room_members.
	args := []any{m.arg, tenantID, tenantID, actor}
	if before > 0 {
		inner += ` AND ` + m.order + ` < ?`
		args = append(args, before)
	}
	if q.RoomID != "" {
		inner += ` AND s.room_id = ?`
		args = append(args, q.RoomID)
	}
	var own []string
	if q.SenderID != "" {
		own = append(own, `fm.sender_id = ?`)
		args = append(args, q.SenderID)
	}
	if q.After != nil {
		own = append(own, `fm.created_at > ?`)
		args = append(args, q.After.UnixMilli())
	}
	if q.Before != nil {
		own = append(own, `fm.created_at < ?`)
		args = append(args, q.Before.UnixMilli())
	}
	if len(own) > 0 {
		inner += ` AND EXISTS (SELECT 1 FROM messages fm WHERE fm.room_id = s.room_id AND fm.seq = s.seq AND ` + strings.Join(own, ` AND `) + `)`
	}
	inner += ` ORDER BY ` + m.order + ` DESC LIMIT ?`
	args = append(args, limit+1)
	query := `
		SELECT h.search_id, ` + prefixColumns("m.", messageColumns) + `
		FROM (` + inner + `) h
		JOIN messages m ON m.room_id = h.room_id AND m.seq = h.seq
		WHERE m.tenant_id = ?
		ORDER BY h.search_id DESC`
	args = append(args, tenantID)
	return query, args
}

// searchMatch is a dialect's part of a search: the index to read, joined
// to message_search as s (from), the condition that reads it (where) with
// its one parameter (arg, the query in the engine's syntax, built from
// parsed words only), and the column of the hits' order, newest first
// descending (order).
type searchMatch struct {
	from, where, order string
	arg                string
}

// prefixColumns qualifies each column of a comma-separated list.
func prefixColumns(prefix, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// A search cursor is the search id of the last hit of a page, in decimal:
// the next page has the hits below it. Any positive id is a place in the
// results, so every cursor the contract's pattern admits is answered.
func encodeSearchCursor(id int64) string { return strconv.FormatInt(id, 10) }

func decodeSearchCursor(c string) (int64, error) {
	id, err := strconv.ParseInt(c, 10, 64)
	if err != nil || id <= 0 {
		return 0, &InvalidError{Field: "cursor", Message: "is not a cursor of this search"}
	}
	return id, nil
}

// isSearchRune reports whether r belongs to a word: letters, digits and
// combining marks, as both engines' tokenizers see words. Everything else
// separates words.
func isSearchRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

// parseSearch reads the query syntax: words, "phrases" and word* prefixes.
// Punctuation inside a word separates words (as the indexes split them);
// '*' must end a word; quotes must pair.
func parseSearch(q string) ([]searchTerm, error) {
	if !utf8.ValidString(q) {
		return nil, &InvalidError{Field: "q", Message: "must be UTF-8 text"}
	}
	if utf8.RuneCountInString(q) > MaxSearchQuery {
		return nil, &InvalidError{Field: "q", Message: fmt.Sprintf("must be at most %d characters", MaxSearchQuery)}
	}
	var (
		terms   []searchTerm
		phrase  *searchTerm
		word    strings.Builder
		words   int
		lastEnd = -1 // where the last word ended, for a '*' after it
	)
	flush := func(at int) {
		if word.Len() == 0 {
			return
		}
		w := foldSearch(word.String())
		word.Reset()
		words++
		lastEnd = at
		if phrase != nil {
			phrase.words = append(phrase.words, w)
			phrase.prefix = append(phrase.prefix, false)
			return
		}
		terms = append(terms, searchTerm{words: []string{w}, prefix: []bool{false}})
	}
	for i, r := range q {
		switch {
		case isSearchRune(r):
			word.WriteRune(r)
		case r == '*':
			flush(i)
			if lastEnd != i {
				return nil, &InvalidError{Field: "q", Message: "'*' must follow a word (prefix*)"}
			}
			t := phrase
			if t == nil {
				t = &terms[len(terms)-1]
			}
			t.prefix[len(t.prefix)-1] = true
		case r == '"':
			flush(i)
			if phrase == nil {
				phrase = &searchTerm{}
				continue
			}
			if len(phrase.words) > 0 {
				terms = append(terms, *phrase)
			}
			phrase = nil
		default:
			flush(i)
		}
	}
	flush(len(q))
	if phrase != nil {
		return nil, &InvalidError{Field: "q", Message: "a quote is not closed"}
	}
	if len(terms) == 0 {
		return nil, &InvalidError{Field: "q", Message: "must hold a word to search for"}
	}
	if words > MaxSearchWords {
		return nil, &InvalidError{Field: "q", Message: fmt.Sprintf("must hold at most %d words", MaxSearchWords)}
	}
	return terms, nil
}

// searchFolds maps the Latin letters with diacritics of U+00C0..U+024F to
// their lower-case base letter, Latin, Greek and Cyrillic capitals to their
// lower case, and drops the combining marks U+0300..U+036F: the table
// PostgreSQL's message_search_fold (migration 0013) applies to the indexed
// text, and what SQLite's unicode61 with remove_diacritics 2 does to both
// sides.
var searchFolds = func() *strings.Replacer {
	from, to := []rune("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĲĴĵĶķĹĺĻļĽľĿŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƁƂƄƆƇƉƊƋƎƏƐƑƓƔƖƗƘƜƝƟƠơƢƤƦƧƩƬƮƯưƱƲƳƵƷƸƼǄǅǇǈǊǋǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǤǦǧǨǩǪǫǬǭǮǰǱǲǴǵǶǷǸǹǺǻǼǾȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠȢȤȦȧȨȩȪȫȬȭȮȯȰȱȲȳȺȻȽȾɁɃɄɅɆɈɊɌɎͰͲͶͿΆΈΉΊΌΎΏΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫϏϘϚϜϞϠϢϤϦϨϪϬϮϴϷϹϺϽϾϿЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯѠѢѤѦѨѪѬѮѰѲѴѶѸѺѼѾҀҊҌҎҐҒҔҖҘҚҜҞҠҢҤҦҨҪҬҮҰҲҴҶҸҺҼҾӀӁӃӅӇӉӋӍӐӒӔӖӘӚӜӞӠӢӤӦӨӪӬӮӰӲӴӶӸӺӼӾԀԂԄԆԈԊԌԎԐԒԔԖԘԚԜԞԠԢԤԦԨԪԬԮ"), []rune("aaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddđeeeeeeeeeegggggggghhħiiiiiiiiiĳjjkkllllllŀłnnnnnnŋooooooœrrrrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzzɓƃƅɔƈɖɗƌǝəɛƒɠɣɩɨƙɯɲɵooƣƥʀƨʃƭʈuuʊʋƴƶʒƹƽǆǆǉǉǌǌaaiioouuuuuuuuuuaaaaǣǥggkkooooǯjǳǳggƕƿnnaaǽǿaaaaeeeeiiiioooorrrruuuussttȝhhƞȣȥaaeeooooooooyyⱥȼƚⱦɂƀʉʌɇɉɋɍɏͱͳͷϳάέήίόύώαβγδεζηθικλμνξοπρστυφχψωϊϋϗϙϛϝϟϡϣϥϧϩϫϭϯθϸϲϻͻͼͽѐёђѓєѕіїјљњћќѝўџабвгдежзийклмнопрстуфхцчшщъыьэюяѡѣѥѧѩѫѭѯѱѳѵѷѹѻѽѿҁҋҍҏґғҕҗҙқҝҟҡңҥҧҩҫҭүұҳҵҷҹһҽҿӏӂӄӆӈӊӌӎӑӓӕӗәӛӝӟӡӣӥӧөӫӭӯӱӳӵӷӹӻӽӿԁԃԅԇԉԋԍԏԑԓԕԗԙԛԝԟԡԣԥԧԩԫԭԯ")
	pairs := make([]string, 0, 2*(len(from)+0x70))
	for i := range from {
		pairs = append(pairs, string(from[i]), string(to[i]))
	}
	for r := rune(0x300); r <= 0x36F; r++ {
		pairs = append(pairs, string(r), "")
	}
	return strings.NewReplacer(pairs...)
}()

// foldSearch is a word as both indexes keep it: accents folded, lower case.
func foldSearch(w string) string {
	return strings.ToLower(searchFolds.Replace(w))
}

// highlight is content HTML-escaped, with the words terms matched wrapped
// in <mark>…</mark>: a word of a single-word term wherever it occurs, the
// words of a phrase where they occur in order.
func highlight(content string, terms []searchTerm) string {
	type token struct {
		start, end int
		key        string
	}
	var toks []token
	start := -1
	for i, r := range content {
		if isSearchRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			toks = append(toks, token{start, i, foldSearch(content[start:i])})
			start = -1
		}
	}
	if start >= 0 {
		toks = append(toks, token{start, len(content), foldSearch(content[start:])})
	}
	matches := func(key, w string, prefix bool) bool {
		if prefix {
			return strings.HasPrefix(key, w)
		}
		return key == w
	}
	marked := make([]bool, len(toks))
	for _, t := range terms {
		for i := 0; i+len(t.words) <= len(toks); i++ {
			ok := true
			for j, w := range t.words {
				if !matches(toks[i+j].key, w, t.prefix[j]) {
					ok = false
					break
				}
			}
			if ok {
				for j := range t.words {
					marked[i+j] = true
				}
			}
		}
	}
	var b strings.Builder
	at := 0
	for i, tk := range toks {
		if !marked[i] {
			continue
		}
		b.WriteString(html.EscapeString(content[at:tk.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(content[tk.start:tk.end]))
		b.WriteString("</mark>")
		at = tk.end
	}
	b.WriteString(html.EscapeString(content[at:]))
	return b.String()
}
