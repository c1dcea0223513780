/**
 * One short connection within a deadline: what a peer request and a
 * cluster-information question both are (dial, one frame each way, close).
 * On time out the dial is aborted, the connection closed and the call
 * rejected, even if the connector ignores its signal; the connection is
 * closed when the call ends, however it ends.
 *
 * @module
 */

import type { PeerConn } from "./address.ts";

/** Closes `conn`, ignoring a second close. */
export function closeQuietly(conn: PeerConn | null): void {
  try {
    conn?.close();
  } catch {
    // Already closed.
  }
}

/** How a short call is made. */
export interface ShortCall<T> {
  /** At most this long from the dial to the answer. */
  readonly timeoutMs: number;
  /** Opens the connection (abandoned when `signal` aborts). */
  readonly open: (signal: AbortSignal) => Promise<PeerConn>;
  /** Talks over it and returns the answer. */
  readonly use: (conn: PeerConn) => Promise<T>;
  /** The error of a call that timed out. */
  readonly timeoutError: (timeoutMs: number) => Error;
}

/** Runs `call`; see the module. */
export async function callWithin<T>(call: ShortCall<T>): Promise<T> {
  const abort = new AbortController();
  let conn: PeerConn | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      closeQuietly(conn);
      reject(call.timeoutError(call.timeoutMs));
    }, Math.max(0, call.timeoutMs));
  });
  const attempt = (async () => {
    const opened = await call.open(abort.signal);
    conn = opened;
    if (abort.signal.aborted) {
      closeQuietly(opened);
      throw call.timeoutError(call.timeoutMs);
    }
    return await call.use(opened);
  })();
  attempt.catch(() => {}); // Settles after a time out too; already reported.
  try {
    return await Promise.race([attempt, timedOut]);
  } finally {
    clearTimeout(timer);
    closeQuietly(conn);
  }
}
