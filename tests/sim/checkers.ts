/**
 * The simulator's invariant checkers. The cluster calls them at the points
 * where a member changes durable state, sends, applies, changes role or
 * serves a read, so every invariant is checked after every event. Each check
 * takes plain data (a {@linkcode DurableLog}, entries, messages), so
 * `checkers_test.ts` can feed hand-made bad states.
 *
 * @module
 */

import type { Entry, HardState, Message, NodeId, Snapshot } from "../../src/raft/mod.ts";
import { dataHash } from "./state_machine.ts";

/** The invariants, as named in failure reports. */
export type InvariantName =
  | "electionSafety"
  | "leaderAppendOnly"
  | "logMatching"
  | "leaderCompleteness"
  | "stateMachineSafety"
  | "commitMonotonic"
  | "leaderCommitsOwnTerm"
  | "durableTermVote"
  | "oneVotePerTerm"
  | "sentBeforePersisted"
  | "readFreshness"
  | "readIndexConfirmed"
  | "exception"
  | "liveness";

/** One broken invariant. */
export interface Violation {
  readonly invariant: InvariantName;
  readonly detail: string;
}

/** What the checkers read of a member's durable state (MemoryStorage fits). */
export interface DurableLog {
  hardState(): HardState;
  firstIndex(): number;
  lastIndex(): number;
  term(index: number): number;
}

/** The term at `index` in `log`, or undefined when compacted or past the end. */
export function termAt(log: DurableLog, index: number): number | undefined {
  if (index < log.firstIndex() - 1 || index > log.lastIndex()) return undefined;
  return log.term(index);
}

/** What a read must reflect: set when the read is issued. */
export interface ReadExpectation {
  /** Highest index of any write acknowledged before the read began. */
  readonly minIndex: number;
  /** Highest index of an acknowledged write to the read's key before the read began. */
  readonly keyMinIndex: number;
  readonly key: string;
}

interface EntryRecord {
  readonly term: number;
  prevTerm: number;
  readonly hash: number;
}

interface AckSeen {
  readonly term: number;
  readonly sentMs: number;
}

/** A leader's configuration as the read checks need it. */
export interface VoterSets {
  readonly voters: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
}

interface LeaderView {
  readonly term: number;
  readonly log: DurableLog;
}

/** Global knowledge across members and restarts, and the checks over it. */
export class Checker {
  readonly violations: Violation[] = [];
  /** Invariants not reported (to see what else would catch a bug). */
  readonly #disabled: ReadonlySet<InvariantName>;
  readonly #leaderOfTerm = new Map<number, NodeId>();
  readonly #leaders = new Map<NodeId, LeaderView>();
  readonly #entryRecords: (EntryRecord[] | undefined)[] = [];
  /** index → term of the committed entry (0: unknown). */
  readonly #committedTerm: number[] = [0];
  /** index → lowest term by which the entry is known to be committed. */
  readonly #committedBy: number[] = [0];
  #maxCommitted = 0;
  readonly #appliedTerm: number[] = [0];
  readonly #appliedHash: number[] = [0];
  readonly #appliedChain: number[] = [0];
  readonly #votes = new Map<string, NodeId>();
  #maxAckedIndex = 0;
  /** leader → follower → latest heartbeat response it received (term, when it was sent). */
  readonly #acks = new Map<NodeId, Map<NodeId, AckSeen>>();
  /** `${leader}/${term}/${context}` → when the read request reached that leader. */
  readonly #readArrivals = new Map<string, number>();
  readonly #ackedByKey = new Map<string, number>();

  constructor(disabled: ReadonlySet<InvariantName> = new Set()) {
    this.#disabled = disabled;
  }

  /** Records a violation. */
  fail(invariant: InvariantName, detail: string): void {
    if (!this.#disabled.has(invariant)) this.violations.push({ invariant, detail });
  }

  /** Whether anything failed. */
  get failed(): boolean {
    return this.violations.length > 0;
  }

  /** The highest index known committed. */
  get maxCommitted(): number {
    return this.#maxCommitted;
  }

  /**
   * A member's role as of now. `term` is its current term. Election safety,
   * and, for a member newly seen leading, leader completeness.
   */
  roleObserved(id: NodeId, role: string, term: number, log: DurableLog): void {
    if (role !== "leader") {
      this.#leaders.delete(id);
      return;
    }
    const known = this.#leaderOfTerm.get(term);
    if (known !== undefined && known !== id) {
      this.fail("electionSafety", `term ${term} has two leaders: ${known} and ${id}`);
    }
    this.#leaderOfTerm.set(term, id);
    if (this.#leaders.get(id)?.term === term) return;
    this.#leaders.set(id, { term, log });
    const from = Math.max(1, log.firstIndex() - 1);
    for (let index = from; index <= this.#maxCommitted; index++) {
      this.#checkLeaderHas(id, term, log, index);
    }
  }

  #checkLeaderHas(id: NodeId, leaderTerm: number, log: DurableLog, index: number): void {
    const term = this.#committedTerm[index] ?? 0;
    const by = this.#committedBy[index] ?? 0;
    if (term === 0 || by >= leaderTerm || index < log.firstIndex() - 1) return;
    const has = termAt(log, index);
    if (has !== term) {
      this.fail(
        "leaderCompleteness",
        `leader ${id} of term ${leaderTerm} has term ${has ?? "none"} at index ${index}, ` +
          `but an entry of term ${term} was committed there by term ${by}`,
      );
    }
  }

  /**
   * Records that the entry of `term` at `index` is committed, known by a
   * member whose term is `byTerm`; checks it against earlier knowledge and
   * against every current leader of a later term.
   */
  committed(index: number, term: number, byTerm: number): void {
    if (index <= 0) return;
    const known = this.#committedTerm[index] ?? 0;
    if (known !== 0 && known !== term) {
      this.fail(
        "stateMachineSafety",
        `index ${index} committed with term ${known} and with term ${term}`,
      );
      return;
    }
    const knownBy = this.#committedBy[index] ?? 0;
    if (known !== 0 && knownBy <= byTerm) return;
    fillTo(this.#committedTerm, index, 0);
    fillTo(this.#committedBy, index, 0);
    this.#committedTerm[index] = term;
    this.#committedBy[index] = byTerm;
    if (index > this.#maxCommitted) this.#maxCommitted = index;
    for (const [id, leader] of this.#leaders) {
      this.#checkLeaderHas(id, leader.term, leader.log, index);
    }
  }

  /**
   * Before a member persists a Ready while it leads (and led before) in the
   * same term: it must only append after its durable last index.
   */
  leaderAppending(id: NodeId, term: number, entries: readonly Entry[], log: DurableLog): void {
    const first = entries[0];
    if (first === undefined || first.index > log.lastIndex()) return;
    this.fail(
      "leaderAppendOnly",
      `leader ${id} of term ${term} rewrites its log from index ${first.index} ` +
        `(durable last index ${log.lastIndex()})`,
    );
  }

  /** A leader of `term` installs a snapshot: it would replace its own log. */
  leaderInstallingSnapshot(id: NodeId, term: number, snapshot: Snapshot): void {
    this.fail(
      "leaderAppendOnly",
      `leader ${id} of term ${term} installs a snapshot at index ${snapshot.metadata.index}`,
    );
  }

  /** Entries were made durable in `log`: log matching via the global (index, term) record. */
  entriesPersisted(id: NodeId, entries: readonly Entry[], log: DurableLog): void {
    for (const entry of entries) {
      const prevTerm = termAt(log, entry.index - 1) ?? -1;
      this.#recordEntry(id, entry, prevTerm);
    }
  }

  #recordEntry(id: NodeId, entry: Entry, prevTerm: number): void {
    const hash = dataHash(entry.data);
    fillTo(this.#entryRecords, entry.index, undefined);
    let records = this.#entryRecords[entry.index];
    if (records === undefined) {
      records = [];
      this.#entryRecords[entry.index] = records;
    }
    const record = records.find((r) => r.term === entry.term);
    if (record === undefined) {
      records.push({ term: entry.term, prevTerm, hash });
      return;
    }
    const where = `index ${entry.index} term ${entry.term} on member ${id}`;
    if (record.hash !== hash) {
      this.fail("logMatching", `${where}: data differs from another log's entry`);
    } else if (record.prevTerm >= 0 && prevTerm >= 0 && record.prevTerm !== prevTerm) {
      this.fail(
        "logMatching",
        `${where}: preceded by term ${prevTerm}, another log has term ${record.prevTerm}`,
      );
    } else if (record.prevTerm < 0) {
      record.prevTerm = prevTerm;
    }
  }

  /** A snapshot was made durable by a member whose term is `byTerm`. */
  snapshotPersisted(snapshot: Snapshot, byTerm: number): void {
    this.committed(snapshot.metadata.index, snapshot.metadata.term, byTerm);
  }

  /** After a member persisted `next` over `previous` (and its entries) into `log`. */
  hardStatePersisted(id: NodeId, previous: HardState, next: HardState, log: DurableLog): void {
    if (next.term < previous.term) {
      this.fail("durableTermVote", `member ${id} term fell from ${previous.term} to ${next.term}`);
    } else if (
      next.term === previous.term && previous.vote !== 0n && next.vote !== previous.vote
    ) {
      this.fail(
        "durableTermVote",
        `member ${id} changed its vote in term ${next.term} from ${previous.vote} to ${next.vote}`,
      );
    }
    if (next.commit < previous.commit) {
      this.fail(
        "commitMonotonic",
        `member ${id} commit fell from ${previous.commit} to ${next.commit}`,
      );
    }
    if (next.commit > log.lastIndex()) {
      this.fail(
        "commitMonotonic",
        `member ${id} commit ${next.commit} is past its durable last index ${log.lastIndex()}`,
      );
      return;
    }
    const from = Math.max(previous.commit + 1, log.firstIndex());
    for (let index = from; index <= next.commit; index++) {
      this.committed(index, log.term(index), next.term);
    }
  }

  /**
   * A leader persisted a higher commit index: Raft lets a leader count
   * replicas only for an entry of its own term (figure 8), so the entry at
   * the new commit index must have the leader's term.
   */
  leaderCommitted(id: NodeId, state: HardState, log: DurableLog): void {
    const term = termAt(log, state.commit);
    if (term === undefined || term === state.term) return;
    this.fail(
      "leaderCommitsOwnTerm",
      `leader ${id} of term ${state.term} advanced its commit to index ${state.commit} of term ${term}`,
    );
  }

  /** Before a member sends `m`: what the message depends on must be durable in `log`. */
  messageSent(id: NodeId, m: Message, log: DurableLog): void {
    const durable = log.hardState();
    if (m.type !== "MsgPreVote" && m.type !== "MsgPreVoteResp" && m.term > durable.term) {
      this.fail(
        "sentBeforePersisted",
        `member ${id} sends ${m.type} of term ${m.term} to ${m.to}, durable term is ${durable.term}`,
      );
    }
    if (m.type === "MsgVoteResp" && !m.reject) this.#voteSent(id, m, durable);
    if (m.type === "MsgAppResp" && !m.reject) this.#appAckSent(id, m, log);
  }

  #voteSent(id: NodeId, m: Message, durable: HardState): void {
    if (durable.term !== m.term || durable.vote !== m.to) {
      this.fail(
        "sentBeforePersisted",
        `member ${id} grants its vote to ${m.to} in term ${m.term}, durable state is ` +
          `(term ${durable.term}, vote ${durable.vote})`,
      );
    }
    const key = `${id}/${m.term}`;
    const earlier = this.#votes.get(key);
    if (earlier !== undefined && earlier !== m.to) {
      this.fail(
        "oneVotePerTerm",
        `member ${id} voted for ${earlier} and ${m.to} in term ${m.term}`,
      );
    }
    this.#votes.set(key, m.to);
  }

  #appAckSent(id: NodeId, m: Message, log: DurableLog): void {
    if (log.lastIndex() < m.index) {
      this.fail(
        "sentBeforePersisted",
        `member ${id} acks index ${m.index} to ${m.to}, durable last index is ${log.lastIndex()}`,
      );
      return;
    }
    const leader = this.#leaders.get(m.to);
    if (leader === undefined || leader.term !== m.term) return;
    const leaderTerm = termAt(leader.log, m.index);
    const ownTerm = termAt(log, m.index);
    if (leaderTerm !== undefined && ownTerm !== undefined && leaderTerm !== ownTerm) {
      this.fail(
        "sentBeforePersisted",
        `member ${id} acks index ${m.index} to leader ${m.to} holding term ${ownTerm} there, ` +
          `the leader has term ${leaderTerm}`,
      );
    }
  }

  /**
   * A member applied `entry`, reaching `chain`, with `durableCommit` and
   * `term` durable: state machine safety.
   */
  applied(id: NodeId, entry: Entry, chain: number, durableCommit: number, term: number): void {
    const index = entry.index;
    if (index > durableCommit) {
      this.fail(
        "commitMonotonic",
        `member ${id} applies ${index} past its durable commit ${durableCommit}`,
      );
    }
    const hash = dataHash(entry.data);
    const knownTerm = this.#appliedTerm[index];
    if (knownTerm === undefined || knownTerm === 0) {
      fillTo(this.#appliedTerm, index, 0);
      fillTo(this.#appliedHash, index, 0);
      fillTo(this.#appliedChain, index, 0);
      this.#appliedTerm[index] = entry.term;
      this.#appliedHash[index] = hash;
      this.#appliedChain[index] = chain;
    } else if (knownTerm !== entry.term || this.#appliedHash[index] !== hash) {
      this.fail(
        "stateMachineSafety",
        `member ${id} applies term ${entry.term} at index ${index}, another member applied term ${knownTerm}` +
          (knownTerm === entry.term ? " with other data" : ""),
      );
    } else if (this.#appliedChain[index] !== chain) {
      this.fail(
        "stateMachineSafety",
        `member ${id} state differs from another's at applied index ${index}`,
      );
    }
    this.committed(index, entry.term, term);
  }

  /** A member applied index `index` out of order (expected `expected`). */
  appliedOutOfOrder(id: NodeId, index: number, expected: number): void {
    this.fail("stateMachineSafety", `member ${id} applies index ${index}, expected ${expected}`);
  }

  /** A write to `key` was acknowledged to its client; it was applied at `index`. */
  writeAcked(key: string, index: number): void {
    if (index > this.#maxAckedIndex) this.#maxAckedIndex = index;
    if (index > (this.#ackedByKey.get(key) ?? 0)) this.#ackedByKey.set(key, index);
  }

  /** A read of `key` begins: what it must at least reflect. */
  readIssued(key: string): ReadExpectation {
    return { minIndex: this.#maxAckedIndex, keyMinIndex: this.#ackedByKey.get(key) ?? 0, key };
  }

  /** A ReadState at `index` answered a read issued with `expectation`. */
  readIndexAnswered(id: NodeId, expectation: ReadExpectation, index: number): void {
    if (index < expectation.minIndex) {
      this.fail(
        "readFreshness",
        `member ${id} answers a read with index ${index}, but a write at index ` +
          `${expectation.minIndex} was acknowledged before the read began`,
      );
    }
  }

  /** A read of `expectation.key` returned the value written at `writeIndex` (0: no value). */
  readReturned(id: NodeId, expectation: ReadExpectation, writeIndex: number): void {
    if (writeIndex < expectation.keyMinIndex) {
      this.fail(
        "readFreshness",
        `member ${id} read "${expectation.key}" as written at index ${writeIndex}, but a write ` +
          `at index ${expectation.keyMinIndex} was acknowledged before the read began`,
      );
    }
  }

  /** A leader received a heartbeat response of `term` that `from` sent at `sentMs`. */
  heartbeatAckReceived(leader: NodeId, from: NodeId, term: number, sentMs: number): void {
    let acks = this.#acks.get(leader);
    if (acks === undefined) {
      acks = new Map();
      this.#acks.set(leader, acks);
    }
    const seen = acks.get(from);
    if (seen === undefined || seen.term < term || (seen.term === term && seen.sentMs < sentMs)) {
      acks.set(from, { term, sentMs });
    }
  }

  /** A ReadIndex request `context` reached `leader`, leading in `term`, at `nowMs`. */
  readArrived(leader: NodeId, term: number, context: string, nowMs: number): void {
    const key = `${leader}/${term}/${context}`;
    if (!this.#readArrivals.has(key)) this.#readArrivals.set(key, nowMs);
  }

  /**
   * `leader` answers the read `context` in `term`: it must have committed an
   * entry of its term, and a quorum of `config` (itself included) must have
   * sent it heartbeat responses of that term after the request reached it.
   */
  readAnswered(
    leader: NodeId,
    term: number,
    context: string,
    config: VoterSets,
    log: DurableLog,
  ): void {
    const arrivedMs = this.#readArrivals.get(`${leader}/${term}/${context}`);
    if (arrivedMs === undefined) return;
    const commit = log.hardState().commit;
    if (termAt(log, commit) !== term) {
      this.fail(
        "readIndexConfirmed",
        `leader ${leader} of term ${term} answers read "${context}" before committing an entry of its term`,
      );
      return;
    }
    const acks = this.#acks.get(leader);
    const confirmed = (id: NodeId) => {
      if (id === leader) return true;
      const seen = acks?.get(id);
      return seen !== undefined && seen.term === term && seen.sentMs >= arrivedMs;
    };
    if (hasMajority(config.voters, confirmed) && hasMajority(config.votersOutgoing, confirmed)) {
      return;
    }
    this.fail(
      "readIndexConfirmed",
      `leader ${leader} of term ${term} answers read "${context}" (arrived at ${arrivedMs} ms) ` +
        `without a quorum of heartbeat responses sent after it arrived`,
    );
  }

  /** Pairwise log matching over whole durable logs: same index and term ⇒ same terms before. */
  logMatchingPairwise(logs: readonly (readonly [NodeId, DurableLog])[]): void {
    for (let i = 0; i < logs.length; i++) {
      for (let j = i + 1; j < logs.length; j++) {
        const [idA, logA] = logs[i]!;
        const [idB, logB] = logs[j]!;
        const index = firstMismatchBelowMatch(logA, logB);
        if (index !== undefined) {
          this.fail(
            "logMatching",
            `members ${idA} and ${idB} agree on a later entry but differ at index ${index}`,
          );
        }
      }
    }
  }
}

function hasMajority(voters: readonly NodeId[], confirmed: (id: NodeId) => boolean): boolean {
  if (voters.length === 0) return true;
  let count = 0;
  for (const id of voters) if (confirmed(id)) count++;
  return 2 * count > voters.length;
}

function fillTo<T>(values: T[], index: number, filler: T): void {
  while (values.length <= index) values.push(filler);
}

/**
 * The lowest index where `a` and `b` differ in term although they hold an
 * entry of the same term at a higher index; undefined when none.
 */
export function firstMismatchBelowMatch(a: DurableLog, b: DurableLog): number | undefined {
  const low = Math.max(a.firstIndex() - 1, b.firstIndex() - 1);
  let high = Math.min(a.lastIndex(), b.lastIndex());
  while (high >= low && a.term(high) !== b.term(high)) high--;
  for (let index = low; index < high; index++) {
    if (a.term(index) !== b.term(index)) return index;
  }
  return undefined;
}
