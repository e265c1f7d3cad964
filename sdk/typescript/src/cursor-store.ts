import type { RoomPositions } from "./positions.js";

/** Where a client resumes from: what it saved at its last sync and since. */
export interface ResumeState {
  /** The `cursor` of the last `sync.complete`; opaque, kept as it is. */
  cursor: string | null;
  /** What was seen of each room, to drop events a resume repeats. */
  positions: RoomPositions;
}

/**
 * Keeps a client's resume state, so that a reconnect (or, with a durable
 * store, a restarted app) resumes where it stopped. Implement it over
 * localStorage, IndexedDB, a file, … ; {@link MemoryCursorStore} is the
 * default.
 */
export interface CursorStore {
  load(): ResumeState | null | Promise<ResumeState | null>;
  save(state: ResumeState): void | Promise<void>;
}

/** A cursor store that lives as long as the client object. */
export class MemoryCursorStore implements CursorStore {
  private state: ResumeState | null = null;
  load(): ResumeState | null {
    return this.state && structuredClone(this.state);
  }
  save(state: ResumeState): void {
    this.state = structuredClone(state);
  }
}

/** The part of the Web Storage API (localStorage, sessionStorage) used here. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A cursor store over localStorage (or anything with getItem/setItem). */
export class WebStorageCursorStore implements CursorStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key = "chatapi.resume",
  ) {}
  load(): ResumeState | null {
    const raw = this.storage.getItem(this.key);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as ResumeState;
    } catch {
      return null;
    }
  }
  save(state: ResumeState): void {
    this.storage.setItem(this.key, JSON.stringify(state));
  }
}
