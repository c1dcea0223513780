/**
 * The inbound half of the peer link: one session per accepted connection.
 * The first frame must be a handshake naming this cluster, this member and
 * a known peer; anything else closes the connection with a warning naming
 * both ids. After it, every message must be addressed to this member and
 * come from that peer; a malformed frame closes the connection and changes
 * nothing. Snapshot streams are put back together here and acknowledged
 * once handed to the member.
 *
 * Instead of a handshake, the first frame may be a cluster information
 * request (from a member joining with an empty data dir, which knows no ids
 * yet): it is answered with the cluster id and members, if the transport was
 * given a source for them, and the connection is closed either way.
 *
 * @module
 */

import type { Message, NodeId } from "../../raft/types.ts";
import type { LogFields, Logger } from "../logger.ts";
import type { PeerConn } from "./address.ts";
import { PeerProtocolError } from "./codec.ts";
import { framePayload, readFrames, writeAll } from "./frame.ts";
import {
  peerClusterInfoBytesMax,
  peerHandshakeFrameBytesMax,
  peerRequestBytesMax,
  peerRequestReplyBytesMax,
} from "../../util/limits.ts";
import { type TransportLimits } from "./limits.ts";
import { SnapshotAssembler } from "./snapshot_stream.ts";
import {
  type ClusterInfoRequest,
  type ClusterInfoSource,
  decodeFrame,
  encodeAccept,
  encodeClusterInfo,
  encodePeerReply,
  encodePong,
  encodeSnapshotAck,
  type Hello,
  PEER_PROTOCOL_VERSION,
  type PeerRequestFrame,
  type WireFrame,
} from "./wire.ts";

/** What the sessions of a transport share. */
export interface InboundContext {
  readonly localId: NodeId;
  readonly clusterId: bigint;
  readonly limits: TransportLimits;
  readonly logger: Logger;
  /** Answers cluster information requests; null: such requests are closed unanswered. */
  readonly clusterInfo: ClusterInfoSource | null;
  /** Answers peers' requests outside Raft; null: they are refused. */
  readonly onRequest: ((from: NodeId, request: unknown) => Promise<unknown>) | null;
  /** Whether `id` is a peer now. */
  isPeer(id: NodeId): boolean;
  /** `session` is now `peer`'s inbound stream (an older one may be closed). */
  attach(peer: NodeId, session: InboundSession): void;
  /** `session` ended. */
  detach(session: InboundSession): void;
  /** Hands a checked message to the member. */
  deliver(message: Message): void;
}

/** The largest first frame read: a handshake, or a request outside Raft. */
const FIRST_FRAME_BYTES_MAX = Math.max(peerHandshakeFrameBytesMax, peerRequestBytesMax);

/** A refused handshake: logged at warn with `fields`. */
class RefusedError extends PeerProtocolError {
  readonly fields: LogFields;
  constructor(message: string, fields: LogFields) {
    super(message);
    this.fields = fields;
  }
}

function describeAddr(addr: Deno.Addr | undefined): string {
  if (addr === undefined) return "unknown";
  if (addr.transport === "tcp" || addr.transport === "udp") return `${addr.hostname}:${addr.port}`;
  return "path" in addr ? String(addr.path) : addr.transport;
}

/** One accepted connection. */
export class InboundSession {
  readonly #conn: PeerConn;
  readonly #ctx: InboundContext;
  readonly #remote: string;
  readonly #assembler: SnapshotAssembler;
  #peer: NodeId | null = null;
  /** The first frame was a cluster information request: the session is ending. */
  #answered = false;
  #closed = false;
  /** When the last frame arrived (performance.now() ms). */
  #heardAt = performance.now();
  #writes: Promise<void> = Promise.resolve();

  /** Wraps an accepted connection; call `run()` to serve it. */
  constructor(conn: PeerConn, ctx: InboundContext) {
    this.#conn = conn;
    this.#ctx = ctx;
    this.#remote = describeAddr(conn.remoteAddr);
    this.#assembler = new SnapshotAssembler(ctx.limits.snapshotBytesMax);
  }

  /** The peer, once its handshake was accepted. */
  get peer(): NodeId | null {
    return this.#peer;
  }

  /** Serves the connection until it ends; never throws. */
  async run(): Promise<void> {
    const { limits, logger } = this.#ctx;
    const timer = setTimeout(() => {
      if (this.#peer !== null || this.#answered) return;
      logger.warn("closed a peer connection that sent no handshake", {
        "remote-addr": this.#remote,
      });
      this.close();
    }, limits.handshakeTimeoutMs);
    // A dialer sends at least a heartbeat every ping interval: a silent
    // stream was cut by the network (or its peer hangs) and is closed.
    const idle = setInterval(() => {
      if (this.#peer === null || this.#closed) return;
      const silentMs = performance.now() - this.#heardAt;
      if (silentMs <= limits.idleTimeoutMs) return;
      this.#warn("closed a silent peer connection", `nothing heard for ${Math.round(silentMs)} ms`);
      this.close();
    }, limits.pingIntervalMs);
    const isKnown = () => this.#peer !== null;
    const options = {
      // Until the handshake is accepted, only a handshake- or request-sized frame is read.
      get frameBytesMax() {
        return isKnown() ? limits.frameBytesMax : FIRST_FRAME_BYTES_MAX;
      },
      readBufferBytes: limits.readBufferBytes,
    };
    try {
      await readFrames(this.#conn, options, (payload) => this.#onFrame(payload));
      if (this.#assembler.busy) this.#warn("peer closed the connection inside a snapshot", null);
    } catch (error) {
      if (!this.#closed) this.#warn("closed a peer connection", error);
    } finally {
      clearTimeout(timer);
      clearInterval(idle);
      this.close();
      this.#ctx.detach(this);
      await this.#writes;
    }
  }

  /** Closes the connection (run() then ends). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  #warn(msg: string, error: unknown): void {
    if (error instanceof RefusedError) {
      this.#ctx.logger.warn(error.message, error.fields);
      return;
    }
    this.#ctx.logger.warn(msg, {
      "local-member-id": this.#ctx.localId,
      "remote-peer-id": this.#peer ?? undefined,
      "remote-addr": this.#remote,
      "error": error === null ? undefined : error instanceof Error ? error.message : String(error),
    });
  }

  #onFrame(payload: Uint8Array): void {
    if (this.#closed) throw new PeerProtocolError("connection closed");
    this.#heardAt = performance.now();
    if (this.#answered) {
      throw new PeerProtocolError("frame after a cluster information request");
    }
    const frame = decodeFrame(payload);
    if (frame.kind === "clusterInfoRequest" && this.#peer === null) {
      this.#answerClusterInfo(frame);
      return;
    }
    if (frame.kind === "peerRequest" && this.#peer === null) {
      this.#answerRequest(frame);
      return;
    }
    if (this.#peer === null) {
      this.#handshake(frame);
      return;
    }
    switch (frame.kind) {
      case "message":
        this.#deliver(this.#check(frame.message));
        return;
      case "snapshotBegin": {
        const message = this.#check(frame.message);
        this.#snapshotDone(
          frame.snapshotId,
          this.#assembler.begin(frame.snapshotId, frame.totalBytes, message),
        );
        return;
      }
      case "snapshotChunk":
        this.#snapshotDone(frame.snapshotId, this.#assembler.chunk(frame.snapshotId, frame.data));
        return;
      case "ping":
        this.#write(framePayload(encodePong()));
        return;
      default:
        throw new PeerProtocolError(`unexpected ${frame.kind} frame from a dialing peer`);
    }
  }

  #handshake(frame: WireFrame): void {
    if (frame.kind !== "hello") {
      throw new PeerProtocolError(`expected a handshake, got a ${frame.kind} frame`);
    }
    this.#refuseUnless(frame);
    this.#peer = frame.from;
    this.#ctx.attach(frame.from, this);
    this.#write(framePayload(encodeAccept(this.#ctx.clusterId, this.#ctx.localId)));
  }

  /** Sends the cluster information (if there is a source and it fits), then closes. */
  #answerClusterInfo(request: ClusterInfoRequest): void {
    this.#answered = true;
    const { clusterInfo, localId, logger } = this.#ctx;
    const fields = { "local-member-id": localId, "remote-addr": this.#remote };
    if (request.version !== PEER_PROTOCOL_VERSION) {
      throw new RefusedError("request version incompatibility", {
        ...fields,
        "local-protocol-version": PEER_PROTOCOL_VERSION,
        "remote-protocol-version": request.version,
      });
    }
    if (clusterInfo === null) {
      logger.debug("closed a cluster information request; this member does not serve it", fields);
      this.close();
      return;
    }
    let payload: Uint8Array;
    try {
      const info = clusterInfo();
      payload = encodeClusterInfo(info.clusterId, info.members);
    } catch (error) {
      logger.error("failed to get the cluster information for a peer", { ...fields, error });
      this.close();
      return;
    }
    if (payload.length > peerClusterInfoBytesMax) {
      logger.error("cluster information is too large to send", {
        ...fields,
        "size": payload.length,
        "limit": peerClusterInfoBytesMax,
      });
      this.close();
      return;
    }
    this.#write(framePayload(payload));
    this.#writes = this.#writes.then(() => this.close());
    logger.debug("served the cluster information to a peer", fields);
  }

  /**
   * Answers a request outside Raft (checked as a handshake is), then closes:
   * the handler's answer, or its failure's message.
   */
  #answerRequest(request: PeerRequestFrame): void {
    this.#answered = true;
    this.#refuseUnless(request);
    const onRequest = this.#ctx.onRequest;
    const answer = onRequest === null
      ? Promise.reject(new Error("this member answers no requests"))
      : onRequest(request.from, request.body);
    const reply = answer.then(
      (body) => encodePeerReply(true, body),
      (error) => encodePeerReply(false, error instanceof Error ? error.message : String(error)),
    ).then((payload) => {
      if (payload.length > peerRequestReplyBytesMax) {
        return encodePeerReply(false, `answer of ${payload.length} bytes is too large`);
      }
      return payload;
    });
    this.#writes = this.#writes
      .then(() => reply)
      .then((payload) =>
        this.#closed
          ? undefined
          : writeAll(this.#conn, framePayload(payload), this.#ctx.limits.writeBytesMax)
      )
      .catch(() => {})
      .then(() => this.close());
  }

  /** Throws RefusedError (etcd's wording, both ids) unless `hello` may connect. */
  #refuseUnless(hello: Hello | PeerRequestFrame): void {
    const { localId, clusterId } = this.#ctx;
    const base = {
      "local-member-id": localId,
      "remote-peer-id": hello.from,
      "remote-addr": this.#remote,
    };
    if (hello.version !== PEER_PROTOCOL_VERSION) {
      throw new RefusedError("request version incompatibility", {
        ...base,
        "local-protocol-version": PEER_PROTOCOL_VERSION,
        "remote-protocol-version": hello.version,
      });
    }
    if (hello.clusterId !== clusterId) {
      throw new RefusedError("request sent was ignored due to cluster ID mismatch", {
        ...base,
        "local-member-cluster-id": clusterId,
        "remote-peer-cluster-id": hello.clusterId,
      });
    }
    if (hello.to !== localId) {
      throw new RefusedError("ignored streaming request; ID mismatch", {
        ...base,
        "requested-member-id": hello.to,
      });
    }
    if (!this.#ctx.isPeer(hello.from)) {
      throw new RefusedError("failed to find remote peer in cluster", {
        ...base,
        "cluster-id": clusterId,
      });
    }
  }

  /** The message, if it is addressed to this member by this session's peer. */
  #check(message: Message): Message {
    const { localId } = this.#ctx;
    if (message.to !== localId) {
      throw new PeerProtocolError(
        `${message.type} addressed to member ${message.to.toString(16)}, not to this member`,
      );
    }
    if (message.from !== this.#peer) {
      throw new PeerProtocolError(
        `${message.type} from member ${message.from.toString(16)} on another member's stream`,
      );
    }
    return message;
  }

  #deliver(message: Message): void {
    if (this.#peer === null || !this.#ctx.isPeer(this.#peer)) {
      throw new PeerProtocolError("the peer was removed");
    }
    this.#ctx.deliver(message);
  }

  #snapshotDone(snapshotId: number, message: Message | null): void {
    if (message === null) return;
    this.#deliver(message);
    this.#write(framePayload(encodeSnapshotAck(snapshotId)));
  }

  #write(frame: Uint8Array): void {
    const { writeBytesMax } = this.#ctx.limits;
    this.#writes = this.#writes
      .then(() => (this.#closed ? undefined : writeAll(this.#conn, frame, writeBytesMax)))
      .catch(() => this.close());
  }
}
