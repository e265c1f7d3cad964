// The ChatAPI demo app: a room list with unread counts and mentions, a chat
// view with typing, presence, delivered/read ticks, edits, reactions,
// thread replies, pins and image attachments, and a message search, on the
// TypeScript SDK. The page holds a user token only, from the demo backend's
// POST /demo/session.
import {
  RealtimeClient,
  createRestClient,
  uploadFile,
  type components,
  type ConnectionStatus,
  type MessageEvent,
  type PresenceUpdateEvent,
  type RestClient,
  type TokenProvider,
} from "@chatapi/sdk";

/** A message as the app keeps it, from REST or an event (whose thread
 * participants are typed as a tuple, REST's as an array). */
type Message = Omit<MessageEvent, "type" | "event_seq" | "occurred_at" | "thread" | "reactions"> & {
  thread?: Thread;
  reactions?: Reactions;
};

/** A message's reactions as this user sees them (REST gives them; message
 * events leave them out, reaction events carry the counts). */
interface Reactions {
  counts: Record<string, number | undefined>;
  own: readonly string[];
}

type Pin = components["schemas"]["Pin"];
type SearchHit = components["schemas"]["SearchHit"];
type Attachment = NonNullable<Message["attachments"]>[number];

/** The box an image attachment is shown in, in CSS pixels. */
const IMAGE_BOX = { width: 240, height: 180 };

/** The reactions every message offers, besides those it already has. */
const QUICK_REACTIONS = ["👍", "🎉", "❤️"];

interface Thread {
  reply_count: number;
  last_reply_at: string | null;
  participant_ids: readonly string[];
}

interface Session {
  user_id: string;
  token: string;
  expires_at: string;
}

interface Room {
  id: string;
  name: string;
  unread: number;
  mentions: number;
}

/** What the other members of a room confirmed, the highest seq of anyone. */
interface Receipts {
  delivered: number;
  read: number;
}

const TYPING_SHOWN_MS = 6000;
const baseUrl = location.origin;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
// Properties by name (textContent, ariaLabel, …): a Partial of the
// element type is a union too large for tsc.
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const e: HTMLElementTagNameMap[K] = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

async function fetchSession(user: string): Promise<Session> {
  const r = await fetch("/demo/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user_id: user }),
  });
  const body = await r.json();
  if (!r.ok) throw new Error(body?.error?.message ?? `status ${r.status}`);
  return body as Session;
}

class DemoApp {
  private readonly me: string;
  private readonly rest: RestClient;
  private readonly rt: RealtimeClient;
  private readonly rooms = new Map<string, Room>();
  private readonly messages = new Map<string, Map<string, Message>>();
  /** Sends not yet confirmed, by client_msg_id. */
  private readonly pending = new Map<string, Message>();
  private readonly receipts = new Map<string, Receipts>();
  private readonly members = new Map<string, string[]>();
  /** The messages typed, in order, until each is handed to the SDK. */
  private sending: Promise<void> = Promise.resolve();
  private readonly presence = new Map<string, string>();
  private readonly typing = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  private current: string | null = null;
  private editing: string | null = null;
  /** The top-level message the composer replies to, in its thread. */
  private replyTo: Message | null = null;
  /** Each room's pinned messages, newest pin first, once loaded. */
  private readonly pins = new Map<string, Pin[]>();
  /** A message to bring into view once its room is shown (a search hit). */
  private reveal: string | null = null;
  /** Rooms whose messages are read again soon (for fresh attachment URLs). */
  private readonly reloads = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(session: Session) {
    this.me = session.user_id;
    let token = session;
    const provider: TokenProvider = async ({ refresh }) => {
      if (refresh || Date.parse(token.expires_at) - Date.now() < 60_000) token = await fetchSession(this.me);
      return { token: token.token, expires_at: token.expires_at };
    };
    // REST and the WebSocket share the token (Authorization: Bearer on REST).
    const current = async () => ((await provider({ refresh: false })) as { token: string }).token;
    this.rest = createRestClient({ baseUrl, auth: { token: current } });
    this.rt = new RealtimeClient({ baseUrl, auth: { token: provider } });
  }

  async start(): Promise<void> {
    $("me").textContent = `Signed in as ${this.me}`;
    $("me").hidden = false;
    $("login-view").hidden = true;
    $("chat-view").hidden = false;
    this.wire();
    window.addEventListener("offline", () => this.showStatus(this.lastStatus));
    window.addEventListener("online", () => {
      // The connection from before may be dead without knowing it: a new
      // one resumes from the cursor, and repeats are dropped.
      this.rt.reconnect();
      this.showStatus(this.lastStatus);
    });
    this.rt.onStatus((s) => this.showStatus(s));
    this.rt.on("message", (m) => this.onMessage(m));
    this.rt.on("message.updated", (m) => this.store(m));
    this.rt.on("message.deleted", (m) => this.store(m));
    this.rt.on("reaction.added", (r) => this.onReaction(r.room_id, r.message_id, r.user_id, r.reaction, r.counts, true));
    this.rt.on("reaction.removed", (r) => this.onReaction(r.room_id, r.message_id, r.user_id, r.reaction, r.counts, false));
    this.rt.on("thread.updated", (t) => {
      const parent = this.messages.get(t.room_id)?.get(t.message_id);
      if (!parent) return;
      parent.thread = t.thread;
      if (t.room_id === this.current) this.renderMessages();
    });
    this.rt.on("pin.added", (p) => this.onPinsChanged(p.room_id));
    this.rt.on("pin.removed", (p) => this.onPinsChanged(p.room_id));
    // A thumbnail made after the message was sent: the event carries the
    // attachment with its URLs, live; replayed from the log it has none,
    // and the room is read again for them.
    this.rt.on("attachment.processed", (e) => {
      const m = e.message_id ? this.messages.get(e.room_id)?.get(e.message_id) : undefined;
      if (!m) return;
      if (!e.attachment.url) return this.reloadSoon(e.room_id);
      m.attachments = (m.attachments ?? []).map((a) => (a.upload_id === e.upload_id ? e.attachment : a));
      if (e.room_id === this.current) this.renderMessages();
    });
    this.rt.on("typing", (t) => this.onTyping(t.room_id, t.user_id, t.action === "start"));
    // The SDK unpacks presence.batch into these too.
    this.rt.on("presence.update", (p) => this.onPresence(p));
    this.rt.on("member.joined", (j) => {
      const ids = this.members.get(j.room_id);
      if (ids && !ids.includes(j.user_id)) ids.push(j.user_id);
      if (!this.rooms.has(j.room_id)) void this.loadRooms();
      void this.loadPresence([j.user_id]);
    });
    this.rt.on("member.left", (l) => {
      const ids = this.members.get(l.room_id);
      if (ids) this.members.set(l.room_id, ids.filter((u) => u !== l.user_id));
      this.renderMembers();
    });
    this.rt.on("delivery.received", (d) => this.onReceipt(d.room_id, d.user_id, d.seq, undefined));
    this.rt.on("receipts", (r) => r.receipts.forEach((x) => this.onReceipt(r.room_id, x.user_id, x.last_delivered, x.last_ack)));
    this.rt.on("ack.received", (a) => {
      // This user read up to seq on some device.
      if (a.user_id === this.me) this.loadRooms();
    });
    // After every (re)connect the server has replayed what was missed;
    // unread counts are the server's to say.
    this.rt.on("sync.complete", () => this.loadRooms());
    await this.loadRooms();
    const first = [...this.rooms.values()][0];
    if (first) await this.open(first.id);
    await this.rt.connect();
  }

  private wire(): void {
    const input = $<HTMLInputElement>("text");
    input.addEventListener("input", () => this.current && this.rt.typing(this.current, input.value !== ""));
    input.addEventListener("keydown", (e) => e.key === "Escape" && this.reply(null));
    $("cancel-reply").addEventListener("click", () => this.reply(null));
    const attach = $<HTMLInputElement>("attach");
    $<HTMLFormElement>("composer").addEventListener("submit", (e) => {
      e.preventDefault();
      const text = input.value.trim();
      const file = attach.files?.[0];
      if ((!text && !file) || !this.current) return;
      input.value = "";
      attach.value = "";
      if (file) void this.sendImage(this.current, text, file);
      else this.send(this.current, text);
    });
    const q = $<HTMLInputElement>("search-q");
    $<HTMLFormElement>("search").addEventListener("submit", (e) => {
      e.preventDefault();
      if (q.value.trim()) void this.search(q.value.trim());
    });
    const close = () => {
      $("search-results").hidden = true;
      $("hits").replaceChildren();
      q.focus();
    };
    $("close-search").addEventListener("click", close);
    $("search-results").addEventListener("keydown", (e) => e.key === "Escape" && close());
    q.addEventListener("keydown", (e) => e.key === "Escape" && close());
  }

  /** Searches the rooms this user may read and lists the hits. */
  private async search(q: string): Promise<void> {
    $("search-results").hidden = false;
    $("search-status").textContent = "Searching…";
    $("hits").replaceChildren();
    const { data, error } = await this.rest.GET("/search/messages", { params: { query: { q, limit: 20 } } });
    if (!data) {
      $("search-status").textContent = `Search failed: ${error?.error?.message ?? "error"}`;
      return;
    }
    const hits = data.data.hits;
    $("search-status").textContent = hits.length === 0 ? `No message matches ${q}` : hits.length === 1 ? "1 message" : `${hits.length} messages`;
    $("hits").replaceChildren(...hits.map((h) => this.renderHit(h)));
  }

  private renderHit(h: SearchHit): HTMLLIElement {
    const m = h.message;
    const room = this.rooms.get(m.room_id);
    const b = el("button", { type: "button", className: "hit" },
      el("span", { className: "where", textContent: `# ${room?.name ?? m.room_id} · ${m.sender_id}` }),
      highlighted(h.highlight, m.content));
    b.dataset.messageId = m.message_id;
    b.addEventListener("click", () => {
      this.reveal = m.message_id;
      void this.open(m.room_id);
    });
    return el("li", {}, b);
  }

  private lastStatus: ConnectionStatus = { status: "connecting" } as ConnectionStatus;

  private opens = 0;

  private showStatus(s: ConnectionStatus): void {
    this.lastStatus = s;
    // How many connections this page opened, for whoever watches (a test).
    if (s.status === "open") document.body.dataset.opens = String(++this.opens);
    if (!navigator.onLine) {
      // The connection may look open for a while yet: the browser holds
      // its frames until the network is back (or the heartbeat gives up).
      $("connection").textContent = "Offline: waiting for the network…";
      return;
    }
    const text: Record<string, string> = {
      connecting: "Connecting…",
      open: "Catching up…",
      synced: "Online",
      closed: "Offline",
    };
    $("connection").textContent =
      s.status === "waiting" ? `Reconnecting in ${Math.ceil(s.delayMs / 1000)} s…` : (text[s.status] ?? s.status);
    document.body.dataset.connection = s.status;
  }

  private async loadRooms(): Promise<void> {
    const { data } = await this.rest.GET("/rooms", { params: { query: { limit: 100 } } });
    if (!data) return;
    for (const r of data.data) {
      const room = this.rooms.get(r.room_id) ?? { id: r.room_id, name: r.name ?? r.room_id, unread: 0, mentions: 0 };
      room.unread = r.room_id === this.current ? 0 : r.unread_count;
      room.mentions = r.room_id === this.current ? 0 : r.unread_mentions;
      this.rooms.set(r.room_id, room);
    }
    // By name: a stable list, whatever moved last.
    const sorted = [...this.rooms.values()].sort((a, b) => a.name.localeCompare(b.name));
    this.rooms.clear();
    for (const r of sorted) this.rooms.set(r.id, r);
    this.renderRooms();
  }

  private async open(roomId: string): Promise<void> {
    this.current = roomId;
    this.editing = null;
    this.reply(null);
    const room = this.rooms.get(roomId);
    $("room-name").textContent = room ? `# ${room.name}` : roomId;
    for (const c of document.querySelectorAll<HTMLInputElement | HTMLButtonElement>("#composer input, #composer button")) c.disabled = false;
    this.renderRooms();
    this.renderMessages();
    this.renderTyping();
    this.renderPins();
    const [msgs, members] = await Promise.all([
      this.rest.GET("/rooms/{room_id}/messages", { params: { path: { room_id: roomId }, query: { limit: 100 } } }),
      this.rest.GET("/rooms/{room_id}/members", { params: { path: { room_id: roomId } } }),
      this.loadPins(roomId),
    ]);
    for (const m of msgs.data?.data ?? []) this.store(m, false);
    if (members.data) {
      const ids = members.data.data.map((m) => m.user_id);
      this.members.set(roomId, ids);
      for (const m of members.data.data) this.onReceipt(roomId, m.user_id, m.last_delivered, m.last_ack, false);
      await this.loadPresence(ids.filter((u) => u !== this.me));
    }
    if (this.current !== roomId) return;
    this.markRead(roomId);
    this.renderMembers();
    this.renderMessages();
    this.revealMessage();
  }

  /** Brings the search hit asked for into view and gives it focus. */
  private revealMessage(): void {
    const id = this.reveal;
    if (!id) return;
    this.reveal = null;
    const li = $("messages").querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
    if (!li) {
      $("announce").textContent = "That message is older than those shown.";
      return;
    }
    li.tabIndex = -1;
    li.classList.add("found");
    li.scrollIntoView({ block: "center" });
    li.focus();
  }

  private async loadPins(roomId: string): Promise<void> {
    const { data } = await this.rest.GET("/rooms/{room_id}/pins", { params: { path: { room_id: roomId } } });
    if (!data) return;
    this.pins.set(roomId, data.data);
    if (roomId === this.current) {
      this.renderPins();
      this.renderMessages();
    }
  }

  private onPinsChanged(roomId: string): void {
    if (roomId === this.current) void this.loadPins(roomId);
    else this.pins.delete(roomId);
  }

  private async pin(m: Message, on: boolean): Promise<void> {
    const params = { path: { room_id: m.room_id, message_id: m.message_id } };
    const path = "/rooms/{room_id}/pins/{message_id}" as const;
    const { data, error } = on ? await this.rest.PUT(path, { params }) : await this.rest.DELETE(path, { params });
    if (data) await this.loadPins(m.room_id);
    else $("typing").textContent = `Pin not changed: ${error?.error?.message ?? "error"}`;
  }

  private isPinned(m: Message): boolean {
    return (this.pins.get(m.room_id) ?? []).some((p) => p.message.message_id === m.message_id);
  }

  private renderPins(): void {
    const pins = this.current ? (this.pins.get(this.current) ?? []) : [];
    $("pins").hidden = pins.length === 0;
    $("pin-list").replaceChildren(
      ...pins.map((p) => {
        const m = p.message;
        const unpin = el("button", { type: "button", textContent: "Unpin", ariaLabel: `Unpin ${m.sender_id}'s message: ${m.content}` });
        unpin.addEventListener("click", () => void this.pin(m, false));
        const li = el("li", {}, el("span", { className: "who", textContent: m.sender_id }), el("span", { className: "content", textContent: m.content }), " ", unpin);
        li.dataset.id = m.message_id;
        li.title = `Pinned by ${p.pinned_by}`;
        return li;
      }),
    );
  }

  /** Reads the room's messages again, once for many asks close together. */
  private reloadSoon(roomId: string): void {
    if (this.reloads.has(roomId)) return;
    this.reloads.set(roomId, setTimeout(async () => {
      this.reloads.delete(roomId);
      const { data } = await this.rest.GET("/rooms/{room_id}/messages", { params: { path: { room_id: roomId }, query: { limit: 100 } } });
      for (const m of data?.data ?? []) this.store(m, false, false);
      if (roomId === this.current) this.renderMessages();
    }, 300));
  }

  private async loadPresence(users: string[]): Promise<void> {
    if (users.length === 0) return;
    const p = await this.rest.GET("/presence", { params: { query: { user_ids: users } } });
    for (const x of p.data?.data ?? []) this.presence.set(x.user_id, x.status);
    this.renderMembers();
  }

  /** Puts the composer in reply mode for parent's thread, or out of it. */
  private reply(parent: Message | null): void {
    this.replyTo = parent;
    $("replying").hidden = parent === null;
    $("replying-to").textContent = parent ? `Replying in the thread of ${parent.sender_id}: “${parent.content.slice(0, 60)}”` : "";
    if (parent) $<HTMLInputElement>("text").focus();
  }

  private send(roomId: string, text: string): void {
    const clientMsgId = crypto.randomUUID();
    const parentId = this.replyTo?.message_id;
    this.reply(null);
    this.showPending(roomId, clientMsgId, parentId, text);
    const failed = (err: Error) => {
      this.pending.delete(clientMsgId);
      this.renderMessages();
      $("typing").textContent = `Not sent: ${err.message}`;
    };
    // Handed to the SDK in the order typed, each once its mentions are known.
    this.sending = this.sending
      .then(() => this.mentionsIn(roomId, text))
      .then((mentions) => {
        this.rt.sendMessage(roomId, text, { clientMsgId, parentId, mentions: mentions.length > 0 ? mentions : undefined }).catch(failed);
      }, failed);
  }

  /** Shows a message being sent until the server confirms it; typing stops. */
  private showPending(roomId: string, clientMsgId: string, parentId: string | undefined, content: string): void {
    this.pending.set(clientMsgId, {
      parent_id: parentId,
      message_id: `pending:${clientMsgId}`,
      room_id: roomId,
      sender_id: this.me,
      seq: Number.MAX_SAFE_INTEGER,
      content,
      meta: null,
      client_msg_id: clientMsgId,
      created_at: new Date().toISOString(),
      edited_at: null,
      deleted_at: null,
    });
    this.renderMessages();
    this.rt.typing(roomId, false);
  }

  /**
   * The @names of text that are members of the room (the server refuses
   * others), asking for the members when the room was only just opened.
   */
  private async mentionsIn(roomId: string, text: string): Promise<string[]> {
    const names = [...new Set([...text.matchAll(/@([A-Za-z0-9._-]+)/g)].map((m) => m[1]))].filter((u) => u !== this.me);
    if (names.length === 0) return [];
    let ids = this.members.get(roomId);
    if (!ids) {
      const { data } = await this.rest.GET("/rooms/{room_id}/members", { params: { path: { room_id: roomId } } });
      ids = data?.data.map((m) => m.user_id) ?? [];
    }
    const members = new Set(ids);
    return names.filter((u) => members.has(u));
  }

  /**
   * Sends an image: uploads it (the SDK's uploadFile: declare, PUT, complete),
   * then sends the message that carries it over REST, the one way to attach.
   */
  private async sendImage(roomId: string, text: string, file: File): Promise<void> {
    const clientMsgId = crypto.randomUUID();
    const parentId = this.replyTo?.message_id;
    const content = text || file.name;
    this.reply(null);
    this.showPending(roomId, clientMsgId, parentId, `${content} (uploading ${file.name}…)`);
    try {
      const [up, mentions] = await Promise.all([uploadFile(this.rest, file, { roomId }), this.mentionsIn(roomId, text)]);
      const { data, error } = await this.rest.POST("/rooms/{room_id}/messages", {
        params: { path: { room_id: roomId } },
        body: {
          content,
          client_msg_id: clientMsgId,
          parent_id: parentId,
          mentions: mentions.length > 0 ? mentions : undefined,
          attachments: [up.upload_id],
        },
      });
      if (!data) throw new Error(error?.error?.message ?? "error");
      this.store(data.data);
    } catch (err) {
      this.pending.delete(clientMsgId);
      this.renderMessages();
      $("typing").textContent = `Not sent: ${(err as Error).message}`;
    }
  }

  private onMessage(m: MessageEvent): void {
    this.store(m);
    this.onTyping(m.room_id, m.sender_id, false);
    if (m.sender_id === this.me) return;
    if (m.room_id === this.current && document.visibilityState === "visible") {
      // The list is redrawn whole; screen readers hear the new message here.
      $("announce").textContent = `${m.sender_id}: ${m.content}`;
      this.markRead(m.room_id);
    } else {
      const room = this.rooms.get(m.room_id);
      if (room) room.unread++;
      if (room && m.mentions?.includes(this.me)) room.mentions++;
      this.renderRooms();
    }
  }

  /** Keeps a message; reload says whether one without its URLs asks the room again. */
  private store(m: Message, render = true, reload = true): void {
    let room = this.messages.get(m.room_id);
    if (!room) this.messages.set(m.room_id, (room = new Map()));
    const had = room.get(m.message_id);
    // A replayed or late copy never takes back an edit.
    if (had && (had.edited_at ?? "") > (m.edited_at ?? "") && !m.deleted_at) return;
    // An edit's copy may lack the thread summary, which thread.updated keeps.
    // A copy replayed from the log carries no download URLs: the one had
    // keeps them, or the room is read again for fresh ones.
    let attachments = m.attachments;
    if (attachments?.some((a) => !a.url)) {
      if (had?.attachments?.every((a) => a.url)) attachments = had.attachments;
      else if (reload) this.reloadSoon(m.room_id);
    }
    // A thumbnail, once made, stays: a copy from before it was made (the
    // send's own answer, arriving after attachment.processed) does not
    // take it back.
    const made = new Map(had?.attachments?.filter((a) => a.thumbnail_url).map((a) => [a.upload_id, a]));
    if (made.size > 0) attachments = attachments?.map((a) => (a.thumbnail_url ? a : made.get(a.upload_id) ?? a));
    room.set(m.message_id, { ...m, attachments, thread: m.thread ?? had?.thread, reactions: m.reactions ?? had?.reactions });
    if (m.client_msg_id) this.pending.delete(m.client_msg_id);
    if (render && m.room_id === this.current) this.renderMessages();
  }

  private onReaction(roomId: string, messageId: string, user: string, type: string, counts: Record<string, number | undefined>, added: boolean): void {
    const m = this.messages.get(roomId)?.get(messageId);
    if (!m) return;
    const own = new Set(m.reactions?.own ?? []);
    if (user === this.me) {
      if (added) own.add(type);
      else own.delete(type);
    }
    m.reactions = { counts, own: [...own] };
    if (roomId === this.current) this.renderMessages();
  }

  private async react(m: Message, type: string, on: boolean): Promise<void> {
    const params = { path: { room_id: m.room_id, message_id: m.message_id, type } };
    const path = "/rooms/{room_id}/messages/{message_id}/reactions/{type}" as const;
    const { data, error } = on ? await this.rest.PUT(path, { params }) : await this.rest.DELETE(path, { params });
    if (data) this.onReaction(m.room_id, m.message_id, this.me, type, data.data.counts, on);
    else $("typing").textContent = `Reaction not saved: ${error?.error?.message ?? "error"}`;
  }

  private markRead(roomId: string): void {
    const msgs = [...(this.messages.get(roomId)?.values() ?? [])];
    const last = Math.max(0, ...msgs.map((m) => m.seq));
    if (last > 0) this.rt.read(roomId, last);
    const room = this.rooms.get(roomId);
    if (room && (room.unread !== 0 || room.mentions !== 0)) {
      room.unread = 0;
      room.mentions = 0;
      this.renderRooms();
    }
  }

  private onTyping(roomId: string, user: string, on: boolean): void {
    if (user === this.me) return;
    let users = this.typing.get(roomId);
    if (!users) this.typing.set(roomId, (users = new Map()));
    clearTimeout(users.get(user));
    users.delete(user);
    if (on) users.set(user, setTimeout(() => this.onTyping(roomId, user, false), TYPING_SHOWN_MS));
    if (roomId === this.current) this.renderTyping();
  }

  private onPresence(p: PresenceUpdateEvent): void {
    this.presence.set(p.user_id, p.status);
    this.renderMembers();
  }

  private onReceipt(roomId: string, user: string, delivered: number | undefined, read: number | undefined, render = true): void {
    if (user === this.me) return;
    const r = this.receipts.get(roomId) ?? { delivered: 0, read: 0 };
    r.delivered = Math.max(r.delivered, delivered ?? 0, read ?? 0);
    r.read = Math.max(r.read, read ?? 0);
    this.receipts.set(roomId, r);
    if (render && roomId === this.current) this.renderMessages();
  }

  private renderRooms(): void {
    const list = $("rooms");
    list.replaceChildren(
      ...[...this.rooms.values()].map((r) => {
        let label = r.unread > 0 ? `${r.name}, ${r.unread} unread` : r.name;
        if (r.mentions > 0) label += `, ${r.mentions} ${r.mentions === 1 ? "mention" : "mentions"}`;
        const b = el("button", { type: "button", ariaLabel: label }, el("span", { textContent: `# ${r.name}` }));
        b.dataset.roomId = r.id;
        if (r.id === this.current) b.setAttribute("aria-current", "true");
        if (r.mentions > 0) b.append(el("span", { className: "badge mention", textContent: `@${r.mentions}`, ariaHidden: "true" }));
        if (r.unread > 0) b.append(el("span", { className: "badge", textContent: String(r.unread), ariaHidden: "true" }));
        b.addEventListener("click", () => void this.open(r.id));
        return el("li", {}, b);
      }),
    );
  }

  private renderMembers(): void {
    // The demo backend's own user, who made the rooms, is not company.
    const ids = (this.current ? (this.members.get(this.current) ?? []) : []).filter((u) => u !== "demo-host");
    $("members").replaceChildren(
      ...ids.flatMap((u, i) => {
        const status = u === this.me ? "online" : (this.presence.get(u) ?? "offline");
        const span = el("span", { className: status, textContent: u === this.me ? `${u} (you)` : u, title: status });
        span.dataset.user = u;
        span.dataset.presence = status;
        span.append(el("span", { className: "sr-only", textContent: `, ${status}` }));
        return i === 0 ? [span] : [", ", span];
      }),
    );
  }

  private renderTyping(): void {
    const users = [...(this.current ? (this.typing.get(this.current)?.keys() ?? []) : [])];
    $("typing").textContent =
      users.length === 0 ? "" : users.length === 1 ? `${users[0]} is typing…` : `${users.join(", ")} are typing…`;
  }

  private renderMessages(): void {
    const roomId = this.current;
    const list = $("messages");
    if (!roomId) return list.replaceChildren();
    const receipts = this.receipts.get(roomId) ?? { delivered: 0, read: 0 };
    const stored = [...(this.messages.get(roomId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
    const waiting = [...this.pending.values()].filter((m) => m.room_id === roomId);
    const all = [...stored, ...waiting];
    // Replies show in their parent's thread, in order.
    const replies = new Map<string, Message[]>();
    for (const m of all) if (m.parent_id) replies.set(m.parent_id, [...(replies.get(m.parent_id) ?? []), m]);
    const focused = document.activeElement?.closest<HTMLElement>("[data-id]")?.dataset.id;
    list.replaceChildren(
      ...all.filter((m) => !m.parent_id || !this.messages.get(roomId)?.has(m.parent_id)).map((m) => this.renderMessage(m, receipts, replies.get(m.message_id) ?? [])),
    );
    if (focused) list.querySelector<HTMLElement>(`[data-id="${CSS.escape(focused)}"] input, [data-id="${CSS.escape(focused)}"] button`)?.focus();
    list.scrollTop = list.scrollHeight;
  }

  private renderMessage(m: Message, receipts: Receipts, replies: Message[] = []): HTMLLIElement {
    const own = m.sender_id === this.me;
    const li = el("li", { className: own ? "msg own" : "msg" });
    if (m.mentions?.includes(this.me)) {
      li.classList.add("mentions-me");
      li.append(el("span", { className: "sr-only", textContent: "Mentions you: " }));
    }
    li.dataset.id = m.message_id;
    if (m.seq !== Number.MAX_SAFE_INTEGER) li.dataset.seq = String(m.seq);
    li.append(el("span", { className: "who", textContent: m.sender_id }));
    if (this.editing === m.message_id) {
      li.append(this.editForm(m));
      return li;
    }
    li.append(el("span", { className: "content", textContent: m.deleted_at ? "(deleted)" : m.content }));
    if (m.edited_at && !m.deleted_at) li.append(el("span", { className: "meta edited", textContent: "(edited)" }));
    const pinned = !m.deleted_at && this.isPinned(m);
    if (pinned) li.append(el("span", { className: "meta pinned", textContent: "📌", title: "Pinned", ariaLabel: "pinned" }));
    if (m.attachments?.length && !m.deleted_at) li.append(el("div", { className: "attachments" }, ...m.attachments.map((a) => renderAttachment(a))));
    if (own) {
      const state = m.seq === Number.MAX_SAFE_INTEGER ? "sending" : m.seq <= receipts.read ? "read" : m.seq <= receipts.delivered ? "delivered" : "sent";
      const marks: Record<string, string> = { sending: "…", sent: "✓", delivered: "✓✓", read: "✓✓" };
      const ticks = el("span", { className: `ticks ${state}`, textContent: marks[state], title: state, ariaLabel: state });
      ticks.dataset.state = state;
      li.append(ticks);
      if (state !== "sending" && !m.deleted_at) {
        const edit = el("button", { type: "button", textContent: "Edit", ariaLabel: `Edit message: ${m.content}` });
        edit.addEventListener("click", () => {
          this.editing = m.message_id;
          this.renderMessages();
          $("messages").querySelector<HTMLInputElement>(`[data-id="${CSS.escape(m.message_id)}"] input`)?.focus();
        });
        li.append(el("span", { className: "actions" }, edit));
      }
    }
    const real = m.seq !== Number.MAX_SAFE_INTEGER && !m.deleted_at;
    if (real) {
      const actions = li.querySelector(".actions") ?? li.appendChild(el("span", { className: "actions" }));
      if (!m.parent_id) {
        const reply = el("button", { type: "button", textContent: "Reply", ariaLabel: `Reply in thread to ${m.sender_id}: ${m.content}` });
        reply.addEventListener("click", () => this.reply(m));
        actions.append(reply);
      }
      const pin = el("button", {
        type: "button",
        textContent: pinned ? "Unpin" : "Pin",
        ariaLabel: `${pinned ? "Unpin" : "Pin"} ${m.sender_id}'s message: ${m.content}`,
      });
      pin.dataset.action = pinned ? "unpin" : "pin";
      pin.addEventListener("click", () => void this.pin(m, !pinned));
      actions.append(pin);
      // The quick reactions the message has none of yet sit with the
      // actions; those it has show below, counted.
      const counts = m.reactions?.counts ?? {};
      for (const type of QUICK_REACTIONS.filter((t) => !counts[t])) {
        actions.append(this.reactionButton(m, type, 0, false));
      }
      const row = this.renderReactions(m);
      if (row) li.append(row);
    }
    const count = Math.max(m.thread?.reply_count ?? 0, replies.filter((r) => r.seq !== Number.MAX_SAFE_INTEGER).length);
    if (count > 0 || replies.length > 0) {
      const thread = el("div", { className: "thread" });
      thread.append(el("p", { className: "replies-count", textContent: count === 1 ? "1 reply" : `${count} replies` }));
      thread.append(el("ol", { ariaLabel: `Replies to ${m.sender_id}` }, ...replies.map((r) => this.renderMessage(r, receipts))));
      li.append(thread);
    }
    return li;
  }

  /** The message's reactions, counted, or null when it has none. */
  private renderReactions(m: Message): HTMLElement | null {
    const counts = Object.entries(m.reactions?.counts ?? {}).filter((e): e is [string, number] => (e[1] ?? 0) > 0);
    if (counts.length === 0) return null;
    const own = new Set(m.reactions?.own ?? []);
    const group = el("div", { className: "reactions" }, ...counts.map(([type, n]) => this.reactionButton(m, type, n, own.has(type))));
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", `Reactions to ${m.sender_id}'s message`);
    return group;
  }

  /** A toggle: pressed when this user reacted so; pressing it again takes it back. */
  private reactionButton(m: Message, type: string, n: number, mine: boolean): HTMLButtonElement {
    const b = el("button", {
      type: "button",
      textContent: n > 0 ? `${type} ${n}` : type,
      ariaLabel: n > 0 ? `${type}: ${n} ${n === 1 ? "reaction" : "reactions"}${mine ? ", yours among them" : ""}` : `React with ${type}`,
    });
    b.setAttribute("aria-pressed", String(mine));
    b.dataset.reaction = type;
    b.dataset.count = String(n);
    b.addEventListener("click", () => void this.react(m, type, !mine));
    return b;
  }

  private editForm(m: Message): HTMLFormElement {
    const id = `edit-${m.message_id}`;
    const input = el("input", { id, value: m.content, maxLength: 4000, required: true });
    const form = el("form", { className: "edit" },
      el("label", { htmlFor: id, className: "sr-only", textContent: "Edit message" }), input,
      el("button", { type: "submit", textContent: "Save" }),
      el("button", { type: "button", textContent: "Cancel", className: "cancel" }));
    const done = () => {
      this.editing = null;
      this.renderMessages();
      $<HTMLInputElement>("text").focus();
    };
    form.querySelector(".cancel")!.addEventListener("click", done);
    input.addEventListener("keydown", (e) => e.key === "Escape" && done());
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const content = input.value.trim();
      if (content && content !== m.content) {
        const { data, error } = await this.rest.PATCH("/rooms/{room_id}/messages/{message_id}", {
          params: { path: { room_id: m.room_id, message_id: m.message_id } },
          body: { content },
        });
        if (data) this.store(data.data, false);
        else $("typing").textContent = `Not saved: ${error?.error?.message ?? "error"}`;
      }
      done();
    });
    return form;
  }
}

/**
 * A search hit's highlight: the server's HTML, the content escaped and the
 * matches in <mark>. Parsed in an inert template and taken only when it
 * holds nothing but text and <mark>; otherwise the plain content.
 */
function highlighted(html: string, content: string): HTMLElement {
  const span = el("span", { className: "highlight" });
  const t = document.createElement("template");
  t.innerHTML = html;
  if (t.content.querySelector(":not(mark)") || t.content.querySelector("mark *")) span.textContent = content;
  else span.append(t.content);
  return span;
}

/** An attachment: an image shown (its thumbnail when it has one) linked to the file; any other file a link. */
function renderAttachment(a: Attachment): HTMLElement {
  if (!a.url) return el("span", { className: "file", textContent: `${a.filename} (loading…)` });
  const link = el("a", { href: a.url, target: "_blank", rel: "noopener" });
  if (a.content_type.startsWith("image/")) {
    const img = el("img", { src: a.thumbnail_url ?? a.url, alt: a.filename, decoding: "async" });
    // Which file it shows, for whoever watches (a test).
    img.dataset.variant = a.thumbnail_url ? "thumbnail" : "original";
    if (a.width && a.height) {
      // Scaled into the box now, so the list does not jump when it loads.
      const scale = Math.min(1, IMAGE_BOX.width / a.width, IMAGE_BOX.height / a.height);
      img.width = Math.max(1, Math.round(a.width * scale));
      img.height = Math.max(1, Math.round(a.height * scale));
    }
    link.append(img);
    link.ariaLabel = `Open image ${a.filename}`;
  } else {
    link.textContent = `${a.filename} (${Math.ceil(a.size / 1024)} KB)`;
  }
  return link;
}

async function login(user: string): Promise<void> {
  const session = await fetchSession(user);
  await new DemoApp(session).start();
}

const form = $<HTMLFormElement>("login");
form.addEventListener("submit", (e) => {
  e.preventDefault();
  const user = $<HTMLInputElement>("login-name").value.trim();
  $("login-error").textContent = "";
  login(user).catch((err: Error) => ($("login-error").textContent = `Could not join: ${err.message}`));
});
for (const b of document.querySelectorAll<HTMLButtonElement>("#quick-join button")) {
  b.addEventListener("click", () => {
    $<HTMLInputElement>("login-name").value = b.dataset.user ?? "";
    form.requestSubmit();
  });
}
const preset = new URLSearchParams(location.search).get("user");
if (preset) {
  $<HTMLInputElement>("login-name").value = preset;
  form.requestSubmit();
}
