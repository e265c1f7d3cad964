package server

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// Mapping between the store's domain types and the generated wire types.
// Generated types stop here.

// encodeObject encodes a free-form object from a request; a nil object stays
// nil. Its numbers are json.Number (bodyBinder), which encode as the client
// wrote them. The store checks its size against SPEC's limits.
func encodeObject[M ~map[string]any](field string, obj *M) (json.RawMessage, error) {
	if obj == nil {
		return nil, nil
	}
	b, err := json.Marshal(*obj)
	if err != nil {
		return nil, invalid(field, "%s is not a JSON object", field)
	}
	return b, nil
}

// decodeObject turns a stored JSON object into its wire form; nil or
// unreadable stays nil. Numbers stay json.Number, so that they are written
// back as stored, never rounded through float64.
func decodeObject(raw json.RawMessage) map[string]any {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil
	}
	return m
}

func tenantOut(t store.Tenant) chatapi.Tenant {
	return chatapi.Tenant{TenantId: t.ID, Name: t.Name, RateLimitRps: t.RateLimitRPS, UploadLimits: uploadLimitsOut(t.Uploads), CreatedAt: t.CreatedAt.UTC()}
}

func tenantWithKeyOut(t store.Tenant, key string) chatapi.TenantWithKey {
	return chatapi.TenantWithKey{TenantId: t.ID, Name: t.Name, ApiKey: key, RateLimitRps: t.RateLimitRPS,
		UploadLimits: uploadLimitsOut(t.Uploads), CreatedAt: t.CreatedAt.UTC()}
}

func uploadLimitsOut(l store.UploadLimits) chatapi.UploadLimits {
	types := l.Types
	if types == nil {
		types = []string{}
	}
	return chatapi.UploadLimits{MaxFileBytes: l.MaxBytes, QuotaBytes: l.QuotaBytes, AllowedTypes: types}
}

func roomOut(r store.Room) chatapi.Room {
	meta := decodeObject(r.Metadata)
	if meta == nil {
		meta = map[string]any{}
	}
	return chatapi.Room{
		RoomId:      r.ID,
		Type:        chatapi.RoomType(r.Type),
		Name:        r.Name,
		UniqueKey:   r.UniqueKey,
		Metadata:    meta,
		LastSeq:     r.LastSeq,
		MemberCount: r.MemberCount,
		CreatedAt:   r.CreatedAt.UTC(),
		UpdatedAt:   r.UpdatedAt.UTC(),

		SlowModeSeconds: &r.SlowModeSeconds,
		Frozen:          &r.Frozen,
	}
}

func roomSummaryOut(r store.RoomSummary) chatapi.RoomSummary {
	room := roomOut(r.Room)
	out := chatapi.RoomSummary{
		RoomId:          room.RoomId,
		Type:            room.Type,
		Name:            room.Name,
		UniqueKey:       room.UniqueKey,
		Metadata:        room.Metadata,
		LastSeq:         room.LastSeq,
		MemberCount:     room.MemberCount,
		CreatedAt:       room.CreatedAt,
		UpdatedAt:       room.UpdatedAt,
		SlowModeSeconds: room.SlowModeSeconds,
		Frozen:          room.Frozen,
		UnreadCount:     r.UnreadCount,
		UnreadMentions:  r.UnreadMentions,
		MutedUntil:      utcPtr(r.Settings.MutedUntil),
		Archived:        r.Settings.Archived,
		Pinned:          r.Settings.Pinned,
	}
	if r.LastMessage != nil {
		m := messageOut(*r.LastMessage)
		out.LastMessage = &m
	}
	return out
}

func memberOut(m store.Member) chatapi.Member {
	return chatapi.Member{UserId: m.UserID, Role: chatapi.Role(m.Role), JoinedAt: m.JoinedAt.UTC(), LastAck: m.LastAck, LastDelivered: m.LastDelivered}
}

func messageOut(m store.Message) chatapi.Message {
	out := chatapi.Message{
		MessageId:   m.ID,
		RoomId:      m.RoomID,
		SenderId:    m.SenderID,
		Seq:         m.Seq,
		Content:     m.Content,
		ClientMsgId: m.ClientMsgID,
		CreatedAt:   m.CreatedAt.UTC(),
		EditedAt:    utcPtr(m.EditedAt),
		DeletedAt:   utcPtr(m.DeletedAt),
	}
	if meta := decodeObject(m.Meta); meta != nil {
		out.Meta = &meta
	}
	out.ParentId = m.ParentID
	if len(m.Mentions) > 0 {
		ms := slices.Clone(m.Mentions)
		out.Mentions = &ms
	}
	if q := m.Quoted; q != nil {
		out.Quoted = &chatapi.Quote{MessageId: q.MessageID, SenderId: q.SenderID, Content: q.Content, Deleted: q.Deleted}
	}
	if t := m.Thread; t != nil {
		ids := t.ParticipantIDs
		if ids == nil {
			ids = []string{}
		}
		out.Thread = &chatapi.Thread{ReplyCount: t.ReplyCount, LastReplyAt: t.LastReplyAt.UTC(), ParticipantIds: ids}
	}
	r := reactionsOut(m.Reactions)
	out.Reactions = &r
	out.Attachments = attachmentsOut(m)
	return out
}

// attachmentsOut is a message's attachments, with the URLs signed for them
// (see Server.signAttachments); nil when it has none, or is deleted.
func attachmentsOut(m store.Message) *[]chatapi.Attachment {
	if len(m.Attachments) == 0 || m.DeletedAt != nil {
		return nil
	}
	out := make([]chatapi.Attachment, len(m.Attachments))
	for i, a := range m.Attachments {
		out[i] = chatapi.Attachment{UploadId: a.UploadID, Filename: a.Filename, ContentType: a.ContentType,
			Size: a.Size, Width: a.Width, Height: a.Height, ThumbnailWidth: a.ThumbWidth, ThumbnailHeight: a.ThumbHeight,
			ThumbnailUrl: a.ThumbnailURL}
		if a.URL != "" {
			u := a.URL
			out[i].Url = &u
		}
	}
	return &out
}

// signAttachments signs the download URLs of the messages' attachments,
// in place, for the answer about to be sent.
func (s *Server) signAttachments(ctx context.Context, tenantID string, ms []store.Message) error {
	if s.cfg.Files == nil {
		return nil
	}
	for i := range ms {
		if len(ms[i].Attachments) == 0 {
			// Most messages: Sign would still read the clock for each.
			continue
		}
		if err := s.cfg.Files.Sign(ctx, tenantID, ms[i].Attachments); err != nil {
			return err
		}
	}
	return nil
}

// reactionsOut is a message's reactions: empty, never null, when it has none.
func reactionsOut(r store.Reactions) chatapi.Reactions {
	own := r.Own
	if own == nil {
		own = []string{}
	}
	return chatapi.Reactions{Counts: countsOut(r.Counts), Own: own}
}

// countsOut decodes the store's counts object; a malformed one, which the
// store never writes, shows as none.
func countsOut(raw json.RawMessage) chatapi.ReactionCounts {
	counts := chatapi.ReactionCounts{}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &counts)
	}
	return counts
}

func reactionResultOut(ch store.ReactionChange) chatapi.ReactionResult {
	return chatapi.ReactionResult{RoomId: ch.RoomID, MessageId: ch.MessageID, UserId: ch.UserID, Type: ch.Type, Counts: countsOut(ch.Counts)}
}

func reactionsListOut(rs []store.Reaction) []chatapi.Reaction {
	out := make([]chatapi.Reaction, len(rs))
	for i, r := range rs {
		out[i] = chatapi.Reaction{UserId: r.UserID, Type: r.Type, CreatedAt: r.CreatedAt.UTC(), EventSeq: r.EventSeq}
	}
	return out
}

func pinsOut(pins []store.Pin) []chatapi.Pin {
	out := make([]chatapi.Pin, len(pins))
	for i, p := range pins {
		out[i] = chatapi.Pin{Message: messageOut(p.Message), PinnedBy: p.PinnedBy, PinnedAt: p.PinnedAt.UTC()}
	}
	return out
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func notificationOut(n store.Notification) chatapi.Notification {
	payload := decodeObject(n.Payload)
	if payload == nil {
		payload = map[string]any{}
	}
	return chatapi.Notification{
		NotificationId: n.ID, Topic: n.Topic, Payload: payload,
		CreatedAt: n.CreatedAt.UTC(), ExpiresAt: n.ExpiresAt.UTC(),
	}
}

func subscriptionOut(sub store.Subscription) chatapi.Subscription {
	return chatapi.Subscription{Topic: sub.Topic, CreatedAt: sub.CreatedAt.UTC()}
}

func deadLettersOut(d store.DeadLetters) chatapi.DeadLetters {
	out := chatapi.DeadLetters{
		FailedMessages:      make([]chatapi.FailedMessage, len(d.Messages)),
		FailedNotifications: make([]chatapi.FailedNotification, len(d.Notifications)),
	}
	for i, f := range d.Messages {
		out.FailedMessages[i] = chatapi.FailedMessage{
			TenantId: f.TenantID, MessageId: f.MessageID, RoomId: f.RoomID, UserId: f.UserID,
			Attempts: f.Attempts, LastAttemptAt: f.LastAttemptAt.UTC(), Error: f.Error,
		}
	}
	for i, f := range d.Notifications {
		out.FailedNotifications[i] = chatapi.FailedNotification{
			TenantId: f.TenantID, NotificationId: f.NotificationID, UserId: f.UserID,
			Attempts: f.Attempts, LastAttemptAt: f.LastAttemptAt.UTC(), Error: f.Error,
		}
	}
	return out
}

func presenceOut(p realtime.PresenceInfo) chatapi.Presence {
	out := chatapi.Presence{UserId: p.UserID, Status: chatapi.PresenceStatusOffline, LastSeen: utcPtr(p.LastSeen)}
	if p.Online {
		out.Status = chatapi.PresenceStatusOnline
	}
	return out
}

// profileChange is a profile request's change; replace (PUT) turns every
// absent field into its empty value.
func profileChange(body *chatapi.UserProfileRequest, replace bool) (store.ProfileChange, error) {
	custom, err := encodeObject("custom", body.Custom)
	if err != nil {
		return store.ProfileChange{}, err
	}
	ch := store.ProfileChange{DisplayName: body.DisplayName, AvatarURL: body.AvatarUrl, Custom: custom}
	if replace {
		empty := ""
		if ch.DisplayName == nil {
			ch.DisplayName = &empty
		}
		if ch.AvatarURL == nil {
			ch.AvatarURL = &empty
		}
		if ch.Custom == nil {
			ch.Custom = json.RawMessage("{}")
		}
	}
	return ch, nil
}

func userOut(p store.Profile) chatapi.UserProfile {
	custom := decodeObject(p.Custom)
	if custom == nil {
		custom = map[string]any{}
	}
	return chatapi.UserProfile{
		UserId:      p.UserID,
		DisplayName: p.DisplayName,
		AvatarUrl:   p.AvatarURL,
		Custom:      custom,
		UpdatedAt:   utcPtr(p.UpdatedAt),
	}
}

func userPageOut(ps []store.Profile, more bool) chatapi.UserPage {
	page := chatapi.UserPage{Users: make([]chatapi.UserProfile, len(ps)), HasMore: more}
	for i, p := range ps {
		page.Users[i] = userOut(p)
	}
	if more && len(ps) > 0 {
		page.NextAfter = &ps[len(ps)-1].UserID
	}
	return page
}

// settingsChange is a settings request's change: muted_until absent stays,
// null unmutes.
func settingsChange(body *chatapi.MemberSettingsRequest) store.SettingsChange {
	ch := store.SettingsChange{Archived: body.Archived, Pinned: body.Pinned}
	if body.MutedUntil.IsSpecified() {
		ch.SetMutedUntil = true
		if !body.MutedUntil.IsNull() {
			until := body.MutedUntil.MustGet()
			ch.MutedUntil = &until
		}
	}
	return ch
}

func settingsOut(ms store.MemberSettings) chatapi.MemberSettings {
	return chatapi.MemberSettings{RoomId: ms.RoomID, MutedUntil: utcPtr(ms.MutedUntil), Archived: ms.Archived, Pinned: ms.Pinned}
}

func searchPageOut(p store.SearchPage) chatapi.SearchPage {
	out := chatapi.SearchPage{Hits: make([]chatapi.SearchHit, len(p.Hits))}
	for i, h := range p.Hits {
		out.Hits[i] = chatapi.SearchHit{Message: messageOut(h.Message), Highlight: h.Highlight}
	}
	if p.NextCursor != "" {
		out.NextCursor = &p.NextCursor
	}
	return out
}

// uploadOut maps an upload, with its signed URLs once it is ready.
func (s *Server) uploadOut(ctx context.Context, tenantID string, up store.Upload) (chatapi.Upload, error) {
	out := chatapi.Upload{
		UploadId: up.ID, RoomId: up.RoomID, Filename: up.Filename, ContentType: up.ContentType,
		Size: up.Size, Sha256: up.SHA256, Status: chatapi.UploadStatus(up.Status),
		Width: up.Width, Height: up.Height, MessageId: up.MessageID, CreatedAt: up.CreatedAt,
	}
	if up.Status == store.UploadReady {
		url, thumb, err := s.cfg.Files.URLs(ctx, tenantID, up)
		if err != nil {
			return chatapi.Upload{}, err
		}
		out.Url, out.ThumbnailUrl = &url, thumb
	}
	return out, nil
}

func blocklistOut(b store.Blocklist) chatapi.Blocklist {
	out := chatapi.Blocklist{Words: b.Words, Match: chatapi.BlocklistMatch(b.Match), Action: chatapi.BlocklistAction(b.Action)}
	if out.Words == nil {
		out.Words = []string{}
	}
	if !b.UpdatedAt.IsZero() {
		t := b.UpdatedAt.UTC()
		out.UpdatedAt = &t
	}
	return out
}

func reportOut(r store.Report) chatapi.Report {
	return chatapi.Report{
		ReportId: r.ID, ReporterId: r.ReporterID, TargetUserId: r.TargetUserID, RoomId: r.RoomID, MessageId: r.MessageID,
		Reason: r.Reason, Note: r.Note, Status: chatapi.ReportStatus(r.Status), CreatedAt: r.CreatedAt.UTC(),
		ResolvedAt: utcPtr(r.ResolvedAt), ResolvedBy: r.ResolvedBy,
	}
}

func reportPageOut(reports []store.Report, more bool) chatapi.ReportPage {
	out := chatapi.ReportPage{Reports: make([]chatapi.Report, len(reports)), HasMore: more}
	for i, r := range reports {
		out.Reports[i] = reportOut(r)
	}
	if more {
		out.NextAfter = &reports[len(reports)-1].ID
	}
	return out
}

// beforeSendHookOut maps a hook, with secret (in the clear) only when it
// is shown: at creation.
func beforeSendHookOut(h store.BeforeSendHook, secret *string) chatapi.BeforeSendHook {
	return chatapi.BeforeSendHook{Url: h.URL, TimeoutMs: h.TimeoutMS, OnError: chatapi.BeforeSendOnError(h.OnError), UpdatedAt: h.UpdatedAt.UTC(), Secret: secret}
}

// Webhooks.

func webhookEventsIn(events chatapi.WebhookEvents) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = string(e)
	}
	return out
}

func webhookOut(w store.Webhook) chatapi.Webhook {
	out := chatapi.Webhook{
		WebhookId: w.ID, Url: w.URL, Active: w.Active, DisabledAt: utcPtr(w.DisabledAt),
		Events: make(chatapi.WebhookEvents, len(w.Events)), CreatedAt: w.CreatedAt.UTC(), UpdatedAt: w.UpdatedAt.UTC(),
	}
	for i, e := range w.Events {
		out.Events[i] = chatapi.WebhookEventType(e)
	}
	out.PreviousSecretUntil = utcPtr(w.PreviousUntil)
	return out
}

func webhookWithSecretOut(w store.Webhook, secret string) chatapi.WebhookWithSecret {
	o := webhookOut(w)
	return chatapi.WebhookWithSecret{
		WebhookId: o.WebhookId, Url: o.Url, Events: o.Events, Active: o.Active, DisabledAt: o.DisabledAt,
		PreviousSecretUntil: o.PreviousSecretUntil, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Secret: secret,
	}
}

func webhookDeliveryOut(d store.WebhookDelivery) chatapi.WebhookDelivery {
	out := chatapi.WebhookDelivery{
		DeliveryId: d.ID, WebhookId: d.WebhookID, EventType: d.EventType, Replay: d.Replay,
		Status: chatapi.WebhookDeliveryStatus(d.Status), Attempts: d.Attempts, ResponseStatus: d.ResponseStatus,
		NextAttemptAt: utcPtr(d.NextAttempt), CreatedAt: d.CreatedAt.UTC(), CompletedAt: utcPtr(d.CompletedAt),
		AttemptLog: make([]chatapi.WebhookAttempt, 0, len(d.Log)),
	}
	if d.RoomID != "" {
		out.RoomId, out.EventSeq = &d.RoomID, &d.EventSeq
	}
	if d.Latency != nil {
		ms := d.Latency.Milliseconds()
		out.LatencyMs = &ms
	}
	if d.LastError != "" {
		out.LastError = &d.LastError
	}
	for _, a := range d.Log {
		rec := chatapi.WebhookAttempt{Attempt: a.Attempt, StartedAt: a.StartedAt.UTC(), ResponseStatus: a.ResponseStatus,
			LatencyMs: a.Latency.Milliseconds()}
		if a.Error != "" {
			rec.Error = &a.Error
		}
		out.AttemptLog = append(out.AttemptLog, rec)
	}
	return out
}
