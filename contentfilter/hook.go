package contentfilter

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/webhook"
)

// MaxHookTimeout bounds a before-send hook's timeout_ms.
const MaxHookTimeout = 3 * time.Second

// maxHookAnswer bounds the body read of a hook's answer.
const maxHookAnswer = 64 << 10

// maxContent is a message's content limit (SPEC: 1–4000 characters),
// which a replacement must keep.
const maxContent = 4000

// hookRequestV1 is what the before-send hook is POSTed: a send (message_id
// null) or an edit, before it is stored.
type hookRequestV1 struct {
	Type      string  `json:"type"`
	TenantID  string  `json:"tenant_id"`
	RoomID    string  `json:"room_id"`
	UserID    string  `json:"user_id"`
	MessageID *string `json:"message_id"`
	Content   string  `json:"content"`
}

// hookAnswerV1 is the hook's answer.
type hookAnswerV1 struct {
	Action  string  `json:"action"`
	Content *string `json:"content"`
	Reason  *string `json:"reason"`
}

// CheckTarget tells whether a hook may be set to rawURL, by the rule of
// webhook endpoints (webhook.CheckURL): an http or https URL, and unless
// the filter allows private targets, a host that is not and does not
// resolve to a loopback, private or link-local address
// (webhook.ErrPrivateTarget). The dialer checks every address again at
// each call.
func (f *Filter) CheckTarget(ctx context.Context, rawURL string) error {
	return webhook.CheckURL(ctx, rawURL, f.cfg.AllowPrivate)
}

// SetHook sets a tenant's before-send hook (h without its secret), and
// this instance forgets the tenant's cached rules at once. A URL that
// CheckTarget refuses is an InvalidError on url (reason private_target for
// a non-public address). A hook that is created gets a new signing
// secret, stored sealed and returned in the clear ("" when the tenant's
// hook is replaced and keeps its secret); created tells which.
func (f *Filter) SetHook(ctx context.Context, tenantID string, h store.BeforeSendHook) (out store.BeforeSendHook, secret string, created bool, err error) {
	if err := f.CheckTarget(ctx, h.URL); err != nil {
		inv := &store.InvalidError{Field: "url", Message: err.Error()}
		if errors.Is(err, webhook.ErrPrivateTarget) {
			inv.Reason = "private_target"
			inv.Message = "the URL's host is a loopback, private or link-local address, which this service does not call"
		}
		return store.BeforeSendHook{}, "", false, inv
	}
	secret = webhook.NewSecret()
	h.Secret = f.SealSecret(tenantID, secret)
	out, created, err = f.store.SetBeforeSendHook(ctx, tenantID, h)
	if err != nil {
		return store.BeforeSendHook{}, "", false, err
	}
	f.Forget(tenantID)
	if !created {
		secret = ""
	}
	return out, secret, created, nil
}

// newHookClient is the client hooks are called with: no redirects (a
// redirect could lead anywhere), and unless private targets are allowed,
// a dialer that refuses every non-public address, whatever name led to it.
func newHookClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: MaxHookTimeout}
	if !allowPrivate {
		d.Control = webhook.GuardDial
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = d.DialContext
	tr.MaxIdleConnsPerHost = 16
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// hook is a tenant's before-send hook with the signer of its requests.
type hook struct {
	*store.BeforeSendHook
	signer *webhook.Signer
	// err is why the secret could not be opened (signer nil): every call
	// fails with it, and follows on_error.
	err error
}

// callHook asks the tenant's hook about a draft whose content is content
// (the blocklist's mask applied) and returns the content to store. A
// failed call (unreachable, timed out, a non-2xx answer, an answer it
// cannot read) follows the hook's on_error.
func (f *Filter) callHook(ctx context.Context, h *hook, d chat.Draft, content string) (string, error) {
	ans, err := f.askHook(ctx, h, d, content)
	if err != nil {
		f.cfg.Logger.Warn("before-send hook failed", "tenant_id", d.TenantID, "on_error", h.OnError, "error", err.Error())
		if h.OnError == "reject" {
			return "", &store.InvalidError{Field: "content", Reason: "before_send_unavailable",
				Message: "the tenant's before-send hook did not answer, and refuses sends when it does not"}
		}
		return content, nil
	}
	switch ans.Action {
	case "reject":
		msg := "refused by the tenant's before-send hook"
		if ans.Reason != nil && strings.TrimSpace(*ans.Reason) != "" {
			msg = truncate(*ans.Reason, 200)
		}
		return "", &store.InvalidError{Field: "content", Reason: "before_send", Message: msg}
	case "replace":
		return *ans.Content, nil
	}
	return content, nil
}

// askHook POSTs the draft, signed, and reads a valid answer.
func (f *Filter) askHook(ctx context.Context, h *hook, d chat.Draft, content string) (hookAnswerV1, error) {
	req := hookRequestV1{Type: "message.send", TenantID: d.TenantID, RoomID: d.RoomID, UserID: d.SenderID, Content: content}
	if d.MessageID != "" {
		req.Type, req.MessageID = "message.edit", &d.MessageID
	}
	if h.err != nil {
		return hookAnswerV1{}, h.err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return hookAnswerV1{}, err
	}
	timeout := min(time.Duration(h.TimeoutMS)*time.Millisecond, MaxHookTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return hookAnswerV1{}, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("User-Agent", "ChatAPI-BeforeSend/1")
	if err := h.signer.SetHeaders(hr.Header, "bsh_"+rand.Text(), f.cfg.Now(), body); err != nil {
		return hookAnswerV1{}, err
	}
	resp, err := f.client.Do(hr)
	if err != nil {
		return hookAnswerV1{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxHookAnswer+1))
	if err != nil {
		return hookAnswerV1{}, fmt.Errorf("read the answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return hookAnswerV1{}, fmt.Errorf("answered %d", resp.StatusCode)
	}
	if len(raw) > maxHookAnswer {
		return hookAnswerV1{}, fmt.Errorf("answer over %d bytes", maxHookAnswer)
	}
	var ans hookAnswerV1
	if err := json.Unmarshal(raw, &ans); err != nil {
		return hookAnswerV1{}, fmt.Errorf("answer is not JSON: %w", err)
	}
	switch ans.Action {
	case "allow", "reject":
	case "replace":
		if ans.Content == nil || *ans.Content == "" || utf8.RuneCountInString(*ans.Content) > maxContent {
			return hookAnswerV1{}, fmt.Errorf("replace without a content of 1 to %d characters", maxContent)
		}
	default:
		return hookAnswerV1{}, fmt.Errorf("unknown action %q", ans.Action)
	}
	return ans, nil
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
