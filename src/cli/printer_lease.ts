/**
 * How etcdctl 3.4.23 prints the lease commands' results in each
 * `--write-out` format (recorded against a real etcd):
 * - simple: `lease 73d4a20a160cfb14 granted with TTL(60s)`, `… revoked`,
 *   `… granted with TTL(60s), remaining(59s)[, attached keys([a b])]` or
 *   `… already expired`, `found N leases` and one id a line,
 *   `… keepalived with TTL(60)`;
 * - json: Go's encoding/json of clientv3's structs: the header's fields
 *   flattened (zero ones left out), then `ID`/`TTL`/`Error` (grant),
 *   `id`/`ttl`/`granted-ttl`/`keys` (time-to-live, `keys` null when none),
 *   `leases:[{"id":N}]`, `ID`/`TTL` (keep-alive); revoke is the protobuf
 *   struct: `{"header":{…}}`;
 * - fields: the header's four lines, then the fields (`"Key" : "…"` per key);
 * - protobuf: only the header's bytes (clientv3's structs embed the header,
 *   whose Marshal is what etcdctl finds); revoke: "marshal unsupported";
 * - table: "table not supported as output format" (exit 4).
 *
 * @module
 */

import type { ResponseHeader } from "../proto/rpc.ts";
import type {
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
} from "../proto/rpc_lease.ts";
import { goQuote } from "../util/go_strconv.ts";
import { utf8Encode } from "../util/bytes.ts";
import { ExitCode, exitWithError } from "./exit.ts";
import type { Output } from "./output.ts";
import { notSupported, type OutputFormat } from "./printer.ts";
import { base64, goJsonString } from "./printer_json.ts";

/** Go's `%016x` of an int64 (a negative id keeps its sign inside the width). */
export function leaseHex(id: bigint): string {
  if (id >= 0n) return id.toString(16).padStart(16, "0");
  return "-" + (-id).toString(16).padStart(15, "0");
}

/** What each format prints for the lease commands. */
export interface LeasePrinter {
  grant(resp: LeaseGrantResponse): void;
  revoke(id: bigint, resp: LeaseRevokeResponse): void;
  timeToLive(resp: LeaseTimeToLiveResponse, keys: boolean): void;
  leases(resp: LeaseLeasesResponse): void;
  keepAlive(resp: LeaseKeepAliveResponse): void;
}

/** The printer of `format` (a name etcdctl knows). */
export function leasePrinter(format: OutputFormat, output: Output): LeasePrinter {
  switch (format) {
    case "simple":
      return simplePrinter(output);
    case "json":
      return jsonPrinter(output);
    case "fields":
      return fieldsPrinter(output);
    case "protobuf":
      return protobufPrinter(output);
    case "table":
      return unsupported(format);
  }
}

function unsupported(format: OutputFormat): LeasePrinter {
  const fail = (): never => {
    throw notSupported(format);
  };
  return { grant: fail, revoke: fail, timeToLive: fail, leases: fail, keepAlive: fail };
}

// ---- simple ---------------------------------------------------------------------

const SPACE = utf8Encode(" ");

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function simplePrinter(output: Output): LeasePrinter {
  const line = (text: string) => output.out(text + "\n");
  return {
    grant: (r) => line(`lease ${leaseHex(r.id)} granted with TTL(${r.ttl}s)`),
    revoke: (id) => line(`lease ${leaseHex(id)} revoked`),
    timeToLive(r, keys) {
      if (r.grantedTtl === 0 && r.ttl === -1) {
        return line(`lease ${leaseHex(r.id)} already expired`);
      }
      const text = `lease ${
        leaseHex(r.id)
      } granted with TTL(${r.grantedTtl}s), remaining(${r.ttl}s)`;
      if (!keys) return line(text);
      // Go's string(key): the key's bytes as they are.
      output.out(text + ", attached keys([");
      r.keys.forEach((key, i) => output.out(i === 0 ? key : concat(SPACE, key)));
      output.out("])\n");
    },
    leases(r) {
      line(`found ${r.leases.length} leases`);
      for (const lease of r.leases) line(leaseHex(lease.id));
    },
    keepAlive: (r) => line(`lease ${leaseHex(r.id)} keepalived with TTL(${r.ttl})`),
  };
}

// ---- json -----------------------------------------------------------------------

type Field = readonly [name: string, encoded: string | undefined];

function obj(fields: readonly Field[]): string {
  const present = fields.filter((f): f is readonly [string, string] => f[1] !== undefined);
  return "{" + present.map(([name, value]) => `"${name}":${value}`).join(",") + "}";
}

/** omitempty of a number. */
const omitZero = (
  n: number | bigint,
): string | undefined => (n === 0 || n === 0n ? undefined : `${n}`);

function headerFields(h: ResponseHeader): Field[] {
  return [
    ["cluster_id", omitZero(h.clusterId)],
    ["member_id", omitZero(h.memberId)],
    ["revision", omitZero(h.revision)],
    ["raft_term", omitZero(h.raftTerm)],
  ];
}

function jsonPrinter(output: Output): LeasePrinter {
  const line = (text: string) => output.out(text + "\n");
  return {
    grant: (r) =>
      line(obj([
        ...headerFields(r.header),
        ["ID", `${r.id}`],
        ["TTL", `${r.ttl}`],
        ["Error", goJsonString(r.error)],
      ])),
    revoke: (_id, r) => line(obj([["header", obj(headerFields(r.header))]])),
    timeToLive: (r) =>
      line(obj([
        ...headerFields(r.header),
        ["id", `${r.id}`],
        ["ttl", `${r.ttl}`],
        ["granted-ttl", `${r.grantedTtl}`],
        [
          "keys",
          r.keys.length === 0 ? "null" : `[${r.keys.map((k) => `"${base64(k)}"`).join(",")}]`,
        ],
      ])),
    leases: (r) =>
      line(obj([
        ...headerFields(r.header),
        ["leases", `[${r.leases.map((l) => `{"id":${l.id}}`).join(",")}]`],
      ])),
    keepAlive: (r) =>
      line(obj([...headerFields(r.header), ["ID", `${r.id}`], ["TTL", `${r.ttl}`]])),
  };
}

// ---- fields ---------------------------------------------------------------------

function fieldsPrinter(output: Output): LeasePrinter {
  const field = (name: string, value: string | number | bigint) =>
    output.out(`"${name}" : ${value}\n`);
  const header = (h: ResponseHeader) => {
    field("ClusterID", h.clusterId);
    field("MemberID", h.memberId);
    field("Revision", h.revision);
    field("RaftTerm", h.raftTerm);
  };
  return {
    grant(r) {
      header(r.header);
      field("ID", r.id);
      field("TTL", r.ttl);
    },
    revoke: (_id, r) => header(r.header),
    timeToLive(r) {
      header(r.header);
      field("ID", r.id);
      field("TTL", r.ttl);
      field("GrantedTTL", r.grantedTtl);
      for (const key of r.keys) field("Key", goQuote(key));
    },
    leases(r) {
      header(r.header);
      for (const lease of r.leases) field("ID", lease.id);
    },
    keepAlive(r) {
      header(r.header);
      field("ID", r.id);
      field("TTL", r.ttl);
    },
  };
}

// ---- protobuf -------------------------------------------------------------------

const MASK_64 = (1n << 64n) - 1n;

function varint(out: number[], value: bigint): void {
  let v = value & MASK_64;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

/** etcdserverpb.ResponseHeader's protobuf bytes (zero fields left out). */
export function headerProtobuf(h: ResponseHeader): Uint8Array {
  const out: number[] = [];
  const values = [h.clusterId, h.memberId, BigInt(h.revision), BigInt(h.raftTerm)];
  values.forEach((value, i) => {
    if (value === 0n) return;
    varint(out, BigInt((i + 1) << 3));
    varint(out, value);
  });
  return new Uint8Array(out);
}

/** Go's `%v` of a header inside a struct: gogo's compact text, a space after each field. */
function headerText(h: ResponseHeader): string {
  const parts: [string, number | bigint][] = [
    ["cluster_id", h.clusterId],
    ["member_id", h.memberId],
    ["revision", h.revision],
    ["raft_term", h.raftTerm],
  ];
  return parts.filter(([, v]) => v !== 0 && v !== 0n).map(([n, v]) => `${n}:${v} `).join("");
}

function protobufPrinter(output: Output): LeasePrinter {
  const header = (h: ResponseHeader) => output.out(headerProtobuf(h));
  return {
    grant: (r) => header(r.header),
    revoke(_id, r) {
      throw exitWithError(
        ExitCode.badFeature,
        `marshal unsupported for type clientv3.LeaseRevokeResponse ({${headerText(r.header)}})`,
      );
    },
    timeToLive: (r) => header(r.header),
    leases: (r) => header(r.header),
    keepAlive: (r) => header(r.header),
  };
}
