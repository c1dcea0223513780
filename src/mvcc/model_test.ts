/**
 * KvStore against a naive model that keeps the whole key space of every
 * revision: random puts, deletes, txns (with compares), ranges at random
 * revisions with limits, compactions and snapshot round trips must give
 * the same answers, errors, revisions, events and key counts.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { EtcdError } from "../proto/errors.ts";
import type { CompareResult, CompareTarget, RequestOp, ResponseOp } from "../proto/rpc.ts";
import { KvStore } from "./kv_store.ts";
import { compareOf, deleteOf, eventText, kvText, putOf, rangeOf, txnOf } from "./_testing.ts";

interface ModelKv {
  readonly value: string;
  readonly create: number;
  readonly mod: number;
  readonly version: number;
}

type State = Map<string, ModelKv>;

const text = (key: string, kv: ModelKv) =>
  `${key}${kv.value === "" ? "" : `=${kv.value}`} c${kv.create} m${kv.mod} v${kv.version}`;

/** Keys in [key, end) ("" = no end; null = just key), in order. */
function keysIn(state: State, key: string, end: string | null): string[] {
  const keys = [...state.keys()].filter((k) =>
    end === null ? k === key : k >= key && (end === "" || k < end)
  );
  return keys.sort();
}

class Model {
  /** states[r] = the key space at revision r (states[0] unused). */
  readonly states: State[] = [new Map(), new Map()];
  compacted = -1;

  get current(): number {
    return this.states.length - 1;
  }

  get latest(): State {
    return this.states[this.current]!;
  }

  /** etcd's range: [kvs text, count, more]. */
  range(key: string, end: string | null, rev: number, limit: number, readRev = this.current) {
    if (rev > readRev) throw new Error("future");
    const at = rev <= 0 ? readRev : rev;
    if (at < this.compacted) throw new Error("compacted");
    const state = at === this.current + 1 ? this.working! : this.states[at]!;
    const keys = keysIn(state, key, end);
    const shown = limit > 0 ? keys.slice(0, limit) : keys;
    return {
      kvs: shown.map((k) => text(k, state.get(k)!)),
      count: keys.length,
      more: limit > 0 && keys.length > limit,
    };
  }

  working: State | null = null;
  changes: string[] = [];
  /** The changes of each revision: key, event text without prevKv, and the prevKv part. */
  readonly history: { key: string; event: string; prev: string }[][] = [[], []];

  begin(): void {
    this.working = new Map(this.latest);
    this.changes = [];
    this.pending = [];
  }

  put(key: string, value: string): void {
    const rev = this.current + 1;
    const old = this.working!.get(key);
    const kv = { value, create: old?.create ?? rev, mod: rev, version: (old?.version ?? 0) + 1 };
    this.working!.set(key, kv);
    this.#record(key, `PUT ${text(key, kv)}`);
  }

  #record(key: string, event: string): void {
    const before = this.latest.get(key);
    const prev = before ? ` <- ${text(key, before)}` : "";
    this.changes.push(event + prev);
    this.pending.push({ key, event, prev });
  }

  pending: { key: string; event: string; prev: string }[] = [];

  delete(key: string, end: string | null): number {
    const keys = keysIn(this.working!, key, end);
    for (const k of keys) {
      this.working!.delete(k);
      this.#record(k, `DELETE ${k}@${this.current + 1}`);
    }
    return keys.length;
  }

  end(): string[] {
    if (this.changes.length > 0) {
      this.states.push(this.working!);
      this.history.push(this.pending);
    }
    this.working = null;
    return this.changes;
  }

  /**
   * The events from revision `from` on, as etcd keeps them: at the compacted
   * revision only each key's last put there (if the key then holds it), and
   * without prevKv (its revision is compacted).
   */
  eventsFrom(from: number): string[] {
    const out: string[] = [];
    for (let rev = Math.max(from, 2); rev <= this.current; rev++) {
      const changes = this.history[rev]!;
      changes.forEach((change, i) => {
        if (rev !== this.compacted) {
          out.push(change.event + change.prev);
          return;
        }
        const last = changes.findLastIndex((c) => c.key === change.key) === i;
        const kv = this.states[rev]!.get(change.key);
        if (last && kv !== undefined && change.event === `PUT ${text(change.key, kv)}`) {
          out.push(change.event);
        }
      });
    }
    return out;
  }

  compact(rev: number): void {
    if (rev <= this.compacted) throw new Error("compacted");
    if (rev > this.current) throw new Error("future");
    this.compacted = rev;
  }

  holds(c: Cmp): boolean {
    const kv = this.latest.get(c.key);
    if (kv === undefined && c.target === "VALUE") return false;
    const actual = c.target === "VALUE"
      ? kv!.value
      : { VERSION: kv?.version, CREATE: kv?.create, MOD: kv?.mod, LEASE: 0 }[c.target] ?? 0;
    const order = actual < c.operand ? -1 : actual > c.operand ? 1 : 0;
    return { EQUAL: order === 0, NOT_EQUAL: order !== 0, GREATER: order > 0, LESS: order < 0 }[
      c.result
    ];
  }
}

interface Cmp {
  key: string;
  target: Exclude<CompareTarget, "LEASE">;
  result: CompareResult;
  operand: number | string;
}

type Op =
  | { kind: "put"; key: string; value: string }
  | { kind: "delete"; key: string; end: string | null }
  | { kind: "range"; key: string; end: string | null; rev: number; limit: number };

type Step =
  | Op
  | { kind: "txn"; compare: Cmp[]; success: Op[]; failure: Op[] }
  | { kind: "compact"; rev: number }
  | { kind: "snapshot" };

const keyArb = fc.constantFrom("a", "b", "c", "a/x", "a/y", "b\u0000", "d");
const endArb = fc.constantFrom(null, null, "", "b", "c", "a0", "z");
const valueArb = fc.constantFrom("", "1", "2", "xyz");
const revArb = fc.integer({ min: -1, max: 30 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("put" as const), key: keyArb, value: valueArb }),
  fc.record({ kind: fc.constant("delete" as const), key: keyArb, end: endArb }),
  fc.record({
    kind: fc.constant("range" as const),
    key: keyArb,
    end: endArb,
    rev: fc.constant(0),
    limit: fc.integer({ min: 0, max: 3 }),
  }),
);

const cmpArb: fc.Arbitrary<Cmp> = fc.oneof(
  fc.record({
    key: keyArb,
    target: fc.constantFrom("VERSION" as const, "CREATE" as const, "MOD" as const),
    result: fc.constantFrom(
      "EQUAL" as const,
      "NOT_EQUAL" as const,
      "GREATER" as const,
      "LESS" as const,
    ),
    operand: fc.integer({ min: 0, max: 12 }),
  }),
  fc.record({
    key: keyArb,
    target: fc.constant("VALUE" as const),
    result: fc.constantFrom(
      "EQUAL" as const,
      "NOT_EQUAL" as const,
      "GREATER" as const,
      "LESS" as const,
    ),
    operand: valueArb,
  }),
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: opArb },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("range" as const),
      key: keyArb,
      end: endArb,
      rev: revArb,
      limit: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("txn" as const),
      compare: fc.array(cmpArb, { maxLength: 2 }),
      success: fc.array(opArb, { maxLength: 4 }),
      failure: fc.array(opArb, { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("compact" as const), rev: revArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: "snapshot" as const }) },
);

const endBytes = (end: string | null) => (end === null ? "" : end === "" ? "\0" : end);

function requestOf(op: Op): RequestOp {
  switch (op.kind) {
    case "put":
      return { requestPut: putOf(op.key, op.value) };
    case "delete":
      return { requestDeleteRange: deleteOf(op.key, { rangeEnd: endBytes(op.end) }) };
    case "range":
      return {
        requestRange: rangeOf(op.key, {
          rangeEnd: endBytes(op.end),
          revision: op.rev,
          limit: op.limit,
        }),
      };
  }
}

/** Applies `op` to the model inside a txn; returns its response in the form of responseText. */
function modelOp(model: Model, op: Op): string {
  if (op.kind === "put") {
    model.put(op.key, op.value);
    return "put";
  }
  if (op.kind === "delete") return `delete ${model.delete(op.key, op.end)}`;
  const readRev = model.current + (model.changes.length > 0 ? 1 : 0);
  const r = model.range(op.key, op.end, op.rev, op.limit, readRev);
  return `range ${r.kvs.join("|")} ${r.count} ${r.more}`;
}

function responseText(response: ResponseOp): string {
  if ("responsePut" in response) return "put";
  if ("responseDeleteRange" in response) return `delete ${response.responseDeleteRange.deleted}`;
  if ("responseRange" in response) {
    const r = response.responseRange;
    return `range ${r.kvs.map(kvText).join("|")} ${r.count} ${r.more}`;
  }
  return "txn";
}

/** The outcome of a call as comparable text: the value or the error kind. */
function outcome<T>(fn: () => T): T | string {
  try {
    return fn();
  } catch (error) {
    if (error instanceof EtcdError) {
      return /compacted/.test(error.message)
        ? "compacted"
        : /future/.test(error.message)
        ? "future"
        : error.message;
    }
    if (error instanceof Error && ["compacted", "future"].includes(error.message)) {
      return error.message;
    }
    throw error;
  }
}

function runStep(store: KvStore, model: Model, step: Step): KvStore {
  switch (step.kind) {
    case "put": {
      model.begin();
      model.put(step.key, step.value);
      assert.deepEqual(store.put(putOf(step.key, step.value)).events.map(eventText), model.end());
      return store;
    }
    case "delete": {
      model.begin();
      const deleted = model.delete(step.key, step.end);
      const result = store.deleteRange(deleteOf(step.key, { rangeEnd: endBytes(step.end) }));
      assert.equal(result.deleted, deleted);
      assert.deepEqual(result.events.map(eventText), model.end());
      return store;
    }
    case "range": {
      const expected = outcome(() => model.range(step.key, step.end, step.rev, step.limit));
      const actual = outcome(() => {
        const r = store.range(rangeOf(step.key, {
          rangeEnd: endBytes(step.end),
          revision: step.rev,
          limit: step.limit,
        }));
        return { kvs: r.kvs.map(kvText), count: r.count, more: r.more };
      });
      assert.deepEqual(actual, expected);
      return store;
    }
    case "txn":
      return runTxn(store, model, step);
    case "compact":
      assert.deepEqual(
        outcome(() => store.compact(step.rev).revision),
        outcome(() => {
          model.compact(step.rev);
          return model.current;
        }),
      );
      return store;
    case "snapshot": {
      const restored = KvStore.fromSnapshot(store.toSnapshot());
      assert.equal(restored.hash(), store.hash());
      return restored;
    }
  }
}

function runTxn(store: KvStore, model: Model, step: Extract<Step, { kind: "txn" }>): KvStore {
  const compares = step.compare.map((c) =>
    compareOf(c.key, {
      target: c.target,
      result: c.result,
      ...(c.target === "VALUE" ? { value: String(c.operand) } : {
        [{ VERSION: "version", CREATE: "createRevision", MOD: "modRevision" }[c.target]]: c.operand,
      }),
    })
  );
  const succeeded = step.compare.every((c) => model.holds(c));
  model.begin();
  const responses = (succeeded ? step.success : step.failure).map((op) => modelOp(model, op));
  const events = model.end();
  const result = store.txn(
    txnOf(compares, step.success.map(requestOf), step.failure.map(requestOf)),
  );
  assert.equal(result.succeeded, succeeded);
  assert.deepEqual(result.responses.map(responseText), responses);
  assert.deepEqual(result.events.map(eventText), events);
  assert.equal(result.revision, model.current);
  return store;
}

Deno.test("model: KvStore agrees with a naive model on random histories", () => {
  fc.assert(
    fc.property(fc.array(stepArb, { minLength: 5, maxLength: 80, size: "max" }), (steps) => {
      let store = new KvStore();
      const model = new Model();
      for (const step of steps) {
        store = runStep(store, model, step);
        assert.equal(store.currentRevision, model.current);
        assert.equal(store.keyCount, model.latest.size);
        assert.equal(store.compactRevision, Math.max(0, model.compacted));
      }
      // Every retained revision answers as the model.
      for (let rev = Math.max(1, model.compacted); rev <= model.current; rev++) {
        const all = (s: KvStore) =>
          s.range(rangeOf("\0", { rangeEnd: "\0", revision: rev })).kvs.map(kvText);
        assert.deepEqual(all(store), model.range("\0", "", rev, 0).kvs, `revision ${rev}`);
      }
      const from = Math.max(1, model.compacted);
      assert.deepEqual(store.eventsBetween(from).map(eventText), model.eventsFrom(from));
      const restored = KvStore.fromSnapshot(store.toSnapshot());
      assert.equal(restored.hash(), store.hash());
      assert.deepEqual(restored.eventsBetween(from), store.eventsBetween(from));
    }),
    { numRuns: 400 },
  );
});
