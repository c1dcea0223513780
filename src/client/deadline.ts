/**
 * One call's time budget: an AbortSignal that fires when the command
 * timeout passes or the caller's own signal aborts, and sleeps that end
 * early with it. Timers are always cleared (no leaks under test sanitizers).
 *
 * @module
 */

/** Why a deadline's signal fired. */
export type DeadlineReason = "timeout" | "canceled";

/** A timeout plus an optional caller signal, as one AbortSignal. */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #parent: AbortSignal | undefined;
  readonly #onParentAbort = () => this.#abort("canceled");
  #reason: DeadlineReason | null = null;

  constructor(timeoutMs: number, parent?: AbortSignal) {
    this.#parent = parent;
    this.#timer = setTimeout(() => this.#abort("timeout"), Math.max(0, timeoutMs));
    if (parent?.aborted) this.#abort("canceled");
    else parent?.addEventListener("abort", this.#onParentAbort, { once: true });
  }

  #abort(reason: DeadlineReason): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    clearTimeout(this.#timer);
    this.#controller.abort();
  }

  /** Fires when the deadline passes or the caller cancels. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Why the signal fired, or `null` while it has not. */
  get reason(): DeadlineReason | null {
    return this.#reason;
  }

  /** A signal that also fires after `ms` (one attempt's budget); call `dispose` when done. */
  sub(ms: number | null): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort();
    this.signal.addEventListener("abort", onAbort, { once: true });
    if (this.signal.aborted) controller.abort();
    const timer = ms === null ? undefined : setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, ms);
    return {
      signal: controller.signal,
      timedOut: () => timedOut,
      dispose: () => {
        clearTimeout(timer);
        this.signal.removeEventListener("abort", onAbort);
      },
    };
  }

  /** Waits `ms`, or less if the deadline fires first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.addEventListener("abort", done, { once: true });
      if (this.signal.aborted) done();
    });
  }

  /** Clears the timer and the caller-signal listener. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#parent?.removeEventListener("abort", this.#onParentAbort);
  }
}
