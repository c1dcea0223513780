/**
 * etcdctl's default `-w simple` output: keys and values as raw bytes, one
 * per line (`\xNN` per byte with `--hex`), `OK` for a put, the deleted count
 * for a del, `SUCCESS`/`FAILURE` then each response for a txn, and
 * comma-separated rows for member list and endpoint status, `Member <id>
 * added to cluster <id>` and the like for the membership changes. `endpoint
 * health` goes to standard error, as etcdctl writes it.
 *
 * @module
 */

import type {
  DeleteRangeResponse,
  KeyValue,
  MemberAddResponse,
  MemberListResponse,
  PutResponse,
  RangeResponse,
  ResponseHeader,
  TxnResponse,
} from "../proto/rpc.ts";
import { utf8Encode } from "../util/bytes.ts";
import type { Output } from "./output.ts";
import type { EndpointHealth, EndpointStatus, Printer } from "./printer.ts";
import { endpointStatusRows, memberListRows } from "./printer_rows.ts";

const NEWLINE = utf8Encode("\n");

/** Go's `%16x`: lower-case hex, padded with spaces to 16 characters. */
export function hex16(n: bigint): string {
  return n.toString(16).padStart(16, " ");
}

/** `\xNN` for every byte, as etcdctl's `addHexPrefix(hex.EncodeToString(b))`. */
export function hexEscaped(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += "\\x" + byte.toString(16).padStart(2, "0");
  return out;
}

/** The simple printer; `valueOnly` is `get --print-value-only`. */
export class SimplePrinter implements Printer {
  valueOnly = false;

  constructor(private readonly output: Output, private readonly isHex: boolean) {}

  #line(bytes: Uint8Array): void {
    if (this.isHex) this.output.out(hexEscaped(bytes));
    else this.output.out(bytes);
    this.output.out(NEWLINE);
  }

  #kv(kv: KeyValue): void {
    if (!this.valueOnly) this.#line(kv.key);
    this.#line(kv.value);
  }

  put(resp: PutResponse): void {
    this.output.out("OK\n");
    if (resp.prevKv !== null) this.#kv(resp.prevKv);
  }

  get(resp: RangeResponse): void {
    for (const kv of resp.kvs) this.#kv(kv);
  }

  del(resp: DeleteRangeResponse): void {
    this.output.out(`${resp.deleted}\n`);
    for (const kv of resp.prevKvs) this.#kv(kv);
  }

  txn(resp: TxnResponse): void {
    this.output.out(resp.succeeded ? "SUCCESS\n" : "FAILURE\n");
    for (const op of resp.responses) {
      this.output.out("\n");
      if ("responseDeleteRange" in op) this.del(op.responseDeleteRange);
      else if ("responsePut" in op) this.put(op.responsePut);
      else if ("responseRange" in op) this.get(op.responseRange);
      else this.output.out(`unexpected response ${JSON.stringify(Object.keys(op))}\n`);
    }
  }

  memberList(resp: MemberListResponse): void {
    for (const row of memberListRows(resp).rows) this.output.out(row.join(", ") + "\n");
  }

  /** etcdctl 3.4 prints no "as learner" here, even for a learner. */
  memberAdd(resp: MemberAddResponse): void {
    const id = resp.member?.id ?? 0n;
    this.output.out(`Member ${hex16(id)} added to cluster ${hex16(resp.header.clusterId)}\n`);
  }

  memberRemove(id: bigint, resp: { header: ResponseHeader }): void {
    this.output.out(`Member ${hex16(id)} removed from cluster ${hex16(resp.header.clusterId)}\n`);
  }

  memberUpdate(id: bigint, resp: { header: ResponseHeader }): void {
    this.output.out(`Member ${hex16(id)} updated in cluster ${hex16(resp.header.clusterId)}\n`);
  }

  memberPromote(id: bigint, resp: { header: ResponseHeader }): void {
    this.output.out(`Member ${hex16(id)} promoted in cluster ${hex16(resp.header.clusterId)}\n`);
  }

  endpointHealth(list: readonly EndpointHealth[]): void {
    for (const h of list) {
      this.output.err(
        h.error === ""
          ? `${h.ep} is healthy: successfully committed proposal: took = ${h.took}\n`
          : `${h.ep} is unhealthy: failed to commit proposal: ${h.error}\n`,
      );
    }
  }

  endpointStatus(list: readonly EndpointStatus[]): void {
    for (const row of endpointStatusRows(list).rows) this.output.out(row.join(", ") + "\n");
  }
}
