/** How long to wait between reconnects. */
export interface BackoffOptions {
  /** The first delay's upper bound, in ms (default 500). */
  initialMs?: number;
  /** The largest delay, in ms (default 30 000). */
  maxMs?: number;
  /** How much each failed attempt multiplies the bound by (default 2). */
  factor?: number;
  /** A number in [0, 1), for tests (default Math.random). */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and
 * all of min(maxMs, initialMs * factor^n), so a crowd of clients that lost
 * the same server spreads out, and no client retries in a tight loop.
 */
export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 500;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.random = opts.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one attempt. */
  next(): number {
    const bound = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    return bound / 2 + (this.random() * bound) / 2;
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** Starts over, after a connection that worked. */
  reset(): void {
    this.attempt = 0;
  }
}

/**
 * The delay after `server.shutdown`: never less than what the server asked
 * for, plus up to half of it again (at least 250 ms) so that every client of
 * a restarted instance does not come back in the same millisecond.
 */
export function shutdownDelay(reconnectAfterMs: number, random: () => number = Math.random): number {
  const wait = Math.max(0, reconnectAfterMs);
  return wait + random() * Math.max(250, wait / 2);
}
