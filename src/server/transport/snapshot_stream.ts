/**
 * Snapshots travel in pieces: the sender writes a begin frame (the MsgSnap
 * without its data, plus the data's size), then the data in chunk frames;
 * the receiver puts the pieces back together into one MsgSnap and
 * acknowledges it. A MsgSnap is sent this way even when it is small.
 *
 * @module
 */

import type { Message } from "../../raft/types.ts";
import { PeerProtocolError } from "./codec.ts";
import { framePayload } from "./frame.ts";
import { encodeSnapshotBegin, encodeSnapshotChunk } from "./wire.ts";

/** A MsgSnap on its way out: yields its begin frame, then one chunk frame per call. */
export class OutgoingSnapshot {
  readonly id: number;
  readonly message: Message;
  readonly #data: Uint8Array;
  readonly #chunkBytes: number;
  #begun = false;
  #offset = 0;

  /** `message` is a MsgSnap with a snapshot; `chunkBytes` is the data per chunk frame. */
  constructor(id: number, message: Message, chunkBytes: number) {
    this.id = id;
    this.message = message;
    this.#data = message.snapshot?.data ?? new Uint8Array(0);
    this.#chunkBytes = chunkBytes;
  }

  /** Whether every frame was handed out. */
  get allSent(): boolean {
    return this.#begun && this.#offset >= this.#data.length;
  }

  /** Bytes of data handed out so far. */
  get sentBytes(): number {
    return this.#offset;
  }

  /** The next frame (length prefix included), or null once all were handed out. */
  nextFrame(): Uint8Array | null {
    if (!this.#begun) {
      this.#begun = true;
      return framePayload(encodeSnapshotBegin(this.id, this.message));
    }
    if (this.#offset >= this.#data.length) return null;
    const end = Math.min(this.#data.length, this.#offset + this.#chunkBytes);
    const chunk = this.#data.subarray(this.#offset, end);
    this.#offset = end;
    return framePayload(encodeSnapshotChunk(this.id, chunk));
  }
}

/** One snapshot being received. */
interface Incoming {
  readonly id: number;
  readonly totalBytes: number;
  readonly message: Message;
  readonly chunks: Uint8Array[];
  receivedBytes: number;
}

/**
 * Puts a snapshot stream back together, one snapshot at a time per
 * connection. Memory is bounded: a snapshot declared larger than
 * `snapshotBytesMax` is refused at its begin frame, and data beyond the
 * declared size is refused.
 */
export class SnapshotAssembler {
  readonly #snapshotBytesMax: number;
  #incoming: Incoming | null = null;

  /** Refuses snapshots larger than `snapshotBytesMax`. */
  constructor(snapshotBytesMax: number) {
    this.#snapshotBytesMax = snapshotBytesMax;
  }

  /** Whether a snapshot is half received. */
  get busy(): boolean {
    return this.#incoming !== null;
  }

  /** Starts a snapshot; returns the MsgSnap at once when it has no data. */
  begin(snapshotId: number, totalBytes: number, message: Message): Message | null {
    if (this.#incoming !== null) throw new PeerProtocolError("snapshot begun inside another");
    if (message.type !== "MsgSnap" || message.snapshot === null) {
      throw new PeerProtocolError(`snapshot stream carries ${message.type}, not MsgSnap`);
    }
    if (totalBytes > this.#snapshotBytesMax) {
      throw new PeerProtocolError(
        `snapshot of ${totalBytes} bytes exceeds the limit of ${this.#snapshotBytesMax}`,
      );
    }
    this.#incoming = { id: snapshotId, totalBytes, message, chunks: [], receivedBytes: 0 };
    return totalBytes === 0 ? this.#finish() : null;
  }

  /** Adds a chunk; returns the whole MsgSnap when this was its last chunk. */
  chunk(snapshotId: number, data: Uint8Array): Message | null {
    const incoming = this.#incoming;
    if (incoming === null || incoming.id !== snapshotId) {
      throw new PeerProtocolError(`snapshot chunk for unknown snapshot ${snapshotId}`);
    }
    if (incoming.receivedBytes + data.length > incoming.totalBytes) {
      throw new PeerProtocolError(
        `snapshot ${snapshotId} is longer than its ${incoming.totalBytes} bytes`,
      );
    }
    if (data.length === 0) throw new PeerProtocolError(`empty chunk in snapshot ${snapshotId}`);
    incoming.chunks.push(data);
    incoming.receivedBytes += data.length;
    return incoming.receivedBytes === incoming.totalBytes ? this.#finish() : null;
  }

  /** The id of the snapshot last completed or in progress. */
  get currentId(): number | null {
    return this.#incoming?.id ?? null;
  }

  #finish(): Message {
    const incoming = this.#incoming;
    if (incoming === null) throw new PeerProtocolError("no snapshot in progress");
    this.#incoming = null;
    const data = concat(incoming.chunks, incoming.totalBytes);
    const snapshot = incoming.message.snapshot;
    if (snapshot === null) throw new PeerProtocolError("MsgSnap without a snapshot");
    return { ...incoming.message, snapshot: { data, metadata: snapshot.metadata } };
  }
}

function concat(chunks: readonly Uint8Array[], totalBytes: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const data = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.length;
  }
  return data;
}
