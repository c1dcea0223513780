/**
 * etcdctl's `-w fields`: one `"Name" : value` line per field, strings and
 * bytes in Go's `%q` quoting, a `Prev` prefix for previous key-values, and a
 * blank line after each member or endpoint. The membership changes are
 * `fields not supported as output format` (promote: etcdctl's panic).
 *
 * @module
 */

import type {
  DeleteRangeResponse,
  KeyValue,
  MemberListResponse,
  PutResponse,
  RangeResponse,
  ResponseHeader,
  TxnResponse,
} from "../proto/rpc.ts";
import { goQuote } from "../util/go_strconv.ts";
import type { Output } from "./output.ts";
import {
  type EndpointHealth,
  type EndpointStatus,
  notSupported,
  type Printer,
  promotePanic,
} from "./printer.ts";

/** The fields printer. */
export class FieldsPrinter implements Printer {
  constructor(private readonly output: Output) {}

  #line(name: string, value: string | number | bigint | boolean): void {
    this.output.out(`"${name}" : ${value}\n`);
  }

  #hdr(h: ResponseHeader): void {
    this.#line("ClusterID", h.clusterId);
    this.#line("MemberID", h.memberId);
    this.#line("Revision", h.revision);
    this.#line("RaftTerm", h.raftTerm);
  }

  #kv(prefix: string, kv: KeyValue): void {
    this.#line(`${prefix}Key`, goQuote(kv.key));
    this.#line(`${prefix}CreateRevision`, kv.createRevision);
    this.#line(`${prefix}ModRevision`, kv.modRevision);
    this.#line(`${prefix}Version`, kv.version);
    this.#line(`${prefix}Value`, goQuote(kv.value));
    this.#line(`${prefix}Lease`, kv.lease);
  }

  put(resp: PutResponse): void {
    this.#hdr(resp.header);
    if (resp.prevKv !== null) this.#kv("Prev", resp.prevKv);
  }

  get(resp: RangeResponse): void {
    this.#hdr(resp.header);
    for (const kv of resp.kvs) this.#kv("", kv);
    this.#line("More", resp.more);
    this.#line("Count", resp.count);
  }

  del(resp: DeleteRangeResponse): void {
    this.#hdr(resp.header);
    this.#line("Deleted", resp.deleted);
    for (const kv of resp.prevKvs) this.#kv("Prev", kv);
  }

  txn(resp: TxnResponse): void {
    this.#hdr(resp.header);
    this.#line("Succeeded", resp.succeeded);
    for (const op of resp.responses) {
      if ("responseDeleteRange" in op) this.del(op.responseDeleteRange);
      else if ("responsePut" in op) this.put(op.responsePut);
      else if ("responseRange" in op) this.get(op.responseRange);
      else this.#line("Unknown", goQuote(JSON.stringify(Object.keys(op))));
    }
  }

  memberList(resp: MemberListResponse): void {
    this.#hdr(resp.header);
    for (const m of resp.members) {
      this.#line("ID", m.id);
      this.#line("Name", goQuote(m.name));
      for (const url of m.peerUrls) this.#line("PeerURL", goQuote(url));
      for (const url of m.clientUrls) this.#line("ClientURL", goQuote(url));
      this.#line("IsLearner", m.isLearner);
      this.output.out("\n");
    }
  }

  /** etcdctl's fields printer has no membership changes but member list. */
  memberAdd(): void {
    throw notSupported("fields");
  }

  memberRemove(): void {
    throw notSupported("fields");
  }

  memberUpdate(): void {
    throw notSupported("fields");
  }

  memberPromote(): void {
    throw promotePanic();
  }

  endpointHealth(list: readonly EndpointHealth[]): void {
    for (const h of list) {
      this.#line("Endpoint", goQuote(h.ep));
      this.#line("Health", h.health);
      this.#line("Took", h.took);
      this.#line("Error", h.error);
      this.output.out("\n");
    }
  }

  endpointStatus(list: readonly EndpointStatus[]): void {
    for (const { ep, resp } of list) {
      this.#hdr(resp.header);
      this.#line("Version", goQuote(resp.version));
      this.#line("DBSize", resp.dbSize);
      this.#line("Leader", resp.leader);
      this.#line("IsLearner", resp.isLearner);
      this.#line("RaftIndex", resp.raftIndex);
      this.#line("RaftTerm", resp.raftTerm);
      this.#line("RaftAppliedIndex", resp.raftAppliedIndex);
      this.#line("Errors", `[${resp.errors.join(" ")}]`);
      this.#line("Endpoint", goQuote(ep));
      this.output.out("\n");
    }
  }
}
