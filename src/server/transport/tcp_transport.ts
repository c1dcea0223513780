/**
 * The peer transport over TCP: u32 length-prefixed msgpackr frames (see
 * `wire.ts`), one outbound stream per peer with a bounded queue
 * (`peer_link.ts`), and a listener per `--listen-peer-urls` entry whose
 * connections are checked and served by `inbound.ts`.
 *
 * The URL scheme is only a label for now (`http` and `https` both mean
 * plain TCP); TLS can be plugged in through the `connect` and `listen`
 * hooks.
 *
 * @module
 */

import { isLocalMessage, type Message, type NodeId } from "../../raft/types.ts";
import { createLogger, type Logger } from "../logger.ts";
import {
  connectTcp,
  formatPeerUrl,
  listenTcp,
  parsePeerUrl,
  type PeerConn,
  type PeerConnector,
  type PeerListen,
  type PeerListener,
} from "./address.ts";
import { type InboundContext, InboundSession } from "./inbound.ts";
import { type TransportLimits, transportLimits } from "./limits.ts";
import { type LinkContext, type LinkReporter, PeerLink } from "./peer_link.ts";
import type { PeerTransportHandler, SnapshotDeliveryStatus, Transport } from "./transport.ts";
import type { ClusterInfoSource } from "./wire.ts";
import { askPeer, PeerRequestError, RequestGate } from "./peer_request.ts";

/** How a {@linkcode TcpTransport} is set up. */
export interface TcpTransportOptions {
  /** This member's id. */
  readonly memberId: NodeId;
  /** The cluster's id; peers of another cluster are refused. */
  readonly clusterId: bigint;
  /** `--listen-peer-urls` (`http://host:port`, port 0 for any free port); may be empty. */
  readonly listenUrls: readonly string[];
  /** Receives messages and delivery reports. */
  readonly handler: PeerTransportHandler;
  /** Where log lines go (default: a logger writing to standard error). */
  readonly logger?: Logger;
  /** Limits to change (tests); the rest keep their defaults from `limits.ts`. */
  readonly limits?: Partial<TransportLimits>;
  /** Opens outbound connections (default: plain TCP). */
  readonly connect?: PeerConnector;
  /** Opens listeners (default: plain TCP). */
  readonly listen?: PeerListen;
  /** Jitter source, a float in [0, 1) (default: Math.random). */
  readonly random?: () => number;
  /** The clock of `activeSince`, in ms (default: Date.now). */
  readonly now?: () => number;
  /**
   * The cluster id and members, told to a member that asks before it joins
   * (`fetchClusterInfo` in `cluster_info.ts`); called on each request. Without it
   * such requests are closed unanswered.
   */
  readonly clusterInfo?: ClusterInfoSource;
}

function openListeners(urls: readonly string[], listen: PeerListen): PeerListener[] {
  const listeners: PeerListener[] = [];
  try {
    for (const url of urls) listeners.push(listen(parsePeerUrl(url)));
  } catch (error) {
    for (const listener of listeners) listener.close();
    throw error;
  }
  return listeners;
}

function boundUrl(url: string, listener: PeerListener): string {
  const { scheme } = parsePeerUrl(url);
  const addr = listener.addr;
  if (addr.transport !== "tcp") return url;
  return formatPeerUrl(scheme, addr.hostname, addr.port);
}

/** The TCP peer transport of one member. */
export class TcpTransport implements Transport {
  /** This member's id. */
  readonly memberId: NodeId;
  /** The cluster's id. */
  readonly clusterId: bigint;
  readonly #handler: PeerTransportHandler;
  readonly #logger: Logger;
  readonly #limits: TransportLimits;
  readonly #listeners: readonly PeerListener[];
  readonly #listenUrls: readonly string[];
  readonly #links = new Map<NodeId, PeerLink>();
  readonly #sessions = new Set<InboundSession>();
  readonly #streams = new Map<NodeId, InboundSession>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #linkContext: LinkContext;
  readonly #inboundContext: InboundContext;
  readonly #requests = new RequestGate();
  #stopping: Promise<void> | null = null;

  /** Listens on `options.listenUrls` at once (throws if one cannot be bound). */
  constructor(options: TcpTransportOptions) {
    this.memberId = options.memberId;
    this.clusterId = options.clusterId;
    this.#handler = options.handler;
    this.#logger = options.logger ?? createLogger().named("server/transport");
    this.#limits = transportLimits(options.limits);
    this.#linkContext = this.#makeLinkContext(options);
    this.#inboundContext = this.#makeInboundContext(options.clusterInfo ?? null);
    this.#listeners = openListeners(options.listenUrls, options.listen ?? listenTcp);
    this.#listenUrls = options.listenUrls.map((url, i) => boundUrl(url, this.#listeners[i]!));
    for (const listener of this.#listeners) this.#track(this.#acceptLoop(listener));
  }

  /** The listen URLs with the bound ports (a port 0 replaced by the real one). */
  get listenUrls(): readonly string[] {
    return this.#listenUrls;
  }

  /** The bound listener addresses. */
  get listenAddrs(): readonly Deno.Addr[] {
    return this.#listeners.map((listener) => listener.addr);
  }

  /** The limits in force. */
  get limits(): TransportLimits {
    return this.#limits;
  }

  send(messages: readonly Message[]): void {
    if (this.#stopping !== null) return;
    let unreachable: Set<NodeId> | null = null;
    for (const message of messages) {
      if (isLocalMessage(message.type)) {
        this.#logger.error("refused to send a local message", { "message-type": message.type });
        continue;
      }
      const link = this.#links.get(message.to);
      if (link === undefined) {
        this.#logger.debug("ignored message send request; unknown remote peer target", {
          "type": message.type,
          "unknown-target-peer-id": message.to,
        });
        continue;
      }
      if (!link.enqueue(message)) (unreachable ??= new Set()).add(message.to);
    }
    if (unreachable !== null) { for (const peer of unreachable) this.#reportUnreachable(peer); }
  }

  addPeer(id: NodeId, peerUrls: readonly string[]): void {
    if (this.#stopping !== null || id === this.memberId) return;
    const link = this.#links.get(id);
    if (link !== undefined) {
      link.update(peerUrls);
      return;
    }
    this.#links.set(id, new PeerLink(id, peerUrls, this.#linkContext));
    this.#logger.info("added remote peer", { "remote-peer-id": id, "remote-peer-urls": peerUrls });
  }

  removePeer(id: NodeId): void {
    const link = this.#links.get(id);
    if (link === undefined) return;
    this.#links.delete(id);
    this.#track(link.stop());
    for (const session of this.#sessions) if (session.peer === id) session.close();
    this.#logger.info("removed remote peer", { "removed-remote-peer-id": id });
  }

  updatePeer(id: NodeId, peerUrls: readonly string[]): void {
    const link = this.#links.get(id);
    if (link === undefined) return;
    link.update(peerUrls);
    this.#logger.info("updated remote peer", {
      "remote-peer-id": id,
      "remote-peer-urls": peerUrls,
    });
  }

  activePeers(): ReadonlySet<NodeId> {
    const active = new Set<NodeId>();
    for (const [id, link] of this.#links) if (link.active) active.add(id);
    return active;
  }

  activeSince(peer: NodeId): number | null {
    return this.#links.get(peer)?.activeSince ?? null;
  }

  request(peer: NodeId, request: unknown, timeoutMs: number): Promise<unknown> {
    const link = this.#links.get(peer);
    if (this.#stopping !== null) return Promise.reject(new PeerRequestError("transport stopped"));
    if (link === undefined) return Promise.reject(new PeerRequestError("not a peer"));
    const options = {
      clusterId: this.clusterId,
      from: this.memberId,
      to: peer,
      urls: link.urls,
      timeoutMs,
      connect: this.#linkContext.connect,
    };
    return this.#requests.run(() => askPeer(options, request));
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #stopAll(): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
    }
    const links = [...this.#links.values()];
    this.#links.clear();
    for (const session of this.#sessions) session.close();
    await Promise.all(links.map((link) => link.stop()));
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }

  #track(task: Promise<void>): void {
    const tracked = task.catch((error) => {
      this.#logger.error("peer transport task failed", { error });
    }).finally(() => this.#tasks.delete(tracked));
    this.#tasks.add(tracked);
  }

  async #acceptLoop(listener: PeerListener): Promise<void> {
    try {
      for await (const conn of listener) this.#serveInbound(conn);
    } catch (error) {
      if (this.#stopping === null) this.#logger.error("peer listener failed", { error });
    }
  }

  #serveInbound(conn: PeerConn): void {
    if (this.#stopping !== null) {
      conn.close();
      return;
    }
    const session = new InboundSession(conn, this.#inboundContext);
    this.#sessions.add(session);
    this.#track(session.run());
  }

  /** Calls `callback` on a later microtask unless the transport stopped; logs what it throws. */
  #later(what: string, callback: () => void): void {
    queueMicrotask(() => {
      if (this.#stopping !== null) return;
      try {
        callback();
      } catch (error) {
        this.#logger.error(`peer transport handler failed in ${what}`, { error });
      }
    });
  }

  #reportUnreachable(peer: NodeId): void {
    this.#later("onUnreachable", () => this.#handler.onUnreachable(peer));
  }

  #makeLinkContext(options: TcpTransportOptions): LinkContext {
    const report: LinkReporter = {
      unreachable: (peer) => this.#reportUnreachable(peer),
      snapshotStatus: (peer: NodeId, status: SnapshotDeliveryStatus) =>
        this.#later("onSnapshotStatus", () => this.#handler.onSnapshotStatus(peer, status)),
    };
    return {
      localId: this.memberId,
      clusterId: this.clusterId,
      limits: this.#limits,
      logger: this.#logger,
      connect: options.connect ?? connectTcp,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      report,
    };
  }

  #makeInboundContext(clusterInfo: ClusterInfoSource | null): InboundContext {
    return {
      localId: this.memberId,
      clusterId: this.clusterId,
      limits: this.#limits,
      logger: this.#logger,
      clusterInfo,
      onRequest: this.#handler.onRequest === undefined
        ? null
        : (from, request) => this.#handler.onRequest!(from, request),
      isPeer: (id) => this.#links.has(id),
      attach: (peer, session) => {
        const older = this.#streams.get(peer);
        this.#streams.set(peer, session);
        if (older !== undefined && older !== session) older.close();
      },
      detach: (session) => {
        this.#sessions.delete(session);
        const peer = session.peer;
        if (peer !== null && this.#streams.get(peer) === session) this.#streams.delete(peer);
      },
      deliver: (message) => {
        if (this.#stopping !== null) return;
        try {
          this.#handler.onMessage(message);
        } catch (error) {
          this.#logger.error("peer transport handler failed in onMessage", { error });
        }
      },
    };
  }
}
