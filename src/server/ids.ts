/**
 * Member and cluster ids exactly as etcd 3.4 derives them, so a cluster
 * bootstrapped by etcd-ts from the same `--initial-cluster` and
 * `--initial-cluster-token` has the ids etcd would give it.
 *
 * - member id (`membership.NewMember`): the member's peer URLs sorted as
 *   strings and concatenated, then the cluster token, then (only for a member
 *   added at run time) the Unix time in seconds as decimal; SHA-1; the first
 *   8 bytes big-endian.
 * - cluster id (`RaftCluster.genID`): the member ids sorted ascending, each
 *   as 8 bytes big-endian, concatenated; SHA-1; the first 8 bytes big-endian.
 *
 * @module
 */

import { createHash } from "node:crypto";

const UINT64_MAX = (1n << 64n) - 1n;

function first8BytesBigEndian(digest: Uint8Array): bigint {
  let id = 0n;
  for (let i = 0; i < 8; i++) id = (id << 8n) | BigInt(digest[i] ?? 0);
  return id;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * etcd's member id for a member with `peerUrls` (as Go prints them, e.g. from
 * `parseEtcdUrls`) in a cluster bootstrapped with `token`
 * (`--initial-cluster-token`). `addedAtUnixSeconds` is given only for a
 * member added with `member add`, whose id etcd salts with the time.
 */
export function memberIdOf(
  peerUrls: readonly string[],
  token: string,
  addedAtUnixSeconds?: number,
): bigint {
  let text = [...peerUrls].sort(compareStrings).join("") + token;
  if (addedAtUnixSeconds !== undefined) text += String(Math.trunc(addedAtUnixSeconds));
  const digest = createHash("sha1").update(new TextEncoder().encode(text)).digest();
  return first8BytesBigEndian(digest);
}

/** etcd's cluster id for the cluster whose initial members have `memberIds`. */
export function clusterIdOf(memberIds: readonly bigint[]): bigint {
  const sorted = [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const bytes = new Uint8Array(8 * sorted.length);
  const view = new DataView(bytes.buffer);
  sorted.forEach((id, i) => {
    if (id < 0n || id > UINT64_MAX) throw new RangeError(`member id ${id} is not a uint64`);
    view.setBigUint64(8 * i, id);
  });
  return first8BytesBigEndian(createHash("sha1").update(bytes).digest());
}

/** An id as etcd's `types.ID.String()` prints it: lower-case hex without leading zeros. */
export function formatId(id: bigint): string {
  return id.toString(16);
}

/** Parses an id printed by {@linkcode formatId} (etcd's `types.IDFromString`); throws on bad input. */
export function parseId(text: string): bigint {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) {
    throw new RangeError(`invalid member id ${JSON.stringify(text)}`);
  }
  return BigInt("0x" + text);
}
