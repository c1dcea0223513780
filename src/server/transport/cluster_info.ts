/**
 * Asking a running cluster for its id and members over the peer protocol:
 * what a member started with `--initial-cluster-state existing` and an
 * empty data dir needs before it can start (etcd's
 * `GetClusterFromRemotePeers`, a `GET /members` on each peer URL).
 *
 * {@linkcode fetchClusterInfo} tries the URLs in turn: dial, send a cluster
 * information request as the first frame, read one reply frame (at most
 * {@linkcode peerClusterInfoBytesMax}), close. The first well-formed answer
 * wins; when none comes, it throws {@linkcode ClusterInfoError}.
 *
 * @module
 */

import type { Logger } from "../logger.ts";
import { createLogger } from "../logger.ts";
import { connectTcp, parsePeerUrl, type PeerConn, type PeerConnector } from "./address.ts";
import { callWithin } from "./short_call.ts";
import { PeerProtocolError } from "./codec.ts";
import { framePayload, writeAll } from "./frame.ts";
import {
  peerClusterInfoBytesMax,
  peerClusterInfoTimeoutMs,
  peerReadBufferBytes,
  peerWriteBytesMax,
} from "../../util/limits.ts";
import {
  type ClusterInfo,
  encodeClusterInfoRequest,
  PEER_PROTOCOL_VERSION,
  readReply,
} from "./wire.ts";

/** No peer URL answered with the cluster information. */
export class ClusterInfoError extends Error {
  /** The URLs tried, in order. */
  readonly urls: readonly string[];
  /** Why each URL failed, in the order tried (one line each). */
  readonly failures: readonly string[];

  /** Creates the error; the message names every URL tried and why it failed. */
  constructor(urls: readonly string[], failures: readonly string[]) {
    const tried = urls.length === 0
      ? "no URLs given"
      : urls.map((url, i) => `${url} (${failures[i] ?? "not tried"})`).join(", ");
    super(`could not retrieve cluster information from the given URLs: ${tried}`);
    this.name = "ClusterInfoError";
    this.urls = [...urls];
    this.failures = [...failures];
  }
}

/** How {@linkcode fetchClusterInfo} asks. */
export interface FetchClusterInfoOptions {
  /** How long each URL may take, dial to reply (default {@linkcode peerClusterInfoTimeoutMs}). */
  readonly timeoutMs?: number;
  /** Opens connections (default: plain TCP). */
  readonly connect?: PeerConnector;
  /** Where failures are logged, at warn (default: a logger writing to standard error). */
  readonly logger?: Logger;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, " ").trim() || "unknown error";
}

/** The answer on `conn`, or a rejection saying why there is none. */
async function askOne(conn: PeerConn): Promise<ClusterInfo> {
  await writeAll(conn, framePayload(encodeClusterInfoRequest()), peerWriteBytesMax);
  const frame = await readReply(conn, {
    frameBytesMax: peerClusterInfoBytesMax,
    readBufferBytes: Math.min(peerReadBufferBytes, peerClusterInfoBytesMax),
  });
  if (frame === null) throw new Error("the peer closed the connection without answering");
  if (frame.kind !== "clusterInfo") {
    throw new PeerProtocolError(`unexpected ${frame.kind} frame in answer`);
  }
  if (frame.version !== PEER_PROTOCOL_VERSION) {
    throw new PeerProtocolError(
      `peer protocol version ${frame.version}, not ${PEER_PROTOCOL_VERSION}`,
    );
  }
  return { clusterId: frame.clusterId, members: frame.members };
}

/**
 * Asks `url` within `timeoutMs`: on time out the connection is closed and
 * the attempt abandoned even if the connector ignores its signal.
 */
function askWithin(url: string, connect: PeerConnector, timeoutMs: number): Promise<ClusterInfo> {
  return callWithin({
    timeoutMs,
    open: (signal) => connect(parsePeerUrl(url), signal),
    use: askOne,
    timeoutError: (ms) => new Error(`no answer within ${ms} ms`),
  });
}

/**
 * The cluster id and members, from the first of `peerUrls` that answers
 * (tried in order, each within `timeoutMs`). Throws
 * {@linkcode ClusterInfoError} when none does, RangeError for a bad
 * `timeoutMs`.
 */
export async function fetchClusterInfo(
  peerUrls: readonly string[],
  options: FetchClusterInfoOptions = {},
): Promise<ClusterInfo> {
  const timeoutMs = options.timeoutMs ?? peerClusterInfoTimeoutMs;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
  }
  const connect = options.connect ?? connectTcp;
  const logger = options.logger ?? createLogger().named("server/transport");
  const failures: string[] = [];
  for (const url of peerUrls) {
    try {
      return await askWithin(url, connect, timeoutMs);
    } catch (error) {
      const reason = oneLine(error);
      failures.push(reason);
      logger.warn("failed to get cluster response", { "address": url, "error": reason });
    }
  }
  throw new ClusterInfoError(peerUrls, failures);
}
