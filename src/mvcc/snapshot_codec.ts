/**
 * The store's full retained state as bytes: every key's history, the
 * compacted and current revisions. The encoding is canonical (one byte
 * string per state), so its CRC-32 is also the state's hash.
 *
 * Format, version 2 (varint = unsigned LEB128, minimal, ≤ 2^53 - 1):
 * ```
 * "etkv" 0x02                          magic, format version
 * varint currentRevision
 * varint compactRevision + 1           0 = never compacted
 * varint keyCount
 * keyCount × key, in ascending key order:
 *   varint keyLength, key bytes
 *   varint recordCount (≥ 1)
 *   recordCount × record, in (main, sub) order:
 *     byte flags                       bit 0 tombstone, bit 1 non-zero lease
 *     varint main - previous main      (the first: main itself)
 *     varint sub
 *     (puts only) varint createRevision, varint version,
 *                 [int64 LE lease], varint valueLength, value bytes
 * uint32 LE CRC-32 (IEEE) of every byte before it
 * ```
 * Version 1, which older builds wrote, differs only in its trailer: a
 * CRC-32C. Both are read. The checksum moved to CRC-32 because the server
 * computes it natively, about twenty times faster than the portable code
 * (see `util/crc.ts`): checksumming was half of a snapshot's encoding time.
 * Decoding checks the checksum, every length against the bytes left, and
 * every invariant of the state (key order, each key's generations, one
 * record per revision at least, sub-revisions 0..n-1), and throws
 * {@linkcode MvccSnapshotDecodeError} on any failure.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { type ChecksumRange, crc32cRange, crc32Range } from "../util/crc.ts";
import { hex } from "../util/bytes.ts";
import { ByteReader, ByteWriter } from "./byte_io.ts";
import { KeyIndex } from "./key_index.ts";
import { stringToKey } from "./key_string.ts";
import {
  compareRevisions,
  isTombstone,
  type KeyRevision,
  putRevision,
  tombstone,
} from "./revision.ts";
import { StoreState } from "./store_state.ts";
import { TreeIndex } from "./tree_index.ts";

/** The snapshot format version written (1 is read too). */
export const snapshotFormatVersion = 2;

/** Version 1's trailer is a CRC-32C rather than a CRC-32. */
const CRC32C_FORMAT_VERSION = 1;

const MAGIC = [0x65, 0x74, 0x6b, 0x76]; // "etkv"
const HEADER_BYTES = MAGIC.length + 1;
const TRAILER_BYTES = 4;
const FLAG_TOMBSTONE = 1;
const FLAG_LEASE = 2;

/** A snapshot that cannot be decoded: truncated, corrupt, or of another format. */
export class MvccSnapshotDecodeError extends Error {
  /** The error's name. */
  override name = "MvccSnapshotDecodeError";

  /** An error whose message says what is wrong and where. */
  constructor(message: string) {
    super(`mvcc snapshot: ${message}`);
  }
}

/**
 * Which part of a state a snapshot holds. The records of each key it
 * writes are those from `keptFrom(compactRevision)` (when `filterCompacted`)
 * or the first, up to the last with main ≤ `revision`; keys with none are
 * left out.
 */
export interface SnapshotView {
  /** The snapshot's current revision: later records are left out. */
  readonly revision: number;
  /** The compacted revision written (-1 = never compacted). */
  readonly compactRevision: number;
  /** Whether held records that the (deferred) compaction drops are left out. */
  readonly filterCompacted: boolean;
  /** How many keys the view holds (the count written in the header). */
  readonly keyCount: number;
}

/** The view of `state` as it is now (a deferred compaction counted as done). */
export function currentView(state: StoreState): SnapshotView {
  const view = {
    revision: state.currentRevision,
    compactRevision: state.compactRevision,
    filterCompacted: state.compactionDeferred,
    keyCount: state.indexedKeys,
  };
  if (!view.filterCompacted) return view;
  let keyCount = 0;
  state.forEachKeyIndex((index) => {
    if (heldRange(index, view).to > 0) keyCount++;
  });
  return { ...view, keyCount };
}

/** The records of `index` that `view` holds: positions [from, to), or to = 0 for none. */
function heldRange(index: KeyIndex, view: SnapshotView): { from: number; to: number } {
  const to = index.countAtOrBefore(view.revision);
  const from = view.filterCompacted ? index.keptFrom(view.compactRevision) : 0;
  return from < to ? { from, to } : { from: 0, to: 0 };
}

/**
 * The snapshot bytes of `state`. `checksum` computes the trailer's CRC-32
 * (any implementation giving CRC-32's values).
 */
export function encodeSnapshot(
  state: StoreState,
  checksum: ChecksumRange = crc32Range,
): Uint8Array {
  const writer = new ByteWriter();
  new SnapshotBodyEncoder(state, currentView(state), writer).step(Infinity);
  const body = writer.finish();
  writer.uint32(checksum(body, 0, body.length, 0));
  return writer.finish();
}

/** The CRC-32 of `state`'s encoding (= the snapshot's trailer), computed without building it. */
export function stateChecksum(state: StoreState, checksum: ChecksumRange = crc32Range): number {
  let crc = 0;
  const writer = new ByteWriter((chunk) => {
    crc = checksum(chunk, 0, chunk.length, crc);
  });
  new SnapshotBodyEncoder(state, currentView(state), writer).step(Infinity);
  writer.finish();
  return crc;
}

/**
 * Writes the snapshot body (all but the trailing checksum) of one view of
 * a state, a step at a time. Between steps the state may change in any way
 * that keeps the view's records (later writes only add records after its
 * revision, new keys, or removals of keys with no record in the view):
 * each step finds its place again by key.
 */
export class SnapshotBodyEncoder {
  readonly #state: StoreState;
  readonly #view: SnapshotView;
  readonly #w: ByteWriter;
  /** The last key written or passed over; null before the first. */
  #after: string | null = null;
  /** The key being written, null between keys. */
  #key: KeyIndex | null = null;
  #next = 0;
  #to = 0;
  #previousMain = 0;
  #keysWritten = 0;
  #done = false;

  /** Writes the header at once. */
  constructor(state: StoreState, view: SnapshotView, writer: ByteWriter) {
    this.#state = state;
    this.#view = view;
    this.#w = writer;
    for (const byte of MAGIC) writer.byte(byte);
    writer.byte(snapshotFormatVersion);
    writer.varint(view.revision);
    writer.varint(view.compactRevision + 1);
    writer.varint(view.keyCount);
  }

  /** Whether the whole body is written. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Writes at least one more record (if any is left) and then stops at
   * the first record boundary after `budgetBytes` more bytes. Returns
   * true when the body is complete.
   */
  step(budgetBytes: number): boolean {
    if (this.#done) return true;
    const stop = this.#w.written + Math.max(1, budgetBytes);
    if (this.#key !== null && !this.#continueKey(stop)) return false;
    let finished = true;
    // A binary string's successor in key order is itself + "\0".
    const resumeFrom = this.#after === null ? "" : this.#after + "\0";
    this.#state.scanKeyIndexes(resumeFrom, (index) => {
      if (this.#w.written >= stop) {
        finished = false;
        return false;
      }
      if (!this.#beginKey(index)) return true;
      if (this.#continueKey(stop)) return true;
      finished = false;
      return false;
    });
    if (!finished) return false;
    assert(this.#keysWritten === this.#view.keyCount, "mvcc snapshot: key count changed");
    this.#done = true;
    return true;
  }

  /** Starts writing `index`'s key; false when the view holds none of its records. */
  #beginKey(index: KeyIndex): boolean {
    const { from, to } = heldRange(index, this.#view);
    if (to === 0) {
      this.#after = index.key;
      return false;
    }
    const w = this.#w;
    w.varint(index.key.length);
    w.binaryString(index.key);
    w.varint(to - from);
    this.#key = index;
    this.#next = from;
    this.#to = to;
    this.#previousMain = 0;
    return true;
  }

  /** Writes records of the current key until it ends (true) or the writer reaches `stop`. */
  #continueKey(stop: number): boolean {
    const index = this.#key!;
    const w = this.#w;
    let next = this.#next;
    let previousMain = this.#previousMain;
    do {
      const record = index.recordAt(next++);
      writeRecord(w, record, previousMain);
      previousMain = record.main;
    } while (next < this.#to && w.written < stop);
    this.#next = next;
    this.#previousMain = previousMain;
    if (next < this.#to) return false;
    this.#key = null;
    this.#keysWritten++;
    this.#after = index.key;
    return true;
  }
}

function writeRecord(w: ByteWriter, record: KeyRevision, previousMain: number): void {
  const dead = isTombstone(record);
  const leased = record.lease !== 0n;
  w.byte((dead ? FLAG_TOMBSTONE : 0) | (leased ? FLAG_LEASE : 0));
  w.varint(record.main - previousMain);
  w.varint(record.sub);
  if (dead) return;
  w.varint(record.createRevision);
  w.varint(record.version);
  if (leased) w.int64(record.lease);
  w.varint(record.value.length);
  w.bytes(record.value);
}

/**
 * Decodes snapshot bytes (format 2, or 1) into a state; throws
 * MvccSnapshotDecodeError. `checksum` checks format 2's CRC-32.
 */
export function decodeSnapshot(
  bytes: Uint8Array,
  checksum: ChecksumRange = crc32Range,
): StoreState {
  const fail = (message: string) => new MvccSnapshotDecodeError(message);
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES) {
    throw fail(`truncated: ${bytes.length} bytes`);
  }
  if (MAGIC.some((byte, i) => bytes[i] !== byte)) throw fail("not an etcd-ts mvcc snapshot");
  const version = bytes[MAGIC.length];
  if (version !== snapshotFormatVersion && version !== CRC32C_FORMAT_VERSION) {
    throw fail(`unsupported format version ${version}`);
  }
  const bodyEnd = bytes.length - TRAILER_BYTES;
  const trailer = new ByteReader(bytes, bodyEnd, bytes.length, fail).uint32();
  const actual = version === CRC32C_FORMAT_VERSION
    ? crc32cRange(bytes, 0, bodyEnd, 0)
    : checksum(bytes, 0, bodyEnd, 0);
  if (trailer !== actual) throw fail(`checksum mismatch: stored ${trailer}, computed ${actual}`);
  const r = new ByteReader(bytes, HEADER_BYTES, bodyEnd, fail);
  const currentRevision = r.varint();
  const compactRevision = r.varint() - 1;
  if (currentRevision < 1) r.fail(`current revision ${currentRevision}`);
  if (compactRevision > currentRevision) r.fail(`compacted revision ${compactRevision} ahead`);
  const keyCount = r.varint();
  if (keyCount > r.remaining) r.fail(`${keyCount} keys in ${r.remaining} bytes`);
  const indexes: KeyIndex[] = [];
  let records = 0;
  for (let i = 0; i < keyCount; i++) {
    const index = readKey(r, indexes[i - 1]?.key ?? null, compactRevision, currentRevision);
    indexes.push(index);
    records += index.length;
  }
  if (r.remaining !== 0) r.fail(`${r.remaining} bytes after the last key`);
  const log = rebuildLog(r, indexes, records, compactRevision, currentRevision);
  return new StoreState(TreeIndex.fromSorted(indexes), log, currentRevision, compactRevision);
}

function readKey(
  r: ByteReader,
  previous: string | null,
  compact: number,
  current: number,
): KeyIndex {
  const keyLength = r.varint();
  if (keyLength === 0) r.fail("empty key");
  const key = r.binaryString(keyLength);
  if (previous !== null && key <= previous) r.fail("keys out of order");
  const count = r.varint();
  if (count === 0 || count > r.remaining) r.fail(`${count} records in ${r.remaining} bytes`);
  const records: KeyRevision[] = [];
  let main = 0;
  for (let j = 0; j < count; j++) {
    const record = readRecord(r, key, main);
    main = record.main;
    records.push(record);
  }
  const problem = historyProblem(records, compact, current);
  if (problem !== null) r.fail(`key ${hex(stringToKey(key))}: ${problem}`);
  const index = new KeyIndex(records[0]!);
  for (let j = 1; j < records.length; j++) index.append(records[j]!);
  return index;
}

function readRecord(r: ByteReader, key: string, previousMain: number): KeyRevision {
  const flags = r.byte();
  if ((flags & ~(FLAG_TOMBSTONE | FLAG_LEASE)) !== 0) r.fail(`unknown record flags ${flags}`);
  const main = previousMain + r.varint();
  if (!Number.isSafeInteger(main)) r.fail("revision beyond 2^53");
  const sub = r.varint();
  if ((flags & FLAG_TOMBSTONE) !== 0) {
    if ((flags & FLAG_LEASE) !== 0) r.fail("tombstone with a lease");
    return tombstone(key, main, sub);
  }
  const createRevision = r.varint();
  const version = r.varint();
  const lease = (flags & FLAG_LEASE) !== 0 ? r.int64() : 0n;
  if ((flags & FLAG_LEASE) !== 0 && lease === 0n) r.fail("lease flag with lease 0");
  if (version === 0) r.fail("put with version 0");
  const value = r.bytes(r.varint());
  return putRevision(key, main, sub, createRevision, version, value, lease);
}

/**
 * What is wrong with one key's decoded history, or null: revisions grow
 * within [2, current]; at most the first record is at or before the
 * compaction, and it is a put; a tombstone follows a put; a put continues
 * its generation (same create revision, version + 1) or, first in its
 * generation and after the compaction, is a creation (version 1).
 */
export function historyProblem(
  records: readonly KeyRevision[],
  compact: number,
  current: number,
): string | null {
  let previous: KeyRevision | undefined;
  for (const record of records) {
    if (record.main < 2 || record.main > current) return `revision ${record.main} out of range`;
    if (previous !== undefined && compareRevisions(previous, record) >= 0) {
      return "revisions out of order";
    }
    const old = record.main <= compact;
    if (old && (previous !== undefined || isTombstone(record))) return "history before compaction";
    const problem = isTombstone(record)
      ? (previous === undefined || isTombstone(previous) ? "tombstone of a missing key" : null)
      : putProblem(record, previous, old);
    if (problem !== null) return problem;
    previous = record;
  }
  return null;
}

function putProblem(
  record: KeyRevision,
  previous: KeyRevision | undefined,
  old: boolean,
): string | null {
  const creation = record.version === 1 && record.createRevision === record.main;
  if (previous === undefined || isTombstone(previous)) {
    if (old) {
      const valid = record.createRevision >= 2 && record.createRevision <= record.main &&
        (record.version !== 1 || record.createRevision === record.main);
      return valid ? null : "bad create revision or version";
    }
    return creation ? null : "a generation that does not start with version 1";
  }
  const continues = record.createRevision === previous.createRevision &&
    record.version === previous.version + 1;
  return continues ? null : "version or create revision out of sequence";
}

/**
 * The revision log (records with main ≥ the compacted revision, in (main,
 * sub) order) by a counting sort over the revisions, checking that every
 * revision after the compaction has records with sub-revisions 0..n-1.
 */
function rebuildLog(
  r: ByteReader,
  indexes: readonly KeyIndex[],
  total: number,
  compact: number,
  current: number,
): KeyRevision[] {
  const low = Math.max(compact, 2);
  const span = current - low + 1;
  if (span > total + 1) r.fail(`${span} revisions for ${total} records`);
  if (span <= 0) return [];
  const starts = new Uint32Array(span + 1);
  for (const index of indexes) {
    index.forEach((record) => {
      if (record.main >= low) starts[record.main - low + 1]!++;
    });
  }
  for (let rev = Math.max(compact + 1, 2); rev <= current; rev++) {
    if (starts[rev - low + 1] === 0) r.fail(`revision ${rev} has no record`);
  }
  for (let i = 1; i <= span; i++) starts[i]! += starts[i - 1]!;
  const log = new Array<KeyRevision>(starts[span]!);
  const next = starts.slice(0, span);
  for (const index of indexes) {
    index.forEach((record) => {
      if (record.main >= low) log[next[record.main - low]!++] = record;
    });
  }
  for (let i = 0; i < span; i++) checkSubs(r, log, starts[i]!, starts[i + 1]!, compact);
  return log;
}

/** Sorts log[from, to) (one revision) by sub and checks the subs. */
function checkSubs(
  r: ByteReader,
  log: KeyRevision[],
  from: number,
  to: number,
  compact: number,
): void {
  if (to - from > 1) {
    const sorted = log.slice(from, to).sort((a, b) => a.sub - b.sub);
    for (let i = 0; i < sorted.length; i++) log[from + i] = sorted[i]!;
  }
  for (let i = from; i < to; i++) {
    const record = log[i]!;
    const dense = record.main > compact ? record.sub === i - from : true;
    if (!dense || (i > from && log[i - 1]!.sub >= record.sub)) {
      r.fail(`sub-revisions of revision ${record.main} not 0..n-1`);
    }
  }
}
