package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// Moderation: bans, mutes and blocks (see store/moderation.go for the
// rules, chat/moderation.go for what is announced).

// BanStore is what the edge reads for moderation besides chat.Service.
type BanStore interface {
	ListRoomBans(ctx context.Context, tenantID, actor, roomID string) ([]store.Ban, error)
	ListRoomMutes(ctx context.Context, tenantID, actor, roomID string) ([]store.Mute, error)
	ListTenantBans(ctx context.Context, tenantID string) ([]store.Ban, error)
	UnbanFromTenant(ctx context.Context, tenantID, userID string) error
	ListBlocks(ctx context.Context, tenantID, userID string) ([]store.Block, error)
	CheckTenantBan(ctx context.Context, tenantID, userID string) error
	WithShadow(ctx context.Context, tenantID, actor, roomID string, p store.MessagePage, page []store.Message) ([]store.Message, error)
}

func newBan(b chatapi.BanRequest) store.NewBan {
	return store.NewBan{UserID: b.UserId, Reason: b.Reason, DurationSeconds: b.DurationSeconds, Shadow: valueOr(b.Shadow, false)}
}

func banOut(b store.Ban) chatapi.Ban {
	var room *string
	if b.RoomID != "" {
		room = &b.RoomID
	}
	return chatapi.Ban{RoomId: room, UserId: b.UserID, BannedBy: b.BannedBy, Reason: b.Reason, Shadow: b.Shadow,
		ExpiresAt: utcPtr(b.ExpiresAt), CreatedAt: b.CreatedAt.UTC()}
}

func bansOut(bs []store.Ban) []chatapi.Ban {
	out := make([]chatapi.Ban, 0, len(bs))
	for _, b := range bs {
		out = append(out, banOut(b))
	}
	return out
}

func muteOut(m store.Mute) chatapi.Mute {
	return chatapi.Mute{RoomId: m.RoomID, UserId: m.UserID, MutedBy: m.MutedBy, ExpiresAt: utcPtr(m.ExpiresAt), CreatedAt: m.CreatedAt.UTC()}
}

func lifted(roomID, userID string) chatapi.LiftedResponse {
	var room *string
	if roomID != "" {
		room = &roomID
	}
	return chatapi.LiftedResponse{Success: true, Data: chatapi.Lifted{RoomId: room, UserId: userID}}
}

// BanFromRoom bans a user from a room.
func (s *Server) BanFromRoom(ctx context.Context, req chatapi.BanFromRoomRequestObject) (chatapi.BanFromRoomResponseObject, error) {
	p := principalFrom(ctx)
	b, err := s.chat.BanFromRoom(ctx, p.tenant.ID, p.userID, req.RoomId, newBan(*req.Body))
	if err != nil {
		return nil, err
	}
	return chatapi.BanFromRoom201JSONResponse{Success: true, Data: banOut(b)}, nil
}

// ListRoomBans lists a room's bans.
func (s *Server) ListRoomBans(ctx context.Context, req chatapi.ListRoomBansRequestObject) (chatapi.ListRoomBansResponseObject, error) {
	p := principalFrom(ctx)
	bs, err := s.store.ListRoomBans(ctx, p.tenant.ID, p.userID, req.RoomId)
	if err != nil {
		return nil, err
	}
	return chatapi.ListRoomBans200JSONResponse{Success: true, Data: bansOut(bs)}, nil
}

// UnbanFromRoom lifts a room ban.
func (s *Server) UnbanFromRoom(ctx context.Context, req chatapi.UnbanFromRoomRequestObject) (chatapi.UnbanFromRoomResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.chat.UnbanFromRoom(ctx, p.tenant.ID, p.userID, req.RoomId, req.UserId); err != nil {
		return nil, err
	}
	return chatapi.UnbanFromRoom200JSONResponse(lifted(req.RoomId, req.UserId)), nil
}

// MuteInRoom mutes a user in a room.
func (s *Server) MuteInRoom(ctx context.Context, req chatapi.MuteInRoomRequestObject) (chatapi.MuteInRoomResponseObject, error) {
	p := principalFrom(ctx)
	m, err := s.chat.MuteInRoom(ctx, p.tenant.ID, p.userID, req.RoomId, req.Body.UserId, req.Body.DurationSeconds)
	if err != nil {
		return nil, err
	}
	return chatapi.MuteInRoom201JSONResponse{Success: true, Data: muteOut(m)}, nil
}

// ListRoomMutes lists a room's mutes.
func (s *Server) ListRoomMutes(ctx context.Context, req chatapi.ListRoomMutesRequestObject) (chatapi.ListRoomMutesResponseObject, error) {
	p := principalFrom(ctx)
	ms, err := s.store.ListRoomMutes(ctx, p.tenant.ID, p.userID, req.RoomId)
	if err != nil {
		return nil, err
	}
	out := make([]chatapi.Mute, 0, len(ms))
	for _, m := range ms {
		out = append(out, muteOut(m))
	}
	return chatapi.ListRoomMutes200JSONResponse{Success: true, Data: out}, nil
}

// UnmuteInRoom lifts a mute.
func (s *Server) UnmuteInRoom(ctx context.Context, req chatapi.UnmuteInRoomRequestObject) (chatapi.UnmuteInRoomResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.chat.UnmuteInRoom(ctx, p.tenant.ID, p.userID, req.RoomId, req.UserId); err != nil {
		return nil, err
	}
	return chatapi.UnmuteInRoom200JSONResponse(lifted(req.RoomId, req.UserId)), nil
}

// BanFromTenant bans a user from the whole tenant.
func (s *Server) BanFromTenant(ctx context.Context, req chatapi.BanFromTenantRequestObject) (chatapi.BanFromTenantResponseObject, error) {
	p := principalFrom(ctx)
	b, err := s.chat.BanFromTenant(ctx, p.tenant.ID, p.userID, store.NewBan{UserID: req.Body.UserId, Reason: req.Body.Reason, DurationSeconds: req.Body.DurationSeconds})
	if err != nil {
		return nil, err
	}
	return chatapi.BanFromTenant201JSONResponse{Success: true, Data: banOut(b)}, nil
}

// ListTenantBans lists the tenant-wide bans.
func (s *Server) ListTenantBans(ctx context.Context, _ chatapi.ListTenantBansRequestObject) (chatapi.ListTenantBansResponseObject, error) {
	p := principalFrom(ctx)
	bs, err := s.store.ListTenantBans(ctx, p.tenant.ID)
	if err != nil {
		return nil, err
	}
	return chatapi.ListTenantBans200JSONResponse{Success: true, Data: bansOut(bs)}, nil
}

// UnbanFromTenant lifts a tenant-wide ban.
func (s *Server) UnbanFromTenant(ctx context.Context, req chatapi.UnbanFromTenantRequestObject) (chatapi.UnbanFromTenantResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.store.UnbanFromTenant(ctx, p.tenant.ID, req.UserId); err != nil {
		return nil, err
	}
	return chatapi.UnbanFromTenant200JSONResponse(lifted("", req.UserId)), nil
}

// BlockUser blocks a user for the caller.
func (s *Server) BlockUser(ctx context.Context, req chatapi.BlockUserRequestObject) (chatapi.BlockUserResponseObject, error) {
	p := principalFrom(ctx)
	b, created, err := s.chat.BlockUser(ctx, p.tenant.ID, p.userID, req.UserId)
	if err != nil {
		return nil, err
	}
	body := chatapi.BlockResponse{Success: true, Data: chatapi.Block{UserId: b.BlockedID, CreatedAt: b.CreatedAt.UTC()}}
	if !created {
		return chatapi.BlockUser200JSONResponse(body), nil
	}
	return chatapi.BlockUser201JSONResponse(body), nil
}

// UnblockUser lifts the caller's block of a user.
func (s *Server) UnblockUser(ctx context.Context, req chatapi.UnblockUserRequestObject) (chatapi.UnblockUserResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.chat.UnblockUser(ctx, p.tenant.ID, p.userID, req.UserId); err != nil {
		return nil, err
	}
	return chatapi.UnblockUser200JSONResponse(lifted("", req.UserId)), nil
}

// ListBlocks lists the users the caller blocks.
func (s *Server) ListBlocks(ctx context.Context, _ chatapi.ListBlocksRequestObject) (chatapi.ListBlocksResponseObject, error) {
	p := principalFrom(ctx)
	bs, err := s.store.ListBlocks(ctx, p.tenant.ID, p.userID)
	if err != nil {
		return nil, err
	}
	out := make([]chatapi.Block, 0, len(bs))
	for _, b := range bs {
		out = append(out, chatapi.Block{UserId: b.BlockedID, CreatedAt: b.CreatedAt.UTC()})
	}
	return chatapi.ListBlocks200JSONResponse{Success: true, Data: out}, nil
}

// refuseBanned refuses a request acting as a user banned from the tenant,
// REST or the WebSocket handshake alike.
func (s *Server) refuseBanned(ctx context.Context, p principal) error {
	return s.store.CheckTenantBan(ctx, p.tenant.ID, p.userID)
}

// setRetryAfter puts a slow-mode refusal's wait in Retry-After.
func setRetryAfter(c echo.Context, err error) {
	if r, ok := chat.Classify(err); ok && r.Status == http.StatusTooManyRequests && r.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", retryAfterSeconds(r.RetryAfter))
	}
}

// retryAfterSeconds is d in whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	return strconv.FormatInt(max(1, int64((d+time.Second-1)/time.Second)), 10)
}

// routeBlocksCollection answers /users/me/blocks with 405 for every method
// but GET, as every method the contract lacks is answered: without it
// Echo's router, finding no such method on the static /users/me/blocks,
// falls back to the same method of /users/{user_id} (PUT, PATCH) with
// "me/blocks" for a user id. A check before routing rather than routes, so
// that no method shows in Allow that the contract does not have.
func routeBlocksCollection(e *echo.Echo) {
	e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Method != http.MethodGet && r.Method != http.MethodOptions && strings.TrimSuffix(r.URL.Path, "/") == "/users/me/blocks" {
				c.Response().Header().Set(echo.HeaderAllow, "OPTIONS, GET")
				return echo.ErrMethodNotAllowed
			}
			return next(c)
		}
	})
}
