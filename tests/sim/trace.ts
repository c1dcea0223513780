/**
 * The event trace of one simulated run: a running 64-bit hash (two FNV-1a
 * 32-bit lanes with different offsets) over every event description, and
 * optionally the descriptions themselves for `--trace`.
 *
 * @module
 */

const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units of `text`, continuing from `hash`. */
export function fnv1aString(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  }
  return h >>> 0;
}

/** FNV-1a over bytes, continuing from `hash`. */
export function fnv1aBytes(hash: number, bytes: Uint8Array): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h >>> 0;
}

/** FNV-1a over the four bytes of a 32-bit number, continuing from `hash`. */
export function fnv1aNumber(hash: number, value: number): number {
  let h = hash;
  const word = value >>> 0;
  h = Math.imul(h ^ (word & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((word >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((word >>> 16) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ (word >>> 24), FNV_PRIME);
  return h >>> 0;
}

/** The FNV-1a 32-bit offset basis. */
export const FNV_OFFSET = 0x811c9dc5;
const SECOND_OFFSET = 0x050c5d1f;

/** Options of a {@linkcode Trace}. */
export interface TraceOptions {
  /** Keep every line (for `--trace`); otherwise only the hash is kept. */
  readonly keepLines: boolean;
  /** Keep only the last `tailLines` lines (for failure excerpts); 0 keeps none. */
  readonly tailLines: number;
}

/** A running trace: hash of all lines, plus all or the last few lines. */
export class Trace {
  #low = FNV_OFFSET;
  #high = SECOND_OFFSET;
  #count = 0;
  readonly #options: TraceOptions;
  readonly lines: string[] = [];

  constructor(options: TraceOptions) {
    this.#options = options;
  }

  /** Appends one event description. */
  add(line: string): void {
    this.#low = fnv1aString(this.#low, line);
    this.#low = Math.imul(this.#low ^ 10, FNV_PRIME) >>> 0;
    this.#high = fnv1aString(this.#high, line);
    this.#high = Math.imul(this.#high ^ 10, FNV_PRIME) >>> 0;
    this.#count++;
    if (this.#options.keepLines) {
      this.lines.push(line);
    } else if (this.#options.tailLines > 0) {
      this.lines.push(line);
      if (this.lines.length > 2 * this.#options.tailLines) {
        this.lines.splice(0, this.lines.length - this.#options.tailLines);
      }
    }
  }

  /** How many lines were added. */
  get count(): number {
    return this.#count;
  }

  /** The trace hash as 16 hex digits. */
  hash(): string {
    return this.#high.toString(16).padStart(8, "0") + this.#low.toString(16).padStart(8, "0");
  }

  /** The last `count` lines kept. */
  tail(count: number): string[] {
    return this.lines.slice(Math.max(0, this.lines.length - count));
  }
}
