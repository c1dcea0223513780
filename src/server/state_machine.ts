/**
 * The replicated state machine of one member: the MVCC store plus the
 * cluster's members, and the index of the last entry applied. Applying is
 * synchronous and deterministic (every member computes the same state from
 * the same entries); results go back to the waiting request, if any.
 *
 * Its whole state is the data of a Raft snapshot ({@linkcode StateMachine.snapshot}),
 * so a restart restores the newest snapshot and replays only the entries
 * after it: exactly once, since the applied index travels inside.
 *
 * @module
 */

import { Packr } from "msgpackr";
import { assert } from "../util/assert.ts";
import { Errors, EtcdError } from "../proto/errors.ts";
import type {
  CompactionResponse,
  DeleteRangeResponse,
  Event,
  Member,
  PutResponse,
  RequestOp,
  TxnRequest,
  TxnResponse,
} from "../proto/rpc.ts";
import { emptyHeader } from "../proto/rpc.ts";
import type { LeaseGrantResponse, LeaseRevokeResponse } from "../proto/rpc_lease.ts";
import { KvStore, type KvStoreOptions, type SnapshotCursor } from "../mvcc/mod.ts";
import { nativeCrc32Range } from "../storage/native_crc32.ts";
import { type LeaseRecord, LeaseTable } from "../lease/mod.ts";
import { BOOTSTRAP_INDEX, type ConfChange } from "../raft/mod.ts";
import { decodeConfChangeContext, decodeRequest, type InternalRequest } from "./entry_codec.ts";

/** The outcome of applying one request: etcd's response (header filled later) or error. */
export type ApplyResult =
  | { readonly ok: true; readonly revision: number; readonly response: AppliedResponse }
  | { readonly ok: false; readonly error: EtcdError };

/** A response from apply; its header is completed by the server. */
export type AppliedResponse =
  | PutResponse
  | DeleteRangeResponse
  | TxnResponse
  | CompactionResponse
  | LeaseGrantResponse
  | LeaseRevokeResponse
  | null;

/** How the state machine judges requests. */
export interface StateMachineOptions {
  /** etcd's --quota-backend-bytes (already defaulted); puts beyond it fail with NOSPACE. */
  readonly quotaBytes: number;
  /**
   * Told of every change of the key-value store once it is made (all the
   * events of one revision, each with the key before it as prevKv): the
   * member's watchers.
   */
  readonly onWrite?: (revision: number, events: readonly Event[]) => void;
}

/** A state machine snapshot being written step by step ({@linkcode StateMachine.beginSnapshot}). */
export interface StateSnapshotWriter {
  /** The applied index the snapshot is of. */
  readonly index: number;
  /** Writes about `budgetBytes` more; true when finished. */
  step(budgetBytes: number): boolean;
  /** The finished snapshot's data (what {@linkcode StateMachine.snapshot} gave at `index`). */
  result(): Uint8Array;
  /** Abandons it. */
  cancel(): void;
}

/** What etcd's backend quota counts for a lease grant (its leaseOverhead). */
const LEASE_OVERHEAD_BYTES = 64;

/** The snapshot format's version. */
const SNAPSHOT_VERSION = 1;

const packr = new Packr(
  { useRecords: false, int64AsType: "bigint" } as ConstructorParameters<
    typeof Packr
  >[0],
);

/** msgpack's bin 32 marker: a byte string of up to 2^32 - 1 bytes, length big-endian. */
const BIN32 = 0xc6;
const BIN32_BYTES_MAX = 0xffff_ffff;
const NO_BYTES = new Uint8Array(0);

/**
 * The snapshot's bytes as `packr.pack({ ...header, kv })` decodes them,
 * with the store's bytes written in place: the MVCC cursor leaves room for
 * the packed header before them, so the tens of MB are never copied (a copy
 * into fresh memory stalled members for hundreds of milliseconds).
 */
class Envelope {
  /** The packed header up to the kv bytes, and their bin 32 marker and length. */
  readonly #head: Uint8Array;

  constructor(header: object) {
    const head = packr.pack({ ...header, kv: NO_BYTES });
    // msgpackr writes the empty kv last, as bin 8 of length 0.
    assert(head.at(-2) === 0xc4 && head.at(-1) === 0, "state machine snapshot: envelope layout");
    this.#head = new Uint8Array(head.length - 2 + 5);
    this.#head.set(head.subarray(0, head.length - 2));
    this.#head[head.length - 2] = BIN32;
  }

  /** Bytes the store's cursor must leave free before its snapshot. */
  get headBytes(): number {
    return this.#head.length;
  }

  /** Writes the header into the finished cursor's headroom; returns the envelope's bytes. */
  seal(cursor: SnapshotCursor): Uint8Array {
    const bytes = cursor.result();
    const kvBytes = bytes.length - this.#head.length;
    assert(cursor.headroomBytes === this.#head.length, "state machine snapshot: headroom");
    assert(kvBytes <= BIN32_BYTES_MAX, `state machine snapshot: ${kvBytes} bytes of store`);
    bytes.set(this.#head);
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(this.#head.length - 4, kvBytes);
    return bytes;
  }
}

/** A state machine snapshot could not be decoded. */
export class StateSnapshotDecodeError extends Error {
  constructor(message: string) {
    super(`Cannot restore state machine snapshot: ${message}`);
    this.name = "StateSnapshotDecodeError";
  }
}

/** The members' store, the key-value store, the leases and the applied index. */
export class StateMachine {
  readonly kv: KvStore;
  /** The leases and their attached keys (etcd's lessor, apply side). */
  readonly leases: LeaseTable;
  readonly #members = new Map<bigint, Member>();
  readonly #removed = new Set<bigint>();
  readonly #options: StateMachineOptions;
  #appliedIndex: number;

  private constructor(
    makeKv: (kvOptions: KvStoreOptions) => KvStore,
    appliedIndex: number,
    options: StateMachineOptions,
    leases: LeaseTable = new LeaseTable(),
  ) {
    this.leases = leases;
    this.kv = makeKv({
      leaseExists: (lease) => this.leases.has(lease),
      onWrite: (revision, events) => this.#onKvWrite(revision, events),
      checksum: nativeCrc32Range,
    });
    this.#appliedIndex = appliedIndex;
    this.#options = options;
  }

  /** Every change of the key-value store, as it is made (keys join and leave leases). */
  #onKvWrite(revision: number, events: readonly Event[]): void {
    this.leases.applyEvents(events);
    this.#options.onWrite?.(revision, events);
  }

  /**
   * The state of a new cluster at the bootstrap snapshot (index 1): its
   * initial members and an empty store.
   */
  static create(members: readonly Member[], options: StateMachineOptions): StateMachine {
    const machine = new StateMachine((o) => new KvStore(o), BOOTSTRAP_INDEX, options);
    for (const member of members) machine.#members.set(member.id, { ...member });
    return machine;
  }

  /**
   * The state of a member joining a running cluster with an empty disk:
   * nothing applied yet (the leader's snapshot brings the state); `members`
   * (learned from the peers) only tell the transport whom to talk to.
   */
  static joining(members: readonly Member[], options: StateMachineOptions): StateMachine {
    const machine = new StateMachine((o) => new KvStore(o), 0, options);
    for (const member of members) machine.#members.set(member.id, { ...member });
    return machine;
  }

  /** Restores from the data of the Raft snapshot at `index`; throws StateSnapshotDecodeError. */
  static restore(data: Uint8Array, index: number, options: StateMachineOptions): StateMachine {
    let decoded: unknown;
    try {
      decoded = packr.unpack(data);
    } catch (error) {
      throw new StateSnapshotDecodeError(error instanceof Error ? error.message : String(error));
    }
    const record = decoded as Record<string, unknown> | null;
    if (typeof record !== "object" || record === null || record.v !== SNAPSHOT_VERSION) {
      throw new StateSnapshotDecodeError(`unknown format ${String(record?.v)}`);
    }
    const applied = Number(record.applied);
    if (applied !== index) {
      throw new StateSnapshotDecodeError(`applied index ${applied} differs from ${index}`);
    }
    const kvBytes = record.kv instanceof Uint8Array ? plainBytes(record.kv) : null;
    const makeKv = (o: KvStoreOptions) =>
      kvBytes === null || kvBytes.length === 0 ? new KvStore(o) : KvStore.fromSnapshot(kvBytes, o);
    const leases = LeaseTable.fromRecords(decodeLeases(record.leases));
    const machine = new StateMachine(makeKv, index, options, leases);
    machine.kv.forEachLeasedKey((key, lease) => leases.attach(lease, key));
    for (const member of decodeMembers(record.members)) machine.#members.set(member.id, member);
    for (const id of Array.isArray(record.removed) ? record.removed : []) {
      if (typeof id !== "bigint") throw new StateSnapshotDecodeError("bad removed member id");
      machine.#removed.add(id);
    }
    return machine;
  }

  /** The data of a Raft snapshot at the applied index. */
  snapshot(): Uint8Array {
    return packr.pack({
      v: SNAPSHOT_VERSION,
      applied: this.#appliedIndex,
      members: [...this.#members.values()],
      removed: [...this.#removed],
      leases: this.leases.toRecords(),
      kv: this.kv.toSnapshot(),
    });
  }

  /**
   * Starts writing the snapshot at the applied index a step at a time, so a
   * large store never blocks the member: writes may be applied between
   * steps (the MVCC store keeps the view at this revision).
   */
  beginSnapshot(): StateSnapshotWriter {
    const envelope = new Envelope({
      v: SNAPSHOT_VERSION,
      applied: this.#appliedIndex,
      members: [...this.#members.values()],
      removed: [...this.#removed],
      leases: this.leases.toRecords(),
    });
    const cursor = this.kv.beginSnapshot(envelope.headBytes);
    let sealed: Uint8Array | null = null;
    return {
      index: this.#appliedIndex,
      step: (budgetBytes) => {
        if (sealed === null && cursor.step(budgetBytes)) sealed = envelope.seal(cursor);
        return sealed !== null;
      },
      result: () => {
        assert(sealed !== null, "state machine snapshot: result before the last step");
        return sealed;
      },
      cancel: () => cursor.cancel(),
    };
  }

  /** The index of the last entry applied. */
  get appliedIndex(): number {
    return this.#appliedIndex;
  }

  /** The members, sorted by id. */
  members(): Member[] {
    return [...this.#members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((member) => ({
        ...member,
        peerUrls: [...member.peerUrls],
        clientUrls: [...member.clientUrls],
      }));
  }

  /** A member by id, if known. */
  member(id: bigint): Member | undefined {
    return this.#members.get(id);
  }

  /** Marks `index` applied without a request (the leader's empty entry, a conf change). */
  skip(index: number): void {
    this.#advance(index);
  }

  /**
   * Applies the normal entry at `index`. Returns the request (for its id)
   * and the result. An entry that cannot be decoded is a fatal error: it
   * passed the WAL's CRC, so it was written by a member running other code.
   */
  applyEntry(index: number, data: Uint8Array): { request: InternalRequest; result: ApplyResult } {
    this.#advance(index);
    const request = decodeRequest(data);
    return { request, result: this.#applyRequest(request) };
  }

  #advance(index: number): void {
    assert(index === this.#appliedIndex + 1, `apply: index ${index} after ${this.#appliedIndex}`);
    this.#appliedIndex = index;
  }

  #applyRequest(request: InternalRequest): ApplyResult {
    try {
      switch (request.kind) {
        case "put":
          this.#checkQuota(request.request.key.length + request.request.value.length);
          return this.#put(request.request);
        case "deleteRange":
          return this.#deleteRange(request);
        case "txn":
          if (txnHasPut(request.request)) this.#checkQuota(txnPutBytes(request.request));
          return this.#txn(request.request);
        case "compaction":
          this.kv.compact(request.request.revision);
          return {
            ok: true,
            revision: this.kv.currentRevision,
            response: { header: emptyHeader() },
          };
        case "memberAttributes":
          return this.#memberAttributes(request);
        case "memberUpdate":
          return this.#memberUpdate(request);
        case "leaseGrant":
          this.#checkQuota(LEASE_OVERHEAD_BYTES); // etcd's quotaLeaseServer
          return this.#leaseGrant(request);
        case "leaseRevoke":
          return this.#leaseRevoke(request);
      }
    } catch (error) {
      if (error instanceof EtcdError) return { ok: false, error };
      throw error;
    }
  }

  #put(request: Parameters<KvStore["put"]>[0]): ApplyResult {
    const result = this.kv.put(request);
    const response: PutResponse = {
      header: emptyHeader(),
      prevKv: request.prevKv ? result.prevKv : null,
    };
    return { ok: true, revision: result.revision, response };
  }

  #deleteRange(request: Extract<InternalRequest, { kind: "deleteRange" }>): ApplyResult {
    const result = this.kv.deleteRange(request.request);
    const response: DeleteRangeResponse = {
      header: emptyHeader(),
      deleted: result.deleted,
      prevKvs: request.request.prevKv ? result.prevKvs : [],
    };
    return { ok: true, revision: result.revision, response };
  }

  #txn(request: TxnRequest): ApplyResult {
    const result = this.kv.txn(request);
    const response: TxnResponse = {
      header: emptyHeader(),
      succeeded: result.succeeded,
      responses: result.responses,
    };
    return { ok: true, revision: result.revision, response };
  }

  /** etcd's applier LeaseGrant: the response carries the TTL kept. */
  #leaseGrant(request: Extract<InternalRequest, { kind: "leaseGrant" }>): ApplyResult {
    const lease = this.leases.grant(request.leaseId, request.ttl);
    const response: LeaseGrantResponse = {
      header: emptyHeader(),
      id: lease.id,
      ttl: lease.ttl,
      error: "",
    };
    return { ok: true, revision: this.kv.currentRevision, response };
  }

  /** etcd's Revoke: the lease goes, and its keys with it in one revision. */
  #leaseRevoke(request: Extract<InternalRequest, { kind: "leaseRevoke" }>): ApplyResult {
    const keys = this.leases.revoke(request.leaseId);
    const result = this.kv.deleteKeys(keys);
    const response: LeaseRevokeResponse = { header: emptyHeader() };
    return { ok: true, revision: result.revision, response };
  }

  #memberAttributes(request: Extract<InternalRequest, { kind: "memberAttributes" }>): ApplyResult {
    const member = this.#members.get(request.memberId);
    if (member === undefined) return { ok: false, error: Errors.memberNotFound() };
    this.#members.set(request.memberId, {
      ...member,
      name: request.name,
      clientUrls: [...request.clientUrls],
    });
    return { ok: true, revision: this.kv.currentRevision, response: null };
  }

  #memberUpdate(request: Extract<InternalRequest, { kind: "memberUpdate" }>): ApplyResult {
    const member = this.#members.get(request.memberId);
    if (member === undefined) return { ok: false, error: Errors.memberNotFound() };
    this.#members.set(request.memberId, { ...member, peerUrls: [...request.peerUrls] });
    return { ok: true, revision: this.kv.currentRevision, response: null };
  }

  /**
   * Applies the membership change at `index` (the Raft core has applied it
   * to its configuration already): members added, promoted or removed.
   * Returns the waiting request's id (from the context) and the result.
   */
  applyConfChange(index: number, change: ConfChange): { id: string; result: ApplyResult } {
    this.#advance(index);
    const context = decodeConfChangeContext(change.context);
    const refused = this.validateConfChange(change);
    if (refused !== null) return { id: context.id, result: { ok: false, error: refused } };
    for (const single of change.changes) {
      if (single.type === "removeNode") {
        this.#members.delete(single.nodeId);
        this.#removed.add(single.nodeId);
        continue;
      }
      const known = this.#members.get(single.nodeId);
      const given = context.member?.id === single.nodeId ? context.member : null;
      const base = known ?? given;
      if (base === null) continue; // a change made without etcd-ts's context: id only
      this.#members.set(single.nodeId, { ...base, isLearner: single.type === "addLearnerNode" });
    }
    return {
      id: context.id,
      result: { ok: true, revision: this.kv.currentRevision, response: null },
    };
  }

  /**
   * etcd's ValidateConfigurationChange, at apply (every member decides the
   * same from the same state): an added member must be new and its peer
   * URLs unused, a promoted one a learner, a removed one a member. A refused
   * change is applied to nothing, neither here nor in the Raft configuration.
   */
  validateConfChange(change: ConfChange): EtcdError | null {
    const context = decodeConfChangeContext(change.context);
    for (const single of change.changes) {
      const known = this.#members.get(single.nodeId);
      if (this.#removed.has(single.nodeId)) return Errors.memberNotFound();
      if (single.type === "removeNode") {
        if (known === undefined) return Errors.memberNotFound();
        continue;
      }
      if (known !== undefined && !(known.isLearner && single.type === "addNode")) {
        return Errors.memberExist();
      }
      const urls = known === undefined ? context.member?.peerUrls ?? [] : [];
      const taken = [...this.#members.values()].some((m) =>
        m.id !== single.nodeId && m.peerUrls.some((url) => urls.includes(url))
      );
      if (taken) return Errors.peerUrlExist();
    }
    return null;
  }

  /** Whether `id` was removed from the cluster (it may never come back with that id). */
  isRemoved(id: bigint): boolean {
    return this.#removed.has(id);
  }

  #checkQuota(costBytes: number): void {
    if (this.kv.approximateBytes + costBytes > this.#options.quotaBytes) throw Errors.noSpace();
  }
}

function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The leases of a snapshot; a snapshot made before leases existed has none. */
function decodeLeases(value: unknown): LeaseRecord[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new StateSnapshotDecodeError("bad leases");
  return value.map((item) => {
    const [id, ttl] = Array.isArray(item) ? item : [];
    if (
      typeof id !== "bigint" || id === 0n || typeof ttl !== "number" || !Number.isSafeInteger(ttl)
    ) {
      throw new StateSnapshotDecodeError("bad lease");
    }
    return [id, ttl] as const;
  });
}

function decodeMembers(value: unknown): Member[] {
  if (!Array.isArray(value)) throw new StateSnapshotDecodeError("members missing");
  return value.map((item) => {
    const m = item as Record<string, unknown>;
    if (typeof m.id !== "bigint" || typeof m.name !== "string") {
      throw new StateSnapshotDecodeError("bad member");
    }
    return {
      id: m.id,
      name: m.name,
      peerUrls: stringList(m.peerUrls),
      clientUrls: stringList(m.clientUrls),
      isLearner: m.isLearner === true,
    };
  });
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new StateSnapshotDecodeError("bad URL list");
  }
  return [...value] as string[];
}

function opsOf(request: TxnRequest): RequestOp[] {
  return [...request.success, ...request.failure];
}

/** Whether any branch of the txn (nested ones included) puts. */
export function txnHasPut(request: TxnRequest): boolean {
  return opsOf(request).some((op) =>
    "requestPut" in op || ("requestTxn" in op && txnHasPut(op.requestTxn))
  );
}

/** Whether any branch of the txn (nested ones included) writes. */
export function txnHasWrite(request: TxnRequest): boolean {
  return opsOf(request).some((op) =>
    "requestPut" in op || "requestDeleteRange" in op ||
    ("requestTxn" in op && txnHasWrite(op.requestTxn))
  );
}

function txnPutBytes(request: TxnRequest): number {
  let bytes = 0;
  for (const op of opsOf(request)) {
    if ("requestPut" in op) bytes += op.requestPut.key.length + op.requestPut.value.length;
    if ("requestTxn" in op) bytes += txnPutBytes(op.requestTxn);
  }
  return bytes;
}
