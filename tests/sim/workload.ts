/**
 * Simulated clients: each has one operation in flight. A write proposes a
 * unique value for a random key to one member and is acknowledged when that
 * member applies it; a read asks one member for a ReadIndex and completes
 * once a ReadState for its context arrived and the member applied up to its
 * index. Requests travel to the member with a small delay and wait while it
 * is paused; a crash or a dropped proposal fails them; a timeout makes them
 * indeterminate.
 *
 * @module
 */

import { type NodeId, ProposalDroppedError, type ReadState } from "../../src/raft/mod.ts";
import type { SeededPrng } from "../../src/util/prng.ts";
import type { Checker, ReadExpectation } from "./checkers.ts";
import type { SimConfig } from "./sim_config.ts";
import type { SimNode } from "./sim_node.ts";
import { encodeWrite, type WriteCommand } from "./state_machine.ts";

/** One client operation. */
export interface Operation {
  readonly client: number;
  readonly kind: "write" | "read";
  readonly target: NodeId;
  readonly key: string;
  /** `<client>.<sequence>` for writes, `r<client>.<sequence>` for reads (the ReadIndex context). */
  readonly tag: string;
  readonly value: string;
  readonly issuedMs: number;
  readonly expectation: ReadExpectation | null;
  /** The ReadState index, once answered (-1 before). */
  readIndex: number;
  done: boolean;
}

/** Events of the workload, queued by the cluster. */
export type ClientEvent =
  | { readonly kind: "clientIssue"; readonly client: number }
  | { readonly kind: "clientArrive"; readonly op: Operation }
  | { readonly kind: "clientTimeout"; readonly op: Operation };

/** What the workload needs from the cluster. */
export interface WorkloadHost {
  readonly checker: Checker;
  nowMs(): number;
  /** A member by id (also removed ones), if it exists. */
  member(id: NodeId): SimNode | undefined;
  /** Members a client may contact (not removed), in id order. */
  members(): readonly SimNode[];
  /** Members that believe they lead. */
  leaders(): readonly SimNode[];
  /** The leader with the highest term, if any. */
  leader(): SimNode | undefined;
  scheduleClient(atMs: number, event: ClientEvent): void;
  /** A ReadIndex request reaches `node` (for the read checks). */
  readArrived(node: SimNode, context: Uint8Array): void;
  trace(line: string): void;
}

/** Counters for reports. */
export interface WorkloadStats {
  issued: number;
  writesAcked: number;
  readsDone: number;
  failed: number;
  timedOut: number;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The simulated clients. */
export class Workload {
  readonly stats: WorkloadStats = {
    issued: 0,
    writesAcked: 0,
    readsDone: 0,
    failed: 0,
    timedOut: 0,
  };
  /** Final mode: only client 0 writes, to the leader, until one write is acknowledged. */
  finalMode = false;
  finalAcked = false;
  readonly #config: SimConfig;
  readonly #prng: SeededPrng;
  readonly #host: WorkloadHost;
  readonly #sequence: number[] = [];
  readonly #current: (Operation | null)[] = [];
  /** A sticky client keeps its member until a request fails (not on timeout), like etcd's client. */
  readonly #sticky: boolean[] = [];
  readonly #stuckTo: (NodeId | undefined)[] = [];
  readonly #pending = new Map<NodeId, Map<string, Operation>>();

  constructor(config: SimConfig, prng: SeededPrng, host: WorkloadHost) {
    this.#config = config;
    this.#prng = prng;
    this.#host = host;
  }

  /** Schedules every client's first operation. */
  start(): void {
    for (let client = 0; client < this.#config.clientCount; client++) {
      this.#sequence.push(0);
      this.#current.push(null);
      this.#sticky.push(this.#prng.nextFloat() < 0.6);
      this.#stuckTo.push(undefined);
      this.#host.scheduleClient(this.#host.nowMs() + this.#prng.nextInt(50), {
        kind: "clientIssue",
        client,
      });
    }
  }

  /** Switches to final mode (the liveness phase); idle clients stop. */
  enterFinalMode(): void {
    this.finalMode = true;
    if (this.#current[0]?.done === false) return;
    this.#host.scheduleClient(this.#host.nowMs() + 1, { kind: "clientIssue", client: 0 });
  }

  /** Runs one workload event. */
  handle(event: ClientEvent): void {
    if (event.kind === "clientIssue") this.#issue(event.client);
    else if (event.kind === "clientArrive") this.#arrive(event.op);
    else if (!event.op.done) this.#finish(event.op, "timeout");
  }

  #issue(client: number): void {
    if (this.finalMode && (client !== 0 || this.finalAcked)) return;
    if (this.#current[client]?.done === false) return;
    const op = this.#newOperation(client);
    if (op === null) {
      this.#host.scheduleClient(this.#host.nowMs() + 10, { kind: "clientIssue", client });
      return;
    }
    this.#current[client] = op;
    this.stats.issued++;
    const now = this.#host.nowMs();
    this.#host.trace(`${now} issue ${op.kind} ${op.tag} ${op.key} @${op.target}`);
    this.#host.scheduleClient(now + 1 + this.#prng.nextInt(3), { kind: "clientArrive", op });
    this.#host.scheduleClient(now + this.#config.opTimeoutMs, { kind: "clientTimeout", op });
  }

  #newOperation(client: number): Operation | null {
    const prng = this.#prng;
    const read = !this.finalMode && prng.nextFloat() < this.#config.readShare;
    const target = this.#pickTarget(client);
    if (target === undefined) return null;
    const sequence = ++this.#sequence[client]!;
    const key = this.finalMode ? "final" : `k${prng.nextInt(this.#config.keyCount)}`;
    const tag = read ? `r${client}.${sequence}` : `${client}.${sequence}`;
    return {
      client,
      kind: read ? "read" : "write",
      target,
      key,
      tag,
      value: `v${client}.${sequence}`,
      issuedMs: this.#host.nowMs(),
      expectation: read ? this.#host.checker.readIssued(key) : null,
      readIndex: -1,
      done: false,
    };
  }

  #pickTarget(client: number): NodeId | undefined {
    const stuck = this.#stuckTo[client];
    if (stuck !== undefined && this.#host.member(stuck)?.removed === false && !this.finalMode) {
      return stuck;
    }
    const target = this.#drawTarget();
    if (this.#sticky[client]) this.#stuckTo[client] = target;
    return target;
  }

  #drawTarget(): NodeId | undefined {
    const prng = this.#prng;
    const members = this.#host.members();
    if (this.finalMode) return this.#host.leader()?.id ?? members[prng.nextInt(members.length)]?.id;
    const leaders = this.#host.leaders();
    if (leaders.length > 0 && prng.nextFloat() < 0.5) {
      return leaders[prng.nextInt(leaders.length)]!.id;
    }
    if (members.length === 0) return undefined;
    return members[prng.nextInt(members.length)]!.id;
  }

  #arrive(op: Operation): void {
    if (op.done) return;
    const node = this.#host.member(op.target);
    const raw = node?.raw ?? null;
    if (node === undefined || raw === null || node.removed) return this.#finish(op, "failed");
    const now = this.#host.nowMs();
    if (node.pausedAt(now)) {
      const at = node.resumeAtMs(`client${op.client}`, () => this.#prng.nextInt(6));
      this.#host.scheduleClient(at, { kind: "clientArrive", op });
      return;
    }
    this.#pendingAt(node.id).set(op.tag, op);
    this.#host.trace(`${now} arrive ${op.tag} @${node.id}`);
    try {
      if (op.kind === "write") raw.propose(encodeWrite(op.tag, op.key, op.value));
      else {
        const context = encoder.encode(op.tag);
        this.#host.readArrived(node, context);
        raw.readIndex(context);
      }
    } catch (error) {
      if (!(error instanceof ProposalDroppedError)) throw error;
      return this.#finish(op, "failed");
    }
    node.drain();
  }

  #pendingAt(id: NodeId): Map<string, Operation> {
    let pending = this.#pending.get(id);
    if (pending === undefined) {
      pending = new Map();
      this.#pending.set(id, pending);
    }
    return pending;
  }

  #finish(op: Operation, outcome: "acked" | "read" | "failed" | "timeout"): void {
    op.done = true;
    this.#pending.get(op.target)?.delete(op.tag);
    const stats = this.stats;
    if (outcome === "acked") stats.writesAcked++;
    else if (outcome === "read") stats.readsDone++;
    else if (outcome === "failed") stats.failed++;
    else stats.timedOut++;
    const now = this.#host.nowMs();
    this.#host.trace(`${now} ${outcome} ${op.tag}`);
    if (outcome === "failed") this.#stuckTo[op.client] = undefined;
    const backoff = outcome === "failed" || outcome === "timeout" ? 10 : 0;
    const next = now + backoff + this.#prng.nextInt(this.#config.clientThinkMs + 1);
    this.#host.scheduleClient(next, { kind: "clientIssue", client: op.client });
  }

  /** A member applied a write: acknowledges it if that member's client waits for it. */
  writeApplied(node: SimNode, command: WriteCommand, index: number): void {
    const op = this.#pending.get(node.id)?.get(command.tag);
    if (op === undefined || op.kind !== "write") return;
    this.#host.checker.writeAcked(op.key, index);
    if (this.finalMode && op.key === "final") this.finalAcked = true;
    this.#finish(op, "acked");
  }

  /** A ReadState arrived on a member. */
  readStateArrived(node: SimNode, state: ReadState): void {
    const pending = this.#pending.get(node.id);
    if (pending === undefined || pending.size === 0) return;
    const op = pending.get(decoder.decode(state.requestCtx));
    if (op === undefined || op.kind !== "read" || op.readIndex >= 0) return;
    op.readIndex = state.index;
    this.#host.checker.readIndexAnswered(node.id, op.expectation!, state.index);
  }

  /** A member applied more: its answered reads whose index is applied complete. */
  appliedAdvanced(node: SimNode): void {
    const pending = this.#pending.get(node.id);
    if (pending === undefined || pending.size === 0) return;
    for (const op of [...pending.values()]) {
      if (op.kind !== "read" || op.readIndex < 0 || node.machine.applied < op.readIndex) continue;
      const stored = node.machine.kv.get(op.key);
      this.#host.checker.readReturned(node.id, op.expectation!, stored?.index ?? 0);
      this.#finish(op, "read");
    }
  }

  /** A member crashed or was removed: its requests fail. */
  nodeDown(node: SimNode): void {
    const pending = this.#pending.get(node.id);
    if (pending === undefined) return;
    for (const op of [...pending.values()]) this.#finish(op, "failed");
  }
}
