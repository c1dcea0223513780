import { assertSeedsPass } from "./seed_range_test_helper.ts";

Deno.test("simulation seeds 901..1200 show no violation and no liveness failure", () => {
  assertSeedsPass(901, 300);
});
