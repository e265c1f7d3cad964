package server

import (
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// closeUnreadBodies ends the connection of a request answered before its
// body was read to its end: a refusal (no key, unknown route, wrong
// content type, a body declared too large) is written at once, the
// connection is marked Connection: close, and the rest of the body is not
// waited for. Without this, net/http reads what is left of the body, up to
// 256 KiB, before it writes the answer (to keep the connection for the next
// request) and again when the handler ends: a client that declared a body
// and never sent it held the connection, unanswered, for as long as it
// liked.
func closeUnreadBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength == 0 || req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		body := &watchedBody{ReadCloser: req.Body}
		req.Body = body
		res := c.Response()
		res.Before(func() {
			if body.done.Load() {
				return
			}
			res.Header().Set(echo.HeaderConnection, "close")
			// Past deadline: the reads net/http makes of the unread body
			// once the handler is done fail at once.
			_ = http.NewResponseController(res.Writer).SetReadDeadline(time.Now())
		})
		return next(c)
	}
}

// watchedBody records whether its reader reached the end.
type watchedBody struct {
	io.ReadCloser
	done atomic.Bool
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.done.Store(true)
	}
	return n, err
}
