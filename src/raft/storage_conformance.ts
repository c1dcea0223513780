/**
 * A conformance suite every implementation of the Raft {@linkcode Storage}
 * interface must pass, in the style of abstract-level's test suite: call
 * {@linkcode storageConformance} from a test file with a factory for fresh,
 * empty storages, and it registers one test per rule.
 *
 * ```ts
 * storageConformance("MemoryStorage", () => new MemoryStorage(), Deno.test);
 * ```
 *
 * This module is test support, but it lives in the pure zone (`src/raft`),
 * so it names no `Deno` global, imports no `node:` module and has no
 * `async`: the caller passes its test registrar (`Deno.test`), and a factory
 * may still return a Promise (a storage that opens files first).
 *
 * Programmer errors (a gap when appending, compacting or snapshotting past
 * the last index, bootstrapping a non-empty storage) must throw
 * `AssertionError` from `src/util/assert.ts`, as MemoryStorage does.
 *
 * @module
 */

import { AssertionError } from "../util/assert.ts";
import { CompactedError, SnapOutOfDateError, UnavailableError } from "./errors.ts";
import type { Storage } from "./storage.ts";
import { BOOTSTRAP_INDEX, entrySizeBytes } from "./storage.ts";
import type { ConfState, Entry, HardState, Snapshot } from "./types.ts";
import { EMPTY_CONF_STATE, EMPTY_HARD_STATE, NONE } from "./types.ts";

/**
 * The write side of a Raft storage that the suite drives: what the caller
 * of the Raft core does with a Ready (append, set the hard state, apply a
 * snapshot) and with its own state machine (create a snapshot, compact),
 * plus bootstrapping a new member. MemoryStorage satisfies it as is.
 */
export interface WritableStorage extends Storage {
  /**
   * Prepares an empty storage for a member of a new cluster: a snapshot at
   * `BOOTSTRAP_INDEX` (term 0) holding the initial membership and the state
   * machine's initial bytes (`data`, empty by default), committed by
   * definition. A member joining later starts empty and receives it.
   */
  bootstrap(confState: ConfState, data?: Uint8Array): void;
  /** Records the durable hard state, returned by `initialState()`. */
  setHardState(state: HardState): void;
  /**
   * Appends entries: overlapping entries replace the existing ones and
   * everything after them; entries older than the first index are ignored;
   * a gap after the last index is an assertion.
   */
  append(entries: readonly Entry[]): void;
  /** Replaces the contents with a newer snapshot; SnapOutOfDateError otherwise. */
  applySnapshot(snapshot: Snapshot): void;
  /**
   * Records a snapshot at `index` (at most the last index) holding `data`;
   * `confState` null keeps the current one. SnapOutOfDateError at or below
   * the current snapshot's index. Does not compact.
   */
  createSnapshot(index: number, confState: ConfState | null, data: Uint8Array): Snapshot;
  /** Discards entries up to and including `compactIndex`; CompactedError at or below the first index - 1. */
  compact(compactIndex: number): void;
  /** Releases resources; called after each test when present. */
  close?(): void | Promise<void>;
}

/** What the suite needs of a test runner: `Deno.test` fits. */
export type TestRegistrar = (definition: {
  name: string;
  fn: () => void | Promise<void>;
}) => void;

/** Makes a fresh, empty storage for one test. */
export type StorageFactory = () => WritableStorage | Promise<WritableStorage>;

// ---- small assertions (node:assert is not importable from the pure zone) ----

class ConformanceError extends Error {
  override name = "ConformanceError";
}

function show(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Uint8Array) return `bytes[${[...v].join(",")}]`;
    if (v === Number.POSITIVE_INFINITY) return "Infinity";
    return v;
  });
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return false;
    return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => same(item, b[i]));
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  if (!same(keysA, keysB)) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  return keysA.every((key) => same(recordA[key], recordB[key]));
}

function equal(actual: unknown, expected: unknown, what: string): void {
  if (!same(actual, expected)) {
    throw new ConformanceError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

function throwsError(
  fn: () => unknown,
  kind: abstract new (...args: never[]) => Error,
  what: string,
): void {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    if (error instanceof kind) return;
    throw new ConformanceError(`${what}: expected ${kind.name}, got ${String(error)}`);
  }
  throw new ConformanceError(`${what}: expected ${kind.name}, returned ${show(result)}`);
}

// ---- fixtures ---------------------------------------------------------------

/** An entry `index/term` with one byte of data (so entries differ by content too). */
function ent(index: number, term: number): Entry {
  return { index, term, type: "normal", data: new Uint8Array([index & 0xff]) };
}

function ents(...pairs: [number, number][]): Entry[] {
  return pairs.map(([index, term]) => ent(index, term));
}

const CONF: ConfState = { ...EMPTY_CONF_STATE, voters: [1n, 2n, 3n] };

const JOINT_CONF: ConfState = {
  voters: [1n, 2n, 4n],
  learners: [5n],
  votersOutgoing: [1n, 2n, 3n],
  learnersNext: [3n],
  autoLeave: true,
};

function snapshotAt(index: number, term: number, confState: ConfState = CONF): Snapshot {
  return { data: new Uint8Array([7, index & 0xff]), metadata: { index, term, confState } };
}

/** A storage whose snapshot is 3/3 and whose entries are 4/4, 5/5, 6/6 (etcd's fixture). */
function withLog3To6(s: WritableStorage): void {
  s.applySnapshot(snapshotAt(3, 3));
  s.append(ents([4, 4], [5, 5], [6, 6]));
}

/** Every readable entry of a storage, via entries(). */
function allEntries(s: Storage): Entry[] {
  if (s.lastIndex() < s.firstIndex()) return [];
  return s.entries(s.firstIndex(), s.lastIndex() + 1, Number.MAX_SAFE_INTEGER);
}

/** `index/term` of each entry, for compact expectations. */
function ids(entries: readonly Entry[]): string[] {
  return entries.map((e) => `${e.index}/${e.term}`);
}

// ---- the suite --------------------------------------------------------------

/**
 * Registers the conformance tests for one Storage implementation through
 * `test` (pass `Deno.test`). `factory` makes a fresh, empty storage per test.
 */
export function storageConformance(
  name: string,
  factory: StorageFactory,
  test: TestRegistrar,
): void {
  const it = (rule: string, body: (s: WritableStorage) => void) => {
    test({
      name: `${name} conformance: ${rule}`,
      fn: () =>
        Promise.resolve(factory()).then((s) => {
          const close = () => s.close?.();
          try {
            body(s);
          } catch (error) {
            return Promise.resolve(close()).then(() => {
              throw error;
            });
          }
          return close();
        }),
    });
  };

  it("an empty storage has no entries, an empty hard state and an empty snapshot", (s) => {
    equal(s.initialState(), { hardState: EMPTY_HARD_STATE, confState: EMPTY_CONF_STATE }, "init");
    equal(s.firstIndex(), 1, "firstIndex");
    equal(s.lastIndex(), 0, "lastIndex");
    equal(s.term(0), 0, "term(0) of the empty log");
    throwsError(() => s.term(1), UnavailableError, "term(1)");
    throwsError(() => s.entries(1, 2, 100), UnavailableError, "entries(1, 2)");
    equal(s.snapshot().metadata.index, 0, "snapshot index");
    equal(s.snapshot().metadata.term, 0, "snapshot term");
  });

  it("bootstrap makes a committed snapshot at BOOTSTRAP_INDEX, term 0, holding the initial membership", (s) => {
    s.bootstrap(JOINT_CONF);
    equal(s.initialState().confState, JOINT_CONF, "initialState().confState");
    equal(
      s.initialState().hardState,
      { term: 0, vote: NONE, commit: BOOTSTRAP_INDEX },
      "initialState().hardState: the bootstrap snapshot is committed, no term or vote yet",
    );
    equal(
      s.snapshot(),
      {
        data: new Uint8Array(0),
        metadata: { index: BOOTSTRAP_INDEX, term: 0, confState: JOINT_CONF },
      },
      "snapshot (no data by default)",
    );
    equal(
      [s.firstIndex(), s.lastIndex()],
      [BOOTSTRAP_INDEX + 1, BOOTSTRAP_INDEX],
      "first and last index: the log before the snapshot is compacted, no entry follows it",
    );
    equal(s.term(BOOTSTRAP_INDEX), 0, "term of the bootstrap snapshot");
    throwsError(() => s.term(BOOTSTRAP_INDEX - 1), CompactedError, "term before the snapshot");
    throwsError(() => s.term(BOOTSTRAP_INDEX + 1), UnavailableError, "term after the snapshot");
    throwsError(
      () => s.entries(BOOTSTRAP_INDEX, BOOTSTRAP_INDEX + 1, Number.MAX_SAFE_INTEGER),
      CompactedError,
      "entries at the snapshot index",
    );
    throwsError(
      () => s.entries(BOOTSTRAP_INDEX + 1, BOOTSTRAP_INDEX + 2, Number.MAX_SAFE_INTEGER),
      UnavailableError,
      "entries after the snapshot",
    );
  });

  it("bootstrap keeps the state machine's initial bytes in the bootstrap snapshot", (s) => {
    const data = new Uint8Array([1, 2, 3]);
    s.bootstrap(CONF, data);
    equal(s.snapshot().data, data, "snapshot data");
    equal(s.snapshot().metadata, { index: BOOTSTRAP_INDEX, term: 0, confState: CONF }, "metadata");
  });

  it("after bootstrap the log continues at BOOTSTRAP_INDEX + 1 and later snapshots supersede it", (s) => {
    s.bootstrap(CONF);
    const first = BOOTSTRAP_INDEX + 1;
    s.append(ents([first, 1], [first + 1, 1]));
    equal(ids(allEntries(s)), [`${first}/1`, `${first + 1}/1`], "entries");
    equal(s.term(BOOTSTRAP_INDEX), 0, "the bootstrap snapshot's term is kept");
    throwsError(
      () => s.createSnapshot(BOOTSTRAP_INDEX, CONF, new Uint8Array()),
      SnapOutOfDateError,
      "a snapshot at the bootstrap index",
    );
    const snap = s.createSnapshot(first, null, new Uint8Array([9]));
    equal(snap.metadata, { index: first, term: 1, confState: CONF }, "a later snapshot");
    s.compact(first);
    equal([s.firstIndex(), s.lastIndex()], [first + 1, first + 1], "after compacting past it");
  });

  it("bootstrap of a storage that holds entries is an assertion", (s) => {
    s.append(ents([1, 1]));
    throwsError(() => s.bootstrap(CONF), AssertionError, "bootstrap after append");
  });

  it("bootstrap of a storage that holds a snapshot is an assertion", (s) => {
    s.applySnapshot(snapshotAt(5, 2));
    throwsError(() => s.bootstrap(CONF), AssertionError, "bootstrap after applySnapshot");
  });

  it("bootstrap of a bootstrapped storage is an assertion", (s) => {
    s.bootstrap(CONF);
    throwsError(() => s.bootstrap(JOINT_CONF), AssertionError, "bootstrap twice");
    equal(s.snapshot().metadata.confState, CONF, "the first bootstrap stands");
  });

  it("setHardState is returned by initialState and replaced by the next one", (s) => {
    s.bootstrap(CONF);
    const first = BOOTSTRAP_INDEX + 1;
    s.setHardState({ term: 3, vote: 2n, commit: BOOTSTRAP_INDEX });
    equal(
      s.initialState().hardState,
      { term: 3, vote: 2n, commit: BOOTSTRAP_INDEX },
      "first hard state",
    );
    s.append(ents([first, 3], [first + 1, 3]));
    s.setHardState({ term: 4, vote: 0n, commit: first + 1 });
    equal(s.initialState(), {
      hardState: { term: 4, vote: 0n, commit: first + 1 },
      confState: CONF,
    }, "second hard state");
  });

  it("term() answers from first index - 1 to last index, CompactedError below, UnavailableError past", (s) => {
    withLog3To6(s);
    const cases: [number, number | typeof CompactedError | typeof UnavailableError][] = [
      [1, CompactedError],
      [2, CompactedError],
      [3, 3],
      [4, 4],
      [5, 5],
      [6, 6],
      [7, UnavailableError],
      [8, UnavailableError],
    ];
    for (const [index, want] of cases) {
      if (typeof want === "number") equal(s.term(index), want, `term(${index})`);
      else throwsError(() => s.term(index), want, `term(${index})`);
    }
  });

  it("firstIndex is the snapshot index + 1 and lastIndex the last entry's", (s) => {
    withLog3To6(s);
    equal(s.firstIndex(), 4, "firstIndex");
    equal(s.lastIndex(), 6, "lastIndex");
    s.append(ents([7, 6]));
    equal(s.lastIndex(), 7, "lastIndex after append");
    s.createSnapshot(5, null, new Uint8Array());
    s.compact(5);
    equal(s.firstIndex(), 6, "firstIndex after compact(5)");
    equal(s.lastIndex(), 7, "lastIndex after compact(5)");
  });

  it("entries() throws CompactedError when lo is at or below the snapshot index", (s) => {
    withLog3To6(s);
    throwsError(() => s.entries(2, 6, Number.MAX_SAFE_INTEGER), CompactedError, "entries(2, 6)");
    throwsError(() => s.entries(3, 4, Number.MAX_SAFE_INTEGER), CompactedError, "entries(3, 4)");
  });

  it("entries() throws UnavailableError when hi is past last index + 1", (s) => {
    withLog3To6(s);
    throwsError(() => s.entries(4, 8, Number.MAX_SAFE_INTEGER), UnavailableError, "entries(4, 8)");
    throwsError(() => s.entries(7, 8, Number.MAX_SAFE_INTEGER), UnavailableError, "entries(7, 8)");
  });

  it("entries() returns [lo, hi) at the boundaries without a size limit", (s) => {
    withLog3To6(s);
    const max = Number.MAX_SAFE_INTEGER;
    equal(ids(s.entries(4, 5, max)), ["4/4"], "entries(4, 5)");
    equal(ids(s.entries(4, 7, max)), ["4/4", "5/5", "6/6"], "entries(4, 7)");
    equal(ids(s.entries(6, 7, max)), ["6/6"], "entries(6, 7)");
    equal(s.entries(5, 6, max), [ent(5, 5)], "entries carry their data");
  });

  it("entries() stops at the size limit but always returns at least one entry", (s) => {
    withLog3To6(s);
    const [e4, e5, e6] = [ent(4, 4), ent(5, 5), ent(6, 6)].map(entrySizeBytes) as [
      number,
      number,
      number,
    ];
    const cases: [number, string[]][] = [
      [0, ["4/4"]],
      [1, ["4/4"]],
      [e4 - 1, ["4/4"]],
      [e4, ["4/4"]],
      [e4 + e5 - 1, ["4/4"]],
      [e4 + e5, ["4/4", "5/5"]],
      [e4 + e5 + Math.floor(e6 / 2), ["4/4", "5/5"]],
      [e4 + e5 + e6 - 1, ["4/4", "5/5"]],
      [e4 + e5 + e6, ["4/4", "5/5", "6/6"]],
      [e4 + e5 + e6 + 1, ["4/4", "5/5", "6/6"]],
    ];
    for (const [limit, want] of cases) {
      equal(ids(s.entries(4, 7, limit)), want, `entries(4, 7, ${limit})`);
    }
  });

  const appendCases: { rule: string; appended: Entry[]; want: string[] }[] = [
    {
      rule: "identical entries change nothing",
      appended: ents([3, 3], [4, 4], [5, 5]),
      want: ["4/4", "5/5"],
    },
    {
      rule: "a conflict at the first index replaces every entry",
      appended: ents([3, 3], [4, 6], [5, 6]),
      want: ["4/6", "5/6"],
    },
    {
      rule: "an identical prefix followed by a new entry extends the log",
      appended: ents([3, 3], [4, 4], [5, 5], [6, 5]),
      want: ["4/4", "5/5", "6/5"],
    },
    {
      rule: "a conflict at the first entry truncates the suffix",
      appended: ents([4, 5]),
      want: ["4/5"],
    },
    {
      rule: "a conflict at the last entry replaces it",
      appended: ents([5, 6]),
      want: ["4/4", "5/6"],
    },
    {
      rule: "entries right after the last index are appended",
      appended: ents([6, 5]),
      want: ["4/4", "5/5", "6/5"],
    },
    { rule: "no entries change nothing", appended: [], want: ["4/4", "5/5"] },
  ];
  for (const { rule, appended, want } of appendCases) {
    it(`append over snapshot 3/3 and entries 4/4 5/5: ${rule}`, (s) => {
      s.applySnapshot(snapshotAt(3, 3));
      s.append(ents([4, 4], [5, 5]));
      s.append(appended);
      equal(ids(allEntries(s)), want, `entries after append(${show(ids(appended))})`);
      equal(s.term(3), 3, "the snapshot's term is kept");
    });
  }

  it("append ignores the part of the entries older than the first index", (s) => {
    s.applySnapshot(snapshotAt(3, 3));
    s.append(ents([4, 4], [5, 5]));
    // 2 and 3 are compacted; 4/5 conflicts and truncates 5/5.
    s.append(ents([2, 3], [3, 3], [4, 5]));
    equal(ids(allEntries(s)), ["4/5"], "entries");
    equal(s.firstIndex(), 4, "firstIndex unchanged");
    equal(s.term(3), 3, "the snapshot's term is kept");
  });

  it("append of entries entirely older than the first index is ignored", (s) => {
    s.applySnapshot(snapshotAt(3, 3));
    s.append(ents([4, 4], [5, 5]));
    s.append(ents([1, 9], [2, 9], [3, 9]));
    equal(ids(allEntries(s)), ["4/4", "5/5"], "entries");
    equal(s.term(3), 3, "snapshot term");
  });

  it("append leaving a gap after the last index is an assertion", (s) => {
    s.applySnapshot(snapshotAt(3, 3));
    s.append(ents([4, 4], [5, 5]));
    throwsError(() => s.append(ents([7, 5])), AssertionError, "append(7/5) after 5");
    equal(ids(allEntries(s)), ["4/4", "5/5"], "entries unchanged");
  });

  it("append to an empty storage starts at index 1; starting later is an assertion", (s) => {
    throwsError(() => s.append(ents([2, 1])), AssertionError, "append(2/1) to an empty log");
    s.append(ents([1, 1], [2, 1]));
    equal(ids(allEntries(s)), ["1/1", "2/1"], "entries");
  });

  it("compact discards entries up to the index and keeps its term readable", (s) => {
    s.append(ents([1, 1], [2, 2], [3, 3], [4, 4], [5, 5]));
    s.createSnapshot(5, CONF, new Uint8Array([1]));
    s.compact(3);
    equal([s.firstIndex(), s.lastIndex()], [4, 5], "after compact(3)");
    equal(s.term(3), 3, "term(3) after compact(3)");
    throwsError(() => s.term(2), CompactedError, "term(2) after compact(3)");
    throwsError(() => s.entries(3, 5, 1000), CompactedError, "entries(3, 5) after compact(3)");
    equal(ids(allEntries(s)), ["4/4", "5/5"], "entries after compact(3)");
    s.compact(4);
    equal([s.firstIndex(), s.lastIndex()], [5, 5], "after compact(4)");
    equal(ids(allEntries(s)), ["5/5"], "entries after compact(4)");
  });

  it("compact up to the last index leaves no entries, only its term", (s) => {
    s.append(ents([1, 1], [2, 2], [3, 3]));
    s.createSnapshot(3, CONF, new Uint8Array());
    s.compact(3);
    equal([s.firstIndex(), s.lastIndex()], [4, 3], "first and last index");
    equal(s.term(3), 3, "term(3)");
    throwsError(() => s.term(4), UnavailableError, "term(4)");
    s.append(ents([4, 3]));
    equal(ids(allEntries(s)), ["4/3"], "append after the compacted index");
  });

  it("compact at or below the first index - 1 throws CompactedError", (s) => {
    withLog3To6(s);
    throwsError(() => s.compact(2), CompactedError, "compact(2)");
    throwsError(() => s.compact(3), CompactedError, "compact(3)");
    equal(ids(allEntries(s)), ["4/4", "5/5", "6/6"], "entries unchanged");
  });

  it("compact past the last index is an assertion", (s) => {
    withLog3To6(s);
    throwsError(() => s.compact(7), AssertionError, "compact(7)");
    equal(ids(allEntries(s)), ["4/4", "5/5", "6/6"], "entries unchanged");
  });

  it("createSnapshot records index, term of that entry, ConfState and data, and does not compact", (s) => {
    withLog3To6(s);
    const data = new Uint8Array([1, 2, 3]);
    const snap = s.createSnapshot(5, JOINT_CONF, data);
    equal(snap, { data, metadata: { index: 5, term: 5, confState: JOINT_CONF } }, "returned");
    equal(s.snapshot(), snap, "snapshot()");
    equal([s.firstIndex(), s.lastIndex()], [4, 6], "first and last index unchanged");
    const last = s.createSnapshot(6, CONF, new Uint8Array([9]));
    equal(last.metadata, { index: 6, term: 6, confState: CONF }, "snapshot at the last index");
  });

  it("createSnapshot with a null ConfState keeps the current snapshot's ConfState", (s) => {
    s.bootstrap(JOINT_CONF);
    const first = BOOTSTRAP_INDEX + 1;
    s.append(ents([first, 1], [first + 1, 1]));
    const snap = s.createSnapshot(first + 1, null, new Uint8Array());
    equal(snap.metadata.confState, JOINT_CONF, "confState");
  });

  it("createSnapshot at or below the current snapshot's index throws SnapOutOfDateError", (s) => {
    withLog3To6(s);
    throwsError(() => s.createSnapshot(3, CONF, new Uint8Array()), SnapOutOfDateError, "at 3");
    throwsError(() => s.createSnapshot(2, CONF, new Uint8Array()), SnapOutOfDateError, "at 2");
    s.createSnapshot(5, CONF, new Uint8Array());
    throwsError(() => s.createSnapshot(4, CONF, new Uint8Array()), SnapOutOfDateError, "at 4");
    throwsError(() => s.createSnapshot(5, CONF, new Uint8Array()), SnapOutOfDateError, "at 5");
  });

  it("createSnapshot past the last index is an assertion", (s) => {
    withLog3To6(s);
    throwsError(() => s.createSnapshot(7, CONF, new Uint8Array()), AssertionError, "at 7");
  });

  it("applySnapshot replaces the log: first index = snapshot index + 1, term kept", (s) => {
    s.bootstrap(CONF);
    const first = BOOTSTRAP_INDEX + 1;
    s.append(ents([first, 1], [first + 1, 1], [first + 2, 2]));
    const snap = snapshotAt(10, 4, JOINT_CONF);
    s.applySnapshot(snap);
    equal(s.snapshot(), snap, "snapshot()");
    equal([s.firstIndex(), s.lastIndex()], [11, 10], "first and last index");
    equal(s.term(10), 4, "term(10)");
    throwsError(() => s.term(9), CompactedError, "term(9)");
    throwsError(() => s.term(first + 2), CompactedError, "old entries are gone");
    throwsError(() => s.term(11), UnavailableError, "term(11)");
    equal(s.initialState().confState, JOINT_CONF, "the snapshot's ConfState is carried");
    s.append(ents([11, 4]));
    equal(ids(allEntries(s)), ["11/4"], "append after the snapshot");
  });

  it("applySnapshot inside the current log also discards the entries after it", (s) => {
    s.append(ents([1, 1], [2, 1], [3, 2], [4, 2]));
    s.applySnapshot(snapshotAt(2, 1));
    equal([s.firstIndex(), s.lastIndex()], [3, 2], "first and last index");
    throwsError(() => s.term(3), UnavailableError, "term(3)");
  });

  it("applySnapshot does not change the hard state", (s) => {
    s.setHardState({ term: 5, vote: 1n, commit: 0 });
    s.applySnapshot(snapshotAt(10, 4));
    equal(s.initialState().hardState, { term: 5, vote: 1n, commit: 0 }, "hard state");
  });

  it("applySnapshot at or below the current snapshot's index throws SnapOutOfDateError", (s) => {
    s.applySnapshot(snapshotAt(4, 4));
    throwsError(() => s.applySnapshot(snapshotAt(3, 3)), SnapOutOfDateError, "older");
    throwsError(() => s.applySnapshot(snapshotAt(4, 4)), SnapOutOfDateError, "same index");
    equal(s.snapshot().metadata.index, 4, "snapshot unchanged");
    s.append(ents([5, 4], [6, 4]));
    s.createSnapshot(6, CONF, new Uint8Array());
    throwsError(() => s.applySnapshot(snapshotAt(5, 4)), SnapOutOfDateError, "older than created");
    equal(ids(allEntries(s)), ["5/4", "6/4"], "entries unchanged");
  });
}
