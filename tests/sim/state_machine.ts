/**
 * The simulated members' state machine: a tiny key→value map, the codec of
 * the client writes carried in entry data, and a chained hash over every
 * applied entry so two members at the same applied index can be compared in
 * O(1).
 *
 * @module
 */

import type { Entry } from "../../src/raft/mod.ts";
import { fnv1aBytes, fnv1aNumber, fnv1aString, FNV_OFFSET } from "./trace.ts";

/** A client write carried in a normal entry. */
export interface WriteCommand {
  /** Identifies the client operation: `<client>.<sequence>`. */
  readonly tag: string;
  readonly key: string;
  /** Unique over the whole run. */
  readonly value: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const commandCache = new WeakMap<Uint8Array, WriteCommand | null>();
const hashCache = new WeakMap<Uint8Array, number>();

/** Encodes a write of `value` to `key` by operation `tag`. */
export function encodeWrite(tag: string, key: string, value: string): Uint8Array {
  return encoder.encode(`w|${tag}|${key}|${value}`);
}

/** Decodes entry data; null for a leader no-op or anything that is not a write. */
export function decodeWrite(data: Uint8Array): WriteCommand | null {
  if (data.length === 0) return null;
  const cached = commandCache.get(data);
  if (cached !== undefined) return cached;
  const parts = decoder.decode(data).split("|");
  let command: WriteCommand | null = null;
  if (parts.length === 4 && parts[0] === "w") {
    command = { tag: parts[1]!, key: parts[2]!, value: parts[3]! };
  }
  commandCache.set(data, command);
  return command;
}

/** A 32-bit hash of entry data (cached per buffer). */
export function dataHash(data: Uint8Array): number {
  const cached = hashCache.get(data);
  if (cached !== undefined) return cached;
  const hash = fnv1aBytes(FNV_OFFSET, data);
  hashCache.set(data, hash);
  return hash;
}

/** The chain hash after applying `entry` on top of `chain`. */
export function chainHash(chain: number, entry: Entry): number {
  let hash = fnv1aNumber(chain, entry.index);
  hash = fnv1aNumber(hash, entry.term);
  hash = fnv1aNumber(hash, entry.type === "normal" ? 1 : 2);
  return fnv1aNumber(hash, dataHash(entry.data));
}

/** A stored value and the index of the entry that wrote it. */
export interface StoredValue {
  readonly value: string;
  readonly index: number;
}

interface SnapshotImage {
  readonly applied: number;
  readonly chain: number;
  readonly kv: [string, string, number][];
}

/** The key→value map with its applied index and chain hash. */
export class KvStateMachine {
  applied = 0;
  chain = FNV_OFFSET;
  readonly kv = new Map<string, StoredValue>();

  /** Applies one committed entry; returns the write it held, if any. */
  apply(entry: Entry): WriteCommand | null {
    this.applied = entry.index;
    this.chain = chainHash(this.chain, entry);
    if (entry.type !== "normal") return null;
    const command = decodeWrite(entry.data);
    if (command !== null) this.kv.set(command.key, { value: command.value, index: entry.index });
    return command;
  }

  /** Serializes the map, applied index and chain (keys sorted: canonical bytes). */
  snapshot(): Uint8Array {
    const kv: [string, string, number][] = [];
    for (const key of [...this.kv.keys()].sort()) {
      const stored = this.kv.get(key)!;
      kv.push([key, stored.value, stored.index]);
    }
    const image: SnapshotImage = { applied: this.applied, chain: this.chain, kv };
    return encoder.encode(JSON.stringify(image));
  }

  /** A state machine restored from {@linkcode KvStateMachine.snapshot} bytes (empty bytes: fresh). */
  static restore(bytes: Uint8Array): KvStateMachine {
    const machine = new KvStateMachine();
    if (bytes.length === 0) return machine;
    const image = JSON.parse(decoder.decode(bytes)) as SnapshotImage;
    machine.applied = image.applied;
    machine.chain = image.chain;
    for (const [key, value, index] of image.kv) machine.kv.set(key, { value, index });
    return machine;
  }

  /** A hash of the map contents alone. */
  contentHash(): number {
    const keys = [...this.kv.keys()].sort();
    let hash = FNV_OFFSET;
    for (const key of keys) hash = fnv1aString(fnv1aString(hash, key), this.kv.get(key)!.value);
    return hash;
  }
}
