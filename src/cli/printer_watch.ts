/**
 * How etcdctl 3.4 prints a watch response (clientv3's `WatchResponse`) in
 * each `--write-out` format:
 * - simple: per event its type, the previous key and value (with
 *   `--prev-kv`), the key and value, one per line (`--hex`: `\xNN`);
 * - json: Go's `encoding/json` of the struct, `{"Header":…,"Events":…,
 *   "CompactRevision":…,"Canceled":…,"Created":…}`, int64 as numbers, an
 *   event's type as a number (`"type":1` for DELETE, left out for PUT);
 * - fields: the header's four fields, then per event `"Type"`, the
 *   previous key-value (`Prev…`) and the key-value;
 * - protobuf: the WatchResponse's protobuf bytes;
 * - table: `table not supported as output format` (exit 4) at the first
 *   response.
 *
 * @module
 */

import type { Event, KeyValue, ResponseHeader } from "../proto/rpc.ts";
import { goQuote } from "../util/go_strconv.ts";
import type { Output } from "./output.ts";
import { notSupported, type OutputFormat } from "./printer.ts";
import { header as headerJson, keyValue as keyValueJson, obj } from "./printer_json.ts";
import {
  header as headerProto,
  keyValue as keyValueProto,
  Message as Proto,
} from "./printer_protobuf.ts";
import { hexEscaped } from "./printer_simple.ts";

/** What clientv3 hands etcdctl for each response (its `WatchResponse`). */
export interface CtlWatchResponse {
  readonly header: ResponseHeader;
  /** `null` where Go's slice is nil (a refused create). */
  readonly events: readonly Event[] | null;
  readonly compactRevision: number;
  readonly canceled: boolean;
  readonly created: boolean;
}

/** Prints one watch response. */
export type WatchPrint = (response: CtlWatchResponse) => void;

// ---- simple -----------------------------------------------------------------------

function simple(output: Output, isHex: boolean): WatchPrint {
  const line = (bytes: Uint8Array) => {
    output.out(isHex ? hexEscaped(bytes) : bytes);
    output.out("\n");
  };
  const kv = (k: KeyValue) => {
    line(k.key);
    line(k.value);
  };
  return (response) => {
    for (const event of response.events ?? []) {
      output.out(`${event.type}\n`);
      if (event.prevKv !== null) kv(event.prevKv);
      kv(event.kv);
    }
  };
}

// ---- json -------------------------------------------------------------------------

function eventJson(event: Event): string {
  return obj([
    ["type", event.type === "DELETE" ? "1" : undefined],
    ["kv", keyValueJson(event.kv)],
    ["prev_kv", event.prevKv === null ? undefined : keyValueJson(event.prevKv)],
  ]);
}

/** A watch response as etcdctl's `-w json` prints it (without the newline). */
export function watchJson(r: CtlWatchResponse): string {
  const events = r.events === null ? "null" : `[${r.events.map(eventJson).join(",")}]`;
  return `{"Header":${
    headerJson(r.header)
  },"Events":${events},"CompactRevision":${r.compactRevision},` +
    `"Canceled":${r.canceled},"Created":${r.created}}`;
}

// ---- fields -----------------------------------------------------------------------

function fields(output: Output): WatchPrint {
  const line = (name: string, value: string | number | bigint) =>
    output.out(`"${name}" : ${value}\n`);
  const kv = (prefix: string, k: KeyValue) => {
    line(`${prefix}Key`, goQuote(k.key));
    line(`${prefix}CreateRevision`, k.createRevision);
    line(`${prefix}ModRevision`, k.modRevision);
    line(`${prefix}Version`, k.version);
    line(`${prefix}Value`, goQuote(k.value));
    line(`${prefix}Lease`, k.lease);
  };
  return (response) => {
    const h = response.header;
    line("ClusterID", h.clusterId);
    line("MemberID", h.memberId);
    line("Revision", h.revision);
    line("RaftTerm", h.raftTerm);
    for (const event of response.events ?? []) {
      line("Type", event.type);
      if (event.prevKv !== null) kv("Prev", event.prevKv);
      kv("", event.kv);
    }
  };
}

// ---- protobuf ---------------------------------------------------------------------

/** The protobuf bytes etcdctl's `-w protobuf` writes for a watch response. */
export function watchProto(r: CtlWatchResponse): Uint8Array {
  const m = new Proto().msg(1, headerProto(r.header)).int(3, r.created).int(4, r.canceled)
    .int(5, r.compactRevision);
  for (const event of r.events ?? []) {
    const e = new Proto().int(1, event.type === "DELETE" ? 1 : 0).msg(2, keyValueProto(event.kv));
    if (event.prevKv !== null) e.msg(3, keyValueProto(event.prevKv));
    m.msg(11, e);
  }
  return new Uint8Array(m.bytes);
}

/** The printer of `format` (a name `--write-out` accepted). */
export function watchPrinter(format: OutputFormat, isHex: boolean, output: Output): WatchPrint {
  switch (format) {
    case "simple":
      return simple(output, isHex);
    case "json":
      return (r) => output.out(watchJson(r) + "\n");
    case "fields":
      return fields(output);
    case "protobuf":
      return (r) => output.out(watchProto(r));
    case "table":
      return () => {
        throw notSupported("table");
      };
  }
}
