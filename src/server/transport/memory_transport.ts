/**
 * An in-process network for tests and simulations: every member gets a
 * {@linkcode MemoryTransport} from one {@linkcode MemoryNetwork}, which
 * delivers messages later (a microtask by default, or whatever `schedule`
 * does), in order on each link, with faults per link: drop all (the link is
 * cut: messages are reported unreachable), drop a fraction (silently, like
 * a lossy network), or partition sets of members from each other.
 *
 * It behaves like the TCP transport where the conformance suite can tell:
 * a message goes to the first live endpoint among the peer's URLs; the
 * receiver accepts only messages addressed to it from members it has added;
 * a MsgSnap is reported "finish" once handed to the receiver; a peer is
 * active from the moment it becomes reachable (added on both sides, not cut
 * or partitioned) until it no longer is. By default each message is copied
 * through the wire codec, so members never share bytes and the codec is
 * exercised.
 *
 * @module
 */

import { isLocalMessage, type Message, type NodeId } from "../../raft/types.ts";
import { type Prng, SeededPrng } from "../../util/prng.ts";
import { decodeMessage, encodeMessage } from "./codec.ts";
import { packPayload, unpackPayload } from "./frame.ts";
import type { PeerTransportHandler, SnapshotDeliveryStatus, Transport } from "./transport.ts";
import { PeerRequestError, RequestGate } from "./peer_request.ts";
import { plainBytes } from "./wire.ts";

/** How a {@linkcode MemoryNetwork} behaves. */
export interface MemoryNetworkOptions {
  /** Randomness for dropping a fraction of messages (default: seed 1). */
  readonly prng?: Prng;
  /** Runs `run` later (default: queueMicrotask; `(run) => setTimeout(run, 0)` yields to I/O). */
  readonly schedule?: (run: () => void) => void;
  /** Copy every message through the wire codec (default: true). */
  readonly roundTrip?: boolean;
  /** The clock of `activeSince`, in ms (default: Date.now). */
  readonly now?: () => number;
}

/** A fault on the link from one member to another. */
export interface LinkFault {
  /**
   * Fraction of messages dropped, in [0, 1]. At 1 the link is cut: messages
   * are reported unreachable, as a broken TCP stream would be. Below 1 they
   * vanish silently (a MsgSnap is still reported "failure").
   */
  readonly dropRate: number;
}

interface Delivery {
  readonly from: MemoryTransport;
  readonly to: MemoryTransport;
  readonly message: Message;
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}

/** An in-process network connecting {@linkcode MemoryTransport}s. */
export class MemoryNetwork {
  readonly #prng: Prng;
  readonly #schedule: (run: () => void) => void;
  readonly #roundTrip: boolean;
  readonly #now: () => number;
  readonly #endpoints = new Map<string, MemoryTransport>();
  readonly #faults = new Map<string, LinkFault>();
  #groups: ReadonlyMap<NodeId, number> = new Map();
  #queue: Delivery[] = [];
  #scheduled = false;

  /** An empty network. */
  constructor(options: MemoryNetworkOptions = {}) {
    this.#prng = options.prng ?? new SeededPrng(1);
    this.#schedule = options.schedule ?? queueMicrotask;
    this.#roundTrip = options.roundTrip ?? true;
    this.#now = options.now ?? Date.now;
  }

  /**
   * A transport for member `id` reachable at `url` (default
   * `memory://<id in hex>`); throws if a live transport holds that URL.
   */
  transport(id: NodeId, handler: PeerTransportHandler, url?: string): MemoryTransport {
    const address = url ?? `memory://${id.toString(16)}`;
    if (this.#endpoints.has(address)) throw new Error(`address ${address} is in use`);
    const transport = new MemoryTransport(this, id, address, handler);
    this.#endpoints.set(address, transport);
    this.linksChanged();
    return transport;
  }

  /** Sets (or with null clears) the fault on the link `from` → `to`. */
  setFault(from: NodeId, to: NodeId, fault: LinkFault | null): void {
    if (fault === null) this.#faults.delete(linkKey(from, to));
    else this.#faults.set(linkKey(from, to), fault);
    this.linksChanged();
  }

  /** Members in different groups cannot reach each other; members in no group form one more group. */
  partition(...groups: Iterable<NodeId>[]): void {
    const map = new Map<NodeId, number>();
    groups.forEach((group, i) => {
      for (const id of group) map.set(id, i + 1);
    });
    this.#groups = map;
    this.linksChanged();
  }

  /** Removes every partition and link fault. */
  heal(): void {
    this.#groups = new Map();
    this.#faults.clear();
    this.linksChanged();
  }

  /**
   * Re-reads which links are up after anything that can change it (faults,
   * partitions, endpoints and peers coming and going), so each transport's
   * `activeSince` marks the moment its peer became reachable.
   */
  linksChanged(): void {
    const now = this.#now();
    for (const endpoint of this.#endpoints.values()) endpoint.refreshActivity(now);
  }

  /** Messages sent and not yet delivered or dropped. */
  get inFlight(): number {
    return this.#queue.length;
  }

  /** Resolves once nothing is in flight. */
  async settle(): Promise<void> {
    while (this.#queue.length > 0 || this.#scheduled) {
      await new Promise<void>((resolve) => this.#schedule(resolve));
    }
  }

  /** Runs `run` later, through the network's scheduler. */
  later(run: () => void): void {
    this.#schedule(run);
  }

  /**
   * The endpoint of `peer` that `from` reaches through `urls`, or null when
   * the link is down, cut or partitioned, or the endpoint found is another
   * member or does not know `from` (TCP's refused handshake).
   */
  reachable(from: MemoryTransport, peer: NodeId, urls: readonly string[]): MemoryTransport | null {
    for (const url of urls) {
      const to = this.#endpoints.get(url);
      if (to === undefined || to.stopped) continue;
      if (to.memberId !== peer || !to.knows(from.memberId)) return null;
      if ((this.#groups.get(from.memberId) ?? 0) !== (this.#groups.get(to.memberId) ?? 0)) {
        return null;
      }
      const fault = this.#faults.get(linkKey(from.memberId, to.memberId));
      return fault !== undefined && fault.dropRate >= 1 ? null : to;
    }
    return null;
  }

  /**
   * Routes one message from `from` to the peer at `urls`: "queued",
   * "unreachable" (down, cut or partitioned) or "dropped" (a lossy link).
   */
  route(
    from: MemoryTransport,
    urls: readonly string[],
    message: Message,
  ): "queued" | "unreachable" | "dropped" {
    const to = this.reachable(from, message.to, urls);
    if (to === null) return "unreachable";
    const fault = this.#faults.get(linkKey(from.memberId, to.memberId));
    if (fault !== undefined && fault.dropRate > 0 && this.#prng.nextFloat() < fault.dropRate) {
      return "dropped";
    }
    this.#queue.push({ from, to, message: this.#roundTrip ? copyMessage(message) : message });
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => this.#drain());
    }
    return "queued";
  }

  /**
   * Carries a request outside Raft from `from` to the peer at `urls` and
   * its answer back (each a turn of the scheduler, copied through msgpack
   * when round-tripping): refused when the peer is unreachable from `from`,
   * never answered when the way back is cut (the caller's timeout ends it).
   */
  request(
    from: MemoryTransport,
    peer: NodeId,
    urls: readonly string[],
    body: unknown,
    timeoutMs: number,
  ): Promise<unknown> {
    const copy = (value: unknown) =>
      this.#roundTrip ? plainBytes(unpackPayload(packPayload(value)), 0) : value;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new PeerRequestError(`no answer within ${timeoutMs} ms`)),
        Math.max(0, timeoutMs),
      );
      const settle = (ok: boolean, value: unknown) =>
        this.#schedule(() => {
          clearTimeout(timer);
          if (ok) resolve(copy(value));
          else reject(new PeerRequestError(String(value)));
        });
      this.#schedule(() => {
        const to = this.reachable(from, peer, urls);
        if (to === null) return settle(false, "the peer cannot be reached");
        const back = this.#faults.get(linkKey(to.memberId, from.memberId));
        to.answer(from.memberId, copy(body)).then(
          (reply) => {
            if (back === undefined || back.dropRate < 1) settle(true, reply);
          },
          (error) => settle(false, error instanceof Error ? error.message : String(error)),
        );
      });
    });
  }

  /** Forgets a stopped transport's address. */
  leave(transport: MemoryTransport): void {
    if (this.#endpoints.get(transport.url) === transport) this.#endpoints.delete(transport.url);
    this.linksChanged();
  }

  #drain(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    for (const { from, to, message } of queue) {
      const delivered = to.receive(from.memberId, message);
      if (message.type === "MsgSnap" && message.snapshot !== null) {
        from.report(delivered ? "finish" : "failure", message.to);
      }
      if (!delivered) from.report("unreachable", message.to);
    }
  }
}

/** The message with no bytes shared, through the wire codec (which also checks it). */
function copyMessage(message: Message): Message {
  return decodeMessage(unpackPayload(packPayload(encodeMessage(message))));
}

/** One member's end of a {@linkcode MemoryNetwork}. */
export class MemoryTransport implements Transport {
  /** This member's id. */
  readonly memberId: NodeId;
  /** The address peers reach this member at. */
  readonly url: string;
  readonly #network: MemoryNetwork;
  readonly #handler: PeerTransportHandler;
  readonly #peers = new Map<NodeId, readonly string[]>();
  /** Peers reachable since (ms): kept current by {@linkcode MemoryNetwork.linksChanged}. */
  readonly #activeSince = new Map<NodeId, number>();
  readonly #requests = new RequestGate();
  #stopped = false;

  /** Use {@linkcode MemoryNetwork.transport}. */
  constructor(network: MemoryNetwork, id: NodeId, url: string, handler: PeerTransportHandler) {
    this.#network = network;
    this.memberId = id;
    this.url = url;
    this.#handler = handler;
  }

  /** Whether `stop()` was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  send(messages: readonly Message[]): void {
    if (this.#stopped) return;
    const unreachable = new Set<NodeId>();
    for (const message of messages) {
      const urls = this.#peers.get(message.to);
      if (urls === undefined || isLocalMessage(message.type)) continue;
      const outcome = this.#network.route(this, urls, message);
      if (outcome === "unreachable") unreachable.add(message.to);
      if (outcome !== "queued" && message.type === "MsgSnap" && message.snapshot !== null) {
        this.report("failure", message.to);
      }
    }
    for (const peer of unreachable) this.report("unreachable", peer);
  }

  addPeer(id: NodeId, peerUrls: readonly string[]): void {
    if (this.#stopped || id === this.memberId) return;
    this.#peers.set(id, [...peerUrls]);
    this.#network.linksChanged();
  }

  removePeer(id: NodeId): void {
    if (this.#peers.delete(id)) this.#network.linksChanged();
  }

  updatePeer(id: NodeId, peerUrls: readonly string[]): void {
    if (!this.#peers.has(id)) return;
    const before = this.#peers.get(id)!;
    this.#peers.set(id, [...peerUrls]);
    // A stream to a URL no longer listed breaks (as TCP's redial does): the time restarts.
    if (before.some((url) => !peerUrls.includes(url))) this.#activeSince.delete(id);
    this.#network.linksChanged();
  }

  activePeers(): ReadonlySet<NodeId> {
    const active = new Set<NodeId>();
    if (this.#stopped) return active;
    for (const [id, urls] of this.#peers) {
      if (this.#network.reachable(this, id, urls) !== null) active.add(id);
    }
    return active;
  }

  request(peer: NodeId, request: unknown, timeoutMs: number): Promise<unknown> {
    if (this.#stopped) return Promise.reject(new PeerRequestError("transport stopped"));
    const urls = this.#peers.get(peer);
    if (urls === undefined) return Promise.reject(new PeerRequestError("not a peer"));
    return this.#requests.run(() => this.#network.request(this, peer, urls, request, timeoutMs));
  }

  /** Used by the network: the member's answer to a peer's request (refused by a stopped member or a stranger). */
  answer(from: NodeId, request: unknown): Promise<unknown> {
    if (this.#stopped || !this.#peers.has(from)) {
      return Promise.reject(new Error("the peer refused the request"));
    }
    if (this.#handler.onRequest === undefined) {
      return Promise.reject(new Error("this member answers no requests"));
    }
    try {
      return this.#handler.onRequest(from, request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  activeSince(peer: NodeId): number | null {
    const urls = this.#peers.get(peer);
    if (this.#stopped || urls === undefined) return null;
    if (this.#network.reachable(this, peer, urls) === null) return null;
    return this.#activeSince.get(peer) ?? null;
  }

  /** Used by the network: notes which peers became reachable at `now`, and which no longer are. */
  refreshActivity(now: number): void {
    for (const id of this.#activeSince.keys()) {
      if (!this.#peers.has(id)) this.#activeSince.delete(id);
    }
    for (const [id, urls] of this.#peers) {
      if (this.#network.reachable(this, id, urls) === null) this.#activeSince.delete(id);
      else if (!this.#activeSince.has(id)) this.#activeSince.set(id, now);
    }
  }

  stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.#peers.clear();
      this.#activeSince.clear();
      this.#network.leave(this);
    }
    return Promise.resolve();
  }

  /** Whether `id` is a peer of this member. */
  knows(id: NodeId): boolean {
    return this.#peers.has(id);
  }

  /** Used by the network: hands `message` from `from` to the member; false if refused. */
  receive(from: NodeId, message: Message): boolean {
    if (this.#stopped || !this.#peers.has(from)) return false;
    if (message.to !== this.memberId || message.from !== from) return false;
    this.#handler.onMessage(message);
    return true;
  }

  /** Used by the network: reports to the member on a later turn (never inside `send`). */
  report(what: "unreachable" | SnapshotDeliveryStatus, peer: NodeId): void {
    this.#network.later(() => {
      if (this.#stopped) return;
      if (what === "unreachable") this.#handler.onUnreachable(peer);
      else this.#handler.onSnapshotStatus(peer, what);
    });
  }
}
