import assert from "node:assert/strict";
import { LeaseIdGenerator, minLeaseTtlSeconds } from "./lease_ids.ts";

Deno.test("lease ids: member's low 16 bits (sign bit cleared), then time and a counter", () => {
  // etcd 3.4.23, member bdae9bbc11dd390d, granted 390da20b4f24c705, c707, c709 (the requests in
  // between used ids of the same generator): the prefix is the member's low 16 bits.
  const generator = new LeaseIdGenerator(0xbdae9bbc11dd390dn, 0xa20b4f24c7);
  assert.equal(generator.next(), 0x390da20b4f24c701n);
  assert.equal(generator.next(), 0x390da20b4f24c702n);
  const high = new LeaseIdGenerator(0x692bd121bc7cf3d4n, 1);
  assert.equal(high.next() >> 48n, 0x73d4n); // as the transcript's 73d4a20a160cfb14
});

Deno.test("lease ids: the suffix wraps in 48 bits and 0 is skipped", () => {
  const generator = new LeaseIdGenerator(0n, 2 ** 40 - 1);
  const first = generator.next();
  assert.ok(first > 0n && first < 1n << 48n);
  const zero = new LeaseIdGenerator(0x10000n, 2 ** 40 - 1); // low 16 bits 0
  let id = 0n;
  for (let i = 0; i < 256; i++) id = zero.next();
  assert.notEqual(id, 0n);
});

Deno.test("lease ids: unique over many", () => {
  const generator = new LeaseIdGenerator(0x1234n, Date.UTC(2026, 0, 1));
  const seen = new Set<bigint>();
  for (let i = 0; i < 10_000; i++) seen.add(generator.next());
  assert.equal(seen.size, 10_000);
});

Deno.test("min lease TTL: etcd's ceil(((3 × election ticks) / 2) × heartbeat)", () => {
  assert.equal(minLeaseTtlSeconds(10, 100), 2); // 15 × 100 ms = 1.5 s
  assert.equal(minLeaseTtlSeconds(5, 100), 1); // 7 (integer division) × 100 ms
  assert.equal(minLeaseTtlSeconds(10, 50), 1);
  assert.equal(minLeaseTtlSeconds(20, 100), 3);
});
