/**
 * Fault injection (swarm testing): the seed enables a subset of fault kinds;
 * every so often one enabled kind strikes and schedules its own healing.
 * Partitions (symmetric, one-way, bridge, leader isolation, swizzle-clog),
 * crash with restart, pause beyond the election timeout, and crashes inside
 * the Ready loop.
 *
 * @module
 */

import type { NodeId } from "../../src/raft/mod.ts";
import type { SeededPrng } from "../../src/util/prng.ts";
import type { FaultKind, SimConfig } from "./sim_config.ts";
import type { SimNetwork } from "./sim_network.ts";
import type { SimNode } from "./sim_node.ts";

/** A directed link. */
export type Link = readonly [NodeId, NodeId];

/** Events of the fault scheduler, queued by the cluster. */
export type FaultEvent =
  | { readonly kind: "fault" }
  | { readonly kind: "cut"; readonly links: readonly Link[] }
  | { readonly kind: "restore"; readonly links: readonly Link[] }
  | { readonly kind: "restart"; readonly node: SimNode; readonly incarnation: number }
  | {
    readonly kind: "crashLeader";
    readonly node: SimNode;
    readonly incarnation: number;
    readonly term: number;
  };

/** What the scheduler needs from the cluster. */
export interface FaultHost {
  readonly network: SimNetwork;
  nowMs(): number;
  /** Members not removed, in id order. */
  members(): readonly SimNode[];
  leader(): SimNode | undefined;
  crash(node: SimNode): void;
  restart(node: SimNode): void;
  scheduleFault(atMs: number, event: FaultEvent): void;
  trace(line: string): void;
}

const ACTION_KINDS: readonly FaultKind[] = [
  "partition",
  "oneWay",
  "bridge",
  "isolateLeader",
  "clog",
  "crash",
  "pause",
];

/** Counters for reports. */
export type FaultStats = Record<string, number>;

/** Strikes and heals faults. */
export class FaultScheduler {
  /** Set by the liveness phase: no new faults. */
  stopped = false;
  /** A pause armed to strike the leader right after it sends a read round's heartbeats. */
  armedPauseMs = 0;
  readonly stats: FaultStats = {};
  readonly #config: SimConfig;
  readonly #prng: SeededPrng;
  readonly #host: FaultHost;
  readonly #actions: FaultKind[];

  constructor(config: SimConfig, prng: SeededPrng, host: FaultHost) {
    this.#config = config;
    this.#prng = prng;
    this.#host = host;
    this.#actions = ACTION_KINDS.filter((kind) => config.faults.has(kind));
  }

  /** Schedules the first fault, if the seed enabled any. */
  start(): void {
    if (this.#actions.length > 0) this.#scheduleNext();
  }

  #scheduleNext(): void {
    const gap = 1 + this.#prng.nextInt(2 * this.#config.faultIntervalMs);
    this.#host.scheduleFault(this.#host.nowMs() + gap, { kind: "fault" });
  }

  /** Whether a member crashes at a crash point of its Ready loop right now. */
  crashInReady(): boolean {
    if (this.stopped || !this.#config.faults.has("crashInReady")) return false;
    return this.#prng.nextFloat() < this.#config.crashInReadyRate;
  }

  /** Schedules the restart of a member that just crashed. */
  scheduleRestart(node: SimNode): void {
    const at = this.#host.nowMs() + 20 + this.#prng.nextInt(this.#config.faultDurationMs);
    this.#host.scheduleFault(at, { kind: "restart", node, incarnation: node.incarnation });
  }

  /** Runs one fault event. */
  handle(event: FaultEvent): void {
    const network = this.#host.network;
    if (event.kind === "fault") {
      if (this.stopped) return;
      this.#strike();
      this.#scheduleNext();
    } else if (event.kind === "cut") {
      if (!this.stopped) { for (const [from, to] of event.links) network.cut(from, to); }
    } else if (event.kind === "restore") {
      for (const [from, to] of event.links) network.restore(from, to);
    } else if (event.kind === "crashLeader") {
      this.#crashLeader(event.node, event.incarnation, event.term);
    } else {
      const node = event.node;
      if (!node.up && !node.removed && node.incarnation === event.incarnation) {
        this.#host.restart(node);
      }
    }
  }

  /** A member became leader: with leader churn on, it may crash a moment later. */
  leaderElected(node: SimNode): void {
    if (this.stopped || !this.#config.faults.has("leaderChurn")) return;
    if (this.#prng.nextFloat() >= this.#config.leaderChurnRate) return;
    const at = this.#host.nowMs() + this.#prng.nextInt(3 * this.#config.tickMs);
    const event = {
      kind: "crashLeader",
      node,
      incarnation: node.incarnation,
      term: node.term,
    } as const;
    this.#host.scheduleFault(at, event);
  }

  #crashLeader(node: SimNode, incarnation: number, term: number): void {
    if (this.stopped || node.incarnation !== incarnation || node.role !== "leader") return;
    if (node.term !== term) return;
    this.#host.trace(`${this.#host.nowMs()} fault leaderChurn crash ${node.id}`);
    this.#host.crash(node);
    this.scheduleRestart(node);
  }

  /** Whether an armed pause strikes `node` now (it just sent a read round's heartbeats). */
  takeArmedPause(node: SimNode): boolean {
    if (this.stopped || this.armedPauseMs === 0 || node.role !== "leader") return false;
    node.pause(this.#host.nowMs() + this.armedPauseMs);
    this.#host.trace(
      `${this.#host.nowMs()} fault pause ${node.id} (armed) until ${node.pausedUntilMs}`,
    );
    this.armedPauseMs = 0;
    return true;
  }

  #strike(): void {
    const kind = this.#actions[this.#prng.nextInt(this.#actions.length)]!;
    const members = this.#host.members();
    if (members.length === 0) return;
    this.stats[kind] = (this.stats[kind] ?? 0) + 1;
    const duration = 50 + this.#prng.nextInt(this.#config.faultDurationMs);
    if (kind === "partition") this.#cutFor(this.#partitionLinks(members), duration, kind);
    else if (kind === "oneWay") this.#cutFor(this.#oneWayLinks(members), duration, kind);
    else if (kind === "bridge") this.#cutFor(this.#bridgeLinks(members), duration, kind);
    else if (kind === "isolateLeader") this.#cutFor(this.#isolationLinks(members), duration, kind);
    else if (kind === "clog") this.#clog(members, duration);
    else if (kind === "crash") this.#crash(members);
    else if (kind === "pause") this.#pause(members);
  }

  #cutFor(links: Link[], durationMs: number, kind: string): void {
    if (links.length === 0) return;
    const now = this.#host.nowMs();
    this.#host.trace(`${now} fault ${kind} ${describeLinks(links)} for ${durationMs}`);
    for (const [from, to] of links) this.#host.network.cut(from, to);
    this.#host.scheduleFault(now + durationMs, { kind: "restore", links });
  }

  #shuffled(members: readonly SimNode[]): SimNode[] {
    const copy = [...members];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.#prng.nextInt(i + 1);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }

  #partitionLinks(members: readonly SimNode[]): Link[] {
    if (members.length < 2) return [];
    const order = this.#shuffled(members);
    const split = 1 + this.#prng.nextInt(order.length - 1);
    return crossLinks(order.slice(0, split), order.slice(split));
  }

  #oneWayLinks(members: readonly SimNode[]): Link[] {
    if (members.length < 2) return [];
    const links: Link[] = [];
    const count = 1 + this.#prng.nextInt(members.length);
    for (let i = 0; i < count; i++) {
      const [from, to] = this.#shuffled(members);
      links.push([from!.id, to!.id]);
    }
    return links;
  }

  #bridgeLinks(members: readonly SimNode[]): Link[] {
    if (members.length < 3) return this.#partitionLinks(members);
    const [, ...others] = this.#shuffled(members);
    const split = 1 + this.#prng.nextInt(others.length - 1);
    return crossLinks(others.slice(0, split), others.slice(split));
  }

  #isolationLinks(members: readonly SimNode[]): Link[] {
    const target = this.#host.leader() ?? members[this.#prng.nextInt(members.length)]!;
    return crossLinks([target], members.filter((m) => m !== target));
  }

  #clog(members: readonly SimNode[], durationMs: number): void {
    if (members.length < 2) return;
    const now = this.#host.nowMs();
    const links = this.#oneWayLinks(members).concat(this.#oneWayLinks(members));
    const stepMs = 5 + this.#prng.nextInt(50);
    this.#host.trace(`${now} fault clog ${describeLinks(links)} step ${stepMs}`);
    const end = now + links.length * stepMs;
    links.forEach((link, i) => {
      this.#host.scheduleFault(now + i * stepMs, { kind: "cut", links: [link] });
      this.#host.scheduleFault(end + this.#prng.nextInt(durationMs), {
        kind: "restore",
        links: [link],
      });
    });
  }

  #target(members: readonly SimNode[], leaderShare: number): SimNode | undefined {
    const leader = this.#host.leader();
    if (leader !== undefined && this.#prng.nextFloat() < leaderShare) return leader;
    const up = members.filter((m) => m.up);
    return up[this.#prng.nextInt(Math.max(1, up.length))];
  }

  #crash(members: readonly SimNode[]): void {
    const node = this.#target(members, 0.5);
    if (node === undefined || !node.up) return;
    this.#host.trace(`${this.#host.nowMs()} fault crash ${node.id}`);
    this.#host.crash(node);
    this.scheduleRestart(node);
  }

  #pause(members: readonly SimNode[]): void {
    const now = this.#host.nowMs();
    const electionMs = 2 * this.#config.electionTicks * this.#config.tickMs;
    const durationMs = Math.round(electionMs * (1 + this.#prng.nextFloat() * 7));
    if (this.#prng.nextFloat() < 0.5) {
      this.armedPauseMs = durationMs;
      return;
    }
    const node = this.#target(members, 0.75);
    if (node === undefined || !node.up) return;
    node.pause(now + durationMs);
    this.#host.trace(`${now} fault pause ${node.id} until ${node.pausedUntilMs}`);
  }
}

function crossLinks(a: readonly SimNode[], b: readonly SimNode[]): Link[] {
  const links: Link[] = [];
  for (const x of a) {
    for (const y of b) {
      links.push([x.id, y.id], [y.id, x.id]);
    }
  }
  return links;
}

function describeLinks(links: readonly Link[]): string {
  return links.map(([from, to]) => `${from}>${to}`).join(",");
}
