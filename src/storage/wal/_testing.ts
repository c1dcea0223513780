/**
 * Helpers shared by the WAL's tests: deterministic entries, a scripted WAL
 * writer with a model of what reading it back must give, and byte-level
 * access to segment files on the in-memory file system.
 *
 * @module
 */

import { EMPTY_HARD_STATE, type Entry, type HardState } from "../../raft/types.ts";
import { joinPath } from "../fs.ts";
import { MemFileSystem } from "../mem_fs.ts";
import { bytesSource, SegmentDecoder } from "./decoder.ts";
import type { WalMetadata, WalRecord, WalSnapshotMarker } from "./record.ts";
import { isSegmentName } from "./segment_name.ts";
import { Wal, type WalOptions } from "./wal.ts";

/** The metadata every test WAL is created with. */
export const META: WalMetadata = { memberId: 0x1234n, clusterId: 0xabcd_ef01_2345_6789n };

/** The WAL directory of the tests. */
export const DIR = "data/member/wal";

/** Entry `index` with deterministic data of `bytes` bytes (no zero byte in it). */
export function entry(index: number, term = 1, bytes = 24, type: Entry["type"] = "normal"): Entry {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) data[i] = ((index * 31 + i * 7) % 255) + 1;
  return { term, index, type, data };
}

/** One step of a scripted WAL. */
export type WalOp =
  | { readonly kind: "save"; readonly hardState: HardState | null; readonly entries: Entry[] }
  | { readonly kind: "marker"; readonly marker: WalSnapshotMarker };

/** What reading a WAL back from `from` must give. */
export interface Expected {
  readonly entries: Entry[];
  readonly hardState: HardState;
  readonly snapshots: WalSnapshotMarker[];
}

/** Applies `ops` to a WAL, syncing after each. */
export function applyOps(wal: Wal, ops: readonly WalOp[]): void {
  for (const op of ops) {
    if (op.kind === "save") wal.save(op.hardState, op.entries);
    else wal.saveSnapshot(op.marker);
    wal.syncSync();
  }
}

/** A fresh in-memory file system with the member directory made durable. */
export function newFs(): MemFileSystem {
  const fs = new MemFileSystem();
  fs.mkdirAll("data/member");
  fs.syncDir("/");
  fs.syncDir("data");
  fs.syncDir("data/member");
  return fs;
}

/** Creates a WAL on a fresh in-memory file system, applies `ops` (synced) and closes it. */
export function writeWal(ops: readonly WalOp[], options: WalOptions = {}): MemFileSystem {
  const fs = newFs();
  const wal = Wal.create(fs, DIR, META, options);
  applyOps(wal, ops);
  wal.close();
  return fs;
}

/** The model: what `ops` leave behind, read from the snapshot `from`. */
export function expectedOf(ops: readonly WalOp[], from: WalSnapshotMarker): Expected {
  const entries: Entry[] = [];
  let hardState = EMPTY_HARD_STATE;
  const snapshots: WalSnapshotMarker[] = [{ index: 0, term: 0 }];
  for (const op of ops) {
    if (op.kind === "marker") {
      snapshots.push(op.marker);
      continue;
    }
    for (const item of op.entries) {
      // An entry at or before the snapshot is not kept, but it was written
      // after every held one, which a later leader therefore overwrote.
      if (item.index <= from.index) {
        entries.length = 0;
        continue;
      }
      entries.length = item.index - from.index - 1;
      entries.push(item);
    }
    if (op.hardState !== null) hardState = op.hardState;
  }
  return { entries, hardState, snapshots };
}

/**
 * A script of `batches` saves of 1 to 4 entries with a hard state each, a
 * snapshot marker every `markerEvery` saves and one conflicting rewrite of
 * a suffix (a new leader's entries replacing the last two).
 */
export function script(batches: number, entryBytes = 40, markerEvery = 5): WalOp[] {
  const ops: WalOp[] = [];
  let index = 0;
  let term = 1;
  for (let batch = 0; batch < batches; batch++) {
    const entries: Entry[] = [];
    if (batch === Math.floor(batches / 2) && index >= 2) {
      term++;
      index -= 2; // a new leader overwrites the last two entries
    }
    for (let i = 0; i < 1 + (batch % 4); i++) {
      entries.push(entry(++index, term, entryBytes + i * 13));
    }
    ops.push({
      kind: "save",
      hardState: { term, vote: 2n, commit: Math.max(0, index - 3) },
      entries,
    });
    if (batch % markerEvery === markerEvery - 1) {
      ops.push({ kind: "marker", marker: { index: Math.max(0, index - 3), term } });
    }
  }
  return ops;
}

/** Segment file paths in `dir`, in order. */
export function segmentPaths(fs: MemFileSystem, dir = DIR): string[] {
  return fs.readDir(dir).filter(isSegmentName).map((name) => joinPath(dir, name));
}

/** A record of a segment and where it lies. */
export interface Located {
  readonly record: WalRecord;
  readonly offset: number;
  readonly end: number;
}

/** The records of an intact segment, with their offsets. */
export function recordsOf(bytes: Uint8Array): Located[] {
  const decoder = new SegmentDecoder(bytesSource(bytes), {
    crc: null,
    isLast: false,
    recordBytesMax: 1 << 30,
  });
  const records: Located[] = [];
  for (;;) {
    const step = decoder.next();
    if (step.kind !== "record") {
      if (step.kind === "corrupt") throw new Error(`not intact: ${step.reason} at ${step.offset}`);
      return records;
    }
    records.push({ record: step.record, offset: step.offset, end: decoder.offset });
  }
}

/** A new in-memory file system holding exactly `files` (durable). */
export function fsWith(files: ReadonlyMap<string, Uint8Array>): MemFileSystem {
  const fs = new MemFileSystem();
  for (const [path, data] of files) {
    fs.mkdirAll(path.slice(0, path.lastIndexOf("/")));
    const handle = fs.open(path, { create: true, write: true });
    handle.truncate(data.length);
    handle.writeAt(data, 0);
    handle.syncSync();
    handle.close();
  }
  fs.syncDir("data/member/wal");
  fs.syncDir("data/member");
  fs.syncDir("data");
  fs.syncDir("/");
  return fs;
}

/** Every segment file of `fs`, by path, with its bytes. */
export function segmentFiles(fs: MemFileSystem, dir = DIR): Map<string, Uint8Array> {
  return new Map(segmentPaths(fs, dir).map((path) => [path, fs.readFile(path)]));
}

/** Strips entries to comparable values. */
export function plain(entries: readonly Entry[]): unknown[] {
  return entries.map((item) => ({ ...item, data: [...item.data] }));
}

/** The model over decoded records: what reading them from `from` must give. */
export function expectedOfRecords(
  records: readonly WalRecord[],
  from: WalSnapshotMarker,
): Expected {
  const ops: WalOp[] = [];
  const snapshots: WalSnapshotMarker[] = [];
  for (const record of records) {
    if (record.type === "entry") {
      ops.push({ kind: "save", hardState: null, entries: [record.entry] });
    }
    if (record.type === "state") {
      ops.push({ kind: "save", hardState: record.hardState, entries: [] });
    }
    if (record.type === "snapshot") snapshots.push(record.marker);
  }
  return { ...expectedOf(ops, from), snapshots };
}

/** The records of every segment of `files` but the last, then the last segment's records. */
export function layout(files: ReadonlyMap<string, Uint8Array>): {
  readonly before: WalRecord[];
  readonly lastPath: string;
  readonly last: Located[];
} {
  const paths = [...files.keys()];
  const before = paths.slice(0, -1).flatMap((path) =>
    recordsOf(files.get(path)!).map((located) => located.record)
  );
  const lastPath = paths.at(-1)!;
  return { before, lastPath, last: recordsOf(files.get(lastPath)!) };
}
