// The Node entry point: the same SDK, with the realtime client's WebSocket
// defaulting to Node's global one (Node 22+) or else the `ws` package (an
// optional peer dependency, needed on Node 20).
import { RealtimeClient as BaseRealtimeClient, type RealtimeOptions, type WebSocketConstructor } from "./realtime.js";

let NodeWebSocket = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
if (!NodeWebSocket) {
  try {
    const ws = await import("ws");
    NodeWebSocket = (ws.default ?? ws.WebSocket) as WebSocketConstructor;
  } catch {
    // Neither: the constructor asks for the WebSocket option.
  }
}

/** {@link BaseRealtimeClient} with Node's WebSocket (or the ws package's) as its default. */
export class RealtimeClient extends BaseRealtimeClient {
  constructor(opts: RealtimeOptions) {
    super({ ...opts, WebSocket: opts.WebSocket ?? NodeWebSocket });
  }
}

export * from "./index.js";
