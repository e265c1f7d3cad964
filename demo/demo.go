// Package demo is ChatAPI's demo web app, for development only: the browser
// app in static/ (TypeScript in src/ on the TypeScript SDK, bundled by
// build.sh into static/app.js, which is committed so that `go build` needs
// nothing but Go) and the small backend a real app would have beside it,
// which hands a visitor a user token of a demo tenant. cmd/chatapi mounts it
// at /demo/ when DEMO=true.
//
// The backend is a client of the public API like any app's backend: it
// calls the service's own handler in process with the master key (to make
// the demo tenant) and the tenant key (to add users to the demo rooms and
// issue their tokens). The tenant key never leaves the server.
package demo

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/chatapi/chatapi/gen/chatclient"
)

//go:embed static
var static embed.FS

// TenantName names the tenant the demo makes once and reuses.
const TenantName = "ChatAPI demo"

// hostUser creates the demo rooms and adds visitors to them.
const hostUser = "demo-host"

// Rooms are the group rooms every visitor joins, by name.
var Rooms = []string{"general", "random"}

// tokenTTL is the lifetime of a visitor's token; the app asks again for a
// new one before it runs out (the SDK's token provider).
const tokenTTL = time.Hour

var userID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// Backend answers POST /demo/session and serves the app.
type Backend struct {
	api       *chatclient.ClientWithResponses
	masterKey string

	// mu guards the tenant key and the rooms, made on the first visit.
	mu    sync.Mutex
	key   string
	rooms map[string]string // name → room id
}

// New returns the demo backend over api, the service's own HTTP handler,
// with the master key that lets it make the demo tenant.
func New(api http.Handler, masterKey string) (*Backend, error) {
	c, err := chatclient.NewClientWithResponses("http://chatapi.demo",
		chatclient.WithHTTPClient(&http.Client{Transport: inProcess{api}}))
	if err != nil {
		return nil, err
	}
	return &Backend{api: c, masterKey: masterKey}, nil
}

// inProcess sends requests straight to a handler, without a socket.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// Register mounts the app at /demo/ and the session endpoint at
// /demo/session on e, each with mw (such as the body limit).
func (b *Backend) Register(e *echo.Echo, mw ...echo.MiddlewareFunc) {
	files, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded directory exists: go:embed says so at build time
	}
	serve := http.StripPrefix("/demo/", http.FileServerFS(files))
	e.GET("/demo", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, "/demo/")
	}, mw...)
	e.GET("/demo/*", func(c echo.Context) error {
		if _, err := fs.Stat(files, c.Param("*")); c.Param("*") != "" && err != nil {
			return echo.ErrNotFound
		}
		c.Response().Header().Set("Cache-Control", "no-cache")
		serve.ServeHTTP(c.Response(), c.Request())
		return nil
	}, mw...)
	e.POST("/demo/session", b.session, mw...)
}

// SessionRequest names the visitor.
type SessionRequest struct {
	UserID string `json:"user_id"`
}

// Session is what the browser gets: a user token and nothing more.
type Session struct {
	UserID    string    `json:"user_id"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (b *Backend) session(c echo.Context) error {
	var req SessionRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if !userID.MatchString(req.UserID) || req.UserID == hostUser {
		return echo.NewHTTPError(http.StatusBadRequest, "user_id: 1 to 32 letters, digits, '.', '_' or '-'")
	}
	s, err := b.join(c.Request().Context(), req.UserID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, s)
}

// join makes the demo tenant and rooms if needed, adds user to the rooms
// and issues the user's token.
func (b *Backend) join(ctx context.Context, user string) (Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.ensureTenant(ctx); err != nil {
		return Session{}, err
	}
	if err := b.ensureRooms(ctx); err != nil {
		return Session{}, err
	}
	// Every visitor is an admin of the demo rooms, so that each can try
	// what only admins may do in a group (pin a message).
	admin := chatclient.RoleAdmin
	for _, name := range Rooms {
		id := b.rooms[name]
		r, err := b.api.AddMemberWithResponse(ctx, id, nil, chatclient.AddMemberRequest{UserId: user, Role: &admin}, b.as(hostUser))
		if err != nil {
			return Session{}, err
		}
		// 409: already a member.
		if r.StatusCode() != http.StatusCreated && r.StatusCode() != http.StatusOK && r.StatusCode() != http.StatusConflict {
			return Session{}, apiFailure("add member", r.StatusCode(), r.Body)
		}
	}
	ttl := int(tokenTTL / time.Second)
	tr, err := b.api.CreateTokenWithResponse(ctx, nil, chatclient.CreateTokenRequest{TtlSeconds: &ttl}, b.as(user))
	if err != nil {
		return Session{}, err
	}
	if tr.JSON201 == nil {
		return Session{}, apiFailure("create token", tr.StatusCode(), tr.Body)
	}
	return Session{UserID: user, Token: tr.JSON201.Data.Token, ExpiresAt: tr.JSON201.Data.ExpiresAt}, nil
}

// ensureTenant finds the demo tenant or makes it. Its key is shown only
// at creation, so a tenant found after a restart gets a new key.
func (b *Backend) ensureTenant(ctx context.Context) error {
	if b.key != "" {
		return nil
	}
	master := func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-Master-Key", b.masterKey)
		return nil
	}
	list, err := b.api.ListTenantsWithResponse(ctx, master)
	if err != nil {
		return err
	}
	if list.JSON200 == nil {
		return apiFailure("list tenants", list.StatusCode(), list.Body)
	}
	for _, t := range list.JSON200.Data {
		if t.Name == TenantName {
			r, err := b.api.RotateTenantKeyWithResponse(ctx, t.TenantId, master)
			if err != nil {
				return err
			}
			if r.JSON200 == nil {
				return apiFailure("rotate the demo tenant's key", r.StatusCode(), r.Body)
			}
			b.key = r.JSON200.Data.ApiKey
			return nil
		}
	}
	r, err := b.api.CreateTenantWithResponse(ctx, nil, chatclient.CreateTenantRequest{Name: TenantName}, master)
	if err != nil {
		return err
	}
	if r.JSON201 == nil {
		return apiFailure("create the demo tenant", r.StatusCode(), r.Body)
	}
	b.key = r.JSON201.Data.ApiKey
	return nil
}

// ensureRooms finds the host's rooms by name and makes those missing.
func (b *Backend) ensureRooms(ctx context.Context) error {
	if len(b.rooms) == len(Rooms) {
		return nil
	}
	list, err := b.api.ListRoomsWithResponse(ctx, &chatclient.ListRoomsParams{}, b.as(hostUser))
	if err != nil {
		return err
	}
	if list.JSON200 == nil {
		return apiFailure("list rooms", list.StatusCode(), list.Body)
	}
	rooms := map[string]string{}
	for _, r := range list.JSON200.Data {
		if r.Name != nil {
			rooms[*r.Name] = r.RoomId
		}
	}
	for _, name := range Rooms {
		if _, ok := rooms[name]; ok {
			continue
		}
		r, err := b.api.CreateRoomWithResponse(ctx, nil, chatclient.CreateRoomRequest{Type: chatclient.RoomTypeGroup, Name: &name}, b.as(hostUser))
		if err != nil {
			return err
		}
		if r.JSON201 == nil {
			return apiFailure("create room "+name, r.StatusCode(), r.Body)
		}
		rooms[name] = r.JSON201.Data.RoomId
	}
	b.rooms = rooms
	return nil
}

// as authenticates a request as user of the demo tenant.
func (b *Backend) as(user string) chatclient.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-API-Key", b.key)
		r.Header.Set("X-User-Id", user)
		return nil
	}
}

// errAPI is an answer of the service the demo did not expect: a 500 to
// the browser, with the detail in the server's log.
var errAPI = errors.New("demo backend")

func apiFailure(what string, status int, body []byte) error {
	return fmt.Errorf("%w: %s: status %d: %.300s", errAPI, what, status, body)
}
