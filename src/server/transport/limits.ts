/**
 * The peer transport's limits, units last. They are the defaults of
 * {@linkcode TransportLimits}; a transport may be given smaller ones (tests)
 * and checks them at construction with {@linkcode transportLimits}.
 *
 * @module
 */

import { snapshotBytesMax } from "../../util/limits.ts";

/** Frames queued for one peer and not yet handed to the socket, at most (etcd's streamBufSize: 4096). */
export const peerQueueMessagesMax = 4096;

/** Bytes of frames queued for one peer and not yet handed to the socket, at most (32 MiB). */
export const peerQueueBytesMax = 32 * 1024 * 1024;

/** Largest frame accepted or sent, length prefix excluded (64 MiB plus 64 KiB of margin). */
export const peerFrameBytesMax = 64 * 1024 * 1024 + 64 * 1024;

/** Snapshot data carried by one chunk frame (1 MiB). */
export const snapshotChunkBytes = 1024 * 1024;

/** Bytes handed to one `conn.write` call at most when flushing a peer's queue (256 KiB). */
export const peerWriteBytesMax = 256 * 1024;

/** Size of each connection's read buffer; larger frames get a buffer of their own (64 KiB). */
export const peerReadBufferBytes = 64 * 1024;

/** First reconnect delay after a failed dial or a broken connection (before jitter). */
export const peerReconnectBackoffMinMs = 50;

/** Largest reconnect delay (before jitter). */
export const peerReconnectBackoffMaxMs = 2000;

/** How long one dial of one peer URL may take. */
export const peerDialTimeoutMs = 1000;

/** How long an accepted connection may take to send its handshake frame. */
export const peerHandshakeTimeoutMs = 5000;

/** Largest frame read from a connection before its handshake was accepted (a handshake is ~40 bytes). */
export const peerHandshakeFrameBytesMax = 256;

/** Largest frame a listener sends back to a dialer (accept, snapshot acknowledgement). */
export const peerReplyFrameBytesMax = 1024;

/**
 * Largest cluster information frame sent or accepted (1 MiB: thousands of
 * members). The request is a first frame, so it is held to
 * {@linkcode peerHandshakeFrameBytesMax}.
 */
export const peerClusterInfoBytesMax = 1024 * 1024;

/**
 * How long asking one peer URL for the cluster information may take (dial,
 * request, reply): etcd's `GetClusterFromRemotePeers` gives each URL 10 s.
 */
export const peerClusterInfoTimeoutMs = 10_000;

/** Every limit of a transport. */
export interface TransportLimits {
  /** {@linkcode peerQueueMessagesMax} */
  readonly queueMessagesMax: number;
  /** {@linkcode peerQueueBytesMax} */
  readonly queueBytesMax: number;
  /** {@linkcode peerFrameBytesMax} */
  readonly frameBytesMax: number;
  /** {@linkcode snapshotChunkBytes} */
  readonly snapshotChunkBytes: number;
  /** Largest snapshot sent or received (`snapshotBytesMax` of util/limits.ts). */
  readonly snapshotBytesMax: number;
  /** {@linkcode peerWriteBytesMax} */
  readonly writeBytesMax: number;
  /** {@linkcode peerReadBufferBytes} */
  readonly readBufferBytes: number;
  /** {@linkcode peerReconnectBackoffMinMs} */
  readonly backoffMinMs: number;
  /** {@linkcode peerReconnectBackoffMaxMs} */
  readonly backoffMaxMs: number;
  /** {@linkcode peerDialTimeoutMs} */
  readonly dialTimeoutMs: number;
  /** {@linkcode peerHandshakeTimeoutMs} */
  readonly handshakeTimeoutMs: number;
}

/** The limits every transport uses unless told otherwise. */
export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = Object.freeze({
  queueMessagesMax: peerQueueMessagesMax,
  queueBytesMax: peerQueueBytesMax,
  frameBytesMax: peerFrameBytesMax,
  snapshotChunkBytes,
  snapshotBytesMax,
  writeBytesMax: peerWriteBytesMax,
  readBufferBytes: peerReadBufferBytes,
  backoffMinMs: peerReconnectBackoffMinMs,
  backoffMaxMs: peerReconnectBackoffMaxMs,
  dialTimeoutMs: peerDialTimeoutMs,
  handshakeTimeoutMs: peerHandshakeTimeoutMs,
});

/** Room a chunk frame needs besides its data (kind, snapshot id, bin32 header). */
const CHUNK_OVERHEAD_BYTES = 64;

/**
 * The default limits with `overrides` applied, checked: every limit a
 * positive safe integer, a chunk frame fits in a frame, the minimum backoff
 * at most the maximum. Throws RangeError naming the bad limit.
 */
export function transportLimits(overrides: Partial<TransportLimits> = {}): TransportLimits {
  const limits: TransportLimits = { ...DEFAULT_TRANSPORT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`transport limit ${name} must be a positive integer, got ${value}`);
    }
  }
  if (limits.snapshotChunkBytes + CHUNK_OVERHEAD_BYTES > limits.frameBytesMax) {
    throw new RangeError("transport limit snapshotChunkBytes does not fit in frameBytesMax");
  }
  if (limits.backoffMinMs > limits.backoffMaxMs) {
    throw new RangeError("transport limit backoffMinMs exceeds backoffMaxMs");
  }
  return Object.freeze(limits);
}
