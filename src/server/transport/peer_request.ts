/**
 * Requests outside Raft between members (what etcd sends over its peer
 * HTTP API besides the Raft streams: a follower forwards lease renewals and
 * time-to-live questions to the leader). Each request is one short
 * connection: dial the peer's first reachable URL, send a request frame as
 * the first frame (checked by the listener as a handshake is), read one
 * answer frame, close.
 *
 * {@linkcode askPeer} does the dialer's half within a time limit;
 * {@linkcode RequestGate} bounds how many a transport has in flight.
 *
 * @module
 */

import type { NodeId } from "../../raft/types.ts";
import { connectTcp, parsePeerUrl, type PeerConn, type PeerConnector } from "./address.ts";
import { callWithin } from "./short_call.ts";
import { PeerProtocolError } from "./codec.ts";
import { framePayload, writeAll } from "./frame.ts";
import {
  peerReadBufferBytes,
  peerRequestBytesMax,
  peerRequestReplyBytesMax,
  peerRequestsInFlightMax,
  peerWriteBytesMax,
} from "../../util/limits.ts";
import { encodePeerRequest, readReply } from "./wire.ts";

/** A request to a peer failed: not a peer, unreachable, refused, too slow, or its handler failed. */
export class PeerRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PeerRequestError";
  }
}

/** What a request needs besides its body. */
export interface AskPeerOptions {
  readonly clusterId: bigint;
  readonly from: NodeId;
  readonly to: NodeId;
  /** The peer's URLs, tried in order until one connects. */
  readonly urls: readonly string[];
  /** Dial to answer, at most. */
  readonly timeoutMs: number;
  /** Opens connections (default: plain TCP). */
  readonly connect?: PeerConnector;
}

/** The request frame, refused when larger than {@linkcode peerRequestBytesMax}. */
function requestFrame(options: AskPeerOptions, body: unknown): Uint8Array {
  const payload = encodePeerRequest(options.clusterId, options.from, options.to, body);
  if (payload.length > peerRequestBytesMax) {
    throw new PeerRequestError(`request of ${payload.length} bytes is too large`);
  }
  return framePayload(payload);
}

/** Dials the first URL that connects. */
async function dial(
  urls: readonly string[],
  connect: PeerConnector,
  signal: AbortSignal,
): Promise<PeerConn> {
  let last: unknown = new PeerRequestError("the peer has no URLs");
  for (const url of urls) {
    try {
      return await connect(parsePeerUrl(url), signal);
    } catch (error) {
      last = error;
      if (signal.aborted) break;
    }
  }
  throw last;
}

/** Sends the request on `conn` and reads its answer. */
async function exchange(conn: PeerConn, frame: Uint8Array): Promise<unknown> {
  await writeAll(conn, frame, peerWriteBytesMax);
  const answer = await readReply(conn, {
    frameBytesMax: peerRequestReplyBytesMax,
    readBufferBytes: Math.min(peerReadBufferBytes, peerRequestReplyBytesMax),
  });
  if (answer === null) {
    throw new PeerRequestError("the peer closed the connection without answering");
  }
  if (answer.kind !== "peerReply") {
    throw new PeerProtocolError(`unexpected ${answer.kind} frame in answer`);
  }
  if (!answer.ok) throw new PeerRequestError(String(answer.body));
  return answer.body;
}

/**
 * Asks the peer `options.to` and resolves with its handler's answer.
 * Rejects with {@linkcode PeerRequestError} (or the connection's error)
 * when no URL connects, the peer refuses or closes, its handler fails, or
 * no answer comes within `timeoutMs` (the connection is then closed).
 */
export async function askPeer(options: AskPeerOptions, body: unknown): Promise<unknown> {
  const frame = requestFrame(options, body);
  return await callWithin({
    timeoutMs: options.timeoutMs,
    open: (signal) => dial(options.urls, options.connect ?? connectTcp, signal),
    use: (conn) => exchange(conn, frame),
    timeoutError: (ms) => new PeerRequestError(`no answer within ${ms} ms`),
  });
}

/** Bounds the requests in flight: a request beyond the limit is refused at once. */
export class RequestGate {
  #inFlight = 0;

  constructor(readonly max: number = peerRequestsInFlightMax) {}

  /** Requests in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Runs `ask` if there is room; throws {@linkcode PeerRequestError} otherwise. */
  async run<T>(ask: () => Promise<T>): Promise<T> {
    if (this.#inFlight >= this.max) {
      throw new PeerRequestError(`too many requests in flight (${this.max})`);
    }
    this.#inFlight++;
    try {
      return await ask();
    } finally {
      this.#inFlight--;
    }
  }
}
