/**
 * What the client has seen of each room, to drop what the server sends
 * twice: a resume replays from the cursor of the last `sync.complete`, which
 * knows nothing of the live events after it, and an unconfirmed message is
 * redelivered. Each room's events arrive in `event_seq` order and its
 * messages in `seq` order, so one high-water mark per room and kind is
 * enough: anything at or below it was seen.
 */
export interface RoomPositions {
  /** The highest `event_seq` seen, per room id. */
  events: Record<string, number>;
  /** The highest message `seq` seen, per room id. */
  messages: Record<string, number>;
}

export function emptyPositions(): RoomPositions {
  return { events: {}, messages: {} };
}

/** The fields of a server event that place it in its room. */
interface Placed {
  type: string;
  room_id?: unknown;
  event_seq?: unknown;
  seq?: unknown;
}

/**
 * Records ev in p and says whether it is new. Events that are not placed
 * in a room's log (presence, typing, receipts, replies) are always new.
 * A `message` is placed by its `event_seq` and by its `seq` (a message from
 * before the event log has only the latter).
 */
export function observe(p: RoomPositions, ev: Placed): boolean {
  if (typeof ev.room_id !== "string") return true;
  const room = ev.room_id;
  const isMessage = ev.type === "message";
  const eventSeq = typeof ev.event_seq === "number" ? ev.event_seq : undefined;
  const seq = isMessage && typeof ev.seq === "number" ? ev.seq : undefined;
  if (eventSeq === undefined && seq === undefined) return true;
  if (eventSeq !== undefined && eventSeq <= (p.events[room] ?? 0)) return false;
  if (seq !== undefined && seq <= (p.messages[room] ?? 0)) return false;
  if (eventSeq !== undefined) p.events[room] = eventSeq;
  if (seq !== undefined) p.messages[room] = seq;
  return true;
}
