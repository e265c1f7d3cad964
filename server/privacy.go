package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// Privacy (SPEC Part 2, "Tenant administration and privacy"): a user's
// deletion and export.

// DeleteUser records the user's deletion: their tokens issued before now
// are refused at once, their connections here are closed (the other
// instances' at their next credential check), and the erasure runs in the
// background.
func (s *Server) DeleteUser(ctx context.Context, req chatapi.DeleteUserRequestObject) (chatapi.DeleteUserResponseObject, error) {
	p := principalFrom(ctx)
	d, err := s.store.DeleteUser(ctx, p.tenant.ID, req.UserId, string(req.Params.Messages), s.cfg.Now())
	if err != nil {
		return nil, err
	}
	s.deletedUsers.forget(p.tenant.ID, req.UserId)
	if s.cfg.Closer != nil {
		s.cfg.Closer.CloseUser(p.tenant.ID, req.UserId, d.RequestedAt)
	}
	if s.cfg.Purge != nil {
		s.cfg.Purge.Wake()
	}
	return chatapi.DeleteUser202JSONResponse{Success: true, Data: chatapi.UserDeletion{
		UserId: d.UserID, Messages: chatapi.UserDeletionMessages(d.Messages), RequestedAt: d.RequestedAt.UTC(),
		Status: chatapi.UserDeletionStatusErasing,
	}}, nil
}

// ExportUser answers everything stored about a user as one JSON document,
// written as the store reads it (see userExport).
func (s *Server) ExportUser(ctx context.Context, req chatapi.ExportUserRequestObject) (chatapi.ExportUserResponseObject, error) {
	p := principalFrom(ctx)
	// The first read before the answer begins: a store that fails here
	// is a 500 in the envelope, not a document cut short.
	profiles, err := s.store.GetProfiles(ctx, p.tenant.ID, []string{req.UserId})
	if err != nil {
		return nil, err
	}
	return userExport{s: s, ctx: ctx, tenantID: p.tenant.ID, userID: req.UserId, profile: profiles[0], at: s.cfg.Now()}, nil
}

// userExport writes a user's export as chatapi.UserExportResponse, each
// section's rows encoded as the store hands them over, so that the
// document is never whole in memory. An error once the answer has begun
// cuts it short (it no longer parses), which the contract tells clients.
type userExport struct {
	s                *Server
	ctx              context.Context
	tenantID, userID string
	profile          store.Profile
	at               time.Time
}

// exportFlushBytes is how much of the document is buffered before it is
// written out.
const exportFlushBytes = 32 << 10

func (e userExport) VisitExportUserResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, exportFlushBytes)
	ctx, st, tenantID, userID := e.ctx, e.s.store, e.tenantID, e.userID
	head, err := json.Marshal(struct {
		UserID     string              `json:"user_id"`
		ExportedAt time.Time           `json:"exported_at"`
		Profile    chatapi.UserProfile `json:"profile"`
	}{userID, e.at.UTC(), userOut(e.profile)})
	if err != nil {
		return err
	}
	bw.WriteString(`{"success":true,"data":`)
	bw.Write(head[:len(head)-1])
	// section writes one array of the document from each(fn).
	section := func(name string, each func(fn func(item []byte) error) error) error {
		bw.WriteString(`,"` + name + `":[`)
		first := true
		err := each(func(item []byte) error {
			if !first {
				bw.WriteByte(',')
			}
			first = false
			_, err := bw.Write(item)
			return err
		})
		bw.WriteByte(']')
		return err
	}
	marshal := func(fn func(item []byte) error, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return fn(b)
	}
	sections := []struct {
		name string
		each func(fn func(item []byte) error) error
	}{
		{"memberships", func(fn func([]byte) error) error {
			return st.EachUserMembership(ctx, tenantID, userID, func(m store.Membership) error {
				return marshal(fn, chatapi.ExportMembership{RoomId: m.RoomID, RoomType: chatapi.ExportMembershipRoomType(m.RoomType),
					RoomName: m.RoomName, Role: chatapi.ExportMembershipRole(m.Role), JoinedAt: m.JoinedAt.UTC(),
					LastReadSeq: m.LastReadSeq, MutedUntil: utcPtr(m.MutedUntil), PinnedAt: utcPtr(m.PinnedAt), ArchivedSeq: m.ArchivedSeq})
			})
		}},
		{"messages", func(fn func([]byte) error) error {
			var buf []byte
			return st.EachUserMessage(ctx, tenantID, userID, func(m store.Message) error {
				if e.s.cfg.Files != nil && len(m.Attachments) > 0 {
					if err := e.s.cfg.Files.Sign(ctx, tenantID, m.Attachments); err != nil {
						return err
					}
				}
				var err error
				if buf, err = appendMessageJSON(buf[:0], m); err != nil {
					return err
				}
				return fn(buf)
			})
		}},
		{"reactions", func(fn func([]byte) error) error {
			return st.EachUserReaction(ctx, tenantID, userID, func(r store.UserReaction) error {
				return marshal(fn, chatapi.ExportReaction{RoomId: r.RoomID, MessageId: r.MessageID, Type: r.Type, CreatedAt: r.CreatedAt.UTC()})
			})
		}},
		{"notifications", func(fn func([]byte) error) error {
			return st.EachUserNotification(ctx, tenantID, userID, func(n store.ReceivedNotification) error {
				out := notificationOut(n.Notification)
				return marshal(fn, chatapi.ExportNotification{NotificationId: out.NotificationId, Topic: out.Topic, Payload: out.Payload,
					SenderId: n.SenderID, State: n.State, CreatedAt: out.CreatedAt, ExpiresAt: out.ExpiresAt, AckedAt: utcPtr(n.AckedAt)})
			})
		}},
		{"subscriptions", func(fn func([]byte) error) error {
			subs, err := st.ListSubscriptions(ctx, tenantID, userID)
			if err != nil {
				return err
			}
			for _, sub := range subs {
				if err := marshal(fn, subscriptionOut(sub)); err != nil {
					return err
				}
			}
			return nil
		}},
		{"uploads", func(fn func([]byte) error) error {
			if e.s.cfg.Files == nil {
				// Without file storage no upload is served: none is read.
				return nil
			}
			return st.EachUserUpload(ctx, tenantID, userID, func(up store.Upload) error {
				out, err := e.s.uploadOut(ctx, tenantID, up)
				if err != nil {
					return err
				}
				return marshal(fn, out)
			})
		}},
	}
	for _, sec := range sections {
		if err := section(sec.name, sec.each); err != nil {
			e.s.cfg.Logger.Error("user export cut short", "tenant_id", tenantID, "error", err.Error())
			return nil
		}
	}
	bw.WriteString(`},"error":null}` + "\n")
	return bw.Flush()
}
