/**
 * {@linkcode Wal}: the write-ahead log, in etcd's layout and discipline
 * (`server/storage/wal/wal.go`). Records go into preallocated segment files
 * named `%016x-%016x.wal` (sequence, first index). Every segment starts with
 * the running CRC and the metadata (and, after a cut, the hard state).
 *
 * Writing is group commit: {@linkcode Wal.save} joins everything one Ready
 * persists into one write into the page cache and never syncs;
 * {@linkcode Wal.sync} makes it durable with one asynchronous fdatasync, so
 * batches keep forming while a flush runs.
 *
 * A segment cut away is synced by the next `sync`, and a new segment stays a
 * temporary file until its own data and every earlier segment's are durable;
 * only then is it renamed to its name and the directory synced. So a crash
 * can leave unsynced data only in the last named segment, where recovery may
 * cut a torn tail; everywhere else damage is corruption.
 *
 * @module
 */

import type { StorageLog } from "../log.ts";
import { PREPARED_SUFFIX, type SegmentSupplier, writeZeros } from "./segment_supplier.ts";
import { assert } from "../../util/assert.ts";
import { isZeroBytes } from "../../util/bytes.ts";
import {
  walFilesMaxDefault,
  walRecordBytesMax,
  walSegmentBytesDefault,
} from "../../util/limits.ts";
import {
  EMPTY_HARD_STATE,
  type Entry,
  type HardState,
  isEmptyHardState,
} from "../../raft/types.ts";
import { closeQuietly, type FileHandle, type FileSystem, joinPath } from "../fs.ts";
import { encodedBytes, encodeRecords } from "./encoder.ts";
import { readWal, type TailState, type WalContents } from "./reader.ts";
import type { WalMetadata, WalRecord, WalSnapshotMarker } from "./record.ts";
import { isSegmentName, type SegmentFile, segmentName } from "./segment_name.ts";

/** Where a log message goes: a level, a message and structured fields. */
export type WalLog = StorageLog;

/** How a WAL is created or opened. */
export interface WalOptions {
  /** Size each segment file is preallocated to; a cut starts the next. Default {@linkcode walSegmentBytesDefault}. */
  segmentBytes?: number;
  /** Largest record; a bigger one is refused with WalRecordTooLargeError. Default {@linkcode walRecordBytesMax}. */
  recordBytesMax?: number;
  /** Segment files kept once released (etcd's --max-wals); 0 keeps all. Default {@linkcode walFilesMaxDefault}. */
  maxWals?: number;
  /** Where warnings (a repaired tail) and notices (purged segments) go. Default: nowhere. */
  log?: WalLog;
  /**
   * Write real zeros into the first segment at create instead of extending it
   * sparsely, so that a flush need not allocate blocks: an fdatasync there
   * costs about a third less time and CPU. Later segments come zero-filled
   * from the `supplier`; a cut that finds none ready extends its file sparsely
   * rather than stall the writer while 64 MiB of zeros go out. Default false.
   */
  zeroFill?: boolean;
  /** Zero-filled files prepared in the background, used at a cut when one is ready. */
  supplier?: SegmentSupplier;
}

/** What {@linkcode Wal.open} recovered. */
export interface WalReadResult {
  /** The WAL, open for appending after the last valid record. */
  readonly wal: Wal;
  /** The member and cluster the WAL belongs to. */
  readonly metadata: WalMetadata;
  /** The last hard state record (EMPTY_HARD_STATE if none). */
  readonly hardState: HardState;
  /** Entries after the snapshot, in order; a later record replaced a conflicting suffix. */
  readonly entries: Entry[];
  /** Every snapshot marker seen. */
  readonly snapshots: WalSnapshotMarker[];
  /** A torn tail that was cut off (the damaged segment kept as `<file>.broken`), or null. */
  readonly repaired: { file: string; offset: number } | null;
}

interface Settings {
  readonly segmentBytes: number;
  readonly recordBytesMax: number;
  readonly maxWals: number;
  readonly log: WalLog;
  readonly zeroFill: boolean;
  readonly supplier: SegmentSupplier | null;
}

/** A segment file the writer holds open. */
interface OpenSegment {
  readonly file: SegmentFile;
  readonly handle: FileHandle;
  /** Its temporary path until its data and every earlier segment's are durable; then null. */
  tmpPath: string | null;
  /** Cut away: no more writes go to it. */
  retired: boolean;
  /** Retired, synced since and renamed: only closing it is left. */
  done: boolean;
}

/** The writer's position, as create or open leaves it. */
interface WriterState {
  readonly segments: SegmentFile[];
  readonly tail: OpenSegment;
  readonly offset: number;
  readonly headerEnd: number;
  readonly crc: number;
  readonly hardState: HardState;
  readonly lastIndex: number;
}

const COPY_CHUNK_BYTES = 1024 * 1024;
const SEGMENT_BYTES_MIN = 256;
const RECORD_BYTES_MIN = 64;

function noLog(): void {}

function settingsOf(options: WalOptions): Settings {
  const settings = {
    segmentBytes: options.segmentBytes ?? walSegmentBytesDefault,
    recordBytesMax: options.recordBytesMax ?? walRecordBytesMax,
    maxWals: options.maxWals ?? walFilesMaxDefault,
    log: options.log ?? noLog,
    zeroFill: options.zeroFill ?? false,
    supplier: options.supplier ?? null,
  };
  checkSetting("segmentBytes", settings.segmentBytes, SEGMENT_BYTES_MIN);
  checkSetting("recordBytesMax", settings.recordBytesMax, RECORD_BYTES_MIN);
  checkSetting("maxWals", settings.maxWals, 0);
  return settings;
}

function checkSetting(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`wal: cannot use ${name} "${value}": expected an integer ≥ ${min}`);
  }
}

/** The records that open every segment: the running CRC, the metadata, the hard state if any. */
function headerRecords(crc: number, metadata: WalMetadata, hardState: HardState): WalRecord[] {
  const header: WalRecord[] = [{ type: "crc", crc }, { type: "metadata", metadata }];
  if (!isEmptyHardState(hardState)) header.push({ type: "state", hardState });
  return header;
}

function parentDir(dir: string): string {
  const trimmed = dir.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return ".";
  return slash === 0 ? "/" : trimmed.slice(0, slash);
}

function openSegment(file: SegmentFile, handle: FileHandle, tmpPath: string | null): OpenSegment {
  return { file, handle, tmpPath, retired: false, done: false };
}

/** The write-ahead log of one member: see the module documentation. */
export class Wal {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #settings: Settings;
  readonly #metadata: WalMetadata;
  readonly #segments: SegmentFile[];
  #tail: OpenSegment;
  #retired: OpenSegment[] = [];
  #offset: number;
  #headerEnd: number;
  #crc: number;
  #hardState: HardState;
  #lastIndex: number;
  /** Leading segments released by releaseTo, not yet deleted. */
  #released = 0;
  #flushing: Promise<void> = Promise.resolve();
  #flushesRunning = 0;
  #failure: { readonly error: unknown } | null = null;
  #closed = false;

  private constructor(
    fs: FileSystem,
    dir: string,
    settings: Settings,
    metadata: WalMetadata,
    state: WriterState,
  ) {
    this.#fs = fs;
    this.#dir = dir;
    this.#settings = settings;
    this.#metadata = metadata;
    this.#segments = state.segments;
    this.#tail = state.tail;
    this.#offset = state.offset;
    this.#headerEnd = state.headerEnd;
    this.#crc = state.crc;
    this.#hardState = state.hardState;
    this.#lastIndex = state.lastIndex;
  }

  /** Whether `dir` holds at least one segment file. */
  static exists(fs: FileSystem, dir: string): boolean {
    return fs.exists(dir) && fs.readDir(dir).some(isSegmentName);
  }

  /**
   * Creates a WAL in `dir` (which must not hold one): built as `${dir}.tmp`
   * with a first segment holding the CRC, the metadata and a snapshot marker
   * at (0, 0), synced, renamed to `dir`, and the parent directory synced.
   *
   * @example
   * ```ts
   * import { MemFileSystem } from "../mem_fs.ts";
   * const wal = Wal.create(new MemFileSystem(), "member/wal", { memberId: 1n, clusterId: 2n });
   * wal.save({ term: 1, vote: 1n, commit: 0 }, [{ term: 1, index: 1, type: "normal", data: new Uint8Array(0) }]);
   * await wal.sync();
   * wal.close();
   * ```
   */
  static create(fs: FileSystem, dir: string, metadata: WalMetadata, options: WalOptions = {}): Wal {
    const settings = settingsOf(options);
    if (Wal.exists(fs, dir)) throw new Error(`wal: cannot create "${dir}": it already holds a WAL`);
    const tmpDir = `${dir.replace(/\/+$/, "")}.tmp`;
    if (fs.exists(tmpDir)) fs.remove(tmpDir);
    fs.mkdirAll(tmpDir);
    const file: SegmentFile = { seq: 0, firstIndex: 0, name: segmentName(0, 0) };
    const handle = fs.open(joinPath(tmpDir, file.name), { create: true, write: true });
    try {
      const header = headerRecords(0, metadata, EMPTY_HARD_STATE);
      header.push({ type: "snapshot", marker: { index: 0, term: 0 } });
      const { bytes, crc } = encodeRecords(header, 0);
      handle.truncate(Math.max(settings.segmentBytes, bytes.length));
      if (settings.zeroFill) {
        writeZeros((zeros, at) => handle.writeAt(zeros, at), bytes.length, settings.segmentBytes);
      }
      handle.writeAt(bytes, 0);
      handle.syncSync();
      fs.syncDir(tmpDir);
      if (fs.exists(dir)) fs.remove(dir);
      fs.rename(tmpDir, dir);
      fs.syncDir(parentDir(dir));
      const state: WriterState = {
        segments: [file],
        tail: openSegment(file, handle, null),
        offset: bytes.length,
        headerEnd: bytes.length,
        crc,
        hardState: EMPTY_HARD_STATE,
        lastIndex: 0,
      };
      return new Wal(fs, dir, settings, metadata, state);
    } catch (error) {
      handle.close();
      throw error;
    }
  }

  /**
   * Opens the WAL in `dir` and reads it from the segment holding
   * `from.index` on. When `from.index > 0` the marker (from.index, from.term)
   * must be in the WAL, else WalSnapshotNotFoundError. A torn tail in the last
   * segment is cut off (the segment kept as `<name>.broken`, a warning logged);
   * any other damage throws WalCorruptError naming the file and offset, with
   * nothing on disk changed.
   */
  static open(
    fs: FileSystem,
    dir: string,
    from: WalSnapshotMarker,
    options: WalOptions = {},
  ): WalReadResult {
    const settings = settingsOf(options);
    const contents = readWal(fs, dir, from, { recordBytesMax: settings.recordBytesMax });
    removeStaleTemporaries(fs, dir, settings.log);
    const tail = contents.tail;
    const path = joinPath(dir, tail.segment.name);
    const handle = fs.open(path, { write: true });
    try {
      const repaired = tail.torn === null
        ? null
        : keepBroken(fs, dir, path, handle, tail, settings);
      const state = prepareTail(handle, contents, settings);
      const wal = new Wal(fs, dir, settings, contents.metadata, state);
      return {
        wal,
        metadata: contents.metadata,
        hardState: contents.hardState,
        entries: contents.entries,
        snapshots: contents.snapshots,
        repaired,
      };
    } catch (error) {
      handle.close();
      throw error;
    }
  }

  /**
   * Appends the entries, then the hard state (if given and not empty), as
   * one write into the current segment; cuts to a new segment first when
   * they would not fit. Never syncs: call {@linkcode sync}. Throws
   * WalRecordTooLargeError (writing nothing) when a record is over the limit.
   */
  save(hardState: HardState | null, entries: readonly Entry[]): void {
    this.#checkUsable();
    checkEntries(entries, this.#lastIndex);
    const records: WalRecord[] = entries.map((entry) => ({ type: "entry", entry }));
    const withState = hardState !== null && !isEmptyHardState(hardState);
    if (withState) records.push({ type: "state", hardState });
    if (records.length === 0) return;
    this.#append(records);
    if (entries.length > 0) this.#lastIndex = entries[entries.length - 1]!.index;
    if (withState) this.#hardState = hardState;
  }

  /** Appends a snapshot marker (written, not synced). */
  saveSnapshot(marker: WalSnapshotMarker): void {
    this.#checkUsable();
    assert(Number.isSafeInteger(marker.index) && marker.index >= 0, "wal: snapshot index");
    assert(Number.isSafeInteger(marker.term) && marker.term >= 0, "wal: snapshot term");
    this.#append([{ type: "snapshot", marker }]);
    this.#lastIndex = Math.max(this.#lastIndex, marker.index);
  }

  /**
   * Makes everything saved before the call durable: one fdatasync of the
   * current segment, after the segments cut away before it (each renamed
   * from its temporary name once durable). Calls run one after another; a
   * call made while another runs syncs again once that one is done. A failed
   * sync fails the WAL for good (the page cache may have dropped the data).
   */
  sync(): Promise<void> {
    try {
      this.#checkUsable();
    } catch (error) {
      return Promise.reject(error);
    }
    const segments = [...this.#retired, this.#tail];
    const run = this.#flushing.then(() => this.#flush(segments));
    this.#flushing = run.catch(noLog);
    return run;
  }

  /** The same as {@linkcode sync}, blocking (start-up, the simulator, tests). */
  syncSync(): void {
    this.#checkUsable();
    for (const segment of [...this.#retired, this.#tail]) {
      if (segment.done) continue;
      const retired = segment.retired;
      this.#guard(() => {
        segment.handle.syncSync();
        this.#publish(segment);
      });
      if (retired) segment.done = true;
    }
    this.#reap();
  }

  /**
   * The snapshot at `index` is durable: segments wholly before the one
   * holding `index` are released, and the oldest released ones beyond
   * `maxWals` segment files are deleted.
   */
  releaseTo(index: number): void {
    this.#checkUsable();
    const segments = this.#segments;
    const holding = segments.findIndex((segment) => segment.firstIndex >= index);
    const releasable = holding < 0 ? segments.length - 1 : holding - 1;
    this.#released = Math.max(this.#released, releasable);
    this.#purge();
  }

  /** The last entry index written (or the snapshot's, if later). */
  lastIndex(): number {
    return this.#lastIndex;
  }

  /** Syncs what was saved (unless the WAL failed) and closes the files. */
  close(): void {
    if (this.#closed) return;
    try {
      if (this.#failure === null) this.syncSync();
    } finally {
      this.#closed = true;
      this.#reap();
    }
  }

  #append(records: readonly WalRecord[]): void {
    const bytesNeeded = encodedBytes(records, this.#settings.recordBytesMax);
    let frames = records;
    let headerBytes = -1;
    const full = this.#offset + bytesNeeded > this.#settings.segmentBytes;
    if (full && this.#offset > this.#headerEnd) {
      const header = this.#guard(() => this.#cut());
      headerBytes = encodedBytes(header, this.#settings.recordBytesMax);
      frames = [...header, ...records];
    }
    const { bytes, crc } = encodeRecords(frames, this.#crc);
    this.#guard(() => this.#tail.handle.writeAt(bytes, this.#offset));
    if (headerBytes >= 0) this.#headerEnd = headerBytes;
    this.#offset += bytes.length;
    this.#crc = crc;
  }

  /** Retires the tail and starts the next segment as a preallocated temporary file. */
  #cut(): WalRecord[] {
    const old = this.#tail;
    const seq = old.file.seq + 1;
    const file: SegmentFile = {
      seq,
      firstIndex: this.#lastIndex + 1,
      name: segmentName(seq, this.#lastIndex + 1),
    };
    const tmpPath = joinPath(this.#dir, `${file.name}.tmp`);
    const handle = this.#openNewSegment(tmpPath);
    old.retired = true;
    this.#retired.push(old);
    this.#tail = openSegment(file, handle, tmpPath);
    this.#segments.push(file);
    this.#offset = 0;
    this.#headerEnd = 0;
    return headerRecords(this.#crc, this.#metadata, this.#hardState);
  }

  /** A new segment file: a prepared zero-filled one if ready, else a sparse one made now. */
  #openNewSegment(tmpPath: string): FileHandle {
    const settings = this.#settings;
    const prepared = settings.supplier?.take() ?? null;
    if (prepared !== null) {
      this.#fs.rename(prepared, tmpPath);
      const handle = this.#fs.open(tmpPath, { write: true });
      if (handle.size() === settings.segmentBytes) return handle;
      handle.close(); // not of our size: make one below
    }
    const handle = this.#fs.open(tmpPath, { create: true, write: true });
    handle.truncate(0);
    handle.truncate(settings.segmentBytes);
    return handle;
  }

  async #flush(segments: readonly OpenSegment[]): Promise<void> {
    this.#flushesRunning++;
    try {
      for (const segment of segments) {
        if (this.#closed) return; // close() synced everything
        if (this.#failure !== null) throw this.#failure.error;
        if (segment.done) continue;
        const retired = segment.retired;
        try {
          await segment.handle.sync();
        } catch (error) {
          this.#fail(error);
          throw error;
        }
        if (this.#closed) return;
        this.#guard(() => this.#publish(segment));
        if (retired) segment.done = true;
      }
    } finally {
      this.#flushesRunning--;
      this.#reap();
    }
  }

  /** Renames a durable segment from its temporary name, and syncs the directory. */
  #publish(segment: OpenSegment): void {
    if (segment.tmpPath === null) return;
    // A handle from before a crash of a simulated disk fails here, so a stale
    // flush never renames files of the WAL's next life. (Only here: an fstat
    // right after fdatasync costs tens of microseconds.)
    segment.handle.size();
    this.#fs.rename(segment.tmpPath, joinPath(this.#dir, segment.file.name));
    segment.tmpPath = null;
    this.#fs.syncDir(this.#dir);
  }

  /** Closes the files no flush needs any more (all of them once closed). */
  #reap(): void {
    if (this.#flushesRunning > 0) return;
    if (this.#closed) {
      for (const segment of [...this.#retired, this.#tail]) closeQuietly(segment.handle);
      this.#retired = [];
      return;
    }
    const open: OpenSegment[] = [];
    for (const segment of this.#retired) {
      if (segment.done) segment.handle.close();
      else open.push(segment);
    }
    this.#retired = open;
  }

  /** Deletes the oldest released segments while more than maxWals files remain. */
  #purge(): void {
    const maxWals = this.#settings.maxWals;
    if (maxWals === 0) return;
    let removed = 0;
    while (this.#segments.length > maxWals && this.#released > 0) {
      const oldest = this.#segments[0]!;
      if (this.#isOpen(oldest)) break;
      const path = joinPath(this.#dir, oldest.name);
      this.#guard(() => this.#fs.remove(path));
      this.#segments.shift();
      this.#released--;
      removed++;
      this.#settings.log("info", "wal: purged a released segment", { file: path });
    }
    if (removed > 0) this.#guard(() => this.#fs.syncDir(this.#dir));
  }

  #isOpen(file: SegmentFile): boolean {
    return this.#tail.file === file || this.#retired.some((segment) => segment.file === file);
  }

  #checkUsable(): void {
    if (this.#closed) throw new Error("wal: cannot use a closed WAL");
    if (this.#failure !== null) throw this.#failure.error;
  }

  /** Runs an I/O step; a failure fails the WAL for good. */
  #guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.#fail(error);
      throw error;
    }
  }

  #fail(error: unknown): void {
    if (this.#failure === null) this.#failure = { error };
  }
}

/** Entries of one save are consecutive and do not leave a gap after the last index. */
function checkEntries(entries: readonly Entry[], lastIndex: number): void {
  if (entries.length === 0) return;
  const first = entries[0]!.index;
  assert(Number.isSafeInteger(first) && first >= 1, `wal: bad entry index ${first}`);
  assert(first <= lastIndex + 1, `wal: entry ${first} would leave a gap after ${lastIndex}`);
  for (let i = 1; i < entries.length; i++) {
    assert(entries[i]!.index === first + i, `wal: entries of one save must be consecutive`);
  }
}

/** Deletes `*.wal.tmp` files a crash left behind: segments cut but never made durable. */
function removeStaleTemporaries(fs: FileSystem, dir: string, log: WalLog): void {
  for (const name of fs.readDir(dir)) {
    const prepared = name.endsWith(PREPARED_SUFFIX) || name.endsWith(`${PREPARED_SUFFIX}.tmp`);
    if (!name.endsWith(".wal.tmp") && !prepared) continue;
    fs.remove(joinPath(dir, name));
    log("info", "wal: removed a segment never made durable", { file: joinPath(dir, name) });
  }
}

/** Copies the damaged last segment to `<file>.broken` (synced) and warns. */
function keepBroken(
  fs: FileSystem,
  dir: string,
  path: string,
  handle: FileHandle,
  tail: TailState,
  settings: Settings,
): { file: string; offset: number } {
  const brokenPath = `${path}.broken`;
  const broken = fs.open(brokenPath, { create: true, write: true });
  try {
    const size = handle.size();
    broken.truncate(0);
    broken.truncate(size);
    for (let at = 0; at < size; at += COPY_CHUNK_BYTES) {
      const chunk = handle.readAt(at, Math.min(COPY_CHUNK_BYTES, size - at));
      if (!isZeroBytes(chunk)) broken.writeAt(chunk, at);
    }
    broken.syncSync();
  } finally {
    broken.close();
  }
  fs.syncDir(dir);
  const fields = { file: path, offset: tail.end, reason: tail.torn?.reason, broken: brokenPath };
  settings.log("warn", "wal: cut off a torn tail", fields);
  return { file: path, offset: tail.end };
}

/**
 * Cuts the last segment at the end of its valid data, writes its header
 * again if that was torn, zeroes the rest back to the preallocated size and
 * syncs: appends continue from there.
 */
function prepareTail(handle: FileHandle, contents: WalContents, settings: Settings): WriterState {
  const tail = contents.tail;
  let offset = tail.end;
  let crc = tail.crc;
  handle.truncate(offset);
  if (tail.headerMissing) {
    assert(offset === 0, "wal: a segment whose header is torn is written again from the start");
    const header = headerRecords(tail.crcAtStart ?? 0, contents.metadata, contents.hardState);
    const encoded = encodeRecords(header, tail.crcAtStart ?? 0);
    handle.writeAt(encoded.bytes, 0);
    offset = encoded.bytes.length;
    crc = encoded.crc;
  }
  handle.truncate(Math.max(settings.segmentBytes, offset));
  handle.syncSync();
  return {
    segments: [...contents.segments],
    tail: openSegment(tail.segment, handle, null),
    offset,
    headerEnd: tail.headerMissing ? offset : 0,
    crc,
    hardState: contents.hardState,
    lastIndex: contents.lastIndex,
  };
}
