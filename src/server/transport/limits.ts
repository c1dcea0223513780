/**
 * The peer transport's limits as one object (their values live in
 * util/limits.ts): the defaults of {@linkcode TransportLimits}; a transport
 * may be given smaller ones (tests) and checks them at construction with
 * {@linkcode transportLimits}.
 *
 * @module
 */

import {
  peerDialTimeoutMs,
  peerFrameBytesMax,
  peerHandshakeTimeoutMs,
  peerIdleTimeoutMs,
  peerPingIntervalMs,
  peerQueueBytesMax,
  peerQueueMessagesMax,
  peerReadBufferBytes,
  peerReconnectBackoffMaxMs,
  peerReconnectBackoffMinMs,
  peerWriteBytesMax,
  snapshotBytesMax,
  snapshotChunkBytes,
} from "../../util/limits.ts";

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
  /** {@linkcode peerPingIntervalMs} */
  readonly pingIntervalMs: number;
  /** {@linkcode peerIdleTimeoutMs} */
  readonly idleTimeoutMs: number;
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
  pingIntervalMs: peerPingIntervalMs,
  idleTimeoutMs: peerIdleTimeoutMs,
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
  if (limits.pingIntervalMs >= limits.idleTimeoutMs) {
    throw new RangeError("transport limit pingIntervalMs must be below idleTimeoutMs");
  }
  return Object.freeze(limits);
}
