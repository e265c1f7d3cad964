// The optional `ws` peer dependency, as node.ts loads it (its own types are
// not needed: only the constructor is used, through WebSocketLike).
declare module "ws" {
  const WebSocket: unknown;
  export default WebSocket;
  export { WebSocket };
}
