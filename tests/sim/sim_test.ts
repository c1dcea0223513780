import { assertSeedsPass } from "./seed_range_test_helper.ts";

Deno.test("simulation seeds 1..300 show no violation and no liveness failure", () => {
  assertSeedsPass(1, 300);
});
