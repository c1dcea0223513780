/**
 * Segment file names, as etcd's: `%016x-%016x.wal`, the sequence number and
 * the index of the first entry the segment was cut for, in lowercase hex.
 *
 * @module
 */

import { assert } from "../../util/assert.ts";
import { type FileSystem, joinPath } from "../fs.ts";
import { WalCorruptError } from "./errors.ts";

/** A segment file: its sequence number, first index and name. */
export interface SegmentFile {
  readonly seq: number;
  readonly firstIndex: number;
  readonly name: string;
}

const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

/** The file name of segment `seq` starting at `firstIndex`. */
export function segmentName(seq: number, firstIndex: number): string {
  assert(Number.isSafeInteger(seq) && seq >= 0, `wal: bad segment sequence ${seq}`);
  assert(
    Number.isSafeInteger(firstIndex) && firstIndex >= 0,
    `wal: bad segment index ${firstIndex}`,
  );
  return `${hex16(seq)}-${hex16(firstIndex)}.wal`;
}

function hex16(value: number): string {
  return value.toString(16).padStart(16, "0");
}

/** Whether `name` is a segment file's name. */
export function isSegmentName(name: string): boolean {
  return SEGMENT_NAME.test(name);
}

/**
 * Parses a segment name; null when `name` is not one. Throws
 * {@linkcode WalCorruptError} when a number in it is beyond 2^53.
 */
export function parseSegmentName(name: string, dir: string): SegmentFile | null {
  const match = SEGMENT_NAME.exec(name);
  if (match === null) return null;
  const seq = parseInt(match[1]!, 16);
  const firstIndex = parseInt(match[2]!, 16);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(firstIndex)) {
    throw new WalCorruptError("segment name beyond 2^53", joinPath(dir, name), 0);
  }
  return { seq, firstIndex, name };
}

/**
 * The segment files in `dir`, in sequence order. Throws
 * {@linkcode WalCorruptError} when a sequence number is missing.
 */
export function listSegments(fs: FileSystem, dir: string): SegmentFile[] {
  const segments: SegmentFile[] = [];
  for (const name of fs.readDir(dir)) {
    const segment = parseSegmentName(name, dir);
    if (segment !== null) segments.push(segment);
  }
  segments.sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < segments.length; i++) {
    const previous = segments[i - 1]!;
    const segment = segments[i]!;
    if (segment.seq !== previous.seq + 1) {
      const what = segment.seq === previous.seq
        ? `duplicate segment sequence ${segment.seq}`
        : `missing segment: sequence ${previous.seq + 1} expected before this one`;
      throw new WalCorruptError(what, joinPath(dir, segment.name), 0);
    }
  }
  return segments;
}

/**
 * The position of the segment to start reading at for a snapshot at
 * `index`: the last one whose first index is at most `index`; -1 if none.
 */
export function searchIndex(segments: readonly SegmentFile[], index: number): number {
  for (let i = segments.length - 1; i >= 0; i--) {
    if (segments[i]!.firstIndex <= index) return i;
  }
  return -1;
}
