/**
 * `--auto-compaction-mode` and `--auto-compaction-retention`, as etcd 3.4's
 * compactors decide them. Clock-free: the owner calls
 * {@linkcode AutoCompactor.poll} with the time and the current revision (every
 * {@linkcode AutoCompactor.pollIntervalMs}) and proposes the compaction it returns.
 *
 * - periodic: keep `retention` of history. The revision is sampled every
 *   retention/10 (at most every 6 minutes); every retention (at most every
 *   hour), compact to the revision sampled one retention ago.
 * - revision: every 5 minutes, compact to current revision − retention.
 *
 * @module
 */

/** Which compactor runs. */
export type AutoCompactionMode = "periodic" | "revision";

const HOUR_MS = 60 * 60 * 1000;
const REVISION_POLL_MS = 5 * 60 * 1000;

/** Decides when to compact and to which revision. */
export class AutoCompactor {
  readonly #mode: AutoCompactionMode;
  /** periodic: retention in ms; revision: revisions kept. */
  readonly #retention: number;
  /** periodic: [time, revision] samples, oldest first. */
  #samples: Array<{ readonly atMs: number; readonly revision: number }> = [];
  #lastCompactMs: number | null = null;
  #lastCompacted = 0;

  /**
   * `retention` is in milliseconds for "periodic" and in revisions for
   * "revision"; 0 disables compaction.
   */
  constructor(mode: AutoCompactionMode, retention: number) {
    this.#mode = mode;
    this.#retention = retention;
  }

  /** Whether this compactor ever compacts. */
  get enabled(): boolean {
    return this.#retention > 0;
  }

  /** How often {@linkcode poll} should be called. */
  get pollIntervalMs(): number {
    if (this.#mode === "revision") return REVISION_POLL_MS;
    return Math.max(1, Math.floor(Math.min(this.#retention, HOUR_MS) / 10));
  }

  /** The revision to compact to now, or null. */
  poll(nowMs: number, currentRevision: number): number | null {
    if (!this.enabled) return null;
    return this.#mode === "revision"
      ? this.#pollRevision(currentRevision)
      : this.#pollPeriodic(nowMs, currentRevision);
  }

  #pollRevision(currentRevision: number): number | null {
    const target = currentRevision - this.#retention;
    if (target <= 0 || target === this.#lastCompacted) return null;
    this.#lastCompacted = target;
    return target;
  }

  #pollPeriodic(nowMs: number, currentRevision: number): number | null {
    this.#samples.push({ atMs: nowMs, revision: currentRevision });
    const cutoffMs = nowMs - this.#retention;
    // Keep the newest sample at or before the cutoff, and everything after it.
    while (this.#samples.length > 1 && this.#samples[1]!.atMs <= cutoffMs) this.#samples.shift();
    const oldest = this.#samples[0]!;
    if (oldest.atMs > cutoffMs) return null; // not one retention of history yet
    const intervalMs = Math.min(this.#retention, HOUR_MS);
    if (this.#lastCompactMs !== null && nowMs - this.#lastCompactMs < intervalMs) return null;
    if (oldest.revision <= this.#lastCompacted) return null;
    this.#lastCompactMs = nowMs;
    this.#lastCompacted = oldest.revision;
    return oldest.revision;
  }
}
