/**
 * The file system as the storage layer sees it: a small synchronous
 * interface for writes and reads (page-cache speed) with an asynchronous
 * data sync, so a flush never blocks the event loop and batches keep forming
 * while it runs (group commit). Large writes (snapshot files) and their
 * directory sync have asynchronous variants too. Two implementations: the real one on Deno's
 * file API ({@linkcode DenoFileSystem} in `deno_fs.ts`) and an in-memory one
 * that tells written from synced data and can crash (`mem_fs.ts`).
 *
 * Paths are plain strings joined with "/".
 *
 * @module
 */

/** An open file. Writes go to the page cache; `sync` makes them durable. */
export interface FileHandle {
  /** Writes all of `bytes` at byte `offset`. */
  writeAt(bytes: Uint8Array, offset: number): void;
  /**
   * The same without blocking the event loop (the copy runs off the main
   * thread): for large writes such as a snapshot file. Do not start another
   * write or read on this handle before it settles.
   */
  writeAtAsync(bytes: Uint8Array, offset: number): Promise<void>;
  /** Reads up to `length` bytes at `offset` (fewer at the end of the file). */
  readAt(offset: number, length: number): Uint8Array;
  /** The file's size in bytes. */
  size(): number;
  /** Sets the size: cuts, or extends with zero bytes. */
  truncate(size: number): void;
  /** Makes written data durable (fdatasync), without blocking the event loop. */
  sync(): Promise<void>;
  /** The same, blocking (start-up, tests, the simulator). */
  syncSync(): void;
  close(): void;
}

/** How to open a file. */
export interface OpenOptions {
  /** Create the file if it does not exist. */
  readonly create?: boolean;
  /** Fail if it exists (with `create`). */
  readonly createNew?: boolean;
  /** Open for writing as well as reading. */
  readonly write?: boolean;
}

/** The operations the WAL and the snapshotter need. */
export interface FileSystem {
  /** Opens a file; throws {@linkcode FileNotFoundError} when missing and not created. */
  open(path: string, options?: OpenOptions): FileHandle;
  /** The whole contents of a file. */
  readFile(path: string): Uint8Array;
  /** Names in a directory, sorted; throws FileNotFoundError when missing. */
  readDir(path: string): string[];
  /** Creates a directory and its parents. */
  mkdirAll(path: string): void;
  exists(path: string): boolean;
  /** Atomically replaces `to` with `from` (same directory). */
  rename(from: string, to: string): void;
  /** Removes a file, or a directory with everything in it. */
  remove(path: string): void;
  /** Makes a directory's entries (creations, renames, removals) durable. */
  syncDir(path: string): void;
  /** The same without blocking the event loop. */
  syncDirAsync(path: string): Promise<void>;
}

/** A path does not exist. */
export class FileNotFoundError extends Error {
  override name = "FileNotFoundError";
}

/** A path exists where a new file was to be created (`createNew`). */
export class FileExistsError extends Error {
  override name = "FileExistsError";
}

/** Joins path segments with "/". */
/**
 * Closes `handle`, ignoring a failure: after an error, when the handle may
 * be closed already or its file system crashed, there is nothing left to
 * release and the earlier error is the one to report.
 */
export function closeQuietly(handle: FileHandle): void {
  try {
    handle.close();
  } catch {
    // nothing left to release
  }
}

export function joinPath(...parts: string[]): string {
  return parts.filter((part) => part !== "").join("/").replace(/\/+/g, "/");
}

/** The directory holding `path` ("." for a bare name, "/" for a top-level one). */
export function parentDir(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return ".";
  return slash === 0 ? "/" : trimmed.slice(0, slash);
}

/**
 * Writes a new file atomically and durably: a temporary file, synced, renamed
 * over the target, and the directory synced.
 */
export function writeFileAtomic(fs: FileSystem, dir: string, name: string, data: Uint8Array): void {
  const tmp = joinPath(dir, `${name}.tmp`);
  const file = fs.open(tmp, { create: true, write: true });
  try {
    file.truncate(0);
    file.writeAt(data, 0);
    file.syncSync();
  } finally {
    file.close();
  }
  fs.rename(tmp, joinPath(dir, name));
  fs.syncDir(dir);
}
