import { assertSeedsPass } from "./seed_range_test_helper.ts";

Deno.test("simulation seeds 301..600 show no violation and no liveness failure", () => {
  assertSeedsPass(301, 300);
});
