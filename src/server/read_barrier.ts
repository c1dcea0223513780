/**
 * Linearizable reads (etcd's linearizableReadLoop): every read waits for a
 * ReadIndex round that started after it arrived, then for the state machine
 * to apply up to that round's index, and is then served locally. Reads that
 * arrive while a round is in flight share the next round, so one round
 * serves a whole batch.
 *
 * @module
 */

import { bytesEqual } from "../util/bytes.ts";
import type { ReadState } from "../raft/mod.ts";

interface Reader {
  resolve(): void;
  reject(error: unknown): void;
}

interface Round {
  readonly context: Uint8Array;
  readonly readers: Reader[];
}

interface AppliedWait {
  readonly index: number;
  readonly readers: Reader[];
}

/** What the barrier needs from the member. */
export interface ReadBarrierHost {
  /** Starts a ReadIndex round with `context`. */
  readIndex(context: Uint8Array): void;
  /** The index applied so far. */
  appliedIndex(): number;
}

/** Batches linearizable reads behind ReadIndex rounds. */
export class ReadBarrier {
  readonly #host: ReadBarrierHost;
  #waiting: Reader[] = [];
  #round: Round | null = null;
  #applyWaits: AppliedWait[] = [];
  #sequence = 0;
  #roundAgeTicks = 0;

  constructor(host: ReadBarrierHost) {
    this.#host = host;
  }

  /** Resolves once a read that starts now may be served from the local state. */
  wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      if (this.#round === null) this.#startRound();
    });
  }

  /** ReadIndex answers from the core. */
  onReadStates(states: readonly ReadState[]): void {
    const round = this.#round;
    if (round === null) return;
    const state = states.find((s) => bytesEqual(s.requestCtx, round.context));
    if (state === undefined) return; // an answer to an abandoned round
    this.#round = null;
    if (state.index <= this.#host.appliedIndex()) {
      for (const reader of round.readers) reader.resolve();
    } else {
      this.#applyWaits.push({ index: state.index, readers: round.readers });
    }
    if (this.#waiting.length > 0) this.#startRound();
  }

  /** The state machine applied up to `index`. */
  onApplied(index: number): void {
    if (this.#applyWaits.length === 0) return;
    const still: AppliedWait[] = [];
    for (const wait of this.#applyWaits) {
      if (wait.index <= index) {
        for (const reader of wait.readers) reader.resolve();
      } else {
        still.push(wait);
      }
    }
    this.#applyWaits = still;
  }

  /**
   * Asks again for the round in flight (its answer may never come: the
   * leader changed or the request was lost). A late answer to the old
   * context is then ignored.
   */
  retry(): void {
    const round = this.#round;
    if (round === null) return;
    this.#round = { context: this.#nextContext(), readers: round.readers };
    this.#roundAgeTicks = 0;
    this.#host.readIndex(this.#round.context);
  }

  /** Fails every read waiting (a timeout with no answer, or the member stops). */
  failAll(error: unknown): void {
    const readers = [
      ...this.#waiting,
      ...(this.#round?.readers ?? []),
      ...this.#applyWaits.flatMap((wait) => wait.readers),
    ];
    this.#waiting = [];
    this.#round = null;
    this.#applyWaits = [];
    for (const reader of readers) reader.reject(error);
  }

  /** One heartbeat interval passed: a round unanswered for `retryTicks` is asked again. */
  tick(retryTicks: number): void {
    if (this.#round === null) return;
    if (++this.#roundAgeTicks >= retryTicks) this.retry();
  }

  /** Whether a round is waiting for its answer. */
  get roundInFlight(): boolean {
    return this.#round !== null;
  }

  #startRound(): void {
    const round: Round = { context: this.#nextContext(), readers: this.#waiting };
    this.#waiting = [];
    this.#round = round;
    this.#roundAgeTicks = 0;
    this.#host.readIndex(round.context);
  }

  #nextContext(): Uint8Array {
    const context = new Uint8Array(8);
    new DataView(context.buffer).setFloat64(0, ++this.#sequence);
    return context;
  }
}
