/**
 * {@linkcode DenoFileSystem}: the {@linkcode FileSystem} on Deno's file API.
 * Reads and writes are synchronous (they touch only the page cache); `sync`
 * is Deno's asynchronous `syncData` (fdatasync on a worker thread), so the
 * event loop keeps running while a flush is under way. `writeAtAsync` and
 * `syncDirAsync` run on Deno's blocking-task pool as well (snapshot files).
 *
 * @module
 */

import {
  FileExistsError,
  type FileHandle,
  FileNotFoundError,
  type FileSystem,
  type OpenOptions,
} from "./fs.ts";

/** Turns Deno's NotFound and AlreadyExists into our typed errors; rethrows anything else. */
function mapError(error: unknown, path: string): never {
  if (error instanceof Deno.errors.NotFound) {
    throw new FileNotFoundError(`Cannot find "${path}": no such file or directory`, {
      cause: error,
    });
  }
  if (error instanceof Deno.errors.AlreadyExists) {
    throw new FileExistsError(`Cannot create "${path}": it already exists`, { cause: error });
  }
  throw error;
}

/** Runs `action`, mapping file-system errors for `path`. */
function onPath<T>(path: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    mapError(error, path);
  }
}

/** An open file on Deno's `FsFile`. */
class DenoFileHandle implements FileHandle {
  #file: Deno.FsFile;
  #path: string;
  /**
   * The file position when known, else -1: appends at it skip the seek (one
   * syscall fewer per WAL write). Any failure, and any asynchronous step,
   * forgets it.
   */
  #position = 0;

  constructor(file: Deno.FsFile, path: string) {
    this.#file = file;
    this.#path = path;
  }

  writeAt(bytes: Uint8Array, offset: number): void {
    checkOffset(offset, this.#path);
    const known = this.#position;
    this.#position = -1;
    if (known !== offset) this.#file.seekSync(offset, Deno.SeekMode.Start);
    let written = 0;
    while (written < bytes.length) {
      written += this.#file.writeSync(bytes.subarray(written));
    }
    this.#position = offset + written;
  }

  async writeAtAsync(bytes: Uint8Array, offset: number): Promise<void> {
    checkOffset(offset, this.#path);
    this.#position = -1;
    await this.#file.seek(offset, Deno.SeekMode.Start);
    let written = 0;
    while (written < bytes.length) {
      written += await this.#file.write(bytes.subarray(written));
    }
  }

  readAt(offset: number, length: number): Uint8Array {
    checkOffset(offset, this.#path);
    checkOffset(length, this.#path);
    const available = Math.min(length, Math.max(0, this.size() - offset));
    const buffer = new Uint8Array(available);
    this.#position = -1;
    this.#file.seekSync(offset, Deno.SeekMode.Start);
    let read = 0;
    while (read < available) {
      const count = this.#file.readSync(buffer.subarray(read));
      if (count === null || count === 0) break;
      read += count;
    }
    return read === available ? buffer : buffer.slice(0, read);
  }

  size(): number {
    return this.#file.statSync().size;
  }

  truncate(size: number): void {
    checkOffset(size, this.#path);
    this.#file.truncateSync(size);
  }

  async sync(): Promise<void> {
    await this.#file.syncData();
  }

  syncSync(): void {
    this.#file.syncDataSync();
  }

  close(): void {
    this.#file.close();
  }
}

function checkOffset(value: number, path: string): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(
      `Cannot use offset or size "${value}" on "${path}": expected a safe integer ≥ 0`,
    );
  }
}

/** Whether a failed directory fsync is the platform refusing it (EISDIR, EINVAL). */
function isDirSyncRefused(error: unknown): boolean {
  if (error instanceof Deno.errors.IsADirectory) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EISDIR" || code === "EINVAL";
}

/** The real file system, on Deno's synchronous file API plus an async data sync. */
export class DenoFileSystem implements FileSystem {
  open(path: string, options: OpenOptions = {}): FileHandle {
    const createNew = options.createNew === true;
    const create = createNew || options.create === true;
    const write = create || options.write === true;
    const file = onPath(
      path,
      () => Deno.openSync(path, { read: true, write, create: create && !createNew, createNew }),
    );
    return new DenoFileHandle(file, path);
  }

  readFile(path: string): Uint8Array {
    return onPath(path, () => Deno.readFileSync(path));
  }

  readDir(path: string): string[] {
    const names = onPath(path, () => [...Deno.readDirSync(path)].map((entry) => entry.name));
    return names.sort();
  }

  mkdirAll(path: string): void {
    onPath(path, () => Deno.mkdirSync(path, { recursive: true }));
  }

  exists(path: string): boolean {
    try {
      Deno.lstatSync(path);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }

  rename(from: string, to: string): void {
    onPath(from, () => Deno.renameSync(from, to));
  }

  remove(path: string): void {
    onPath(path, () => Deno.removeSync(path, { recursive: true }));
  }

  syncDir(path: string): void {
    const dir = onPath(path, () => Deno.openSync(path, { read: true }));
    try {
      dir.syncSync();
    } catch (error) {
      if (!isDirSyncRefused(error)) throw error;
    } finally {
      dir.close();
    }
  }

  async syncDirAsync(path: string): Promise<void> {
    let dir: Deno.FsFile;
    try {
      dir = await Deno.open(path, { read: true });
    } catch (error) {
      mapError(error, path);
    }
    try {
      await dir.sync();
    } catch (error) {
      if (!isDirSyncRefused(error)) throw error;
    } finally {
      dir.close();
    }
  }
}
