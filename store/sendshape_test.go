package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSendShape holds the statements of a send to the one column list
// they are built from: every column of messages is either written by a
// send (sendColumns) or by a later change, and each statement has exactly
// the parameters its callers pass.
func TestSendShape(t *testing.T) {
	// Columns a send leaves to later changes (an edit, a delete, a reply
	// to the message, a reaction).
	setLater := []string{"edited_at", "deleted_at", "reply_count", "last_reply_at", "reply_participants", "reaction_counts"}

	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "shape.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var table []string
	if err := s.r.SelectContext(context.Background(), &table, `SELECT name FROM pragma_table_info('messages') ORDER BY cid`); err != nil {
		t.Fatal(err)
	}
	var sent []string
	for _, c := range sendColumns {
		sent = append(sent, c.name)
	}
	for _, col := range table {
		if !slices.Contains(sent, col) && !slices.Contains(setLater, col) {
			t.Errorf("messages.%s is neither in sendColumns nor set by a later change: a send would not store it", col)
		}
	}
	for _, col := range sent {
		if !slices.Contains(table, col) {
			t.Errorf("sendColumns names %s, which messages lacks", col)
		}
	}

	if got := len(sendValues(nil, "t", &messageRow{})); got != len(sendColumns) {
		t.Errorf("sendValues gives %d values for %d columns", got, len(sendColumns))
	}

	params := []struct {
		name  string
		query string
		args  int
	}{
		{"insertMessagesSQL(1)", insertMessagesSQL(1), len(sendColumns)},
		{"insertMessagesSQL(3)", insertMessagesSQL(3), 3 * len(sendColumns)},
		{"allocateSeqsSQL", allocateSeqsSQL, 5},
		{"allocateRoomsSQL(2)", allocateRoomsSQL(2), 9},
		{"advanceAckSQL", advanceAckSQL, 5},
		{"membersOfSQL(2)", membersOfSQL(2), 8},
		{"sendCursorsSQL(2)", sendCursorsSQL(2), 8},
	}
	for _, p := range params {
		if got := strings.Count(p.query, "?"); got != p.args {
			t.Errorf("%s has %d placeholders, its callers pass %d", p.name, got, p.args)
		}
	}
}
