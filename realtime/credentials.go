package realtime

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/store"
)

// Credentials. A connection lives no longer than what opened it: a user
// token until it expires, a tenant key (and every token it issued) until the
// key is rotated. Each hub checks its own connections every
// CredentialCheckInterval against the shared database, so a rotation
// through any instance reaches the connections of every instance, and a
// lost bus notification cannot leave a revoked connection open. Both ends
// close with 1008, as asyncapi.yaml promises.

// Session is who a WebSocket connection acts for, and the credentials that
// bound its life.
type Session struct {
	TenantID string
	UserID   string
	// KeyGeneration is the tenant's key generation (store.Tenant) that the
	// credentials belong to: the connection is closed once the tenant's
	// current generation differs.
	KeyGeneration int64
	// Expires, when set, is when the credentials (a user token) expire: the
	// connection is closed then. Zero for a tenant key, which does not.
	Expires time.Time
	// Resume, when set, is the cursor the client resumes from (GET
	// /ws?cursor=): the connect-time sync replays the room event log after
	// it instead of streaming the messages after each read cursor.
	Resume *store.SyncCursor
}

// TooManyConnectionsError refuses a connection beyond MaxConnsPerUser.
// ServeWS returns it before answering the request, so that the caller
// answers in its own format.
type TooManyConnectionsError struct {
	Limit int
}

func (e *TooManyConnectionsError) Error() string {
	return fmt.Sprintf("realtime: the user already holds %d connections, the most allowed", e.Limit)
}

// Close reasons of the credential checks (code 1008).
const (
	reasonExpired = "token expired"
	reasonRevoked = "credentials revoked: the tenant key was rotated"
)

// RunCredentialChecks closes, every CredentialCheckInterval, the
// connections whose token has expired or whose tenant key was rotated,
// until ctx ends.
func (h *Hub) RunCredentialChecks(ctx context.Context) error {
	tick := time.NewTicker(h.cfg.CredentialCheckInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		h.checkCredentials(ctx)
	}
}

// checkCredentials is one round of RunCredentialChecks: one store query for
// the key generations of every tenant with a connection here. When the
// store cannot answer, the connections stay: a database briefly away must
// not disconnect everyone, and the next round checks again.
func (h *Hub) checkCredentials(ctx context.Context) {
	wall := h.cfg.Now()
	{
		ctx, cancel := context.WithTimeout(ctx, h.cfg.CredentialCheckInterval)
		h.flushPeaks(ctx, wall)
		h.closeDeletedUsers(ctx, wall)
		cancel()
	}
	now := wall.UnixNano()
	var expired []*conn
	var tenants []string
	h.mu.RLock()
	for c := range h.conns {
		if c.expires != 0 && now >= c.expires {
			expired = append(expired, c)
		} else {
			tenants = append(tenants, c.tenantID)
		}
	}
	h.mu.RUnlock()
	closePolicy(expired, reasonExpired)
	if len(tenants) == 0 {
		return
	}
	slices.Sort(tenants)
	tenants = slices.Compact(tenants)
	ctx, cancel := context.WithTimeout(ctx, h.cfg.CredentialCheckInterval)
	defer cancel()
	gens, err := h.store.TenantKeyGenerations(ctx, tenants)
	if err != nil {
		if ctx.Err() == nil {
			h.cfg.Logger.Warn("realtime: check credentials", "error", err)
		}
		return
	}
	var revoked []*conn
	h.mu.RLock()
	for c := range h.conns {
		gen, ok := gens[c.tenantID]
		if !ok {
			// A tenant asked about and not found is gone, its credentials
			// with it; a connection of another tenant registered since the
			// query waits for the next round.
			if _, asked := slices.BinarySearch(tenants, c.tenantID); !asked {
				continue
			}
		}
		// Less, not different: generations only grow, and a connection
		// opened with a key rotated in after the query read is newer.
		if !ok || c.keyGen < gen {
			revoked = append(revoked, c)
		}
	}
	h.mu.RUnlock()
	closePolicy(revoked, reasonRevoked)
}

// closePolicy closes conns with 1008 (policy violation) and reason.
func closePolicy(conns []*conn, reason string) {
	for _, c := range conns {
		c.closeAsync(websocket.StatusPolicyViolation, reason, nil)
	}
}
