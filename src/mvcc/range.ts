/**
 * etcd 3.4's Range (etcdserver/apply.go) on top of rangeKeys: the limit
 * is pushed down only when the result needs no sorting by request and no
 * revision filters; the min/max filters prune the kvs but not the count; a
 * non-KEY sort target with sort order NONE sorts ascending (over the
 * limit + 1 keys fetched, as etcd does); `more` reports a cut by the limit.
 *
 * @module
 */

import { compareBytes } from "../util/bytes.ts";
import type { KeyValue, RangeRequest, RangeResponse, SortTarget } from "../proto/rpc.ts";
import { emptyHeader } from "../proto/rpc.ts";
import { goSort } from "./go_sort.ts";
import { keyToString, rangeEndString } from "./key_string.ts";
import { type KeyRevision, toKeyValue } from "./revision.ts";
import type { RangeKeysOptions, RangeKeysResult } from "./store_state.ts";

/** Something to read ranges from: the store, or a write txn seeing its own writes. */
export interface RangeReader {
  rangeKeys(key: string, end: string | null, options: RangeKeysOptions): RangeKeysResult;
}

/** Answers `r` from `reader`; the header carries only the reader's revision. */
export function applyRange(reader: RangeReader, r: RangeRequest): RangeResponse {
  const filtered = r.minModRevision !== 0 || r.maxModRevision !== 0 ||
    r.minCreateRevision !== 0 || r.maxCreateRevision !== 0;
  let limit = r.sortOrder !== "NONE" || filtered ? 0 : r.limit;
  if (limit > 0) limit++; // one more than asked, to learn whether there is more
  const rr = reader.rangeKeys(keyToString(r.key), rangeEndString(r.rangeEnd), {
    rev: r.revision,
    limit,
    countOnly: r.countOnly,
  });
  let records = filtered ? rr.records.filter((record) => inRevisionBounds(r, record)) : rr.records;
  records = sortRecords(records, r);
  let more = false;
  if (r.limit > 0 && records.length > r.limit) {
    records = records.slice(0, r.limit);
    more = true;
  }
  const kvs: KeyValue[] = records.map((record) => toKeyValue(record, null, r.keysOnly));
  return { header: { ...emptyHeader(), revision: rr.rev }, kvs, more, count: rr.count };
}

/** Whether `record` passes the request's min/max mod and create revision filters (0 = none). */
function inRevisionBounds(r: RangeRequest, record: KeyRevision): boolean {
  if (r.maxModRevision !== 0 && record.main > r.maxModRevision) return false;
  if (r.minModRevision !== 0 && record.main < r.minModRevision) return false;
  if (r.maxCreateRevision !== 0 && record.createRevision > r.maxCreateRevision) return false;
  if (r.minCreateRevision !== 0 && record.createRevision < r.minCreateRevision) return false;
  return true;
}

/**
 * The records in the order the request asks. They arrive in key order;
 * sorting uses Go's sort.Sort algorithm (go_sort.ts), as etcd does, so that
 * ties come back in etcd's order too.
 */
function sortRecords(records: KeyRevision[], r: RangeRequest): KeyRevision[] {
  const order = r.sortTarget !== "KEY" && r.sortOrder === "NONE" ? "ASCEND" : r.sortOrder;
  if (order === "NONE" || records.length < 2) return records;
  if (r.sortTarget === "KEY") return order === "ASCEND" ? records : records.slice().reverse();
  const less = lessOf(r.sortTarget);
  const sorted = records.slice();
  goSort(sorted, order === "ASCEND" ? less : (a, b) => less(b, a));
  return sorted;
}

/** etcd's kvSortBy* Less for a target. */
function lessOf(target: SortTarget): (a: KeyRevision, b: KeyRevision) => boolean {
  switch (target) {
    case "VERSION":
      return (a, b) => a.version < b.version;
    case "CREATE":
      return (a, b) => a.createRevision < b.createRevision;
    case "MOD":
      return (a, b) => a.main < b.main;
    case "VALUE":
      return (a, b) => compareBytes(a.value, b.value) < 0;
    case "KEY":
      return (a, b) => a.key < b.key;
  }
}
