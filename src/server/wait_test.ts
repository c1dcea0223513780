import assert from "node:assert/strict";
import { WaitRegistry } from "./wait.ts";

Deno.test("WaitRegistry.trigger resolves the registered waiter once", async () => {
  const registry = new WaitRegistry<number>();
  const promise = registry.register("a");
  assert.equal(registry.has("a"), true);
  assert.equal(registry.trigger("a", 7), true);
  assert.equal(await promise, 7);
  assert.equal(registry.trigger("a", 8), false);
  assert.equal(registry.size, 0);
});

Deno.test("WaitRegistry.trigger of an unknown id does nothing", () => {
  const registry = new WaitRegistry<number>();
  assert.equal(registry.trigger("nobody", 1), false);
});

Deno.test("WaitRegistry.fail and failAll reject the waiters", async () => {
  const registry = new WaitRegistry<number>();
  const one = registry.register("1");
  const two = registry.register("2");
  registry.fail("1", new Error("timeout"));
  await assert.rejects(one, /timeout/);
  registry.failAll(new Error("stopped"));
  await assert.rejects(two, /stopped/);
  assert.equal(registry.size, 0);
});

Deno.test("WaitRegistry.register refuses a duplicate id", () => {
  const registry = new WaitRegistry<number>();
  registry.register("x").catch(() => {});
  assert.throws(() => registry.register("x"), /duplicate request id/);
});
