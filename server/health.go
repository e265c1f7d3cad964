package server

import (
	"context"
	"time"

	"github.com/chatapi/chatapi/gen/chatapi"
)

// healthTimeout bounds the write probe, so /health answers while the
// database hangs.
const healthTimeout = 2 * time.Second

// GetHealth reports whether the database can be written.
func (s *Server) GetHealth(ctx context.Context, _ chatapi.GetHealthRequestObject) (chatapi.GetHealthResponseObject, error) {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	writable := s.store.CheckWritable(ctx) == nil
	h := chatapi.Health{
		Status:     chatapi.HealthStatusOk,
		Uptime:     int64(s.cfg.Now().Sub(s.started) / time.Second),
		DbWritable: writable,
		Version:    s.cfg.Version,
	}
	if s.cfg.Connections != nil {
		h.Connections = s.cfg.Connections()
	}
	if !writable {
		h.Status = chatapi.HealthStatusDegraded
		return chatapi.GetHealth503JSONResponse{Success: true, Data: h}, nil
	}
	return chatapi.GetHealth200JSONResponse{Success: true, Data: h}, nil
}
