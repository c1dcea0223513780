/**
 * etcdctl's `-w json`: Go's `encoding/json` of the protobuf structs, which
 * differs from the gateway's JSON: int64 and uint64 are JSON numbers, a
 * txn's responses are `{"Response":{"ResponseRange":…}}` (Go field names of
 * the oneof), bytes are standard base64, empty fields are omitted
 * (`omitempty`), and strings escape `<`, `>`, `&` as Go does.
 *
 * @module
 */

import type {
  DeleteRangeResponse,
  KeyValue,
  Member,
  MemberAddResponse,
  MemberListResponse,
  PutResponse,
  RangeResponse,
  ResponseHeader,
  ResponseOp,
  StatusResponse,
  TxnResponse,
} from "../proto/rpc.ts";
import type { Output } from "./output.ts";
import { type EndpointHealth, type EndpointStatus, type Printer, promotePanic } from "./printer.ts";

/** Go's `encoding/json` string encoding (HTML-safe, U+2028/U+2029 escaped). */
export function goJsonString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || ch === "<" || ch === ">" || ch === "&") {
      out += "\\u00" + cp.toString(16).padStart(2, "0");
    } else if (cp === 0x2028 || cp === 0x2029) out += "\\u" + cp.toString(16);
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd";
    else out += ch;
  }
  return out + '"';
}

/** Standard base64 with padding (Go's `[]byte` in JSON). */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** One JSON field: its name and encoded value (`undefined`: left out). */
export type Field = readonly [name: string, encoded: string | undefined];

/** A JSON object of `fields` in order, the left-out ones skipped. */
export function obj(fields: readonly Field[]): string {
  const present = fields.filter((f): f is readonly [string, string] => f[1] !== undefined);
  return "{" + present.map(([name, value]) => `${goJsonString(name)}:${value}`).join(",") + "}";
}

/** omitempty helpers: `undefined` for a zero value. */
const num = (n: number | bigint): string | undefined => (n === 0 || n === 0n ? undefined : `${n}`);
const flag = (b: boolean): string | undefined => (b ? "true" : undefined);
const str = (s: string): string | undefined => (s === "" ? undefined : goJsonString(s));
const bytes = (
  b: Uint8Array,
): string | undefined => (b.length === 0 ? undefined : `"${base64(b)}"`);
const list = (items: readonly string[]): string | undefined =>
  items.length === 0 ? undefined : `[${items.join(",")}]`;

/** A ResponseHeader as etcdctl's JSON (int64 as numbers, zero values left out). */
export function header(h: ResponseHeader): string {
  return obj([
    ["cluster_id", num(h.clusterId)],
    ["member_id", num(h.memberId)],
    ["revision", num(h.revision)],
    ["raft_term", num(h.raftTerm)],
  ]);
}

/** An mvccpb.KeyValue as etcdctl's JSON. */
export function keyValue(kv: KeyValue): string {
  return obj([
    ["key", bytes(kv.key)],
    ["create_revision", num(kv.createRevision)],
    ["mod_revision", num(kv.modRevision)],
    ["version", num(kv.version)],
    ["value", bytes(kv.value)],
    ["lease", num(kv.lease)],
  ]);
}

/** JSON of a RangeResponse as etcdctl prints it. */
export function rangeJson(r: RangeResponse): string {
  return obj([
    ["header", header(r.header)],
    ["kvs", list(r.kvs.map(keyValue))],
    ["more", flag(r.more)],
    ["count", num(r.count)],
  ]);
}

/** JSON of a PutResponse as etcdctl prints it. */
export function putJson(r: PutResponse): string {
  return obj([["header", header(r.header)], [
    "prev_kv",
    r.prevKv === null ? undefined : keyValue(r.prevKv),
  ]]);
}

/** JSON of a DeleteRangeResponse as etcdctl prints it. */
export function deleteJson(r: DeleteRangeResponse): string {
  return obj([
    ["header", header(r.header)],
    ["deleted", num(r.deleted)],
    ["prev_kvs", list(r.prevKvs.map(keyValue))],
  ]);
}

function responseOp(op: ResponseOp): string {
  let inner: Field;
  if ("responseRange" in op) inner = ["ResponseRange", rangeJson(op.responseRange)];
  else if ("responsePut" in op) inner = ["ResponsePut", putJson(op.responsePut)];
  else if ("responseDeleteRange" in op) {
    inner = ["ResponseDeleteRange", deleteJson(op.responseDeleteRange)];
  } else inner = ["ResponseTxn", txnJson(op.responseTxn)];
  return obj([["Response", obj([inner])]]);
}

/** JSON of a TxnResponse as etcdctl prints it. */
export function txnJson(r: TxnResponse): string {
  return obj([
    ["header", header(r.header)],
    ["succeeded", flag(r.succeeded)],
    ["responses", list(r.responses.map(responseOp))],
  ]);
}

function member(m: Member): string {
  return obj([
    ["ID", num(m.id)],
    ["name", str(m.name)],
    ["peerURLs", list(m.peerUrls.map(goJsonString))],
    ["clientURLs", list(m.clientUrls.map(goJsonString))],
    ["isLearner", flag(m.isLearner)],
  ]);
}

/**
 * JSON of a MemberListResponse as etcdctl prints it; the same shape serves
 * MemberRemoveResponse and MemberUpdateResponse.
 */
export function memberListJson(r: MemberListResponse): string {
  return obj([["header", header(r.header)], ["members", list(r.members.map(member))]]);
}

/** JSON of a MemberAddResponse as etcdctl prints it. */
export function memberAddJson(r: MemberAddResponse): string {
  return obj([
    ["header", header(r.header)],
    ["member", r.member === null ? undefined : member(r.member)],
    ["members", list(r.members.map(member))],
  ]);
}

/** JSON of a StatusResponse as etcdctl prints it. */
export function statusJson(r: StatusResponse): string {
  return obj([
    ["header", header(r.header)],
    ["version", str(r.version)],
    ["dbSize", num(r.dbSize)],
    ["leader", num(r.leader)],
    ["raftIndex", num(r.raftIndex)],
    ["raftTerm", num(r.raftTerm)],
    ["raftAppliedIndex", num(r.raftAppliedIndex)],
    ["errors", list(r.errors.map(goJsonString))],
    ["dbSizeInUse", num(r.dbSizeInUse)],
    ["isLearner", flag(r.isLearner)],
  ]);
}

/** The JSON printer. */
export class JsonPrinter implements Printer {
  constructor(private readonly output: Output) {}

  #print(json: string): void {
    this.output.out(json + "\n");
  }

  put(resp: PutResponse): void {
    this.#print(putJson(resp));
  }

  get(resp: RangeResponse): void {
    this.#print(rangeJson(resp));
  }

  del(resp: DeleteRangeResponse): void {
    this.#print(deleteJson(resp));
  }

  txn(resp: TxnResponse): void {
    this.#print(txnJson(resp));
  }

  memberList(resp: MemberListResponse): void {
    this.#print(memberListJson(resp));
  }

  memberAdd(resp: MemberAddResponse): void {
    this.#print(memberAddJson(resp));
  }

  memberRemove(_id: bigint, resp: MemberListResponse): void {
    this.#print(memberListJson(resp));
  }

  memberUpdate(_id: bigint, resp: MemberListResponse): void {
    this.#print(memberListJson(resp));
  }

  memberPromote(): void {
    throw promotePanic();
  }

  endpointHealth(list: readonly EndpointHealth[]): void {
    const items = list.map((h) =>
      obj([
        ["endpoint", goJsonString(h.ep)],
        ["health", String(h.health)],
        ["took", goJsonString(h.took)],
        ["error", str(h.error)],
      ])
    );
    this.#print(`[${items.join(",")}]`);
  }

  endpointStatus(list: readonly EndpointStatus[]): void {
    const items = list.map((s) =>
      obj([["Endpoint", goJsonString(s.ep)], ["Status", statusJson(s.resp)]])
    );
    this.#print(`[${items.join(",")}]`);
  }
}
