package chat

import (
	"context"

	"github.com/chatapi/chatapi/store"
)

// Draft is a message's content on its way to the store, as a
// ContentFilter sees it: a send, or an edit of MessageID.
type Draft struct {
	TenantID, RoomID, SenderID string
	// MessageID is the edited message; "" for a send.
	MessageID string
	Content   string
}

// Verdict is what a ContentFilter made of a Draft.
type Verdict struct {
	// Content is what to store in place of the draft's.
	Content string
	// Flag, when not "", is why the stored message is to be reported.
	Flag string
}

// ContentFilter checks, and may rewrite, the content of every send and
// edit before it is stored (the tenant's blocklist and before-send hook).
// Check refuses a draft with a store.InvalidError; Flagged is told of each
// stored message whose Verdict carried a Flag.
type ContentFilter interface {
	Check(ctx context.Context, d Draft) (Verdict, error)
	Flagged(ctx context.Context, tenantID string, msg store.Message, v Verdict)
}

// WithContentFilter makes the service pass every send's and edit's content
// through f before storing it; nil filters nothing.
func WithContentFilter(f ContentFilter) Option {
	return func(s *Service) {
		if f != nil {
			s.filter = f
		}
	}
}

// noFilter is the filter of a service given none: every draft stored as
// it is.
type noFilter struct{}

func (noFilter) Check(_ context.Context, d Draft) (Verdict, error) {
	return Verdict{Content: d.Content}, nil
}

func (noFilter) Flagged(context.Context, string, store.Message, Verdict) {}

// flagged hands a stored message to the filter when its verdict asks.
func (s *Service) flagged(ctx context.Context, tenantID string, msg store.Message, v Verdict) {
	if v.Flag != "" {
		s.filter.Flagged(ctx, tenantID, msg, v)
	}
}
