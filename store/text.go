package store

import (
	"unicode/utf8"
)

// checkText is an InvalidError on field unless v is text every backend
// stores as it is: PostgreSQL refuses a NUL character and invalid UTF-8
// where SQLite keeps them, so both are refused here, before any SQL, with
// the other C0 control characters, which no display text needs. Multiline
// text (a message's content) may hold tab, line feed and carriage return.
func checkText(field, v string, multiline bool) error {
	if !utf8.ValidString(v) {
		return &InvalidError{Field: field, Message: "must be valid UTF-8"}
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && !(multiline && (c == '\t' || c == '\n' || c == '\r')) {
			if multiline {
				return &InvalidError{Field: field, Message: "must not contain control characters other than tab, line feed and carriage return"}
			}
			return &InvalidError{Field: field, Message: "must not contain control characters"}
		}
	}
	return nil
}
