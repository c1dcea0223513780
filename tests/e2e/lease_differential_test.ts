/**
 * The lease calls of the gateway, differential: the same requests go to a
 * fresh real etcd 3.4 and a fresh etcd-ts (both one member with etcd's
 * default timing: minimum TTL 2 s), and the answers (status and body) must
 * be equal once the answering member's ids and term are masked, and the
 * remaining TTL of a time-to-live (59 or 60 s, by timing) too. A
 * time-to-live's `keys` come from a Go map in etcd (an order that changes
 * from call to call), so both lists are compared sorted.
 */

import assert from "node:assert/strict";
import { b64, MemberProcess } from "./_member_process.ts";
import { etcdInstalled, startReferenceEtcd } from "./_reference_etcd.ts";

/** status + body, with the answering member's ids, the term and a fresh remaining TTL masked. */
async function ask(base: string, method: string, path: string, body: string): Promise<string> {
  const init: RequestInit = method === "GET" ? { method } : { method, body };
  const response = await fetch(base + path, init);
  const text = (await response.text())
    .replace(/"cluster_id":"\d+"/g, '"cluster_id":"C"')
    .replace(/"member_id":"\d+"/g, '"member_id":"M"')
    .replace(/"raft_term":"\d+"/g, '"raft_term":"T"')
    .replace(/"TTL":"(59|60)","grantedTTL"/g, '"TTL":"~","grantedTTL"')
    .replace(/"keys":\[([^\]]*)\]/, (_, list: string) => `"keys":[${list.split(",").sort()}]`);
  return `${response.status} ${text}`;
}

const leased = (key: string, lease: string) =>
  JSON.stringify({ key: b64(key), value: b64("v"), lease });

/** [method, path, body] in order; each answer compared. */
const REQUESTS: ReadonlyArray<readonly [string, string, string]> = [
  ["POST", "/v3/lease/grant", '{"TTL":"60","ID":"1000"}'],
  ["POST", "/v3/lease/grant", '{"TTL":30,"ID":1001}'],
  ["POST", "/v3/lease/grant", '{"TTL":"30","ID":"1001"}'],
  ["POST", "/v3/lease/grant", '{"TTL":"9999999999"}'],
  ["POST", "/v3/lease/grant", '{"TTL":"9000000000","ID":"-7"}'],
  ["POST", "/v3/lease/grant", '{"TTL":"ten"}'],
  ["POST", "/v3beta/lease/grant", '{"TTL":"60","ID":"9223372036854775807"}'],
  ["POST", "/v3/kv/put", leased("leased1", "1000")],
  ["POST", "/v3/kv/put", leased("leased2", "1000")],
  ["POST", "/v3/kv/put", leased("other", "1001")],
  ["POST", "/v3/kv/put", leased("nope", "12345")],
  ["POST", "/v3/kv/txn", `{"success":[{"request_put":${leased("t", "12345")}}]}`],
  ["POST", "/v3/kv/range", JSON.stringify({ key: b64("leased1") })],
  ["POST", "/v3/lease/timetolive", '{"ID":"1000","keys":true}'],
  ["POST", "/v3/kv/lease/timetolive", '{"ID":"1000"}'],
  ["POST", "/v3/lease/timetolive", '{"ID":"4242","keys":true}'],
  ["POST", "/v3/lease/keepalive", '{"ID":"1000"} {"ID":1001}\n{"ID":"12"}'],
  ["POST", "/v3/lease/keepalive", ""],
  ["POST", "/v3/lease/keepalive", "{}"],
  ["POST", "/v3/lease/keepalive", '{"ID":"abc"}'],
  ["POST", "/v3/lease/keepalive", "[1]"],
  ["POST", "/v3/lease/keepalive", '{"ID":"1000"} nonsense'],
  ["GET", "/v3/lease/keepalive", ""],
  ["POST", "/v3/kv/lease/keepalive", '{"ID":"1000"}'],
  ["POST", "/v3/kv/lease/grant", '{"TTL":"60"}'],
  ["POST", "/v3/lease/revoke", '{"ID":"1000"}'],
  ["POST", "/v3/kv/range", JSON.stringify({ key: b64("leased"), range_end: b64("leasee") })],
  ["POST", "/v3/kv/range", JSON.stringify({ key: b64("leased2"), revision: "3" })],
  ["POST", "/v3/lease/timetolive", '{"ID":"1000","keys":true}'],
  ["POST", "/v3/lease/keepalive", '{"ID":"1000"}'],
  ["POST", "/v3/lease/revoke", '{"ID":"1000"}'],
  ["POST", "/v3/kv/lease/revoke", '{"ID":"1001"}'],
  ["POST", "/v3/kv/range", JSON.stringify({ key: b64("other") })],
  ["POST", "/v3/lease/revoke", '{"ID":"0"}'],
  ["POST", "/v3/lease/revoke", "{}"],
  // Below etcd's minimum (2 s): raised to it. Last, so none expires before the list below.
  ["POST", "/v3/lease/grant", '{"TTL":"1","ID":"1002"}'],
  ["POST", "/v3/lease/grant", '{"TTL":"-5","ID":"1003"}'],
  ["POST", "/v3/lease/grant", '{"ID":"1004"}'],
];

Deno.test({
  name: "etcd-ts answers the lease calls exactly as etcd 3.4 does",
  ignore: !etcdInstalled(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "etcd-ts-lease-diff-" });
    const etcd = await startReferenceEtcd(dir);
    const ours = await MemberProcess.start(`${dir}/ours.etcd`);
    try {
      const differences: string[] = [];
      for (const [method, path, body] of REQUESTS) {
        const a = await ask(ours.clientUrl, method, path, body);
        const b = await ask(etcd.url, method, path, body);
        if (a !== b) {
          differences.push(`${method} ${path} ${body}\n  etcd-ts: ${a}\n  etcd:    ${b}`);
        }
      }
      // Sorted by expiry at the leader: 1002, 1003, 1004 (2 s) before the longer ones.
      for (const [path, body] of [["/v3/lease/leases", "{}"], ["/v3/kv/lease/leases", ""]]) {
        const a = await ask(ours.clientUrl, "POST", path!, body!);
        const b = await ask(etcd.url, "POST", path!, body!);
        if (a !== b) differences.push(`${path}\n  etcd-ts: ${a}\n  etcd:    ${b}`);
      }
      assert.deepEqual(differences, [], differences.join("\n"));
    } finally {
      await ours.stop("SIGKILL");
      await etcd.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
