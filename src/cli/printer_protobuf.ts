/**
 * etcdctl's `-w protobuf`: the response's protobuf encoding, written as raw
 * bytes without a newline. Fields go in field-number order and proto3 zero
 * values are left out, as gogo/protobuf's `Marshal` writes them.
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
  TxnResponse,
} from "../proto/rpc.ts";
import { utf8Encode } from "../util/bytes.ts";
import type { Output } from "./output.ts";
import { UnsupportedPrinter } from "./printer.ts";

const MASK_64 = (1n << 64n) - 1n;

/** A protobuf message under construction. */
export class Message {
  readonly bytes: number[] = [];

  #varint(value: bigint): void {
    let v = value & MASK_64;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  /** A varint field (int64, uint64, bool), left out when zero. */
  int(field: number, value: number | bigint | boolean): this {
    const v = typeof value === "boolean" ? (value ? 1n : 0n) : BigInt(value);
    if (v === 0n) return this;
    this.#varint(BigInt(field << 3));
    this.#varint(v);
    return this;
  }

  /** A length-delimited field, always written. */
  raw(field: number, data: Uint8Array | readonly number[]): this {
    this.#varint(BigInt((field << 3) | 2));
    this.#varint(BigInt(data.length));
    for (const byte of data) this.bytes.push(byte);
    return this;
  }

  /** A bytes or string field, left out when empty. */
  data(field: number, value: Uint8Array | string): this {
    const data = typeof value === "string" ? utf8Encode(value) : value;
    return data.length === 0 ? this : this.raw(field, data);
  }

  /** A nested message field (written even when empty). */
  msg(field: number, message: Message): this {
    return this.raw(field, message.bytes);
  }
}

/** A ResponseHeader as protobuf. */
export function header(h: ResponseHeader): Message {
  return new Message().int(1, h.clusterId).int(2, h.memberId).int(3, h.revision)
    .int(4, h.raftTerm);
}

/** An mvccpb.KeyValue as protobuf. */
export function keyValue(kv: KeyValue): Message {
  return new Message().data(1, kv.key).int(2, kv.createRevision).int(3, kv.modRevision)
    .int(4, kv.version).data(5, kv.value).int(6, kv.lease);
}

function range(r: RangeResponse): Message {
  const m = new Message().msg(1, header(r.header));
  for (const kv of r.kvs) m.msg(2, keyValue(kv));
  return m.int(3, r.more).int(4, r.count);
}

function put(r: PutResponse): Message {
  const m = new Message().msg(1, header(r.header));
  return r.prevKv === null ? m : m.msg(2, keyValue(r.prevKv));
}

function del(r: DeleteRangeResponse): Message {
  const m = new Message().msg(1, header(r.header)).int(2, r.deleted);
  for (const kv of r.prevKvs) m.msg(3, keyValue(kv));
  return m;
}

function responseOp(op: ResponseOp): Message {
  if ("responseRange" in op) return new Message().msg(1, range(op.responseRange));
  if ("responsePut" in op) return new Message().msg(2, put(op.responsePut));
  if ("responseDeleteRange" in op) return new Message().msg(3, del(op.responseDeleteRange));
  return new Message().msg(4, txn(op.responseTxn));
}

function txn(r: TxnResponse): Message {
  const m = new Message().msg(1, header(r.header)).int(2, r.succeeded);
  for (const op of r.responses) m.msg(3, responseOp(op));
  return m;
}

function member(mem: Member): Message {
  const m = new Message().int(1, mem.id).data(2, mem.name);
  for (const url of mem.peerUrls) m.raw(3, utf8Encode(url));
  for (const url of mem.clientUrls) m.raw(4, utf8Encode(url));
  return m.int(5, mem.isLearner);
}

/** MemberListResponse; MemberRemove/Update/PromoteResponse have the same fields. */
function memberList(r: MemberListResponse): Message {
  const m = new Message().msg(1, header(r.header));
  for (const mem of r.members) m.msg(2, member(mem));
  return m;
}

function memberAdd(r: MemberAddResponse): Message {
  const m = new Message().msg(1, header(r.header));
  if (r.member !== null) m.msg(2, member(r.member));
  for (const mem of r.members) m.msg(3, member(mem));
  return m;
}

/**
 * The protobuf printer: KV results, member list, add, remove and update; the
 * rest is unsupported (promote: etcdctl's panic).
 */
export class ProtobufPrinter extends UnsupportedPrinter {
  constructor(private readonly output: Output) {
    super("protobuf");
  }

  #print(message: Message): void {
    this.output.out(new Uint8Array(message.bytes));
  }

  override put(resp: PutResponse): void {
    this.#print(put(resp));
  }

  override get(resp: RangeResponse): void {
    this.#print(range(resp));
  }

  override del(resp: DeleteRangeResponse): void {
    this.#print(del(resp));
  }

  override txn(resp: TxnResponse): void {
    this.#print(txn(resp));
  }

  override memberList(resp: MemberListResponse): void {
    this.#print(memberList(resp));
  }

  override memberAdd(resp: MemberAddResponse): void {
    this.#print(memberAdd(resp));
  }

  override memberRemove(_id: bigint, resp: MemberListResponse): void {
    this.#print(memberList(resp));
  }

  override memberUpdate(_id: bigint, resp: MemberListResponse): void {
    this.#print(memberList(resp));
  }
}
