/**
 * What a member proposes through Raft: one request per normal entry, with
 * the proposing process's request id so the apply loop can wake the waiter.
 * Encoded with msgpackr; decoding normalises msgpackr's `Buffer`s into plain
 * `Uint8Array` views and checks the shape, so a bad entry is a typed error
 * rather than a confusing crash later.
 *
 * @module
 */

import { Packr } from "msgpackr";
import type {
  CompactionRequest,
  DeleteRangeRequest,
  Member,
  PutRequest,
  TxnRequest,
} from "../proto/rpc.ts";

/** A request carried by one log entry. */
export type InternalRequest =
  | { readonly kind: "put"; readonly id: string; readonly request: PutRequest }
  | { readonly kind: "deleteRange"; readonly id: string; readonly request: DeleteRangeRequest }
  | { readonly kind: "txn"; readonly id: string; readonly request: TxnRequest }
  | { readonly kind: "compaction"; readonly id: string; readonly request: CompactionRequest }
  | {
    readonly kind: "memberUpdate";
    readonly id: string;
    readonly memberId: bigint;
    readonly peerUrls: readonly string[];
  }
  | {
    readonly kind: "memberAttributes";
    readonly id: string;
    readonly memberId: bigint;
    readonly name: string;
    readonly clientUrls: readonly string[];
  }
  /** etcd's LeaseGrant: `ttl` already raised to the minimum by the proposer. */
  | {
    readonly kind: "leaseGrant";
    readonly id: string;
    readonly leaseId: bigint;
    readonly ttl: number;
  }
  /** etcd's LeaseRevoke (asked by a client, or by the leader for an expired lease). */
  | { readonly kind: "leaseRevoke"; readonly id: string; readonly leaseId: bigint };

/** The kinds of request a log entry may carry. */
export const REQUEST_KINDS: ReadonlySet<string> = new Set([
  "put",
  "deleteRange",
  "txn",
  "compaction",
  "memberUpdate",
  "memberAttributes",
  "leaseGrant",
  "leaseRevoke",
]);

/** An entry's payload could not be decoded. */
export class EntryDecodeError extends Error {
  constructor(message: string) {
    super(`Cannot decode log entry: ${message}`);
    this.name = "EntryDecodeError";
  }
}

const packr = new Packr(
  { useRecords: false, int64AsType: "bigint" } as ConstructorParameters<
    typeof Packr
  >[0],
);

/**
 * A put, the entry every member decodes most, is a positional array
 * `[PUT_CODE, id, key, value, lease, flags]` (flags: 1 prevKv, 2
 * ignoreValue, 4 ignoreLease): about a sixth of a map's decoding time.
 * Other requests are maps; entries written as maps by earlier versions
 * (puts included) still decode.
 */
const PUT_CODE = 1;
const PUT_FIELDS = 6;
const FLAG_PREV_KV = 1;
const FLAG_IGNORE_VALUE = 2;
const FLAG_IGNORE_LEASE = 4;
const FLAGS_ALL = FLAG_PREV_KV | FLAG_IGNORE_VALUE | FLAG_IGNORE_LEASE;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Encodes a request for a log entry. */
export function encodeRequest(request: InternalRequest): Uint8Array {
  if (request.kind !== "put") return packr.pack(request);
  const put = request.request;
  const flags = (put.prevKv ? FLAG_PREV_KV : 0) | (put.ignoreValue ? FLAG_IGNORE_VALUE : 0) |
    (put.ignoreLease ? FLAG_IGNORE_LEASE : 0);
  return packr.pack([PUT_CODE, request.id, put.key, put.value, put.lease, flags]);
}

/** Decodes a log entry's request; throws EntryDecodeError. */
export function decodeRequest(data: Uint8Array): InternalRequest {
  let decoded: unknown;
  try {
    decoded = packr.unpack(data);
  } catch (error) {
    throw new EntryDecodeError(error instanceof Error ? error.message : String(error));
  }
  if (Array.isArray(decoded)) return decodePut(decoded);
  const plain = normalize(decoded, 0);
  if (typeof plain !== "object" || plain === null || Array.isArray(plain)) {
    throw new EntryDecodeError("not an object");
  }
  const record = plain as Record<string, unknown>;
  if (typeof record.kind !== "string" || !REQUEST_KINDS.has(record.kind)) {
    throw new EntryDecodeError(`unknown kind ${String(record.kind)}`);
  }
  if (typeof record.id !== "string") throw new EntryDecodeError("missing request id");
  return record as unknown as InternalRequest;
}

function decodePut(fields: readonly unknown[]): InternalRequest {
  if (fields.length !== PUT_FIELDS || fields[0] !== PUT_CODE) {
    throw new EntryDecodeError("unknown positional request");
  }
  const [, id, key, value, lease, flags] = fields;
  if (typeof id !== "string") throw new EntryDecodeError("missing request id");
  if (!(key instanceof Uint8Array) || !(value instanceof Uint8Array)) {
    throw new EntryDecodeError("put key or value is not bytes");
  }
  const leaseId = typeof lease === "number" && Number.isSafeInteger(lease) ? BigInt(lease) : lease;
  if (typeof leaseId !== "bigint" || leaseId < INT64_MIN || leaseId > INT64_MAX) {
    throw new EntryDecodeError("put lease is not an int64");
  }
  if (typeof flags !== "number" || (flags & ~FLAGS_ALL) !== 0) {
    throw new EntryDecodeError("bad put flags");
  }
  return {
    kind: "put",
    id,
    request: {
      key: plainView(key),
      value: plainView(value),
      lease: leaseId,
      prevKv: (flags & FLAG_PREV_KV) !== 0,
      ignoreValue: (flags & FLAG_IGNORE_VALUE) !== 0,
      ignoreLease: (flags & FLAG_IGNORE_LEASE) !== 0,
    },
  };
}

/** A plain `Uint8Array` view of msgpackr's Buffer (same bytes, no copy). */
function plainView(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const NESTING_MAX = 64;

/** msgpackr's Buffers → plain Uint8Array views; small bigints stay bigints. */
function normalize(value: unknown, depth: number): unknown {
  if (depth > NESTING_MAX) throw new EntryDecodeError("nested too deeply");
  if (value instanceof Uint8Array) return plainView(value);
  if (Array.isArray(value)) return value.map((item) => normalize(item, depth + 1));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = normalize(item, depth + 1);
    return out;
  }
  return value;
}

/** What a membership change carries in its context: the waiting request and the member. */
export interface ConfChangeContext {
  readonly id: string;
  /** The member added or promoted; null for a removal. */
  readonly member: Member | null;
}

/** Encodes a conf change's context. */
export function encodeConfChangeContext(context: ConfChangeContext): Uint8Array {
  return packr.pack(context);
}

/** Decodes a conf change's context; an empty or foreign one gives id "" and no member. */
export function decodeConfChangeContext(data: Uint8Array): ConfChangeContext {
  if (data.length === 0) return { id: "", member: null };
  let decoded: unknown;
  try {
    decoded = normalize(packr.unpack(data), 0);
  } catch (error) {
    throw new EntryDecodeError(error instanceof Error ? error.message : String(error));
  }
  const record = decoded as Record<string, unknown> | null;
  if (typeof record !== "object" || record === null || typeof record.id !== "string") {
    throw new EntryDecodeError("bad conf change context");
  }
  const member = record.member as Record<string, unknown> | null | undefined;
  if (member === null || member === undefined) return { id: record.id, member: null };
  if (typeof member.id !== "bigint" || typeof member.name !== "string") {
    throw new EntryDecodeError("bad member in conf change context");
  }
  return {
    id: record.id,
    member: {
      id: member.id,
      name: member.name,
      peerUrls: stringList(member.peerUrls),
      clientUrls: stringList(member.clientUrls),
      isLearner: member.isLearner === true,
    },
  };
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new EntryDecodeError("bad URL list");
  }
  return [...value] as string[];
}
