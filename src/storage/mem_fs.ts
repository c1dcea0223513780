/**
 * {@linkcode MemFileSystem}: an in-memory, deterministic {@linkcode FileSystem}
 * that tells written data from durable data, for tests and the simulator.
 *
 * The model, as a POSIX file system on a disk with a volatile cache:
 * - A file's bytes are durable only up to its last `sync`/`syncSync`.
 * - A directory's entries (files and directories created, renamed or
 *   removed in it) are durable only after `syncDir` of that directory; this
 *   holds for directories made by `mkdirAll` too.
 * - {@linkcode MemFileSystem.crash} drops everything not durable: each file
 *   goes back to its last synced bytes and each directory to its last synced
 *   entries, seen from the root. With `tornWrite`, a file with unsynced data
 *   keeps a random prefix of it instead (a torn last write): none of it a
 *   quarter of the time, all of it a quarter of the time, else a prefix of
 *   uniform length; half the time with a zeroed 512-byte-aligned sector
 *   inside the kept part.
 *
 * Data lives in copy-on-write pages, so a sync costs a page-table copy and a
 * large preallocated file costs nothing until it is written.
 *
 * Paths are split on "/"; a leading "/" is ignored (one root), "." and ".."
 * are resolved.
 *
 * @module
 */

import type { Prng } from "../util/prng.ts";
import { isZeroBytes } from "../util/bytes.ts";
import {
  FileExistsError,
  type FileHandle,
  FileNotFoundError,
  type FileSystem,
  type OpenOptions,
} from "./fs.ts";

const PAGE_BYTES = 16 * 1024;
const SECTOR_BYTES = 512;

/** Bytes in copy-on-write pages; a missing page reads as zeros. Bytes past `size` are zero. */
class PagedBytes {
  #pages: Map<number, Uint8Array>;
  #owned = new Set<number>();
  #size: number;

  constructor(pages: Map<number, Uint8Array> = new Map(), size = 0) {
    this.#pages = pages;
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  /** A copy sharing every page; both sides copy a page before changing it. */
  clone(): PagedBytes {
    this.#owned.clear();
    return new PagedBytes(new Map(this.#pages), this.#size);
  }

  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.#size, offset + length);
    if (end <= offset) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    for (let pos = offset; pos < end;) {
      const index = Math.floor(pos / PAGE_BYTES);
      const start = pos - index * PAGE_BYTES;
      const count = Math.min(PAGE_BYTES - start, end - pos);
      const page = this.#pages.get(index);
      if (page !== undefined) out.set(page.subarray(start, start + count), pos - offset);
      pos += count;
    }
    return out;
  }

  write(bytes: Uint8Array, offset: number): void {
    if (bytes.length === 0) return;
    for (let done = 0; done < bytes.length;) {
      const pos = offset + done;
      const index = Math.floor(pos / PAGE_BYTES);
      const start = pos - index * PAGE_BYTES;
      const count = Math.min(PAGE_BYTES - start, bytes.length - done);
      const chunk = bytes.subarray(done, done + count);
      // Zeros over a page never written read back the same without one
      // (the WAL's zero-filled segments would otherwise cost their size).
      if (this.#pages.has(index) || !isZeroBytes(chunk)) this.#ownPage(index).set(chunk, start);
      done += count;
    }
    this.#size = Math.max(this.#size, offset + bytes.length);
  }

  /** Zeroes `[from, to)` without changing the size. */
  zero(from: number, to: number): void {
    for (let pos = from; pos < to;) {
      const index = Math.floor(pos / PAGE_BYTES);
      const start = pos - index * PAGE_BYTES;
      const count = Math.min(PAGE_BYTES - start, to - pos);
      if (this.#pages.has(index)) this.#ownPage(index).fill(0, start, start + count);
      pos += count;
    }
  }

  truncate(size: number): void {
    if (size < this.#size) {
      const firstDropped = Math.ceil(size / PAGE_BYTES);
      this.zero(size, Math.min(this.#size, firstDropped * PAGE_BYTES));
      for (const index of [...this.#pages.keys()]) {
        if (index >= firstDropped) {
          this.#pages.delete(index);
          this.#owned.delete(index);
        }
      }
    }
    this.#size = size;
  }

  /** Copies `[from, to)` of `source` over the same range here. */
  copyFrom(source: PagedBytes, from: number, to: number): void {
    for (let pos = from; pos < to;) {
      const count = Math.min(PAGE_BYTES - (pos % PAGE_BYTES), to - pos);
      const chunk = source.read(pos, count);
      this.write(chunk, pos);
      if (chunk.length < count) this.zero(pos + chunk.length, pos + count);
      pos += count;
    }
  }

  toBytes(): Uint8Array {
    return this.read(0, this.#size);
  }

  #ownPage(index: number): Uint8Array {
    const page = this.#pages.get(index);
    if (page !== undefined && this.#owned.has(index)) return page;
    const copy = new Uint8Array(PAGE_BYTES);
    if (page !== undefined) copy.set(page);
    this.#pages.set(index, copy);
    this.#owned.add(index);
    return copy;
  }
}

interface FileNode {
  readonly kind: "file";
  /** What reads see. */
  data: PagedBytes;
  /** What survives a crash. */
  durable: PagedBytes;
  /** Lowest offset changed since the last sync; Infinity when clean. */
  dirtyFrom: number;
  failNextSync: boolean;
}

interface DirNode {
  readonly kind: "dir";
  entries: Map<string, Node>;
  durable: Map<string, Node>;
  failNextSync: boolean;
}

type Node = FileNode | DirNode;

function newFile(): FileNode {
  return {
    kind: "file",
    data: new PagedBytes(),
    durable: new PagedBytes(),
    dirtyFrom: Infinity,
    failNextSync: false,
  };
}

function newDir(): DirNode {
  return { kind: "dir", entries: new Map(), durable: new Map(), failNextSync: false };
}

/** An asynchronous operation about to take effect (see {@linkcode MemFileSystem.asyncGate}). */
export interface MemAsyncOp {
  readonly kind: "write" | "sync" | "syncDir";
  /** The file (as it was opened) or directory. */
  readonly path: string;
}

/** Awaited before an asynchronous operation takes effect. */
export type MemAsyncGate = (op: MemAsyncOp) => Promise<void> | void;

/** State shared by a file system and its handles. */
class Disk {
  epoch = 0;
  syncCount = 0;
  syncDirCount = 0;
  gate: MemAsyncGate | null = null;
}

function checkNonNegative(value: number, what: string, path: string): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`Cannot use ${what} "${value}" on "${path}": expected a safe integer ≥ 0`);
  }
}

function takeFault(node: Node, path: string): void {
  if (!node.failNextSync) return;
  node.failNextSync = false;
  throw new Error(`Cannot sync "${path}": injected fault (failNextSync)`);
}

function syncFile(disk: Disk, node: FileNode, path: string): void {
  takeFault(node, path);
  node.durable = node.data.clone();
  node.dirtyFrom = Infinity;
  disk.syncCount++;
}

/** An open in-memory file. Invalid after close, or after a crash of its file system. */
class MemFileHandle implements FileHandle {
  #disk: Disk;
  #node: FileNode;
  #path: string;
  #writable: boolean;
  #epoch: number;
  #closed = false;

  constructor(disk: Disk, node: FileNode, path: string, writable: boolean) {
    this.#disk = disk;
    this.#node = node;
    this.#path = path;
    this.#writable = writable;
    this.#epoch = disk.epoch;
  }

  writeAt(bytes: Uint8Array, offset: number): void {
    this.#check(true);
    checkNonNegative(offset, "offset", this.#path);
    if (bytes.length === 0) return;
    this.#node.dirtyFrom = Math.min(this.#node.dirtyFrom, offset);
    this.#node.data.write(bytes, offset);
  }

  async writeAtAsync(bytes: Uint8Array, offset: number): Promise<void> {
    this.#check(true);
    await this.#disk.gate?.({ kind: "write", path: this.#path });
    this.writeAt(bytes, offset);
  }

  readAt(offset: number, length: number): Uint8Array {
    this.#check(false);
    checkNonNegative(offset, "offset", this.#path);
    checkNonNegative(length, "length", this.#path);
    return this.#node.data.read(offset, length);
  }

  size(): number {
    this.#check(false);
    return this.#node.data.size;
  }

  truncate(size: number): void {
    this.#check(true);
    checkNonNegative(size, "size", this.#path);
    const node = this.#node;
    if (size === node.data.size) return;
    node.dirtyFrom = Math.min(node.dirtyFrom, size, node.data.size);
    node.data.truncate(size);
  }

  sync(): Promise<void> {
    const gate = this.#disk.gate;
    if (gate !== null) return this.#gatedSync(gate);
    try {
      this.syncSync();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #gatedSync(gate: MemAsyncGate): Promise<void> {
    await gate({ kind: "sync", path: this.#path });
    this.syncSync();
  }

  syncSync(): void {
    this.#check(false);
    syncFile(this.#disk, this.#node, this.#path);
  }

  close(): void {
    this.#check(false);
    this.#closed = true;
  }

  #check(write: boolean): void {
    if (this.#closed) throw new Error(`Cannot use "${this.#path}": the file is closed`);
    if (this.#epoch !== this.#disk.epoch) {
      throw new Error(`Cannot use "${this.#path}": the handle was opened before a crash`);
    }
    if (write && !this.#writable) {
      throw new Error(`Cannot write "${this.#path}": the file is open read-only`);
    }
  }
}

/** Options of {@linkcode MemFileSystem.crash}. */
export interface CrashOptions {
  /** Keep a random prefix of each file's unsynced data, drawn from `prng`. */
  readonly tornWrite?: { readonly prng: Prng };
}

/** A file's contents as reads see them and as a crash would leave them. */
export interface MemFileContents {
  readonly data: Uint8Array;
  readonly durable: Uint8Array;
}

/** Where a torn write ends: nothing kept, everything kept, or (half the time) in between. */
function tornCut(from: number, end: number, prng: Prng): number {
  const choice = prng.nextInt(4);
  if (choice === 0) return from;
  if (choice === 1) return end;
  return from + prng.nextInt(end - from + 1);
}

/** What a file keeps of its unsynced data after a torn write. */
function tornContents(node: FileNode, prng: Prng): PagedBytes {
  const from = node.dirtyFrom;
  const end = node.data.size;
  if (from >= end) return prng.nextInt(2) === 0 ? node.data.clone() : node.durable.clone();
  const cut = tornCut(from, end, prng);
  let result: PagedBytes;
  if (cut === end) {
    result = node.data.clone();
  } else {
    result = node.durable.clone();
    result.copyFrom(node.data, from, cut);
  }
  if (cut > from && prng.nextInt(2) === 0) {
    const at = from + prng.nextInt(cut - from);
    const sector = at - (at % SECTOR_BYTES);
    result.zero(Math.max(sector, from), Math.min(sector + SECTOR_BYTES, cut));
  }
  return result;
}

/** Brings a node and everything durably below it back to its durable state. */
function revert(node: Node, prng: Prng | undefined, seen: Set<Node>): void {
  if (seen.has(node)) return;
  seen.add(node);
  if (node.kind === "file") {
    const dirty = node.dirtyFrom !== Infinity;
    node.data = dirty && prng !== undefined ? tornContents(node, prng) : node.durable.clone();
    node.durable = node.data.clone();
    node.dirtyFrom = Infinity;
    return;
  }
  node.entries = new Map(node.durable);
  for (const name of [...node.entries.keys()].sort()) revert(node.entries.get(name)!, prng, seen);
}

/** An in-memory file system that tells written from durable data and can crash. */
export class MemFileSystem implements FileSystem {
  #root: DirNode = newDir();
  #disk = new Disk();
  #pendingFaults = new Set<string>();

  /** File syncs (sync, syncSync) that succeeded. */
  get syncCount(): number {
    return this.#disk.syncCount;
  }

  /** Directory syncs that succeeded. */
  get syncDirCount(): number {
    return this.#disk.syncDirCount;
  }

  /**
   * Tests' hold on the asynchronous operations (a handle's `writeAtAsync`
   * and `sync`, `syncDirAsync`): when set, each awaits it before taking
   * effect, so a test can keep one in flight, crash in the middle, never
   * let it finish, or fail it (a rejection fails the operation, as an I/O
   * error would). When null, `sync` takes effect at once and the others
   * after a microtask.
   */
  get asyncGate(): MemAsyncGate | null {
    return this.#disk.gate;
  }

  set asyncGate(gate: MemAsyncGate | null) {
    this.#disk.gate = gate;
  }

  open(path: string, options: OpenOptions = {}): FileHandle {
    const createNew = options.createNew === true;
    const create = createNew || options.create === true;
    const { dir, name, key } = this.#parent(path);
    let node = dir.entries.get(name);
    if (node !== undefined && createNew) {
      throw new FileExistsError(`Cannot create "${path}": it already exists`);
    }
    if (node === undefined) {
      if (!create) throw new FileNotFoundError(`Cannot find "${path}": no such file or directory`);
      node = newFile();
      dir.entries.set(name, node);
    }
    if (node.kind !== "file") throw new Error(`Cannot open "${path}": it is a directory`);
    if (this.#pendingFaults.delete(key)) node.failNextSync = true;
    return new MemFileHandle(this.#disk, node, path, create || options.write === true);
  }

  readFile(path: string): Uint8Array {
    const node = this.#find(path);
    if (node.kind !== "file") throw new Error(`Cannot read "${path}": it is a directory`);
    return node.data.toBytes();
  }

  readDir(path: string): string[] {
    const node = this.#find(path);
    if (node.kind !== "dir") throw new Error(`Cannot list "${path}": not a directory`);
    return [...node.entries.keys()].sort();
  }

  mkdirAll(path: string): void {
    let dir = this.#root;
    for (const part of splitPath(path)) {
      let next = dir.entries.get(part);
      if (next === undefined) {
        next = newDir();
        dir.entries.set(part, next);
      }
      if (next.kind !== "dir") {
        throw new Error(`Cannot make directory "${path}": "${part}" is a file`);
      }
      dir = next;
    }
  }

  exists(path: string): boolean {
    return this.#lookup(splitPath(path)) !== undefined;
  }

  rename(from: string, to: string): void {
    const source = this.#parent(from);
    const node = source.dir.entries.get(source.name);
    if (node === undefined) throw new FileNotFoundError(`Cannot rename "${from}": no such file`);
    const target = this.#parent(to);
    if (source.key === target.key) return;
    if (node.kind === "dir" && (target.key + "/").startsWith(source.key + "/")) {
      throw new Error(`Cannot rename "${from}" to "${to}": a directory cannot move into itself`);
    }
    checkReplaceable(node, target.dir.entries.get(target.name), from, to);
    source.dir.entries.delete(source.name);
    target.dir.entries.set(target.name, node);
  }

  remove(path: string): void {
    const { dir, name } = this.#parent(path);
    if (!dir.entries.delete(name)) {
      throw new FileNotFoundError(`Cannot remove "${path}": no such file or directory`);
    }
  }

  async syncDirAsync(path: string): Promise<void> {
    await this.#disk.gate?.({ kind: "syncDir", path });
    this.syncDir(path);
  }

  syncDir(path: string): void {
    const node = this.#find(path);
    if (node.kind === "file") return syncFile(this.#disk, node, path);
    takeFault(node, path);
    node.durable = new Map(node.entries);
    this.#disk.syncDirCount++;
  }

  /**
   * The next sync of `path` (a file's sync or syncSync, or a directory's
   * syncDir) fails with an Error and makes nothing durable. The path may
   * name a file not yet created; the fault follows the file through renames.
   */
  failNextSync(path: string): void {
    const node = this.#lookup(splitPath(path));
    if (node === undefined) this.#pendingFaults.add(splitPath(path).join("/"));
    else node.failNextSync = true;
  }

  /**
   * Loses everything not durable, as a power failure would. Every open
   * handle becomes unusable.
   */
  crash(options: CrashOptions = {}): void {
    this.#disk.epoch++;
    revert(this.#root, options.tornWrite?.prng, new Set());
  }

  /** Every file reachable now, by path (no leading "/"), sorted, with data and durable data. */
  snapshotFiles(): Map<string, MemFileContents> {
    const files = new Map<string, MemFileContents>();
    const walk = (dir: DirNode, prefix: string): void => {
      for (const name of [...dir.entries.keys()].sort()) {
        const node = dir.entries.get(name)!;
        const path = prefix === "" ? name : `${prefix}/${name}`;
        if (node.kind === "dir") walk(node, path);
        else files.set(path, { data: node.data.toBytes(), durable: node.durable.toBytes() });
      }
    };
    walk(this.#root, "");
    return files;
  }

  #lookup(parts: readonly string[]): Node | undefined {
    let node: Node = this.#root;
    for (const part of parts) {
      if (node.kind !== "dir") return undefined;
      const next: Node | undefined = node.entries.get(part);
      if (next === undefined) return undefined;
      node = next;
    }
    return node;
  }

  #find(path: string): Node {
    const node = this.#lookup(splitPath(path));
    if (node === undefined) {
      throw new FileNotFoundError(`Cannot find "${path}": no such file or directory`);
    }
    return node;
  }

  #parent(path: string): { dir: DirNode; name: string; key: string } {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new Error(`Cannot use "${path}": it is the root`);
    const dir = this.#lookup(parts);
    if (dir === undefined || dir.kind !== "dir") {
      throw new FileNotFoundError(`Cannot find the directory of "${path}"`);
    }
    return { dir, name, key: [...parts, name].join("/") };
  }
}

function checkReplaceable(node: Node, existing: Node | undefined, from: string, to: string): void {
  if (existing === undefined) return;
  if (node.kind === "file" && existing.kind === "dir") {
    throw new Error(`Cannot rename "${from}" to "${to}": the target is a directory`);
  }
  if (node.kind === "dir" && existing.kind === "file") {
    throw new Error(`Cannot rename "${from}" to "${to}": the target is not a directory`);
  }
  if (existing.kind === "dir" && existing.entries.size > 0) {
    throw new Error(`Cannot rename "${from}" to "${to}": the target directory is not empty`);
  }
}

/** Splits a path into names, resolving "." and "..". */
function splitPath(path: string): string[] {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts;
}
