/**
 * {@linkcode DiskStorage}: the Raft log on disk, behind the core's
 * {@linkcode Storage} interface. Writes go to the write-ahead log (one
 * joined write per Ready, into the page cache) and to an in-memory cache
 * the core reads from; {@linkcode DiskStorage.sync} makes them durable with
 * one asynchronous fdatasync, so batches keep forming while it runs.
 * Snapshots go to `snap/` (atomically, synced) with a marker in the WAL.
 * A member's own snapshots are saved without blocking the event loop
 * ({@linkcode DiskStorage.createSnapshotAsync}): file first, then the marker,
 * then old segments released once the marker is durable.
 *
 * Layout of a member directory, as etcd's: `<member>/wal/` and `<member>/snap/`.
 * Recovery loads the newest snapshot whose marker the WAL holds and replays
 * the WAL after it.
 *
 * @module
 */

import type { StorageLog } from "./log.ts";
import { assert } from "../util/assert.ts";
import type { ConfState, Entry, HardState, Snapshot } from "../raft/types.ts";
import {
  BOOTSTRAP_INDEX,
  type InitialState,
  MemoryStorage,
  type Storage,
} from "../raft/storage.ts";
import { SnapOutOfDateError } from "../raft/errors.ts";
import type { FileSystem } from "./fs.ts";
import { joinPath, parentDir } from "./fs.ts";
import { Snapshotter } from "./snap/snapshotter.ts";
import {
  Wal,
  type WalMetadata,
  type WalOptions,
  type WalReadResult,
  WalSnapshotNotFoundError,
} from "./wal/mod.ts";

/** How a DiskStorage is opened. */
export interface DiskStorageOptions {
  readonly wal?: WalOptions;
  /** Snapshot files kept at most (etcd's --max-snapshots); 0 keeps all. */
  readonly maxSnapshots?: number;
  readonly log?: StorageLog;
}

/** What recovery found. */
export interface DiskStorageOpened {
  readonly storage: DiskStorage;
  readonly metadata: WalMetadata;
  /** A torn WAL tail that was cut off, if any. */
  readonly repaired: { readonly file: string; readonly offset: number } | null;
}

/** The Raft log and snapshots of one member, on disk. */
export class DiskStorage implements Storage {
  readonly #wal: Wal;
  readonly #snapshotter: Snapshotter;
  readonly #memory: MemoryStorage;
  /** The index of the snapshot createSnapshotAsync is saving, or null. */
  #saving: number | null = null;
  #closed = false;

  private constructor(wal: Wal, snapshotter: Snapshotter, memory: MemoryStorage) {
    this.#wal = wal;
    this.#snapshotter = snapshotter;
    this.#memory = memory;
  }

  /** Whether `memberDir` holds a WAL (a member that ran before). */
  static exists(fs: FileSystem, memberDir: string): boolean {
    return Wal.exists(fs, joinPath(memberDir, "wal"));
  }

  /** Creates an empty storage for a new member (then bootstrap it, or let it join). */
  static create(
    fs: FileSystem,
    memberDir: string,
    metadata: WalMetadata,
    options: DiskStorageOptions = {},
  ): DiskStorage {
    fs.mkdirAll(memberDir);
    const snapDir = joinPath(memberDir, "snap");
    fs.mkdirAll(snapDir);
    fs.syncDir(memberDir);
    fs.syncDir(parentDir(memberDir));
    const wal = Wal.create(fs, joinPath(memberDir, "wal"), metadata, walOptions(options));
    return new DiskStorage(wal, snapshotterOf(fs, snapDir, options), new MemoryStorage());
  }

  /**
   * Recovers a member's storage: the newest snapshot whose marker the WAL
   * holds (a damaged one is renamed `.broken` and an older one is tried),
   * then the WAL after it. Throws the WAL's or snapshotter's typed errors
   * when the data cannot be trusted.
   */
  static open(
    fs: FileSystem,
    memberDir: string,
    options: DiskStorageOptions = {},
  ): DiskStorageOpened {
    const walDir = joinPath(memberDir, "wal");
    const snapshotter = snapshotterOf(fs, joinPath(memberDir, "snap"), options);
    const newestFirst = [...snapshotter.list()].sort((a, b) =>
      b.index - a.index || b.term - a.term
    );
    for (const candidate of newestFirst) {
      const marker = { index: candidate.index, term: candidate.term };
      let read: WalReadResult;
      try {
        read = Wal.open(fs, walDir, marker, walOptions(options));
      } catch (error) {
        if (error instanceof WalSnapshotNotFoundError) continue; // snapshot never recorded
        throw error;
      }
      const snapshot = snapshotter.loadNewestAvailable([marker]);
      if (snapshot === null) {
        read.wal.close(); // damaged (renamed .broken): try an older one
        continue;
      }
      return DiskStorage.#recovered(read, snapshotter, snapshot);
    }
    const read = Wal.open(fs, walDir, { index: 0, term: 0 }, walOptions(options));
    return DiskStorage.#recovered(read, snapshotter, null);
  }

  static #recovered(read: WalReadResult, snapshotter: Snapshotter, snapshot: Snapshot | null) {
    const memory = new MemoryStorage();
    let hardState = read.hardState;
    if (snapshot !== null) {
      memory.applySnapshot(snapshot);
      // The snapshot is committed; a hard state older than it (a crash between
      // the snapshot and the next hard state) must not pull commit back.
      const commit = Math.max(hardState.commit, snapshot.metadata.index);
      hardState = { ...hardState, commit };
    }
    memory.append(read.entries);
    memory.setHardState(hardState);
    assert(
      hardState.commit <= memory.lastIndex(),
      `wal: commit ${hardState.commit} is beyond the last entry ${memory.lastIndex()}`,
    );
    const storage = new DiskStorage(read.wal, snapshotter, memory);
    return { storage, metadata: read.metadata, repaired: read.repaired };
  }

  // ---- reads (Storage) ----------------------------------------------------------

  initialState(): InitialState {
    return this.#memory.initialState();
  }

  entries(lo: number, hi: number, maxSizeBytes: number): Entry[] {
    return this.#memory.entries(lo, hi, maxSizeBytes);
  }

  term(index: number): number {
    return this.#memory.term(index);
  }

  lastIndex(): number {
    return this.#memory.lastIndex();
  }

  firstIndex(): number {
    return this.#memory.firstIndex();
  }

  /** The newest snapshot whose file is durable (what the leader sends a follower too far behind). */
  snapshot(): Snapshot {
    return this.#memory.snapshot();
  }

  /** The hard state last saved. */
  hardState(): HardState {
    return this.#memory.hardState();
  }

  // ---- writes -------------------------------------------------------------------

  /**
   * Saves what a Ready asks to persist, in order: the snapshot (its file is
   * written and synced at once), then the hard state and entries as one WAL
   * write. Call {@linkcode sync} (or syncSync) before sending what depends on it.
   */
  save(
    hardState: HardState | null,
    entries: readonly Entry[],
    snapshot: Snapshot | null = null,
  ): void {
    if (snapshot !== null) this.applySnapshot(snapshot);
    const fresh = this.#freshEntries(entries);
    if (hardState === null && fresh.length === 0) return;
    this.#wal.save(hardState, fresh);
    this.#memory.append(fresh);
    if (hardState !== null) this.#memory.setHardState(hardState);
  }

  /** Entries not already covered by the snapshot (those are never written). */
  #freshEntries(entries: readonly Entry[]): readonly Entry[] {
    const first = this.#memory.firstIndex();
    if (entries.length === 0 || entries[0]!.index >= first) return entries;
    return entries.filter((entry) => entry.index >= first);
  }

  /** Makes everything saved so far durable (one fdatasync). */
  sync(): Promise<void> {
    return this.#wal.sync();
  }

  /** The same, blocking (start-up, tests, the simulator). */
  syncSync(): void {
    this.#wal.syncSync();
  }

  /**
   * Prepares an empty storage for a member of a new cluster: the bootstrap
   * snapshot at index 1 with the initial membership, committed. Durable on return.
   */
  bootstrap(confState: ConfState, data: Uint8Array = new Uint8Array(0)): void {
    assert(
      this.#memory.lastIndex() === 0 && this.#memory.snapshot().metadata.index === 0,
      "bootstrap needs an empty storage",
    );
    const snapshot = { data, metadata: { index: BOOTSTRAP_INDEX, term: 0, confState } };
    this.#saveSnapshotDurably(snapshot);
    this.#memory.bootstrap(confState, data);
    this.#wal.save(this.#memory.hardState(), []);
    this.#wal.syncSync();
  }

  setHardState(state: HardState): void {
    this.save(state, []);
  }

  append(entries: readonly Entry[]): void {
    this.save(null, entries);
  }

  /** Installs a snapshot received from the leader (SnapOutOfDateError if not newer). */
  applySnapshot(snapshot: Snapshot): void {
    this.#memory.applySnapshot(snapshot);
    this.#saveSnapshotDurably(snapshot);
  }

  /**
   * Records a snapshot of the state machine at `index` (at most the last
   * index): the file is durable and the WAL segments wholly before it are
   * released when this returns. Does not compact the in-memory log. Blocks
   * on the file's write and fsyncs: for start-up, tests and the simulator;
   * the Ready loop uses {@linkcode createSnapshotAsync}.
   */
  createSnapshot(index: number, confState: ConfState | null, data: Uint8Array): Snapshot {
    const snapshot = this.#memory.createSnapshot(index, confState, data);
    this.#saveSnapshotDurably(snapshot);
    return snapshot;
  }

  /**
   * Records a snapshot of the state machine at `index` as
   * {@linkcode createSnapshot} does, without blocking the event loop, while
   * Readys go on saving and syncing. In order:
   *
   * 1. the file is written and made durable (temporary name, asynchronous
   *    writes and fsync, rename, asynchronous directory fsync);
   * 2. then the in-memory log learns the snapshot (so {@linkcode snapshot}
   *    only ever gives a durable one) and the WAL marker is appended, after
   *    whatever entries past `index` were saved meanwhile: recovery reads
   *    every segment from the one holding `index` and keeps each entry after
   *    the snapshot wherever it stands relative to the marker;
   * 3. then one asynchronous WAL sync makes the marker durable, and only
   *    after it the segments wholly before `index` are released and old
   *    snapshot files beyond `maxSnapshots` removed.
   *
   * Resolves to the snapshot once all that is done, or to null when it was
   * superseded: a newer snapshot (from the leader, through
   * {@linkcode applySnapshot}) was installed meanwhile, or the storage was
   * closed before the file was durable. Then no marker is written (a file
   * without its marker is never loaded), and a file already renamed is
   * removed when a newer snapshot replaced it. Rejects on an I/O
   * failure, which the caller must treat as fatal (as a failed WAL sync).
   * One at a time; compact the in-memory log only after it resolves.
   * `data` must not change until it settles.
   */
  async createSnapshotAsync(
    index: number,
    confState: ConfState | null,
    data: Uint8Array,
  ): Promise<Snapshot | null> {
    assert(this.#saving === null, "storage: a snapshot is being saved already");
    assert(!this.#closed, "storage: cannot snapshot a closed storage");
    const current = this.#memory.snapshot().metadata;
    if (index <= current.index) throw new SnapOutOfDateError();
    assert(
      index <= this.#memory.lastIndex(),
      `snapshot ${index} is out of bound lastindex(${this.#memory.lastIndex()})`,
    );
    const metadata = {
      index,
      term: this.#memory.term(index),
      confState: confState ?? current.confState,
    };
    this.#saving = index;
    try {
      return await this.#saveLocalSnapshot({ data, metadata });
    } finally {
      this.#saving = null;
    }
  }

  /** The index of the snapshot {@linkcode createSnapshotAsync} is saving, or null. */
  savingSnapshot(): number | null {
    return this.#saving;
  }

  async #saveLocalSnapshot(snapshot: Snapshot): Promise<Snapshot | null> {
    const { index, term, confState } = snapshot.metadata;
    const superseded = () => this.#closed || this.#memory.snapshot().metadata.index >= index;
    const written = await this.#snapshotter.saveAsync(snapshot, () => !superseded());
    if (!written) return null;
    if (superseded()) {
      // Its marker is never written, so recovery would pass it over; a newer
      // snapshot at the same index is the same file, and is kept.
      if (this.#memory.snapshot().metadata.index > index) this.#snapshotter.remove(index, term);
      return null;
    }
    const recorded = this.#memory.createSnapshot(index, confState, snapshot.data);
    this.#wal.saveSnapshot({ index, term });
    // The marker must be durable before older segments go: recovery replays
    // from the newest snapshot whose marker the WAL holds.
    await this.#wal.sync();
    if (this.#closed) return recorded; // close() synced the marker; the next life releases
    this.#wal.releaseTo(index);
    if (this.#memory.snapshot().metadata.index === index) this.#snapshotter.prune(index, term);
    return recorded;
  }

  /**
   * Discards in-memory entries up to and including `compactIndex`, which
   * must not pass the durable snapshot: the entries after it are the only
   * copy of the log the member can send a follower from.
   */
  compact(compactIndex: number): void {
    const snapshotIndex = this.#memory.snapshot().metadata.index;
    assert(
      compactIndex <= snapshotIndex,
      `storage: cannot compact to ${compactIndex}, past the durable snapshot ${snapshotIndex}`,
    );
    this.#memory.compact(compactIndex);
  }

  #saveSnapshotDurably(snapshot: Snapshot): void {
    const marker = { index: snapshot.metadata.index, term: snapshot.metadata.term };
    this.#snapshotter.save(snapshot);
    this.#wal.saveSnapshot(marker);
    // The marker must be durable before older segments go: recovery replays
    // from the newest snapshot whose marker the WAL holds.
    this.#wal.syncSync();
    this.#wal.releaseTo(marker.index);
  }

  /**
   * Syncs and closes the WAL. A snapshot being saved whose file is not yet
   * durable is abandoned (its marker never written); a marker already
   * written is synced with the rest.
   */
  close(): void {
    this.#closed = true;
    this.#wal.close();
  }
}

function walOptions(options: DiskStorageOptions): WalOptions {
  return options.log === undefined ? { ...options.wal } : { ...options.wal, log: options.log };
}

function snapshotterOf(fs: FileSystem, dir: string, options: DiskStorageOptions): Snapshotter {
  const snapOptions: ConstructorParameters<typeof Snapshotter>[2] = {};
  if (options.maxSnapshots !== undefined) snapOptions.maxSnapshots = options.maxSnapshots;
  if (options.log !== undefined) snapOptions.log = options.log;
  return new Snapshotter(fs, dir, snapOptions);
}
