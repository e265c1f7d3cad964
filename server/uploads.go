package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// CreateUpload declares a file and answers where to put its bytes.
func (s *Server) CreateUpload(ctx context.Context, req chatapi.CreateUploadRequestObject) (chatapi.CreateUploadResponseObject, error) {
	if s.cfg.Files == nil {
		return nil, notImplemented()
	}
	p := principalFrom(ctx)
	b := req.Body
	t, err := s.cfg.Files.Create(ctx, p.tenant.ID, p.userID, store.NewUpload{
		RoomID: b.RoomId, Filename: b.Filename, ContentType: b.ContentType, Size: b.Size, SHA256: b.Sha256,
	})
	if err != nil {
		return nil, err
	}
	return chatapi.CreateUpload201JSONResponse{Success: true, Data: chatapi.UploadTicket{
		UploadId: t.Upload.ID, UploadUrl: t.URL, ExpiresAt: t.ExpiresAt.UTC(),
	}}, nil
}

// GetUpload answers the caller's own upload.
func (s *Server) GetUpload(ctx context.Context, req chatapi.GetUploadRequestObject) (chatapi.GetUploadResponseObject, error) {
	if s.cfg.Files == nil {
		return nil, notImplemented()
	}
	p := principalFrom(ctx)
	up, err := s.cfg.Files.Get(ctx, p.tenant.ID, p.userID, req.UploadId)
	if err != nil {
		return nil, err
	}
	out, err := s.uploadOut(ctx, p.tenant.ID, up)
	if err != nil {
		return nil, err
	}
	return chatapi.GetUpload200JSONResponse{Success: true, Data: out}, nil
}

// CompleteUpload checks the bytes put for the caller's upload.
func (s *Server) CompleteUpload(ctx context.Context, req chatapi.CompleteUploadRequestObject) (chatapi.CompleteUploadResponseObject, error) {
	if s.cfg.Files == nil {
		return nil, notImplemented()
	}
	p := principalFrom(ctx)
	up, err := s.cfg.Files.Complete(ctx, p.tenant.ID, p.userID, req.UploadId)
	if err != nil {
		return nil, err
	}
	out, err := s.uploadOut(ctx, p.tenant.ID, up)
	if err != nil {
		return nil, err
	}
	return chatapi.CompleteUpload200JSONResponse{Success: true, Data: out}, nil
}
