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

/** Encodes a request for a log entry. */
export function encodeRequest(request: InternalRequest): Uint8Array {
  return packr.pack(request);
}

/** Decodes a log entry's request; throws EntryDecodeError. */
export function decodeRequest(data: Uint8Array): InternalRequest {
  let decoded: unknown;
  try {
    decoded = packr.unpack(data);
  } catch (error) {
    throw new EntryDecodeError(error instanceof Error ? error.message : String(error));
  }
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

const NESTING_MAX = 64;

/** msgpackr's Buffers → plain Uint8Array views; small bigints stay bigints. */
function normalize(value: unknown, depth: number): unknown {
  if (depth > NESTING_MAX) throw new EntryDecodeError("nested too deeply");
  if (value instanceof Uint8Array) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
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
