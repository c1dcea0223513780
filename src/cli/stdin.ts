/**
 * Standard input for ctl: read whole (`put` without a value) or line by line
 * (`txn`, the password prompt), as etcdctl's `ioutil.ReadAll` and
 * `bufio.Reader.ReadString('\n')` read it.
 *
 * @module
 */

import { utf8Decode } from "../util/bytes.ts";

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}

/** A lazily opened standard input. */
export class StdinReader {
  readonly #open: () => ReadableStream<Uint8Array> | null;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #buffer: Uint8Array = new Uint8Array(0);
  #eof = false;

  constructor(open: () => ReadableStream<Uint8Array> | null) {
    this.#open = open;
  }

  /** The next chunk of input, or `null` at its end. */
  async #next(): Promise<Uint8Array | null> {
    if (this.#eof) return null;
    if (this.#reader === null) {
      const stream = this.#open();
      if (stream === null) {
        this.#eof = true;
        return null;
      }
      this.#reader = stream.getReader();
    }
    const { done, value } = await this.#reader.read();
    if (done) {
      this.#eof = true;
      this.#reader.releaseLock();
      return null;
    }
    return value;
  }

  async #fill(): Promise<boolean> {
    const chunk = await this.#next();
    if (chunk === null) return false;
    this.#buffer = concat([this.#buffer, chunk]);
    return true;
  }

  /** Everything left, as bytes. */
  async readAll(): Promise<Uint8Array> {
    const chunks = [this.#buffer];
    for (let chunk = await this.#next(); chunk !== null; chunk = await this.#next()) {
      chunks.push(chunk);
    }
    this.#buffer = new Uint8Array(0);
    return concat(chunks);
  }

  /**
   * The next line with its `\n` (Go's `ReadString('\n')`), or, at end of
   * input, `{ text, eof: true }` with whatever came before it.
   */
  async readLine(): Promise<{ text: string; eof: boolean }> {
    for (;;) {
      const newline = this.#buffer.indexOf(0x0a);
      if (newline >= 0) {
        const line = this.#buffer.subarray(0, newline + 1);
        this.#buffer = this.#buffer.slice(newline + 1);
        return { text: utf8Decode(line), eof: false };
      }
      if (!(await this.#fill())) {
        const text = utf8Decode(this.#buffer);
        this.#buffer = new Uint8Array(0);
        return { text, eof: true };
      }
    }
  }

  /** Stops reading (cancels the stream if it was opened). */
  async close(): Promise<void> {
    if (this.#reader !== null && !this.#eof) {
      await this.#reader.cancel().catch(() => {});
      this.#eof = true;
    }
  }
}
