/**
 * {@linkcode Deadlines}: request timeouts without a timer per request.
 *
 * Every request of a member waits at most the same time (etcd's request
 * timeout), so deadlines arrive in the order the requests do: a FIFO is a
 * priority queue, and one timer — armed for the oldest deadline still
 * pending — serves them all. A request settled before its deadline is only
 * marked; the timer skips it. Arming and clearing a timer per request was a
 * measurable share of a put's CPU cost.
 *
 * @module
 */

import { assert } from "../util/assert.ts";

/** A timer's handle, whatever the clock makes of it. */
export type TimerHandle = unknown;

/** What the queue needs of the clock and timers (the real ones by default). */
export interface DeadlineClock {
  now(): number;
  setTimeout(fire: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

const realClock: DeadlineClock = {
  now: () => performance.now(),
  setTimeout: (fire, delayMs) => setTimeout(fire, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Pending {
  readonly at: number;
  expire: (() => void) | null;
}

/** Deadlines that are all `timeoutMs` after they are added. */
export class Deadlines {
  readonly #timeoutMs: number;
  readonly #clock: DeadlineClock;
  #queue: Pending[] = [];
  /** The index of the oldest entry still in `#queue` (popping the front is O(1)). */
  #head = 0;
  #timer: TimerHandle | null = null;

  constructor(timeoutMs: number, clock: DeadlineClock = realClock) {
    assert(timeoutMs >= 0, "deadlines: negative timeout");
    this.#timeoutMs = timeoutMs;
    this.#clock = clock;
  }

  /** Requests waiting for their deadline (settled ones may still count until the timer passes them). */
  get size(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Calls `expire` `timeoutMs` from now unless the returned function (the
   * cancel) is called first.
   */
  add(expire: () => void): () => void {
    const pending: Pending = { at: this.#clock.now() + this.#timeoutMs, expire };
    this.#dropSettledHead();
    this.#queue.push(pending);
    if (this.#timer === null) this.#arm(this.#timeoutMs);
    return () => {
      pending.expire = null;
    };
  }

  /** Expires nothing more; cancels the timer. */
  clear(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#queue = [];
    this.#head = 0;
  }

  /** Requests mostly end in the order they came: forget the settled ones at the front. */
  #dropSettledHead(): void {
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.expire === null) this.#head++;
    if (this.#head === queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #arm(delayMs: number): void {
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, delayMs));
  }

  #fire(): void {
    this.#timer = null;
    const now = this.#clock.now();
    const queue = this.#queue;
    while (this.#head < queue.length) {
      const pending = queue[this.#head]!;
      if (pending.expire !== null && pending.at > now) break;
      this.#head++;
      const expire = pending.expire;
      pending.expire = null;
      expire?.();
    }
    this.#dropSettledHead();
    if (this.#head < this.#queue.length) this.#arm(this.#queue[this.#head]!.at - now);
  }
}
