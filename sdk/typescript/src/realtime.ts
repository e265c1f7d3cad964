import { Backoff, shutdownDelay, type BackoffOptions } from "./backoff.js";
import { MemoryCursorStore, type CursorStore, type ResumeState } from "./cursor-store.js";
import type { ClientEvents, ErrorEvent, MessageSentEvent, ServerEvents } from "./generated/events.js";
import { emptyPositions, observe } from "./positions.js";

/**
 * The part of the WebSocket API the client uses: the browser's WebSocket,
 * Node's global one (Node 22+) and the `ws` package all have it.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => unknown) | null;
  onmessage: ((ev: any) => unknown) | null;
  onclose: ((ev: any) => unknown) | null;
  onerror: ((ev: any) => unknown) | null;
}

/** A WebSocket class, e.g. `globalThis.WebSocket` or the `ws` package's. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** A user token as `POST /tokens` answers it, or just the token. */
export type TokenResult = string | { token: string; expires_at?: string };

/**
 * Gets a user token, typically from the app's own backend (which calls
 * `POST /tokens` with the tenant key). Called before the first connect,
 * when the cached token is about to expire, and with `refresh: true` after
 * the server refused the token or closed the connection because it expired.
 */
export type TokenProvider = (ctx: { refresh: boolean }) => TokenResult | Promise<TokenResult>;

/** How the realtime client authenticates. */
export type RealtimeAuth =
  /** What a browser should use: short-lived user tokens. */
  | { token: TokenProvider }
  /** A server-side client: the tenant key and the user, as query parameters. */
  | { apiKey: string; userId: string };

export interface RealtimeOptions {
  /** The server's origin, `https://…` or `wss://…` (the `/ws` path is added). */
  baseUrl: string;
  auth: RealtimeAuth;
  /** The WebSocket class (default: the global one). */
  WebSocket?: WebSocketConstructor;
  /** Where the resume cursor is kept (default: in memory). */
  cursorStore?: CursorStore;
  /** Reconnect delays after failures (default 0.5 s doubling to 30 s, jittered). */
  backoff?: BackoffOptions;
  /** How often received messages are confirmed with `delivered` (default 200 ms). */
  deliveredIntervalMs?: number;
  /** How many sends may wait for their `message.sent`, offline or not (default 100). */
  maxQueuedSends?: number;
  /** Sends refused with a retryable error (rate limit, internal error) are tried this often (default 5). */
  maxSendAttempts?: number;
  /** An app-level `ping` after this long without a frame; the connection is dropped when nothing answers (default 25 000 ms, 0 disables). */
  heartbeatMs?: number;
  /** Frames per second this client writes at most, and its burst (default 18 and 36: under the server's 20 and 40). */
  rate?: { perSecond: number; burst: number };
  /** Called when an event handler throws (default: console.error). */
  onHandlerError?: (err: unknown) => void;
}

/** The connection's lifecycle, as {@link RealtimeClient.onStatus} reports it. */
export type ConnectionStatus =
  | { status: "connecting"; attempt: number }
  | { status: "open" }
  | { status: "synced"; cursor: string }
  | { status: "waiting"; delayMs: number; code?: number; reason?: string; httpStatus?: number }
  | { status: "closed" };

/** A server `error` event, or a refusal the client decided on. */
export class ChatApiError extends Error {
  readonly code: string;
  readonly field?: string;
  constructor(code: string, message: string, field?: string) {
    super(message);
    this.name = "ChatApiError";
    this.code = code;
    this.field = field;
  }
}

export interface SendOptions {
  /** The message's meta object. */
  meta?: Record<string, unknown>;
  /** The idempotency id (default: a random UUID); a repeat answers the first message. */
  clientMsgId?: string;
  /** Give up (reject) after this long; the message may still be stored. */
  timeoutMs?: number;
  /** Send as a thread reply to this top-level message of the room. */
  parentId?: string;
  /** Quote this message of the room (a snapshot of it goes with the message). */
  quotedId?: string;
  /** Members of the room the message mentions (each gets a `mention` notification). */
  mentions?: string[];
}

interface PendingSend {
  roomId: string;
  content: string;
  meta?: Record<string, unknown>;
  /** parent_id, quoted_id and mentions, as the frame carries them. */
  refs: { parent_id?: string; quoted_id?: string; mentions?: string[] };
  clientMsgId: string;
  attempts: number;
  promise: Promise<MessageSentEvent>;
  resolve: (ev: MessageSentEvent) => void;
  reject: (err: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

const OPEN = 1;
const MAX_FRAME_BYTES = 64 * 1024;
const RETRYABLE = new Set(["RATE_LIMIT_EXCEEDED", "INTERNAL_ERROR"]);
const encoder = new TextEncoder();

type Handler<T> = (ev: T) => void;

/**
 * The server events a handler can be given: every one but
 * `presence.batch`, which arrives as its `presence.update` events.
 */
export type HandledEvent = Exclude<keyof ServerEvents, "presence.batch">;

/**
 * A realtime connection to ChatAPI that stays up: it reconnects with
 * jittered exponential backoff (after `server.shutdown`, never before
 * `reconnect_after_ms`), resumes from the cursor of the last `sync.complete`,
 * drops the events a resume or a redelivery repeats, confirms what it
 * received with batched `delivered`, and retries sends under their
 * `client_msg_id` until the server confirms them.
 *
 * ```ts
 * const rt = new RealtimeClient({ baseUrl, auth: { token: fetchToken } });
 * rt.on("message", (m) => console.log(m.sender_id, m.content));
 * await rt.connect();
 * await rt.sendMessage(roomId, "hello");
 * ```
 */
export class RealtimeClient {
  private readonly opts: RealtimeOptions;
  private readonly WS: WebSocketConstructor;
  private readonly store: CursorStore;
  private readonly backoff: Backoff;
  private readonly handlers = new Map<string, Set<Handler<any>>>();
  private readonly statusHandlers = new Set<Handler<ConnectionStatus>>();

  private state: ResumeState = { cursor: null, positions: emptyPositions() };
  private loaded = false;
  private stopped = true;
  private ws: WebSocketLike | null = null;
  private opened = false;
  private httpStatus: number | undefined;
  private preOpenFailures = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private shutdownUntil = 0;
  /** No connect before this time: the wait server.shutdown asked for. */
  private notBefore = 0;

  private token: { value: string; expiresAt: number } | null = null;
  private refreshToken = false;

  private readonly pending = new Map<string, PendingSend>();
  private readonly byRequest = new Map<string, string>();
  private requestCounter = 0;
  private lastSend: string | undefined;

  private outbox: string[] = [];
  private tokens: number;
  private tokensAt = Date.now();
  private pumpTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly deliveredDue = new Map<string, number>();
  private deliveredTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly readsDue = new Map<string, number>();
  private readonly typingSent = new Map<string, number>();

  private lastFrameAt = 0;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private syncWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];

  constructor(opts: RealtimeOptions) {
    this.opts = opts;
    const WS = opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) {
      throw new Error("chatapi: no WebSocket class; pass one as the WebSocket option (in Node 20, the ws package's)");
    }
    this.WS = WS;
    this.store = opts.cursorStore ?? new MemoryCursorStore();
    this.backoff = new Backoff(opts.backoff);
    this.tokens = this.rate.burst;
  }

  private get rate() {
    return this.opts.rate ?? { perSecond: 18, burst: 36 };
  }

  /**
   * Calls handler for every server event of that type, once per event
   * (repeats of room events are dropped before). Returns the unsubscribe.
   * A `presence.batch` frame is unpacked: its changes come, in order, as
   * `presence.update` events, so that one handler sees every change.
   */
  on<K extends HandledEvent>(type: K, handler: Handler<ServerEvents[K]>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Calls handler on every change of the connection's status. Returns the unsubscribe. */
  onStatus(handler: Handler<ConnectionStatus>): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }

  /** The cursor the next connection resumes from. */
  get cursor(): string | null {
    return this.state.cursor;
  }

  /** Whether a connection is open now. */
  get connected(): boolean {
    return this.ws !== null && this.opened && this.ws.readyState === OPEN;
  }

  /**
   * Starts connecting (and reconnecting until {@link close}); resolves at
   * the next `sync.complete`, when everything owed has arrived, and rejects
   * if the client is closed first.
   */
  async connect(): Promise<void> {
    const synced = new Promise<void>((resolve, reject) => this.syncWaiters.push({ resolve, reject }));
    if (!this.stopped) return synced;
    this.stopped = false;
    if (!this.loaded) {
      const saved = await this.store.load();
      if (saved) this.state = { cursor: saved.cursor, positions: saved.positions ?? emptyPositions() };
      this.loaded = true;
    }
    if (!this.stopped) void this.open();
    return synced;
  }

  /**
   * Replaces the connection now, resuming from the cursor, and resets the
   * backoff: for when the network is back (a browser's `online` event),
   * since a connection from before may be dead without knowing it yet, and
   * a reconnect may be waiting out a long backoff. What the old connection
   * still had on its way arrives again and is dropped as a repeat. Does
   * nothing after {@link close} or during the wait `server.shutdown` asked
   * for.
   */
  reconnect(): void {
    if (this.stopped || Date.now() < this.notBefore) return;
    const ws = this.ws;
    if (ws) {
      this.detach();
      try {
        ws.close(1000, "reconnecting");
      } catch {
        // already closing
      }
    }
    clearTimeout(this.reconnectTimer);
    this.backoff.reset();
    void this.open();
  }

  /** Closes the connection for good; sends still waiting are rejected. */
  close(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    if (ws) {
      this.detach();
      try {
        ws.close(1000, "client closed");
      } catch {
        // already closing
      }
    }
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ChatApiError("CLIENT_CLOSED", "the client was closed before the server confirmed the message"));
    }
    this.pending.clear();
    for (const w of this.syncWaiters.splice(0)) w.reject(new ChatApiError("CLIENT_CLOSED", "the client was closed before it synced"));
    this.flushDelivered(false);
    this.emitStatus({ status: "closed" });
  }

  /**
   * Sends a message and resolves with its `message.sent` (id, seq). While
   * offline the send waits in a bounded queue; it is resent under the same
   * `client_msg_id` after every reconnect until confirmed, so it is stored
   * exactly once.
   */
  sendMessage(roomId: string, content: string, opts: SendOptions = {}): Promise<MessageSentEvent> {
    const clientMsgId = opts.clientMsgId ?? randomId();
    const existing = this.pending.get(clientMsgId);
    if (existing) return existing.promise;
    if (this.pending.size >= (this.opts.maxQueuedSends ?? 100)) {
      return Promise.reject(new ChatApiError("QUEUE_FULL", "too many sends wait for the server; try again later"));
    }
    const refs = { parent_id: opts.parentId, quoted_id: opts.quotedId, mentions: opts.mentions };
    const frame = JSON.stringify({ type: "send_message", request_id: "s0000000000", room_id: roomId, content, meta: opts.meta, client_msg_id: clientMsgId, ...refs });
    if (encoder.encode(frame).length > MAX_FRAME_BYTES) {
      return Promise.reject(new ChatApiError("VALIDATION_ERROR", "the message is larger than a frame may be (64 KB)", "content"));
    }
    let resolve!: (ev: MessageSentEvent) => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<MessageSentEvent>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const p: PendingSend = { roomId, content, meta: opts.meta, refs, clientMsgId, attempts: 0, promise, resolve, reject };
    if (opts.timeoutMs !== undefined) {
      p.timer = setTimeout(() => {
        if (this.pending.get(clientMsgId) !== p) return;
        this.pending.delete(clientMsgId);
        reject(new ChatApiError("TIMEOUT", `no confirmation within ${opts.timeoutMs} ms; resend with the same clientMsgId to be sure`));
      }, opts.timeoutMs);
    }
    this.pending.set(clientMsgId, p);
    if (this.connected) this.writeSend(p);
    return promise;
  }

  /** How many sends wait for their confirmation. */
  get queuedSends(): number {
    return this.pending.size;
  }

  /**
   * Marks a room read up to seq (`ack`: the read cursor, unread counts,
   * read receipts). Sent now when connected, else on the next connect.
   */
  read(roomId: string, seq: number): void {
    this.readsDue.set(roomId, Math.max(seq, this.readsDue.get(roomId) ?? 0));
    if (this.connected) this.flushReads();
  }

  /**
   * Says whether the user is typing in a room; call it on every keystroke.
   * A start goes out at most every 3 s (the server stops one not refreshed
   * within 8 s), a stop only after a start. Only while connected.
   */
  typing(roomId: string, typing: boolean): void {
    const last = this.typingSent.get(roomId);
    if (typing) {
      if (last !== undefined && Date.now() - last < 3000) return;
      if (this.send({ type: "typing.start", room_id: roomId })) this.typingSent.set(roomId, Date.now());
    } else if (last !== undefined) {
      this.typingSent.delete(roomId);
      this.send({ type: "typing.stop", room_id: roomId });
    }
  }

  /**
   * Writes any client event now (e.g. `subscribe`, `notification.ack`);
   * false when not connected. Use {@link sendMessage} and {@link read} for
   * what must survive a reconnect.
   */
  send<K extends keyof ClientEvents>(ev: ClientEvents[K]): boolean {
    if (!this.connected) return false;
    this.enqueue(ev);
    return true;
  }

  // ---- connection ----

  private async open(): Promise<void> {
    if (this.stopped || this.ws) return;
    this.emitStatus({ status: "connecting", attempt: this.backoff.attempts });
    let url: string;
    try {
      url = await this.url();
    } catch (err) {
      this.retry({ reason: `token provider failed: ${errorMessage(err)}` });
      return;
    }
    if (this.stopped || this.ws) return;
    let ws: WebSocketLike;
    try {
      ws = new this.WS(url);
    } catch (err) {
      this.retry({ reason: errorMessage(err) });
      return;
    }
    this.ws = ws;
    this.opened = false;
    this.httpStatus = undefined;
    ws.onopen = () => ws === this.ws && this.onOpen();
    ws.onmessage = (ev: { data: unknown }) => ws === this.ws && this.onFrame(ev.data);
    ws.onerror = (ev: { message?: string; error?: { message?: string } }) => {
      // The ws package names the status of a refused handshake; browsers say nothing.
      const m = /Unexpected server response: (\d+)/.exec(String(ev?.message ?? ev?.error?.message ?? ""));
      if (ws === this.ws && m) this.httpStatus = Number(m[1]);
    };
    ws.onclose = (ev: { code?: number; reason?: string }) => ws === this.ws && this.onClose(ev.code ?? 1006, ev.reason ?? "");
  }

  private async url(): Promise<string> {
    const base = this.opts.baseUrl.replace(/\/+$/, "").replace(/^http/, "ws");
    const q = new URLSearchParams();
    const auth = this.opts.auth;
    if ("token" in auth) {
      q.set("token", await this.currentToken(auth.token));
    } else {
      q.set("api_key", auth.apiKey);
      q.set("user_id", auth.userId);
    }
    if (this.state.cursor) q.set("cursor", this.state.cursor);
    return `${base}/ws?${q}`;
  }

  private async currentToken(provider: TokenProvider): Promise<string> {
    const t = this.token;
    const fresh = t && (t.expiresAt === 0 || t.expiresAt - Date.now() > 30_000);
    if (t && fresh && !this.refreshToken) return t.value;
    const got = await provider({ refresh: this.refreshToken || t !== null });
    const value = typeof got === "string" ? got : got.token;
    const exp = typeof got === "string" || !got.expires_at ? 0 : Date.parse(got.expires_at);
    this.token = { value, expiresAt: Number.isFinite(exp) ? exp : 0 };
    this.refreshToken = false;
    return value;
  }

  private onOpen(): void {
    this.opened = true;
    this.preOpenFailures = 0;
    this.shutdownUntil = 0;
    this.lastFrameAt = Date.now();
    this.emitStatus({ status: "open" });
    for (const p of this.pending.values()) this.writeSend(p);
    this.flushReads();
    this.flushDelivered(true);
    this.startHeartbeat();
  }

  private onClose(code: number, reason: string): void {
    const opened = this.opened;
    const httpStatus = this.httpStatus;
    this.detach();
    if (this.stopped) return;
    if (!opened) this.preOpenFailures++;
    if (code === 1008 || httpStatus === 401) {
      // The token expired or was revoked: the next connect asks for a new one.
      this.refreshToken = true;
    } else if (!opened && httpStatus === undefined && this.preOpenFailures === 2) {
      // A browser cannot tell a refused token from a server that is down:
      // refresh once per run of failures.
      this.refreshToken = true;
    }
    if (httpStatus === 400 && this.state.cursor) {
      // The cursor was refused: connect without it (a connect-time sync).
      this.state.cursor = null;
      void this.store.save(this.state);
    }
    if ((code === 1007 || code === 1009) && this.lastSend) {
      // That frame must not be sent again.
      const p = this.pending.get(this.lastSend);
      if (p) this.fail(p, new ChatApiError("VALIDATION_ERROR", `the server refused the frame (close ${code})`));
    }
    this.retry({ code, reason, httpStatus });
  }

  /** Forgets the current socket and everything tied to it. */
  private detach(): void {
    const ws = this.ws;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    }
    this.ws = null;
    this.opened = false;
    this.outbox = [];
    this.byRequest.clear();
    this.lastSend = undefined;
    this.typingSent.clear();
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private retry(why: { code?: number; reason?: string; httpStatus?: number }): void {
    if (this.stopped) return;
    let delayMs = this.backoff.next();
    if (this.shutdownUntil > 0) {
      // After server.shutdown: never before reconnect_after_ms, plus jitter.
      delayMs = shutdownDelay(this.shutdownUntil - Date.now(), this.backoff.random);
      this.shutdownUntil = 0;
      this.notBefore = Date.now() + delayMs;
    }
    this.emitStatus({ status: "waiting", delayMs, ...why });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.open(), delayMs);
  }

  private startHeartbeat(): void {
    const every = this.opts.heartbeatMs ?? 25_000;
    if (every <= 0) return;
    let pinged = false;
    this.heartbeatTimer = setInterval(() => {
      const quiet = Date.now() - this.lastFrameAt;
      if (quiet < every) {
        pinged = false;
        return;
      }
      if (!pinged) {
        pinged = true;
        this.enqueue({ type: "ping" });
        return;
      }
      // Nothing arrived, not even the pong: the connection is gone.
      const ws = this.ws;
      this.onClose(4000, "no answer to ping");
      try {
        ws?.close();
      } catch {
        // already closed
      }
    }, every);
  }

  // ---- inbound ----

  private onFrame(data: unknown): void {
    this.lastFrameAt = Date.now();
    if (typeof data !== "string") data = String(data);
    let ev: { type?: unknown; [k: string]: unknown };
    try {
      ev = JSON.parse(data as string);
    } catch {
      return;
    }
    if (!ev || typeof ev.type !== "string") return;
    switch (ev.type) {
      case "sync.complete":
        this.state.cursor = ev.cursor as string;
        void this.store.save(this.state);
        this.backoff.reset();
        this.emit(ev);
        this.emitStatus({ status: "synced", cursor: this.state.cursor });
        for (const w of this.syncWaiters.splice(0)) w.resolve();
        return;
      case "server.shutdown":
        this.shutdownUntil = Date.now() + Number(ev.reconnect_after_ms ?? 0);
        break;
      case "message.sent":
        this.onSent(ev as unknown as MessageSentEvent);
        break;
      case "error":
        this.onError(ev as unknown as ErrorEvent);
        break;
      case "presence.batch":
        // The changes the server held together, one presence.update each.
        for (const u of Array.isArray(ev.updates) ? ev.updates : []) {
          if (u && typeof u === "object") this.emit({ ...(u as object), type: "presence.update" });
        }
        return;
      default:
        if (!observe(this.state.positions, ev as { type: string })) return;
        if (ev.type === "message" && typeof ev.room_id === "string" && typeof ev.seq === "number") {
          this.deliveredDue.set(ev.room_id, Math.max(ev.seq, this.deliveredDue.get(ev.room_id) ?? 0));
          this.scheduleDelivered();
        }
    }
    this.emit(ev);
  }

  private emit(ev: { type?: unknown }): void {
    const set = this.handlers.get(ev.type as string);
    if (!set) return;
    for (const h of [...set]) {
      try {
        h(ev);
      } catch (err) {
        (this.opts.onHandlerError ?? console.error)(err);
      }
    }
  }

  private emitStatus(s: ConnectionStatus): void {
    for (const h of [...this.statusHandlers]) {
      try {
        h(s);
      } catch (err) {
        (this.opts.onHandlerError ?? console.error)(err);
      }
    }
  }

  private onSent(ev: MessageSentEvent): void {
    const id = ev.request_id && this.byRequest.get(ev.request_id);
    if (!id) return;
    this.byRequest.delete(ev.request_id!);
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(ev);
  }

  private onError(ev: ErrorEvent): void {
    const id = ev.request_id && this.byRequest.get(ev.request_id);
    if (!id) return;
    this.byRequest.delete(ev.request_id!);
    const p = this.pending.get(id);
    if (!p) return;
    if (RETRYABLE.has(ev.code) && p.attempts < (this.opts.maxSendAttempts ?? 5)) {
      const ws = this.ws;
      setTimeout(() => {
        if (ws === this.ws && this.connected && this.pending.get(id) === p) this.writeSend(p);
      }, 500 * 2 ** p.attempts);
      return;
    }
    this.fail(p, new ChatApiError(ev.code, ev.message, ev.field));
  }

  private fail(p: PendingSend, err: Error): void {
    this.pending.delete(p.clientMsgId);
    clearTimeout(p.timer);
    p.reject(err);
  }

  // ---- outbound ----

  private writeSend(p: PendingSend): void {
    p.attempts++;
    const requestId = `s${++this.requestCounter}`;
    this.byRequest.set(requestId, p.clientMsgId);
    this.lastSend = p.clientMsgId;
    this.enqueue({ type: "send_message", request_id: requestId, room_id: p.roomId, content: p.content, meta: p.meta, client_msg_id: p.clientMsgId, ...p.refs });
  }

  private flushReads(): void {
    for (const [room, seq] of this.readsDue) this.enqueue({ type: "ack", room_id: room, seq });
    this.readsDue.clear();
  }

  private scheduleDelivered(): void {
    if (this.deliveredTimer !== undefined) return;
    this.deliveredTimer = setTimeout(() => {
      this.deliveredTimer = undefined;
      this.flushDelivered(true);
    }, this.opts.deliveredIntervalMs ?? 200);
  }

  /** Sends the delivered cursors due (when connected) and saves the positions seen. */
  private flushDelivered(send: boolean): void {
    if (send && this.connected) {
      for (const [room, seq] of this.deliveredDue) this.enqueue({ type: "delivered", room_id: room, seq });
      this.deliveredDue.clear();
    }
    if (this.loaded) void this.store.save(this.state);
  }

  /** Queues a frame for the current socket, written at most at the client's rate. */
  private enqueue(ev: object): void {
    this.outbox.push(JSON.stringify(ev));
    this.pump();
  }

  private pump(): void {
    const { perSecond, burst } = this.rate;
    const now = Date.now();
    this.tokens = Math.min(burst, this.tokens + ((now - this.tokensAt) * perSecond) / 1000);
    this.tokensAt = now;
    const ws = this.ws;
    while (this.outbox.length > 0 && this.tokens >= 1 && ws && ws.readyState === OPEN) {
      try {
        ws.send(this.outbox.shift()!);
      } catch {
        return; // the close event follows
      }
      this.tokens--;
    }
    if (this.outbox.length > 0 && this.pumpTimer === undefined) {
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = undefined;
        this.pump();
      }, Math.ceil(((1 - this.tokens) * 1000) / perSecond));
    }
  }
}

function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
