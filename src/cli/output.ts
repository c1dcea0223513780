/**
 * Where ctl writes: the process's stdout and stderr, or a test's buffers.
 * Standard output is buffered and flushed before anything goes to standard
 * error (and before ctl reads standard input), so the two interleave as
 * etcdctl's unbuffered writes do.
 *
 * @module
 */

import { utf8Encode } from "../util/bytes.ts";

/** A sink for bytes (a stream's synchronous write). */
export type Sink = (bytes: Uint8Array) => void;

/** Buffered standard output plus unbuffered standard error. */
export class Output {
  readonly #stdout: Sink;
  readonly #stderr: Sink;
  #pending: Uint8Array[] = [];

  constructor(stdout: Sink, stderr: Sink) {
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** Writes `chunk` (UTF-8 text or raw bytes) to standard output. */
  out(chunk: string | Uint8Array): void {
    this.#pending.push(typeof chunk === "string" ? utf8Encode(chunk) : chunk);
  }

  /** Writes `chunk` to standard error, after whatever standard output holds. */
  err(chunk: string | Uint8Array): void {
    this.flush();
    this.#stderr(typeof chunk === "string" ? utf8Encode(chunk) : chunk);
  }

  /** Writes buffered standard output through. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const total = this.#pending.reduce((n, chunk) => n + chunk.length, 0);
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const chunk of this.#pending) {
      joined.set(chunk, offset);
      offset += chunk.length;
    }
    this.#pending = [];
    this.#stdout(joined);
  }
}
