/**
 * Jittered exponential backoff for redialling a peer: the base delay
 * doubles from the minimum to the maximum after each failure, and each
 * wait is drawn uniformly from [base/2, base] so that members that lost
 * each other at once do not redial in lock step.
 *
 * @module
 */

/** Delays between reconnect attempts. */
export class Backoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;
  #baseMs: number;

  /** `random` returns a float in [0, 1). */
  constructor(minMs: number, maxMs: number, random: () => number) {
    this.#minMs = minMs;
    this.#maxMs = maxMs;
    this.#random = random;
    this.#baseMs = minMs;
  }

  /** The next delay in milliseconds; the base doubles for the one after. */
  next(): number {
    const base = this.#baseMs;
    this.#baseMs = Math.min(this.#maxMs, base * 2);
    return Math.round(base / 2 + (this.#random() * base) / 2);
  }

  /** Back to the minimum (after a connection that worked). */
  reset(): void {
    this.#baseMs = this.#minMs;
  }
}
