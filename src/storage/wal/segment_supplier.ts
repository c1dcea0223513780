/**
 * Zero-filled segment files prepared in the background, as etcd's file
 * pipeline pre-creates the next WAL file. A segment whose blocks are really
 * written (not a sparse file) is cheaper to fdatasync into, because the
 * flush does not also have to allocate blocks; writing 64 MiB of zeros at
 * cut time would stall the request path, so it happens ahead of need, in
 * chunks each fsynced on its own, so neither the event loop nor the disk
 * is held for long.
 *
 * @module
 */

import { closeQuietly, type FileSystem, joinPath } from "../fs.ts";

/** Hands out synced, zero-filled files of the segment size, or null when none is ready. */
export interface SegmentSupplier {
  /** The path of a ready file in the WAL directory, now owned by the caller; or null. */
  take(): string | null;
}

/** Bytes of zeros written, then fsynced, per step (the event loop runs meanwhile). */
const zeroChunkBytes = 1024 * 1024;
const ZEROS = new Uint8Array(zeroChunkBytes);

/** The file name suffix of prepared files (removed when a WAL is opened). */
export const PREPARED_SUFFIX = ".fill";

/** Writes zeros over `[from, to)` of a file, in chunks. */
export function writeZeros(
  write: (bytes: Uint8Array, offset: number) => void,
  from: number,
  to: number,
): void {
  for (let offset = from; offset < to; offset += zeroChunkBytes) {
    write(ZEROS.subarray(0, Math.min(zeroChunkBytes, to - offset)), offset);
  }
}

/** Keeps one zero-filled segment file ready in `dir`. */
export class ZeroFilledSegments implements SegmentSupplier {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #segmentBytes: number;
  #ready: string | null = null;
  #filling: Promise<void> | null = null;
  #sequence = 0;
  #stopped = false;

  constructor(fs: FileSystem, dir: string, segmentBytes: number) {
    this.#fs = fs;
    this.#dir = dir;
    this.#segmentBytes = segmentBytes;
  }

  /** Starts preparing the first file. */
  start(): void {
    this.#fillNext();
  }

  take(): string | null {
    const ready = this.#ready;
    this.#ready = null;
    if (ready !== null) this.#fillNext();
    return ready;
  }

  /** Waits for the file being prepared (tests and benchmarks). */
  async whenReady(): Promise<void> {
    while (this.#ready === null && this.#filling !== null) await this.#filling;
  }

  /** Stops preparing; a prepared file left behind is removed when the WAL is next opened. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#filling;
  }

  #fillNext(): void {
    if (this.#stopped || this.#filling !== null) return;
    this.#filling = this.#fill()
      .catch(() => {
        // The disk failed under the file being prepared: prepare no more. A
        // cut then extends its own file, and the WAL's own writes and syncs
        // report the failure; the leftover is removed at the next open.
        this.#stopped = true;
      })
      .finally(() => {
        this.#filling = null;
      });
  }

  async #fill(): Promise<void> {
    const name = `prepared-${this.#sequence++}${PREPARED_SUFFIX}`;
    const tmp = joinPath(this.#dir, `${name}.tmp`);
    const file = this.#fs.open(tmp, { create: true, write: true });
    try {
      file.truncate(0);
      for (let offset = 0; offset < this.#segmentBytes; offset += zeroChunkBytes) {
        if (this.#stopped) break; // closed below, then left to the next open to remove
        const end = Math.min(this.#segmentBytes, offset + zeroChunkBytes);
        writeZeros((bytes, at) => file.writeAt(bytes, at), offset, end);
        // Flushed a chunk at a time (which lets requests run meanwhile): one
        // flush of 64 MiB queued ahead of the members' WAL fdatasyncs on the
        // same disk and held them up for 40-70 ms.
        await file.sync();
      }
    } catch (error) {
      closeQuietly(file);
      throw error;
    }
    file.close();
    if (this.#stopped) return;
    const path = joinPath(this.#dir, name);
    this.#fs.rename(tmp, path);
    this.#ready = path;
  }
}
