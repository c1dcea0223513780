/**
 * Byte writer and reader for the snapshot format: bytes, little-endian
 * fixed-width integers, unsigned LEB128 varints up to 2^53 - 1, and binary
 * strings (one byte per code unit). The writer either grows its buffer or
 * streams full buffers to a sink (for checksums without a copy). The
 * reader never reads past its end and never allocates more than the bytes
 * it has: every failure is the caller's typed error.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { keyToString, stringToKey } from "./key_string.ts";

/** Bytes of the writer's buffer in streaming mode, and its first size otherwise. */
const WRITER_BUFFER_BYTES = 64 * 1024;

/** Up to this length a byte loop copies faster than `TypedArray.set`. */
const SMALL_COPY_BYTES = 64;

/** Most bytes of a varint: 8 × 7 = 56 bits hold every safe integer. */
const VARINT_BYTES_MAX = 8;

/** Writes the snapshot format into a growing buffer, or streams it to a sink. */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;
  /** Bytes already handed to the sink. */
  #flushed = 0;
  readonly #sink: ((chunk: Uint8Array) => void) | null;

  /**
   * With a `sink`, full buffers go to it (each chunk valid only during the
   * call) and {@linkcode finish} flushes; without one, the buffer (first
   * `initialBytes`) grows by doubling and `finish` returns the bytes written.
   */
  constructor(
    sink: ((chunk: Uint8Array) => void) | null = null,
    initialBytes = WRITER_BUFFER_BYTES,
  ) {
    assert(sink === null || initialBytes === WRITER_BUFFER_BYTES, "byte writer: a sink's buffer");
    this.#sink = sink;
    this.#buf = new Uint8Array(Math.max(1, initialBytes));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** `n` zero bytes, to be filled by whoever takes the bytes (growing mode only). */
  reserve(n: number): void {
    assert(this.#sink === null, "byte writer: reserve with a sink");
    this.#room(n);
    this.#pos += n;
  }

  /** Makes room for `n` more bytes. */
  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    if (this.#sink !== null) {
      this.#flush();
      if (n <= this.#buf.length) return;
    }
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
    this.#view = new DataView(grown.buffer);
  }

  #flush(): void {
    if (this.#pos > 0) this.#sink!(this.#buf.subarray(0, this.#pos));
    this.#flushed += this.#pos;
    this.#pos = 0;
  }

  /** How many bytes were written so far. */
  get written(): number {
    return this.#flushed + this.#pos;
  }

  /** One byte. */
  byte(value: number): void {
    this.#room(1);
    this.#buf[this.#pos++] = value;
  }

  /** An unsigned varint (0 ≤ value ≤ 2^53 - 1). */
  varint(value: number): void {
    this.#room(VARINT_BYTES_MAX);
    const buf = this.#buf;
    let pos = this.#pos;
    if (value < 0x80 && value >= 0) {
      buf[pos++] = value;
    } else {
      assert(Number.isSafeInteger(value) && value >= 0, `varint of ${value}`);
      let rest = value;
      while (rest >= 0x8000_0000) {
        buf[pos++] = (rest % 0x80) | 0x80;
        rest = Math.floor(rest / 0x80);
      }
      while (rest >= 0x80) {
        buf[pos++] = (rest & 0x7f) | 0x80;
        rest >>>= 7;
      }
      buf[pos++] = rest;
    }
    this.#pos = pos;
  }

  /** A little-endian uint32. */
  uint32(value: number): void {
    this.#room(4);
    this.#view.setUint32(this.#pos, value, true);
    this.#pos += 4;
  }

  /** A little-endian int64. */
  int64(value: bigint): void {
    this.#room(8);
    this.#view.setBigInt64(this.#pos, value, true);
    this.#pos += 8;
  }

  /** Raw bytes. */
  bytes(value: Uint8Array): void {
    const length = value.length;
    if (this.#sink !== null && length >= WRITER_BUFFER_BYTES) {
      this.#flush();
      this.#sink(value);
      this.#flushed += length;
      return;
    }
    this.#room(length);
    if (length > SMALL_COPY_BYTES) {
      this.#buf.set(value, this.#pos);
      this.#pos += length;
      return;
    }
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < length; i++) buf[pos++] = value[i]!;
    this.#pos = pos;
  }

  /** A binary string's bytes (no length). */
  binaryString(value: string): void {
    if (value.length >= WRITER_BUFFER_BYTES) {
      this.bytes(stringToKey(value));
      return;
    }
    this.#room(value.length);
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < value.length; i++) buf[pos++] = value.charCodeAt(i);
    this.#pos = pos;
  }

  /**
   * Without a sink: the bytes written so far (a view, no copy; writing may
   * go on). With one: flushes the rest and returns an empty array.
   */
  finish(): Uint8Array {
    if (this.#sink === null) return this.#buf.subarray(0, this.#pos);
    this.#flush();
    return new Uint8Array(0);
  }
}

/** Reads the snapshot format from `bytes[start, end)`; `fail` makes the caller's error. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #end: number;
  readonly #fail: (message: string) => Error;
  #pos: number;

  constructor(bytes: Uint8Array, start: number, end: number, fail: (message: string) => Error) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
    this.#fail = fail;
  }

  /** The read position. */
  get position(): number {
    return this.#pos;
  }

  /** Bytes left before the end. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  /** Throws the caller's error, naming the position. */
  fail(message: string): never {
    throw this.#fail(`${message} (at byte ${this.#pos})`);
  }

  #need(n: number, what: string): void {
    if (n > this.#end - this.#pos) this.fail(`truncated ${what}: ${n} bytes needed`);
  }

  /** One byte. */
  byte(): number {
    this.#need(1, "byte");
    return this.#bytes[this.#pos++]!;
  }

  /** An unsigned varint, at most 2^53 - 1. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_BYTES_MAX; i++) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) this.fail("varint beyond 2^53");
        if (byte === 0 && i > 0) this.fail("varint not minimal");
        return value;
      }
      scale *= 0x80;
    }
    return this.fail("varint too long");
  }

  /** A little-endian uint32. */
  uint32(): number {
    this.#need(4, "uint32");
    const value = this.#view.getUint32(this.#pos, true);
    this.#pos += 4;
    return value;
  }

  /** A little-endian int64. */
  int64(): bigint {
    this.#need(8, "int64");
    const value = this.#view.getBigInt64(this.#pos, true);
    this.#pos += 8;
    return value;
  }

  /** A copy of the next `length` bytes. */
  bytes(length: number): Uint8Array {
    this.#need(length, "bytes");
    const out = this.#bytes.slice(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  /** The next `length` bytes as a binary string. */
  binaryString(length: number): string {
    this.#need(length, "string");
    const out = keyToString(this.#bytes.subarray(this.#pos, this.#pos + length));
    this.#pos += length;
    return out;
  }
}
