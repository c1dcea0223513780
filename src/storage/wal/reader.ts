/**
 * The read phase of opening a WAL: decodes the segments from the one holding
 * the snapshot on, replays their records, and decides what the tail needs.
 * It only reads: a damaged WAL throws before anything on disk changes, and
 * so does a missing snapshot marker (the caller may then try an older one).
 *
 * @module
 */

import { EMPTY_HARD_STATE, type Entry, type HardState } from "../../raft/types.ts";
import { FileNotFoundError, type FileSystem, joinPath } from "../fs.ts";
import { type ByteSource, fileSource, SegmentDecoder } from "./decoder.ts";
import { WalCorruptError, WalSnapshotNotFoundError } from "./errors.ts";
import type { WalMetadata, WalRecord, WalSnapshotMarker } from "./record.ts";
import { listSegments, searchIndex, type SegmentFile } from "./segment_name.ts";

/** How the last segment ends. */
export interface TailState {
  /** The last segment. */
  readonly segment: SegmentFile;
  /** Where its valid data ends: appends go here. */
  readonly end: number;
  /** The running CRC at `end`. */
  readonly crc: number;
  /** The running CRC its header should carry (the previous segment's last). */
  readonly crcAtStart: number | null;
  /** Offset and reason of a torn record cut off at `end`, or null. */
  readonly torn: { readonly offset: number; readonly reason: string } | null;
  /** Its crc and metadata records are missing (torn): the header must be written again. */
  readonly headerMissing: boolean;
}

/** Everything the read phase found. */
export interface WalContents {
  /** Every segment in the directory, in order. */
  readonly segments: readonly SegmentFile[];
  readonly metadata: WalMetadata;
  readonly hardState: HardState;
  readonly entries: Entry[];
  readonly snapshots: WalSnapshotMarker[];
  /** The last entry index written, as the writer counts it (at least the snapshot's). */
  readonly lastIndex: number;
  readonly tail: TailState;
}

/** How to read. */
export interface ReadOptions {
  /** Largest record a length word may claim. */
  readonly recordBytesMax: number;
}

/** Replays records into the state recovery hands back. */
class Replay {
  readonly #from: WalSnapshotMarker;
  metadata: WalMetadata | null = null;
  hardState: HardState = EMPTY_HARD_STATE;
  readonly entries: Entry[] = [];
  readonly snapshots: WalSnapshotMarker[] = [];
  lastIndex = 0;

  constructor(from: WalSnapshotMarker) {
    this.#from = from;
  }

  /** Applies one record; throws WalCorruptError when it contradicts what came before. */
  apply(record: WalRecord, file: string, offset: number): void {
    switch (record.type) {
      case "crc":
        return;
      case "metadata":
        return this.#metadata(record.metadata, file, offset);
      case "entry":
        return this.#entry(record.entry, file, offset);
      case "state":
        this.hardState = record.hardState;
        return;
      case "snapshot":
        this.snapshots.push(record.marker);
        this.lastIndex = Math.max(this.lastIndex, record.marker.index);
        return;
    }
  }

  #metadata(metadata: WalMetadata, file: string, offset: number): void {
    const known = this.metadata;
    if (known === null) {
      this.metadata = metadata;
      return;
    }
    if (known.memberId === metadata.memberId && known.clusterId === metadata.clusterId) return;
    const what = `metadata conflict: member ${hexId(metadata.memberId)} of cluster ` +
      `${hexId(metadata.clusterId)}, but the WAL began as member ${hexId(known.memberId)} ` +
      `of cluster ${hexId(known.clusterId)}`;
    throw new WalCorruptError(what, file, offset);
  }

  /**
   * Keeps entries after the snapshot; a later entry replaces every held one
   * from its index on. An entry at or before the snapshot is not kept, but it
   * still replaces everything held: it was written after them, so they are a
   * suffix a later leader overwrote (found by the simulator, seed 1822: stale
   * entries of an older term survived a restart after a snapshot).
   */
  #entry(entry: Entry, file: string, offset: number): void {
    this.lastIndex = entry.index;
    const from = this.#from.index;
    if (entry.index <= from) {
      this.entries.length = 0;
      return;
    }
    const position = entry.index - from - 1;
    if (position > this.entries.length) {
      const what = `entry index gap: index ${entry.index} follows ${from + this.entries.length}`;
      throw new WalCorruptError(what, file, offset);
    }
    this.entries.length = position;
    this.entries.push(entry);
  }
}

function hexId(id: bigint): string {
  return id.toString(16);
}

/** What decoding one segment found. */
interface SegmentRead {
  readonly end: number;
  readonly crc: number | null;
  readonly torn: { readonly offset: number; readonly reason: string } | null;
  readonly headerComplete: boolean;
}

function readSegment(
  fs: FileSystem,
  path: string,
  decoder: (source: ByteSource) => SegmentDecoder,
  replay: Replay,
  options: ReadOptions & { readonly isLast: boolean },
): SegmentRead {
  const handle = fs.open(path);
  try {
    const segment = decoder(fileSource(handle));
    for (;;) {
      const step = segment.next();
      if (step.kind === "record") {
        replay.apply(step.record, path, step.offset);
        continue;
      }
      if (step.kind === "corrupt") throw new WalCorruptError(step.reason, path, step.offset);
      const torn = step.kind === "torn"
        ? { offset: step.offset, reason: step.reason }
        : options.isLast && !segment.restIsZero()
        ? { offset: step.offset, reason: "nonzero bytes after the end of the log" }
        : null;
      return {
        end: segment.offset,
        crc: segment.crc,
        torn,
        headerComplete: segment.recordCount >= 2,
      };
    }
  } finally {
    handle.close();
  }
}

/**
 * Reads the WAL in `dir` from the segment holding `from.index` on. Throws
 * {@linkcode WalCorruptError} on damage a torn tail does not explain, and
 * {@linkcode WalSnapshotNotFoundError} when `from.index > 0` and the marker
 * (from.index, from.term) is not in the WAL. Changes nothing on disk.
 */
export function readWal(
  fs: FileSystem,
  dir: string,
  from: WalSnapshotMarker,
  options: ReadOptions,
): WalContents {
  const segments = listSegments(fs, dir);
  if (segments.length === 0) throw new FileNotFoundError(`wal: no segment files in "${dir}"`);
  const start = searchIndex(segments, from.index);
  if (start < 0) {
    throw new WalSnapshotNotFoundError(from.index, from.term, "every segment starts after it");
  }
  const replay = new Replay(from);
  let crc: number | null = null;
  let tail: TailState | null = null;
  for (let i = start; i < segments.length; i++) {
    const isLast = i === segments.length - 1;
    const path = joinPath(dir, segments[i]!.name);
    const crcAtStart = crc;
    const decoder = (source: ByteSource) =>
      new SegmentDecoder(source, { crc, isLast, recordBytesMax: options.recordBytesMax });
    const read = readSegment(fs, path, decoder, replay, { ...options, isLast });
    if (!read.headerComplete && !(isLast && i > start)) {
      throw new WalCorruptError("segment header (crc, metadata) incomplete", path, read.end);
    }
    crc = read.crc;
    if (isLast) {
      const headerMissing = !read.headerComplete;
      const end = headerMissing ? 0 : read.end;
      const torn = read.torn ?? (headerMissing ? { offset: read.end, reason: "no header" } : null);
      tail = { segment: segments[i]!, end, crc: crc ?? 0, crcAtStart, torn, headerMissing };
    }
  }
  checkMarker(replay.snapshots, from);
  return {
    segments,
    metadata: replay.metadata!,
    hardState: replay.hardState,
    entries: replay.entries,
    snapshots: replay.snapshots,
    lastIndex: Math.max(replay.lastIndex, from.index),
    tail: tail!,
  };
}

function checkMarker(snapshots: readonly WalSnapshotMarker[], from: WalSnapshotMarker): void {
  if (from.index === 0) return;
  if (snapshots.some((marker) => marker.index === from.index && marker.term === from.term)) return;
  const other = snapshots.find((marker) => marker.index === from.index);
  const detail = other === undefined
    ? "the WAL holds no marker at that index"
    : `the WAL's marker at that index has term ${other.term}`;
  throw new WalSnapshotNotFoundError(from.index, from.term, detail);
}
