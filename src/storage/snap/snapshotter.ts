/**
 * Snapshot files in `<member>/snap/`, in the spirit of etcd's
 * `snap/snapshotter.go`: one file per snapshot, named
 * `<term>-<index>.snap` (16 lowercase hex digits each), written atomically
 * (temporary file, fsync, rename, directory fsync). `save` does it at once;
 * `saveAsync` (the member's own snapshots, tens of MB) computes the CRC and
 * writes a chunk at a time with asynchronous writes, fsyncs and directory
 * fsync, so the event loop keeps running, and leaves pruning to the caller
 * once the WAL marker for the new file is durable.
 *
 * File format (integers big-endian):
 *
 * | bytes | field                                                        |
 * | ----- | ------------------------------------------------------------ |
 * | 8     | magic `ETSSNAP2`                                             |
 * | 4     | CRC-32 (IEEE) of every byte after this field                 |
 * | 4     | length of the metadata JSON                                  |
 * | n     | metadata JSON: index, term, confState (ids as decimal text)  |
 * | rest  | the state machine's bytes, opaque here                       |
 *
 * Files of older builds, magic `ETSSNAP1`, differ only in the checksum, a
 * CRC-32C; they are read too. The runtime's native CRC-32 is about twenty
 * times faster than the portable CRC-32C, and snapshots are tens of MB.
 *
 * Loading goes from the newest file to the oldest; a file that does not
 * decode is renamed `<name>.broken` (with a warning naming it and why) and
 * the next older one is tried.
 *
 * @module
 */

import type { StorageLog } from "../log.ts";
import type { ConfState, Snapshot } from "../../raft/types.ts";
import { crc32c } from "../../util/crc.ts";
import { nativeCrc32Range } from "../native_crc32.ts";
import { snapshotBytesMax, snapshotsMaxDefault } from "../../util/limits.ts";
import { closeQuietly, type FileSystem, joinPath, writeFileAtomic } from "../fs.ts";

/** Where a snapshot file stands in the log, read from its name. */
export interface SnapshotName {
  readonly name: string;
  readonly index: number;
  readonly term: number;
}

/** A log callback, as the rest of storage takes it. */
export type SnapshotterLog = StorageLog;

/** How a {@linkcode Snapshotter} behaves. */
export interface SnapshotterOptions {
  /** Snapshot files kept after a save; 0 keeps all. Default {@linkcode snapshotsMaxDefault}. */
  maxSnapshots?: number;
  /** Where warnings (damaged files) and notes (removed old files) go. */
  log?: SnapshotterLog;
}

/** A snapshot file that cannot be trusted: wrong magic, CRC mismatch, truncated, bad metadata. */
export class SnapshotDecodeError extends Error {
  override name = "SnapshotDecodeError";
  /** The file's name (no directory). */
  readonly file: string;
  /** Why it was refused. */
  readonly reason: string;

  constructor(file: string, reason: string) {
    super(`Cannot decode snapshot "${file}": ${reason}`);
    this.file = file;
    this.reason = reason;
  }
}

/** A snapshot file larger than {@linkcode snapshotBytesMax}. */
export class SnapshotTooLargeError extends Error {
  override name = "SnapshotTooLargeError";
  /** The file's name (no directory). */
  readonly file: string;
  readonly sizeBytes: number;
  readonly limitBytes: number;

  constructor(file: string, sizeBytes: number, limitBytes: number) {
    super(
      `Cannot handle snapshot "${file}": ${sizeBytes} bytes is over the limit of ${limitBytes} bytes`,
    );
    this.file = file;
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }
}

const MAGIC = new TextEncoder().encode("ETSSNAP2");
/** Older builds' magic: the same layout with a CRC-32C. */
const MAGIC_CRC32C = new TextEncoder().encode("ETSSNAP1");
const HEADER_BYTES = MAGIC.length + 4 + 4;
const SNAP_SUFFIX = ".snap";
/** What `save` writes to before the rename. */
const TMP_SUFFIX = ".tmp";
/** What `saveAsync` writes to: not `save`'s, so the two never share a file. */
const ASYNC_TMP_SUFFIX = ".async.tmp";
/** Data CRC'd, written and fsynced per step of `saveAsync` (well under a millisecond of CRC). */
const ASYNC_CHUNK_BYTES = 1024 * 1024;
const NAME_PATTERN = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;
const ID_PATTERN = /^(0|[1-9][0-9]{0,19})$/;
const ID_MAX = (1n << 64n) - 1n;

/** The file name of a snapshot at `term` and `index`: `%016x-%016x.snap`. */
export function snapshotFileName(term: number, index: number): string {
  return `${hex16(term)}-${hex16(index)}${SNAP_SUFFIX}`;
}

function hex16(value: number): string {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`Cannot name a snapshot with "${value}": expected a safe integer ≥ 0`);
  }
  return value.toString(16).padStart(16, "0");
}

/** Reads term and index from a snapshot file name; null if it is not one. */
export function parseSnapshotFileName(name: string): SnapshotName | null {
  const match = NAME_PATTERN.exec(name);
  if (match === null) return null;
  const term = Number.parseInt(match[1]!, 16);
  const index = Number.parseInt(match[2]!, 16);
  if (!Number.isSafeInteger(term) || !Number.isSafeInteger(index)) return null;
  return { name, index, term };
}

/** The bytes of a snapshot file. */
export function encodeSnapshotFile(snapshot: Snapshot): Uint8Array {
  const head = encodeHead(snapshot);
  const out = new Uint8Array(head.length + snapshot.data.length);
  out.set(head, 0);
  out.set(snapshot.data, head.length);
  setCrc(out, nativeCrc32Range(out, MAGIC.length + 4, out.length, 0));
  return out;
}

/** A snapshot file up to its data (magic, CRC field left zero, metadata length, metadata). */
function encodeHead(snapshot: Snapshot): Uint8Array {
  const { index, term, confState } = snapshot.metadata;
  const json = JSON.stringify({ index, term, confState: confStateToJson(confState) });
  const metadata = new TextEncoder().encode(json);
  const head = new Uint8Array(HEADER_BYTES + metadata.length);
  head.set(MAGIC, 0);
  new DataView(head.buffer).setUint32(MAGIC.length + 4, metadata.length);
  head.set(metadata, HEADER_BYTES);
  return head;
}

function setCrc(file: Uint8Array, crc: number): void {
  new DataView(file.buffer, file.byteOffset, file.byteLength).setUint32(MAGIC.length, crc);
}

/**
 * Decodes a snapshot file; `file` is its name, checked against the
 * metadata. Throws {@linkcode SnapshotDecodeError} on any damage.
 */
export function decodeSnapshotFile(file: string, bytes: Uint8Array): Snapshot {
  const fail = (reason: string): never => {
    throw new SnapshotDecodeError(file, reason);
  };
  if (bytes.length < HEADER_BYTES) {
    fail(`truncated: ${bytes.length} bytes, header needs ${HEADER_BYTES}`);
  }
  const hasMagic = (magic: Uint8Array) => magic.every((byte, i) => bytes[i] === byte);
  const legacy = hasMagic(MAGIC_CRC32C);
  if (!legacy && !hasMagic(MAGIC)) fail("bad magic: not an etcd-ts snapshot file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = view.getUint32(MAGIC.length);
  const actual = legacy
    ? crc32c(bytes.subarray(MAGIC.length + 4))
    : nativeCrc32Range(bytes, MAGIC.length + 4, bytes.length, 0);
  if (stored !== actual) fail(`CRC mismatch: stored ${hex8(stored)}, computed ${hex8(actual)}`);
  const metadataBytes = view.getUint32(MAGIC.length + 4);
  if (metadataBytes > bytes.length - HEADER_BYTES) {
    fail(`truncated: metadata of ${metadataBytes} bytes, ${bytes.length - HEADER_BYTES} left`);
  }
  const metadataEnd = HEADER_BYTES + metadataBytes;
  const metadata = parseMetadata(file, bytes.subarray(HEADER_BYTES, metadataEnd));
  const named = parseSnapshotFileName(file);
  if (named !== null && (named.index !== metadata.index || named.term !== metadata.term)) {
    fail(
      `name says term ${named.term} index ${named.index}, ` +
        `metadata says term ${metadata.term} index ${metadata.index}`,
    );
  }
  return { data: bytes.slice(metadataEnd), metadata };
}

function hex8(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}

interface ConfStateJson {
  voters: string[];
  learners: string[];
  votersOutgoing: string[];
  learnersNext: string[];
  autoLeave: boolean;
}

function confStateToJson(confState: ConfState): ConfStateJson {
  const ids = (list: readonly bigint[]): string[] => list.map((id) => id.toString());
  return {
    voters: ids(confState.voters),
    learners: ids(confState.learners),
    votersOutgoing: ids(confState.votersOutgoing),
    learnersNext: ids(confState.learnersNext),
    autoLeave: confState.autoLeave,
  };
}

function parseMetadata(file: string, bytes: Uint8Array): Snapshot["metadata"] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new SnapshotDecodeError(file, `bad metadata JSON: ${(error as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new SnapshotDecodeError(file, `bad metadata: ${what}`);
  };
  if (!isRecord(value)) return fail("not an object");
  const { index, term } = value;
  if (!isLogPosition(index)) return fail(`index ${JSON.stringify(index)}`);
  if (!isLogPosition(term)) return fail(`term ${JSON.stringify(term)}`);
  return { index, term, confState: parseConfState(value.confState, fail) };
}

function parseConfState(value: unknown, fail: (what: string) => never): ConfState {
  if (!isRecord(value)) return fail("confState is not an object");
  const ids = (key: keyof ConfStateJson): bigint[] => {
    const list = value[key];
    if (!Array.isArray(list)) return fail(`confState.${key} is not a list`);
    return list.map((id: unknown) => {
      if (typeof id !== "string" || !ID_PATTERN.test(id) || BigInt(id) > ID_MAX) {
        return fail(`confState.${key} holds ${JSON.stringify(id)}, not a uint64 in decimal`);
      }
      return BigInt(id);
    });
  };
  if (typeof value.autoLeave !== "boolean") return fail("confState.autoLeave is not a boolean");
  return {
    voters: ids("voters"),
    learners: ids("learners"),
    votersOutgoing: ids("votersOutgoing"),
    learnersNext: ids("learnersNext"),
    autoLeave: value.autoLeave,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isLogPosition(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** Newest first: by index, then term. */
function newestFirst(a: SnapshotName, b: SnapshotName): number {
  return b.index - a.index || b.term - a.term;
}

/** Saves, lists, loads and prunes the snapshot files of one directory. */
export class Snapshotter {
  #fs: FileSystem;
  #dir: string;
  #maxSnapshots: number;
  #log: SnapshotterLog | undefined;

  /**
   * `dir` is the snapshot directory (`<member>/snap`); it must exist before
   * a save. `maxSnapshots` must be a safe integer ≥ 0.
   */
  constructor(fs: FileSystem, dir: string, options?: SnapshotterOptions) {
    const maxSnapshots = options?.maxSnapshots ?? snapshotsMaxDefault;
    if (!(Number.isSafeInteger(maxSnapshots) && maxSnapshots >= 0)) {
      throw new RangeError(
        `Cannot keep "${maxSnapshots}" snapshots: expected a safe integer ≥ 0 (0 keeps all)`,
      );
    }
    this.#fs = fs;
    this.#dir = dir;
    this.#maxSnapshots = maxSnapshots;
    this.#log = options?.log;
  }

  /**
   * Writes a snapshot file atomically and durably, then removes the oldest
   * files beyond `maxSnapshots` (never the one just written). An empty
   * snapshot (index 0) is not written, as in etcd.
   */
  save(snapshot: Snapshot): void {
    if (snapshot.metadata.index === 0) return;
    const name = snapshotFileName(snapshot.metadata.term, snapshot.metadata.index);
    const bytes = encodeSnapshotFile(snapshot);
    if (bytes.length > snapshotBytesMax) {
      throw new SnapshotTooLargeError(name, bytes.length, snapshotBytesMax);
    }
    writeFileAtomic(this.#fs, this.#dir, name, bytes);
    this.#prune(name);
  }

  /**
   * Writes a snapshot file as {@linkcode save} does (temporary file, fsync,
   * rename, directory fsync) without blocking the event loop: the CRC is
   * computed and the data written {@linkcode ASYNC_CHUNK_BYTES} at a time,
   * each write, the fsync and the directory fsync asynchronous. Resolves
   * true once the file is durable under its name. Prunes nothing: call
   * {@linkcode prune} when the snapshot is recorded.
   *
   * `stillWanted` is asked when the temporary file is durable, just before
   * the rename; when it says no, the temporary file is removed and the
   * result is false. An interrupted save leaves only a temporary file, which
   * {@linkcode load} removes and {@linkcode list} never names. `snapshot.data`
   * must not change until this settles.
   */
  async saveAsync(snapshot: Snapshot, stillWanted: () => boolean = () => true): Promise<boolean> {
    if (snapshot.metadata.index === 0) return true;
    const name = snapshotFileName(snapshot.metadata.term, snapshot.metadata.index);
    const head = encodeHead(snapshot);
    const data = snapshot.data;
    if (head.length + data.length > snapshotBytesMax) {
      throw new SnapshotTooLargeError(name, head.length + data.length, snapshotBytesMax);
    }
    const tmp = joinPath(this.#dir, `${name}${ASYNC_TMP_SUFFIX}`);
    const file = this.#fs.open(tmp, { create: true, write: true });
    try {
      file.truncate(0);
      let crc = nativeCrc32Range(head, MAGIC.length + 4, head.length, 0);
      for (let at = 0; at < data.length; at += ASYNC_CHUNK_BYTES) {
        const end = Math.min(data.length, at + ASYNC_CHUNK_BYTES);
        crc = nativeCrc32Range(data, at, end, crc);
        await file.writeAtAsync(data.subarray(at, end), head.length + at);
        // Flushed a chunk at a time: one flush of tens of MB queued ahead of
        // the WAL's fdatasyncs on the same disk and held them up for ~50 ms.
        await file.sync();
      }
      setCrc(head, crc);
      await file.writeAtAsync(head, 0);
      await file.sync();
      // A handle from before a crash of a simulated disk fails here, so a
      // save that outlived the crash never renames in the disk's next life.
      file.size();
    } catch (error) {
      closeQuietly(file);
      throw error;
    }
    file.close();
    if (!stillWanted()) {
      this.#fs.remove(tmp);
      return false;
    }
    this.#fs.rename(tmp, joinPath(this.#dir, name));
    await this.#fs.syncDirAsync(this.#dir);
    return true;
  }

  /**
   * Removes the oldest snapshot files beyond `maxSnapshots`, sparing the
   * one at (`index`, `term`): after {@linkcode saveAsync}, once the new
   * file's WAL marker is durable.
   */
  prune(index: number, term: number): void {
    this.#prune(snapshotFileName(term, index));
  }

  /** Removes the file of the snapshot at (`index`, `term`) if there is one (not synced). */
  remove(index: number, term: number): void {
    const path = joinPath(this.#dir, snapshotFileName(term, index));
    if (this.#fs.exists(path)) this.#fs.remove(path);
  }

  /**
   * The newest snapshot that decodes, or null when there is none. Damaged
   * files met on the way are renamed `.broken`; temporary files of an
   * interrupted save are removed.
   */
  load(): Snapshot | null {
    return this.#loadFirst(this.list());
  }

  /**
   * The newest snapshot that decodes and whose (index, term) is in
   * `available` (the WAL's snapshot markers), or null. Damaged files met on
   * the way are renamed `.broken`.
   */
  loadNewestAvailable(available: readonly { index: number; term: number }[]): Snapshot | null {
    const wanted = new Set(available.map(({ index, term }) => `${index}/${term}`));
    return this.#loadFirst(this.list().filter(({ index, term }) => wanted.has(`${index}/${term}`)));
  }

  /** The snapshot files (by name; `.broken` and temporary files left out), newest first. */
  list(): SnapshotName[] {
    if (!this.#fs.exists(this.#dir)) return [];
    const names: SnapshotName[] = [];
    for (const name of this.#fs.readDir(this.#dir)) {
      const parsed = parseSnapshotFileName(name);
      if (parsed !== null) names.push(parsed);
    }
    return names.sort(newestFirst);
  }

  #loadFirst(candidates: readonly SnapshotName[]): Snapshot | null {
    this.#removeTemporaries();
    for (const candidate of candidates) {
      const snapshot = this.#tryRead(candidate.name);
      if (snapshot !== null) return snapshot;
    }
    return null;
  }

  /** Removes the temporary files a crash left behind in the middle of a save. */
  #removeTemporaries(): void {
    if (!this.#fs.exists(this.#dir)) return;
    for (const name of this.#fs.readDir(this.#dir)) {
      const temporary = name.endsWith(`${SNAP_SUFFIX}${TMP_SUFFIX}`) ||
        name.endsWith(`${SNAP_SUFFIX}${ASYNC_TMP_SUFFIX}`);
      if (temporary) this.#fs.remove(joinPath(this.#dir, name));
    }
  }

  /** Reads and decodes one file; on damage renames it `.broken`, logs, and returns null. */
  #tryRead(name: string): Snapshot | null {
    try {
      return decodeSnapshotFile(name, this.#read(name));
    } catch (error) {
      if (!(error instanceof SnapshotDecodeError)) throw error;
      const broken = `${name}.broken`;
      this.#fs.rename(joinPath(this.#dir, name), joinPath(this.#dir, broken));
      this.#log?.("warn", "snap: a damaged snapshot file was renamed", {
        file: joinPath(this.#dir, name),
        renamedTo: broken,
        reason: error.reason,
      });
      return null;
    }
  }

  #read(name: string): Uint8Array {
    const file = this.#fs.open(joinPath(this.#dir, name));
    try {
      const size = file.size();
      if (size > snapshotBytesMax) throw new SnapshotTooLargeError(name, size, snapshotBytesMax);
      return file.readAt(0, size);
    } finally {
      file.close();
    }
  }

  /** Removes the oldest snapshot files beyond the limit, sparing `written`. */
  #prune(written: string): void {
    if (this.#maxSnapshots === 0) return;
    const others = this.list().filter(({ name }) => name !== written);
    for (const old of others.slice(Math.max(0, this.#maxSnapshots - 1))) {
      this.#fs.remove(joinPath(this.#dir, old.name));
      this.#log?.("info", "snap: removed an old snapshot file", {
        file: joinPath(this.#dir, old.name),
      });
    }
  }
}
