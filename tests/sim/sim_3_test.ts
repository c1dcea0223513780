import { assertSeedsPass } from "./seed_range_test_helper.ts";

Deno.test("simulation seeds 601..900 show no violation and no liveness failure", () => {
  assertSeedsPass(601, 300);
});
