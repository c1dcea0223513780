/**
 * The outbound half of the link to one peer: a bounded queue of frames,
 * one TCP stream (to the first reachable of the peer's URLs), a writer that
 * flushes the queue with few `write` calls, and reconnection with jittered
 * exponential backoff. While the peer is down (between a failed dial or a
 * broken stream and the next dial) messages are dropped and reported
 * unreachable; while a dial is in progress they wait in the queue.
 *
 * A MsgSnap does not enter the queue: it takes the link's one snapshot slot
 * and is streamed in chunk frames between flushes of the queue, so
 * heartbeats keep flowing while a large snapshot is on its way. It is
 * reported "finish" when the receiver acknowledges it, "failure" when the
 * stream breaks first.
 *
 * @module
 */

import type { Message, NodeId } from "../../raft/types.ts";
import type { Logger } from "../logger.ts";
import { parsePeerUrl, type PeerConn, type PeerConnector } from "./address.ts";
import { Backoff } from "./backoff.ts";
import { PeerProtocolError } from "./codec.ts";
import { FRAME_HEADER_BYTES, framePayload, FrameQueue, readFrames, writeAll } from "./frame.ts";
import { peerReplyFrameBytesMax } from "../../util/limits.ts";
import { type TransportLimits } from "./limits.ts";
import { OutgoingSnapshot } from "./snapshot_stream.ts";
import type { SnapshotDeliveryStatus } from "./transport.ts";
import {
  decodeFrame,
  encodeHello,
  encodeMessageFrame,
  encodePing,
  PEER_PROTOCOL_VERSION,
  type WireFrame,
} from "./wire.ts";

/** Where a link reports to its member; calls must not re-enter `send`. */
export interface LinkReporter {
  unreachable(peer: NodeId): void;
  snapshotStatus(peer: NodeId, status: SnapshotDeliveryStatus): void;
}

/** What every link of a transport shares. */
export interface LinkContext {
  readonly localId: NodeId;
  readonly clusterId: bigint;
  readonly limits: TransportLimits;
  readonly logger: Logger;
  readonly connect: PeerConnector;
  readonly random: () => number;
  /** The clock `activeSince` is read from (ms). */
  readonly now: () => number;
  readonly report: LinkReporter;
}

type LinkState = "connecting" | "connected" | "down" | "stopped";

/** The outbound link to one peer. */
export class PeerLink {
  /** The peer's member id. */
  readonly id: NodeId;
  readonly #ctx: LinkContext;
  #urls: readonly string[];
  #state: LinkState = "connecting";
  readonly #queue = new FrameQueue();
  #snapshot: OutgoingSnapshot | null = null;
  #nextSnapshotId = 1;
  #conn: PeerConn | null = null;
  #connUrl = "";
  #accepted = false;
  /** When the peer accepted the current stream (etcd's peerStatus.since). */
  #acceptedAt = 0;
  /** When the current stream last brought a frame from the peer (ms). */
  #heardAt = 0;
  /** A failure was logged since the link last worked: log the next ones at debug. */
  #quiet = false;
  /** The URLs changed under a stream: redial without waiting. */
  #redialNow = false;
  #wakeWriter: (() => void) | null = null;
  #wakeSleep: (() => void) | null = null;
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;

  /** Starts dialling `urls` at once. */
  constructor(id: NodeId, urls: readonly string[], ctx: LinkContext) {
    this.id = id;
    this.#urls = [...urls];
    this.#ctx = ctx;
    this.#done = this.#run();
  }

  /** Whether a stream is up and the peer accepted the handshake. */
  get active(): boolean {
    return this.#state === "connected" && this.#accepted;
  }

  /** When the current stream became active (ms), or null while the link is not active. */
  get activeSince(): number | null {
    return this.active ? this.#acceptedAt : null;
  }

  /** The peer's URLs. */
  get urls(): readonly string[] {
    return this.#urls;
  }

  /**
   * Queues `message`. Returns false when it was dropped (peer down, queue
   * full, link stopped): the caller reports the peer unreachable. A MsgSnap
   * that cannot be taken is also reported as a snapshot failure here.
   */
  enqueue(message: Message): boolean {
    if (this.#isStopped()) return false;
    if (message.type === "MsgSnap" && message.snapshot !== null) {
      return this.#enqueueSnapshot(message);
    }
    if (this.#state === "down") return false;
    const payload = encodeMessageFrame(message);
    const { queueMessagesMax, queueBytesMax, frameBytesMax } = this.#ctx.limits;
    if (payload.length > frameBytesMax) {
      this.#ctx.logger.error("dropped a message larger than the frame limit", {
        "remote-peer-id": this.id,
        "message-type": message.type,
        "size": payload.length,
        "limit": frameBytesMax,
      });
      return false;
    }
    const bytes = this.#queue.bytes + FRAME_HEADER_BYTES + payload.length;
    if (this.#queue.frames >= queueMessagesMax || bytes > queueBytesMax) return false;
    this.#queue.append(payload);
    this.#signalWriter();
    return true;
  }

  /** Replaces the URLs; a stream to a URL no longer listed is closed, a waiting redial starts now. */
  update(urls: readonly string[]): void {
    this.#urls = [...urls];
    if (this.#conn !== null && !this.#urls.includes(this.#connUrl)) {
      this.#redialNow = true;
      this.#closeConn();
    }
    this.#wakeSleep?.();
  }

  /** Closes the stream and stops redialling; queued messages are dropped unreported. */
  stop(): Promise<void> {
    if (this.#isStopped()) return this.#done;
    this.#state = "stopped";
    this.#abort.abort();
    this.#closeConn();
    this.#queue.clear();
    this.#snapshot = null;
    this.#wakeSleep?.();
    return this.#done;
  }

  #isStopped(): boolean {
    return this.#state === "stopped";
  }

  #enqueueSnapshot(message: Message): boolean {
    const size = message.snapshot?.data.length ?? 0;
    const busy = this.#snapshot !== null;
    if (this.#state === "down" || busy || size > this.#ctx.limits.snapshotBytesMax) {
      if (busy || size > this.#ctx.limits.snapshotBytesMax) {
        this.#ctx.logger.warn("dropped a snapshot message", {
          "remote-peer-id": this.id,
          "reason": busy ? "another snapshot is still being sent" : "larger than the limit",
          "size": size,
        });
      }
      this.#ctx.report.snapshotStatus(this.id, "failure");
      return false;
    }
    const { snapshotChunkBytes } = this.#ctx.limits;
    this.#snapshot = new OutgoingSnapshot(this.#nextSnapshotId++, message, snapshotChunkBytes);
    this.#signalWriter();
    return true;
  }

  #signalWriter(): void {
    const wake = this.#wakeWriter;
    if (wake !== null) {
      this.#wakeWriter = null;
      wake();
    }
  }

  #closeConn(): void {
    const conn = this.#conn;
    if (conn === null) return;
    this.#conn = null;
    try {
      conn.close();
    } catch {
      // Already closed.
    }
    this.#signalWriter();
  }

  async #run(): Promise<void> {
    const { limits, random } = this.#ctx;
    const backoff = new Backoff(limits.backoffMinMs, limits.backoffMaxMs, random);
    while (!this.#isStopped()) {
      const conn = await this.#dial();
      if (conn !== null && await this.#serve(conn)) backoff.reset();
      if (this.#isStopped()) break;
      this.#goDown(conn !== null);
      if (this.#redialNow) {
        this.#redialNow = false;
        backoff.reset();
      } else {
        await this.#sleep(backoff.next());
      }
      if (this.#state === "down") this.#state = "connecting";
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeSleep = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakeSleep = done;
    });
  }

  /** The first URL that answers, or null (every dial failed or the link stopped). */
  async #dial(): Promise<PeerConn | null> {
    let lastError: unknown = "no peer URLs";
    for (const url of this.#urls) {
      if (this.#isStopped()) return null;
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), this.#ctx.limits.dialTimeoutMs);
      try {
        const address = parsePeerUrl(url);
        const signal = AbortSignal.any([this.#abort.signal, timeout.signal]);
        const conn = await this.#ctx.connect(address, signal);
        if (this.#isStopped()) {
          conn.close();
          return null;
        }
        this.#connUrl = url;
        return conn;
      } catch (error) {
        lastError = timeout.signal.aborted ? `dial timed out (${url})` : error;
      } finally {
        clearTimeout(timer);
      }
    }
    if (!this.#isStopped()) this.#logFailure("failed to dial remote peer", lastError);
    return null;
  }

  /** Runs one stream until it breaks; returns whether the peer had accepted it. */
  async #serve(conn: PeerConn): Promise<boolean> {
    this.#conn = conn;
    this.#accepted = false;
    this.#state = "connected";
    this.#heardAt = performance.now();
    let failure: unknown = "closed by the remote peer";
    let silent = false;
    const heartbeat = setInterval(() => {
      const silentMs = performance.now() - this.#heardAt;
      if (silentMs > this.#ctx.limits.idleTimeoutMs) {
        failure = `nothing heard from the peer for ${Math.round(silentMs)} ms`;
        silent = true;
        this.#closeConn();
      } else if (this.#accepted) {
        this.#enqueuePing();
      }
    }, this.#ctx.limits.pingIntervalMs);
    const reading = this.#readLoop(conn);
    const writing = this.#writeLoop(conn);
    try {
      await Promise.race([reading, writing]);
    } catch (error) {
      if (this.#conn === conn) failure = error;
    } finally {
      clearInterval(heartbeat);
    }
    const stopped = this.#isStopped() || (this.#conn !== conn && !silent);
    this.#closeConn();
    await Promise.allSettled([reading, writing]);
    const accepted = this.#accepted;
    if (!stopped) {
      const what = accepted
        ? "lost TCP streaming connection with remote peer"
        : "remote peer closed the connection before accepting it";
      this.#logFailure(what, failure);
    }
    return accepted;
  }

  async #writeLoop(conn: PeerConn): Promise<void> {
    const { writeBytesMax } = this.#ctx.limits;
    const { clusterId, localId } = this.#ctx;
    await writeAll(conn, framePayload(encodeHello(clusterId, localId, this.id)), writeBytesMax);
    while (this.#conn === conn) {
      const batch = this.#queue.take();
      if (batch !== null) {
        try {
          await writeAll(conn, batch, writeBytesMax);
        } finally {
          this.#queue.release(batch);
        }
      }
      const chunk = this.#snapshot?.nextFrame() ?? null;
      if (chunk !== null) await writeAll(conn, chunk, writeBytesMax);
      if (batch === null && chunk === null && this.#conn === conn) {
        await new Promise<void>((resolve) => (this.#wakeWriter = resolve));
      }
    }
  }

  async #readLoop(conn: PeerConn): Promise<void> {
    const options = {
      frameBytesMax: peerReplyFrameBytesMax,
      readBufferBytes: peerReplyFrameBytesMax,
    };
    await readFrames(conn, options, (payload) => this.#onReply(decodeFrame(payload)));
  }

  /** Queues a link heartbeat unless the queue is full (then the link is busy enough). */
  #enqueuePing(): void {
    const payload = encodePing();
    const { queueMessagesMax, queueBytesMax } = this.#ctx.limits;
    const bytes = this.#queue.bytes + FRAME_HEADER_BYTES + payload.length;
    if (this.#queue.frames >= queueMessagesMax || bytes > queueBytesMax) return;
    this.#queue.append(payload);
    this.#signalWriter();
  }

  #onReply(frame: WireFrame): void {
    this.#heardAt = performance.now();
    if (frame.kind === "pong" && this.#accepted) return;
    if (frame.kind === "accept" && !this.#accepted) {
      const { clusterId } = this.#ctx;
      if (
        frame.version !== PEER_PROTOCOL_VERSION || frame.clusterId !== clusterId ||
        frame.memberId !== this.id
      ) {
        throw new PeerProtocolError(
          `accepted by member ${frame.memberId.toString(16)} of cluster ${
            frame.clusterId.toString(16)
          } (protocol ${frame.version}), not the expected peer`,
        );
      }
      this.#accepted = true;
      this.#acceptedAt = this.#ctx.now();
      this.#quiet = false;
      this.#ctx.logger.info("established TCP streaming connection with remote peer", {
        "remote-peer-id": this.id,
        "url": this.#connUrl,
      });
      return;
    }
    const snapshot = this.#snapshot;
    if (
      frame.kind === "snapshotAck" && this.#accepted && snapshot !== null &&
      snapshot.id === frame.snapshotId && snapshot.allSent
    ) {
      this.#snapshot = null;
      this.#ctx.report.snapshotStatus(this.id, "finish");
      return;
    }
    throw new PeerProtocolError(`unexpected ${frame.kind} frame from the remote peer`);
  }

  /** The stream is gone: drop what waits, fail the snapshot, report the peer unreachable. */
  #goDown(hadStream: boolean): void {
    this.#state = "down";
    this.#accepted = false;
    const dropped = this.#queue.clear();
    const snapshot = this.#snapshot;
    this.#snapshot = null;
    if (snapshot !== null) this.#ctx.report.snapshotStatus(this.id, "failure");
    if (dropped > 0 || hadStream || snapshot !== null) this.#ctx.report.unreachable(this.id);
  }

  #logFailure(msg: string, error: unknown): void {
    const level = this.#quiet ? "debug" : "warn";
    this.#quiet = true;
    this.#ctx.logger.log(level, msg, {
      "remote-peer-id": this.id,
      "urls": this.#urls,
      "error": error instanceof Error ? error.message : String(error),
    });
  }
}
