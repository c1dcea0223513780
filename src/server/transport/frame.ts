/**
 * Framing of the peer link: each frame is a big-endian u32 payload length
 * followed by a msgpackr payload. {@linkcode FrameQueue} collects outgoing
 * frames in one growing buffer so they leave in few `write` calls;
 * {@linkcode readFrames} cuts an incoming byte stream into payloads and
 * refuses an oversized length prefix before allocating anything for it.
 *
 * @module
 */

import { Packr } from "msgpackr";

/** The stream broke the framing (oversized length, end of stream inside a frame). */
export class FrameError extends Error {
  /** Creates the error; `message` says what was wrong. */
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/**
 * The peer link's msgpackr codec: no records, uint64/int64 as bigint, and
 * decoded binary copied out of the read buffer (which is reused).
 */
const packr = new Packr(
  { useRecords: false, int64AsType: "bigint", copyBuffers: true } as ConstructorParameters<
    typeof Packr
  >[0],
);

/**
 * The msgpackr bytes of `value`. The result is a view into the codec's
 * shared buffer: valid only until the next call, so copy it at once.
 */
export function packPayload(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Decodes one payload (binary fields come back copied, as Buffers). */
export function unpackPayload(payload: Uint8Array): unknown {
  return packr.unpack(payload);
}

/** A fresh frame (length prefix and payload) holding `value`. */
export function frameOf(value: unknown): Uint8Array {
  return framePayload(packPayload(value));
}

/** A fresh frame holding a copy of the packed `payload`. */
export function framePayload(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  new DataView(frame.buffer).setUint32(0, payload.length);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

const QUEUE_INITIAL_BYTES = 64 * 1024;
/** A drained buffer larger than this is let go rather than kept for reuse. */
const QUEUE_KEEP_BYTES = 1024 * 1024;

/**
 * Frames waiting to be written, back to back in one buffer. `take()` hands
 * out everything queued and starts a fresh buffer; `release()` gives a
 * written buffer back for reuse (two buffers alternate).
 */
export class FrameQueue {
  #buffer: Uint8Array = new Uint8Array(QUEUE_INITIAL_BYTES);
  #view: DataView = new DataView(this.#buffer.buffer);
  #length = 0;
  #frames = 0;
  #spare: Uint8Array | null = null;

  /** Frames queued. */
  get frames(): number {
    return this.#frames;
  }

  /** Bytes queued, length prefixes included. */
  get bytes(): number {
    return this.#length;
  }

  /** Appends one frame holding `payload` (copied). */
  append(payload: Uint8Array): void {
    const needed = this.#length + FRAME_HEADER_BYTES + payload.length;
    if (needed > this.#buffer.length) this.#grow(needed);
    this.#view.setUint32(this.#length, payload.length);
    this.#buffer.set(payload, this.#length + FRAME_HEADER_BYTES);
    this.#length = needed;
    this.#frames++;
  }

  /** Everything queued (null when empty); the queue is empty afterwards. */
  take(): Uint8Array | null {
    if (this.#length === 0) return null;
    const taken = this.#buffer.subarray(0, this.#length);
    this.#setBuffer(this.#spare ?? new Uint8Array(QUEUE_INITIAL_BYTES));
    this.#spare = null;
    return taken;
  }

  /** Gives back a buffer returned by `take()` once it was written. */
  release(taken: Uint8Array): void {
    if (taken.buffer.byteLength <= QUEUE_KEEP_BYTES && taken.buffer !== this.#buffer.buffer) {
      this.#spare = new Uint8Array(taken.buffer);
    }
  }

  /** Drops everything queued; returns how many frames were dropped. */
  clear(): number {
    const dropped = this.#frames;
    if (this.#buffer.length > QUEUE_KEEP_BYTES) {
      this.#setBuffer(new Uint8Array(QUEUE_INITIAL_BYTES));
    } else {
      this.#length = 0;
      this.#frames = 0;
    }
    return dropped;
  }

  #setBuffer(buffer: Uint8Array): void {
    this.#buffer = buffer;
    this.#view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.#length = 0;
    this.#frames = 0;
  }

  #grow(needed: number): void {
    let size = this.#buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }
}

/** The reading half of a connection. */
export interface ByteReader {
  read(buffer: Uint8Array): Promise<number | null>;
}

/** The writing half of a connection. */
export interface ByteWriter {
  write(bytes: Uint8Array): Promise<number>;
}

/** Writes all of `bytes`, at most `sliceBytesMax` per `write` call. */
export async function writeAll(
  writer: ByteWriter,
  bytes: Uint8Array,
  sliceBytesMax: number,
): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const end = Math.min(bytes.length, offset + sliceBytesMax);
    offset += await writer.write(bytes.subarray(offset, end));
  }
}

/** How {@linkcode readFrames} reads. */
export interface ReadFramesOptions {
  /** Largest payload accepted; a longer length prefix is a FrameError. */
  readonly frameBytesMax: number;
  /** Size of the reusable read buffer. */
  readonly readBufferBytes: number;
}

/**
 * Reads frames from `reader` until the end of the stream, calling
 * `onFrame` with each payload: a view into the read buffer, valid only
 * during the call. Resolves at a clean end of stream (between frames);
 * throws {@linkcode FrameError} on an oversized length prefix (before
 * allocating for it) or an end of stream inside a frame, and rethrows what
 * `onFrame` or `reader` throw.
 */
export async function readFrames(
  reader: ByteReader,
  options: ReadFramesOptions,
  onFrame: (payload: Uint8Array) => void,
): Promise<void> {
  let buffer = new Uint8Array(options.readBufferBytes);
  let view = new DataView(buffer.buffer);
  let start = 0;
  let end = 0;
  for (;;) {
    let needed = FRAME_HEADER_BYTES;
    while (end - start >= FRAME_HEADER_BYTES) {
      const length = view.getUint32(start);
      if (length > options.frameBytesMax) {
        throw new FrameError(
          `frame of ${length} bytes exceeds the limit of ${options.frameBytesMax}`,
        );
      }
      needed = FRAME_HEADER_BYTES + length;
      if (end - start < needed) break;
      onFrame(buffer.subarray(start + FRAME_HEADER_BYTES, start + needed));
      start += needed;
      needed = FRAME_HEADER_BYTES;
    }
    if (start === end) {
      start = end = 0;
      if (buffer.length > options.readBufferBytes) {
        buffer = new Uint8Array(options.readBufferBytes);
        view = new DataView(buffer.buffer);
      }
    }
    if (buffer.length - start < needed) {
      if (needed > buffer.length) {
        const grown = new Uint8Array(Math.max(options.readBufferBytes, needed));
        grown.set(buffer.subarray(start, end));
        buffer = grown;
        view = new DataView(grown.buffer);
      } else {
        buffer.copyWithin(0, start, end);
      }
      end -= start;
      start = 0;
    }
    const count = await reader.read(buffer.subarray(end));
    if (count === null) {
      if (end > start) {
        throw new FrameError(`connection closed inside a frame (${end - start} bytes of it read)`);
      }
      return;
    }
    end += count;
  }
}
