import assert from "node:assert/strict";
import { LeaseExpiry } from "./expiry.ts";
import type { LeaseInfo } from "./lease_table.ts";

const lease = (id: bigint, ttl: number): LeaseInfo => ({ id, ttl });

Deno.test("expiry: a lessor that is not primary keeps no time (leases live forever)", () => {
  const expiry = new LeaseExpiry();
  expiry.granted(lease(1n, 5), 0);
  assert.equal(expiry.primary, false);
  assert.equal(expiry.remainingMs(1n, 1e12), Infinity);
  assert.deepEqual(expiry.expired(1e12, 10), []);
  assert.throws(() => expiry.renew(lease(1n, 5), 0));
});

Deno.test("expiry: promote gives every lease its full TTL plus the extension", () => {
  const expiry = new LeaseExpiry();
  expiry.promote([lease(1n, 5), lease(2n, 10)], 1000, 1000);
  assert.equal(expiry.primary, true);
  assert.equal(expiry.remainingMs(1n, 1000), 6000);
  assert.equal(expiry.remainingMs(2n, 1000), 11000);
  assert.deepEqual(expiry.expired(6999, 10), []);
  assert.deepEqual(expiry.expired(7000, 10), [1n]);
});

Deno.test("expiry: grants start now while primary; renew restarts; revoked leases are forgotten", () => {
  const expiry = new LeaseExpiry();
  expiry.promote([], 0, 1000);
  expiry.granted(lease(7n, 2), 100);
  assert.equal(expiry.remainingMs(7n, 100), 2000);
  assert.equal(expiry.renew(lease(7n, 2), 1500), 2);
  assert.deepEqual(expiry.expired(2100, 10), []); // the old expiry no longer counts
  assert.equal(expiry.isExpired(7n, 3499), false);
  assert.deepEqual(expiry.expired(3500, 10), [7n]);
  expiry.forget(7n);
  assert.deepEqual(expiry.expired(99_999, 10), []);
  assert.equal(expiry.remainingMs(7n, 0), Infinity);
});

Deno.test("expiry: an expired lease handed out stays expired and comes back after the retry", () => {
  const expiry = new LeaseExpiry();
  expiry.promote([lease(1n, 1), lease(2n, 1), lease(3n, 5)], 0, 0);
  assert.deepEqual(expiry.expired(1000, 1), [1n]); // at most `max`
  assert.deepEqual(expiry.expired(1000, 5), [2n]);
  assert.equal(expiry.isExpired(1n, 1000), true);
  assert.deepEqual(expiry.expired(3999, 5), []);
  assert.deepEqual(expiry.expired(4000, 5), [1n, 2n]);
});

Deno.test("expiry: demote forgets every expiry", () => {
  const expiry = new LeaseExpiry();
  expiry.promote([lease(1n, 1)], 0, 0);
  expiry.demote();
  assert.equal(expiry.primary, false);
  assert.deepEqual(expiry.expired(1e9, 10), []);
  assert.equal(expiry.remainingMs(1n, 0), Infinity);
});

Deno.test("expiry: promote spreads a pile-up so at most 750 leases expire per second", () => {
  const leases = Array.from({ length: 3000 }, (_, i) => lease(BigInt(i + 1), 10));
  const expiry = new LeaseExpiry();
  expiry.promote(leases, 0, 1000);
  const perSecond = new Map<number, number>();
  for (const l of leases) {
    const at = expiry.remainingMs(l.id, 0);
    assert.ok(at >= 11_000, `lease ${l.id} expires early: ${at}`);
    const second = Math.floor(at / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  for (const [second, count] of perSecond) assert.ok(count <= 751, `${count} in second ${second}`);
  // Fewer than the revoke rate: no spreading at all.
  const few = new LeaseExpiry();
  few.promote(leases.slice(0, 999), 0, 1000);
  assert.ok(leases.slice(0, 999).every((l) => few.remainingMs(l.id, 0) === 11_000));
});

Deno.test("expiry: renewals do not pile up stale heap items", () => {
  const expiry = new LeaseExpiry();
  expiry.promote([lease(1n, 60), lease(2n, 60)], 0, 0);
  for (let t = 0; t < 100_000; t += 10) expiry.renew(lease(1n, 60), t);
  assert.ok(expiry.dueItems <= 2 * 2 + 64 + 1, `${expiry.dueItems} items`);
  assert.deepEqual(expiry.expired(60_000, 10), [2n]);
});
