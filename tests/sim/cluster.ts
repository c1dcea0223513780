/**
 * One seeded simulation run: members, network, clients, faults and
 * membership changes on one virtual clock and one event queue, every random
 * choice drawn from a stream forked from the seed. After the event budget a
 * liveness phase heals everything and requires a leader and convergence of
 * all members of the configuration within a bounded virtual time.
 *
 * @module
 */

import type { ConfState, Message, NodeId, ReadState } from "../../src/raft/mod.ts";
import { SeededPrng } from "../../src/util/prng.ts";
import { Checker, type InvariantName, type Violation } from "./checkers.ts";
import { EventQueue } from "./event_queue.ts";
import { type FaultEvent, FaultScheduler } from "./faults.ts";
import { describeMembers, isConverged } from "./liveness.ts";
import { configMembers, MembershipDriver, removedMembers } from "./membership.ts";
import { describeConfig, drawSimConfig, type SimConfig, type SimOverrides } from "./sim_config.ts";
import { type RouteOutcome, SimNetwork } from "./sim_network.ts";
import { type CrashPoint, SimNode } from "./sim_node.ts";
import type { WriteCommand } from "./state_machine.ts";
import { Trace } from "./trace.ts";
import { type ClientEvent, Workload } from "./workload.ts";

/** Every event the queue holds. */
export type SimEvent =
  | { readonly kind: "tick"; readonly node: SimNode; readonly incarnation: number }
  | {
    readonly kind: "deliver";
    readonly message: Message;
    readonly sender: SimNode;
    readonly senderIncarnation: number;
  }
  | {
    readonly kind: "snapStatus";
    readonly sender: SimNode;
    readonly senderIncarnation: number;
    readonly to: NodeId;
    readonly status: "finish" | "failure";
  }
  | { readonly kind: "shutdown"; readonly node: SimNode; readonly incarnation: number }
  | { readonly kind: "membership" }
  | { readonly kind: "transfer" }
  | { readonly kind: "livenessCheck" }
  | ClientEvent
  | FaultEvent;

/** Options of one run. */
export interface RunOptions extends SimOverrides {
  /** Keep every trace line (for `--trace`). */
  readonly keepTrace?: boolean;
  /** Trace lines kept for a failure report. */
  readonly tailLines?: number;
  /** Invariants not checked (to learn which other checker catches a bug). */
  readonly disabled?: ReadonlySet<InvariantName>;
  /** Keep reordering links after the heal (the liveness phase is otherwise FIFO). */
  readonly reorderAfterHeal?: boolean;
}

/** What one seed did. */
export interface SeedResult {
  readonly seed: number;
  readonly config: string;
  readonly events: number;
  readonly virtualMs: number;
  /** The first violation (liveness failures included), or null. */
  readonly violation: Violation | null;
  /** The event number at which it was found. */
  readonly violationEvent: number;
  readonly traceHash: string;
  readonly traceLines: readonly string[];
  readonly stats: Record<string, number>;
}

const LIVENESS_ELECTIONS_MAX = 40;
const decoder = new TextDecoder();
const LIVENESS_EVENTS_MAX = 300_000;
const MEMBERS_ADDED_MAX = 6;

/** Runs one seed and reports what happened. */
export function runSeed(seed: number, options: RunOptions = {}): SeedResult {
  return new Cluster(seed, options).run();
}

/** The simulated cluster of one seed. */
export class Cluster {
  readonly config: SimConfig;
  readonly checker: Checker;
  readonly network: SimNetwork;
  readonly traceLog: Trace;
  readonly #queue = new EventQueue<SimEvent>();
  readonly #nodes = new Map<NodeId, SimNode>();
  readonly #order: SimNode[] = [];
  readonly #tickMs = new Map<NodeId, number>();
  readonly #nodePrng: SeededPrng;
  readonly #jitterPrng: SeededPrng;
  readonly #workload: Workload;
  readonly #faults: FaultScheduler;
  readonly #membership: MembershipDriver;
  readonly #initial: ConfState;
  readonly #sentMs = new WeakMap<Message, number>();
  #now = 0;
  #events = 0;
  #violationEvent = -1;
  #liveness = false;
  #converged = false;
  #healedAtMs = 0;
  readonly #counts = {
    elections: 0,
    snapshotsSent: 0,
    restarts: 0,
    removals: 0,
    crashesInReady: 0,
  };
  readonly #reorderAfterHeal: boolean;

  constructor(seed: number, options: RunOptions) {
    this.checker = new Checker(options.disabled);
    this.#reorderAfterHeal = options.reorderAfterHeal ?? false;
    const root = new SeededPrng(seed);
    this.config = drawSimConfig(seed, root.fork(), options);
    this.network = new SimNetwork(this.config.network, root.fork());
    this.#faults = new FaultScheduler(this.config, root.fork(), this);
    this.#workload = new Workload(this.config, root.fork(), this);
    this.#membership = new MembershipDriver(root.fork(), this);
    this.#nodePrng = root.fork();
    this.#jitterPrng = root.fork();
    this.traceLog = new Trace({
      keepLines: options.keepTrace ?? false,
      tailLines: options.tailLines ?? 40,
    });
    const voters: NodeId[] = [];
    for (let i = 1; i <= this.config.memberCount; i++) voters.push(BigInt(i));
    this.#initial = {
      voters,
      learners: [],
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false,
    };
  }

  /** Runs the fault phase, then the liveness phase. */
  run(): SeedResult {
    this.#start();
    while (!this.checker.failed && this.#events < this.config.maxEvents && this.#step());
    if (!this.checker.failed) this.#runLiveness();
    if (!this.checker.failed) this.#checkLogsPairwise();
    return this.#result();
  }

  #start(): void {
    this.trace(`seed ${this.config.seed} ${describeConfig(this.config)}`);
    for (const id of this.#initial.voters) this.#createMember(id, this.#initial);
    this.#workload.start();
    this.#faults.start();
    const faults = this.config.faults;
    if (faults.has("membership")) {
      this.#schedule(this.config.membershipIntervalMs, { kind: "membership" });
    }
    if (faults.has("transfer")) {
      this.#schedule(this.config.membershipIntervalMs, { kind: "transfer" });
    }
  }

  #schedule(delayMs: number, event: SimEvent): void {
    this.#queue.push(this.#now + delayMs, event);
  }

  /** A member bootstrapped with the initial configuration, or (null) a joining one with an empty disk. */
  #createMember(id: NodeId, initial: ConfState | null): SimNode {
    const node = new SimNode(id, initial, this, this.#nodePrng.fork());
    this.#nodes.set(id, node);
    this.#order.push(node);
    const skew = this.config.faults.has("tickSkew") ? 0.7 + this.#jitterPrng.nextFloat() * 0.6 : 1;
    this.#tickMs.set(id, Math.max(1, Math.round(this.config.tickMs * skew)));
    this.trace(`${this.#now} create ${id}`);
    this.#boot(node);
    return node;
  }

  #boot(node: SimNode): void {
    node.start();
    this.checker.roleObserved(node.id, "follower", node.term, node.disk.storage);
    const offset = 1 + this.#jitterPrng.nextInt(this.config.tickMs);
    this.#schedule(offset, { kind: "tick", node, incarnation: node.incarnation });
  }

  #step(): boolean {
    const item = this.#queue.pop();
    if (item === undefined) return false;
    this.#now = item.timeMs;
    this.#events++;
    try {
      this.#dispatch(item.event);
    } catch (error) {
      const text = error instanceof Error
        ? `${error.name}: ${error.message}\n${error.stack}`
        : String(error);
      this.checker.fail("exception", text);
    }
    if (this.checker.failed && this.#violationEvent < 0) this.#violationEvent = this.#events;
    return true;
  }

  #dispatch(event: SimEvent): void {
    switch (event.kind) {
      case "tick":
        return this.#tick(event.node, event.incarnation, event);
      case "deliver":
        return this.#deliver(event);
      case "shutdown":
        return this.#shutdown(event.node, event.incarnation);
      case "snapStatus":
        return this.#reportSnapshot(event.sender, event.senderIncarnation, event.to, event.status);
      case "membership":
        this.#membership.change(this.#liveness);
        return this.#schedule(this.#liveness ? 50 : this.config.membershipIntervalMs, event);
      case "transfer":
        if (!this.#liveness) this.#membership.transfer();
        if (!this.#liveness) this.#schedule(this.config.membershipIntervalMs, event);
        return;
      case "livenessCheck":
        this.#converged = this.#isConverged();
        if (!this.#converged) this.#schedule(this.config.tickMs, event);
        return;
      case "clientIssue":
      case "clientArrive":
      case "clientTimeout":
        return this.#workload.handle(event);
      default:
        return this.#faults.handle(event);
    }
  }

  #shutdown(node: SimNode, incarnation: number): void {
    if (this.#liveness || node.raw === null || node.incarnation !== incarnation) return;
    this.trace(`${this.#now} shutdown ${node.id}`);
    node.crash();
  }

  #tick(node: SimNode, incarnation: number, event: SimEvent): void {
    const raw = node.raw;
    if (raw === null || node.incarnation !== incarnation) return;
    this.#schedule(this.#tickMs.get(node.id)!, event);
    if (node.pausedAt(this.#now)) return;
    this.trace(`${this.#now} tick ${node.id}`);
    raw.tick();
    node.drain();
  }

  #deliver(event: Extract<SimEvent, { kind: "deliver" }>): void {
    const m = event.message;
    const target = this.#nodes.get(m.to);
    if (event.sender.removed && target !== undefined && this.#rejectsRemoved(target, m.from)) {
      return;
    }
    const snap = m.type === "MsgSnap";
    const { sender, senderIncarnation } = event;
    if (target === undefined || target.raw === null) {
      if (snap) this.#reportSnapshot(sender, senderIncarnation, m.to, "failure");
      return;
    }
    if (target.pausedAt(this.#now)) {
      const at = target.resumeAtMs(`${m.from}`, () => this.#jitterPrng.nextInt(6));
      this.#queue.push(at, event);
      return;
    }
    if (this.config.cutDropsInFlight && this.network.isCut(m.from, m.to)) {
      if (snap) this.#reportSnapshot(sender, senderIncarnation, m.to, "failure");
      return;
    }
    this.trace(
      `${this.#now} d ${m.from}>${m.to} ${m.type} t${m.term} i${m.index} lt${m.logTerm} ` +
        `c${m.commit} n${m.entries.length} x${m.context.length}${m.reject ? " rej" : ""}` +
        (m.snapshot ? " snap" : ""),
    );
    this.#observeDelivery(target, m);
    if (snap) this.#counts.snapshotsSent++;
    target.raw.step(m);
    target.drain();
    if (snap) this.#reportSnapshot(sender, senderIncarnation, m.to, "finish");
  }

  /** What the read checks need to know about a delivery, before it is stepped. */
  #observeDelivery(target: SimNode, m: Message): void {
    if (target.role !== "leader") return;
    if (m.type === "MsgHeartbeatResp") {
      this.checker.heartbeatAckReceived(
        target.id,
        m.from,
        m.term,
        this.#sentMs.get(m) ?? this.#now,
      );
    } else if (m.type === "MsgReadIndex") {
      this.readArrived(target, m.context);
    }
  }

  /** A ReadIndex request reached `node` (checked only when it leads). */
  readArrived(node: SimNode, context: Uint8Array): void {
    if (node.role !== "leader") return;
    this.checker.readArrived(node.id, node.term, decoder.decode(context), this.#now);
  }

  #readAnswered(leader: SimNode, context: Uint8Array): void {
    const key = decoder.decode(context);
    this.checker.readAnswered(leader.id, leader.term, key, leader.confState, leader.disk.storage);
  }

  /** Like etcd's peer transport: a member that applied a removal refuses the removed member. */
  #rejectsRemoved(target: SimNode, from: NodeId): boolean {
    return !configMembers(target.confState).has(from);
  }

  #reportSnapshot(
    sender: SimNode,
    incarnation: number,
    to: NodeId,
    status: "finish" | "failure",
  ): void {
    if (sender.raw === null || sender.incarnation !== incarnation) return;
    this.trace(`${this.#now} snapStatus ${sender.id}>${to} ${status}`);
    sender.raw.reportSnapshot(to, status);
    sender.drain();
  }

  #runLiveness(): void {
    this.#liveness = true;
    this.#healedAtMs = this.#now;
    this.trace(`${this.#now} heal`);
    this.#faults.stopped = true;
    this.network.healAll();
    const fifo = !this.#reorderAfterHeal;
    this.network.setRates({
      ...this.network.rates,
      dropRate: 0,
      duplicateRate: 0,
      reorderRate: 0,
      fifo,
    });
    for (const node of this.#order) {
      node.pausedUntilMs = Math.min(node.pausedUntilMs, this.#now);
      if (!node.up) this.restart(node);
    }
    this.#workload.enterFinalMode();
    if (this.config.faults.has("membership")) this.#schedule(1, { kind: "membership" });
    this.#schedule(this.config.tickMs, { kind: "livenessCheck" });
    const electionMs = 2 * this.config.electionTicks * this.config.tickMs;
    const deadline = this.#now + LIVENESS_ELECTIONS_MAX * electionMs;
    const eventsMax = this.#events + LIVENESS_EVENTS_MAX;
    while (!this.checker.failed && !this.#converged && this.#step()) {
      if (this.#now > deadline || this.#events > eventsMax) break;
    }
    if (!this.checker.failed && !this.#converged) {
      this.checker.fail("liveness", this.#describeStuck());
      this.#violationEvent = this.#events;
    }
  }

  #isConverged(): boolean {
    if (!this.#workload.finalAcked) return false;
    return isConverged(this.leader(), (id) => this.#nodes.get(id), this.#now);
  }

  #describeStuck(): string {
    const acked = this.#workload.finalAcked;
    return `no convergence after healing (final write acked: ${acked}): ` +
      describeMembers(this.#order);
  }

  #checkLogsPairwise(): void {
    const logs = this.#order.map((n) => [n.id, n.disk.storage] as const);
    this.checker.logMatchingPairwise(logs);
    if (this.checker.failed && this.#violationEvent < 0) this.#violationEvent = this.#events;
  }

  #result(): SeedResult {
    const workload = this.#workload.stats;
    const stats: Record<string, number> = {
      members: this.#order.length,
      faultPhaseMs: this.#healedAtMs,
      maxCommitted: this.checker.maxCommitted,
      writesAcked: workload.writesAcked,
      readsDone: workload.readsDone,
      opsFailed: workload.failed,
      opsTimedOut: workload.timedOut,
      confChanges: this.#membership.proposed,
      ...this.#counts,
    };
    for (const [kind, count] of Object.entries(this.#faults.stats)) stats[`fault.${kind}`] = count;
    return {
      seed: this.config.seed,
      config: describeConfig(this.config),
      events: this.#events,
      virtualMs: this.#now,
      violation: this.checker.violations[0] ?? null,
      violationEvent: this.#violationEvent,
      traceHash: this.traceLog.hash(),
      traceLines: this.traceLog.lines,
      stats,
    };
  }

  // ---- hosts: what members, clients, faults and membership ask of the cluster ----

  nowMs(): number {
    return this.#now;
  }

  trace(line: string): void {
    this.traceLog.add(line);
  }

  member(id: NodeId): SimNode | undefined {
    return this.#nodes.get(id);
  }

  members(): readonly SimNode[] {
    return this.#order.filter((n) => !n.removed);
  }

  leaders(): readonly SimNode[] {
    return this.#order.filter((n) => n.role === "leader" && !n.removed && n.raw !== null);
  }

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const node of this.#order) {
      if (node.role !== "leader" || node.removed || node.raw === null || node.pausedAt(this.#now)) {
        continue;
      }
      if (best === undefined || node.term > best.term) best = node;
    }
    return best;
  }

  addMember(): SimNode | undefined {
    if (this.#order.length >= this.config.memberCount + MEMBERS_ADDED_MAX) return undefined;
    return this.#createMember(BigInt(this.#order.length + 1), null);
  }

  crash(node: SimNode): void {
    node.crash();
    this.#workload.nodeDown(node);
  }

  restart(node: SimNode): void {
    this.#counts.restarts++;
    this.trace(`${this.#now} restart ${node.id}`);
    this.#boot(node);
    node.drain();
  }

  scheduleClient(atMs: number, event: ClientEvent): void {
    this.#queue.push(atMs, event);
  }

  scheduleFault(atMs: number, event: FaultEvent): void {
    this.#queue.push(atMs, event);
  }

  send(from: SimNode, m: Message): RouteOutcome {
    if (m.type === "MsgHeartbeat" && m.context.length > 0) this.#faults.takeArmedPause(from);
    if (m.type === "MsgHeartbeatResp") this.#sentMs.set(m, this.#now);
    if (m.type === "MsgReadIndexResp" && from.role === "leader") {
      this.#readAnswered(from, m.context);
    }
    const route = this.network.route(from.id, m.to, this.#now);
    for (const at of route.arrivalsMs) {
      this.#queue.push(at, {
        kind: "deliver",
        message: m,
        sender: from,
        senderIncarnation: from.incarnation,
      });
    }
    if (route.outcome !== "sent" && m.type === "MsgSnap") {
      this.#queue.push(this.#now + 1, {
        kind: "snapStatus",
        sender: from,
        senderIncarnation: from.incarnation,
        to: m.to,
        status: "failure",
      });
    }
    return route.outcome;
  }

  writeApplied(node: SimNode, command: WriteCommand, index: number): void {
    this.#workload.writeApplied(node, command, index);
  }

  readStateArrived(node: SimNode, state: ReadState): void {
    if (node.role === "leader") this.#readAnswered(node, state.requestCtx);
    this.#workload.readStateArrived(node, state);
  }

  appliedAdvanced(node: SimNode): void {
    this.#workload.appliedAdvanced(node);
  }

  confChanged(node: SimNode, previous: ConfState, next: ConfState): void {
    for (const id of removedMembers(previous, next)) {
      const removed = this.#nodes.get(id);
      if (removed === undefined || removed.removed) continue;
      this.trace(`${this.#now} removed ${id} (applied on ${node.id})`);
      removed.removed = true;
      this.#counts.removals++;
      this.#workload.nodeDown(removed);
      const graceMs = 2 * this.config.electionTicks * this.config.tickMs;
      this.#schedule(graceMs, {
        kind: "shutdown",
        node: removed,
        incarnation: removed.incarnation,
      });
    }
  }

  roleChanged(node: SimNode): void {
    if (node.role === "leader") this.#counts.elections++;
    this.trace(`${this.#now} role ${node.id} ${node.role} t${node.term}`);
    if (node.role === "leader") this.#faults.leaderElected(node);
  }

  crashPoint(_node: SimNode, _where: CrashPoint): boolean {
    return this.#faults.crashInReady();
  }

  crashedInReady(node: SimNode, where: CrashPoint): void {
    this.#counts.crashesInReady++;
    this.trace(`${this.#now} crash ${node.id} ${where}`);
    this.#workload.nodeDown(node);
    this.#faults.scheduleRestart(node);
  }
}
