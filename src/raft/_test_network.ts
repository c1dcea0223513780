/**
 * A test harness for the Raft core: members with MemoryStorage, a network
 * that delivers messages synchronously until nothing is left (with drops,
 * cuts, isolation and ignored message types), and the Ready loop. Private to
 * the core's tests (etcd-io/raft's `network` in raft_test.go, rewritten).
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { SeededPrng } from "../util/prng.ts";
import { decodeConfChange } from "./confchange_codec.ts";
import type { RaftConfig } from "./config.ts";
import { RawNode } from "./raw_node.ts";
import { MemoryStorage } from "./storage.ts";
import type { ConfState, Entry, Message, MessageType, NodeId, ReadState } from "./types.ts";
import { EMPTY_CONF_STATE, message } from "./types.ts";

/** One member in the harness. */
export class TestMember {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  node: RawNode;
  /** Normal entries with data, in apply order. */
  readonly applied: Entry[] = [];
  readonly readStates: ReadState[] = [];
  confState: ConfState;
  readonly config: Omit<RaftConfig, "id" | "storage" | "prng">;
  #seed: number;

  constructor(
    id: NodeId,
    storage: MemoryStorage,
    config: Omit<RaftConfig, "id" | "storage" | "prng">,
    seed: number,
  ) {
    this.id = id;
    this.storage = storage;
    this.config = config;
    this.#seed = seed;
    this.confState = storage.initialState().confState;
    this.node = this.#newNode(0);
  }

  #newNode(applied: number): RawNode {
    return new RawNode({
      ...this.config,
      id: this.id,
      storage: this.storage,
      prng: new SeededPrng(this.#seed++),
      applied,
    });
  }

  /** Drops all volatile state and restarts from storage (a crash). */
  restart(): void {
    this.node = this.#newNode(this.storage.snapshot().metadata.index);
    this.applied.length = 0;
  }

  /** Handles every pending Ready; returns the messages to send. */
  drain(): Message[] {
    const out: Message[] = [];
    while (this.node.hasReady()) {
      const rd = this.node.ready();
      if (rd.snapshot !== null) {
        this.storage.applySnapshot(rd.snapshot);
        this.confState = rd.snapshot.metadata.confState;
      }
      this.storage.append(rd.entries);
      if (rd.hardState !== null) this.storage.setHardState(rd.hardState);
      out.push(...rd.messages);
      for (const entry of rd.committedEntries) {
        if (entry.type === "confChange") {
          this.confState = this.node.applyConfChange(decodeConfChange(entry.data));
        } else if (entry.data.byteLength > 0) {
          this.applied.push(entry);
        }
      }
      this.readStates.push(...rd.readStates);
      this.node.advance();
    }
    return out;
  }
}

/** Options of a harness. */
export interface TestNetworkOptions {
  electionTicks?: number;
  heartbeatTicks?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  learners?: readonly NodeId[];
  /** The state machine's initial bytes, kept in every initial member's bootstrap snapshot. */
  initialData?: Uint8Array;
  seed?: number;
  config?: Partial<Omit<RaftConfig, "id" | "storage" | "prng">>;
}

/** Members joined by a synchronous network. */
export class TestNetwork {
  readonly members = new Map<NodeId, TestMember>();
  /** Links that drop everything: "from-to". */
  readonly #cut = new Set<string>();
  readonly #ignored = new Set<MessageType>();
  /** Every message delivered, in order. */
  readonly delivered: Message[] = [];
  /** Called on every message before delivery; return false to drop it. */
  filter: ((m: Message) => boolean) | null = null;

  /**
   * Members `ids`, each bootstrapped with the initial configuration (a
   * snapshot at BOOTSTRAP_INDEX). A member added later with `add` may start
   * from an empty MemoryStorage, as a joining member does.
   */
  constructor(ids: readonly NodeId[], options: TestNetworkOptions = {}) {
    const voters = ids.filter((id) => !(options.learners ?? []).includes(id));
    const confState: ConfState = { ...EMPTY_CONF_STATE, voters, learners: options.learners ?? [] };
    let seed = options.seed ?? 1;
    for (const id of ids) {
      const storage = new MemoryStorage();
      storage.bootstrap(confState, options.initialData);
      this.add(id, storage, options, seed);
      seed += 1000;
    }
  }

  /** Adds a member with the given storage. */
  add(id: NodeId, storage: MemoryStorage, options: TestNetworkOptions = {}, seed = 7): TestMember {
    const member = new TestMember(id, storage, {
      electionTicks: options.electionTicks ?? 10,
      heartbeatTicks: options.heartbeatTicks ?? 1,
      preVote: options.preVote ?? false,
      checkQuorum: options.checkQuorum ?? false,
      ...options.config,
    }, seed);
    this.members.set(id, member);
    return member;
  }

  member(id: NodeId): TestMember {
    const member = this.members.get(id);
    assert(member !== undefined, `no member ${id}`);
    return member;
  }

  /** Drains every member and delivers messages until the network is quiet. */
  stabilize(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      const queue: Message[] = [];
      for (const member of this.members.values()) queue.push(...member.drain());
      if (queue.length === 0) return;
      for (const m of queue) this.#deliver(m);
    }
    throw new Error("network did not stabilize");
  }

  #deliver(m: Message): void {
    if (this.#cut.has(`${m.from}-${m.to}`) || this.#ignored.has(m.type)) return;
    if (this.filter !== null && !this.filter(m)) return;
    const target = this.members.get(m.to);
    if (target === undefined) return;
    this.delivered.push(m);
    target.node.step(m);
  }

  /** Ticks one member `n` times, stabilizing after each tick. */
  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) {
      this.member(id).node.tick();
      this.stabilize();
    }
  }

  /** Campaigns at `id` and stabilizes. */
  campaign(id: NodeId): void {
    this.member(id).node.campaign();
    this.stabilize();
  }

  /** Proposes at `id` and stabilizes. */
  propose(id: NodeId, data: string): void {
    this.member(id).node.propose(new TextEncoder().encode(data));
    this.stabilize();
  }

  /** Drops all messages in both directions between `a` and `b`. */
  cut(a: NodeId, b: NodeId): void {
    this.#cut.add(`${a}-${b}`);
    this.#cut.add(`${b}-${a}`);
  }

  /** Drops messages from `a` to `b` only. */
  cutOneWay(a: NodeId, b: NodeId): void {
    this.#cut.add(`${a}-${b}`);
  }

  /** Cuts `id` off from every other member. */
  isolate(id: NodeId): void {
    for (const other of this.members.keys()) if (other !== id) this.cut(id, other);
  }

  ignore(type: MessageType): void {
    this.#ignored.add(type);
  }

  /** Heals every cut and ignored type. */
  recover(): void {
    this.#cut.clear();
    this.#ignored.clear();
    this.filter = null;
  }

  /** The data of a member's applied entries, as strings. */
  appliedData(id: NodeId): string[] {
    return this.member(id).applied.map((entry) => new TextDecoder().decode(entry.data));
  }

  /** The members that currently believe they lead. */
  leaders(): NodeId[] {
    return [...this.members.values()]
      .filter((member) => member.node.status().softState.raftState === "leader")
      .map((member) => member.id);
  }
}

/** Persists and advances every pending Ready of `node`; returns the messages to send. */
export function persistAll(node: RawNode, storage: MemoryStorage): Message[] {
  const out: Message[] = [];
  while (node.hasReady()) {
    const rd = node.ready();
    storage.append(rd.entries);
    if (rd.hardState !== null) storage.setHardState(rd.hardState);
    out.push(...rd.messages);
    node.advance();
  }
  return out;
}

/** Member 1 of voters 1, 2, 3, elected leader of term 1 with 2's vote (no follower acked yet). */
export function leaderOfThree(seed = 7): { node: RawNode; storage: MemoryStorage } {
  const storage = new MemoryStorage();
  storage.bootstrap({ ...EMPTY_CONF_STATE, voters: [1n, 2n, 3n] });
  const node = new RawNode({
    id: 1n,
    electionTicks: 10,
    heartbeatTicks: 1,
    storage,
    prng: new SeededPrng(seed),
  });
  node.campaign();
  persistAll(node, storage);
  node.step(message({ type: "MsgVoteResp", from: 2n, to: 1n, term: 1 }));
  persistAll(node, storage);
  assert(node.status().softState.raftState === "leader", "member 1 should lead");
  return { node, storage };
}
