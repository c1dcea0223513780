/**
 * Leaf helpers shared by every module: invariant assertions, byte strings,
 * Go's `strconv` and `time.Duration` parsing and printing, Go's `url.Parse`
 * with etcd's URL-list rules, the seeded PRNG, limits and the version.
 *
 * @module
 */

export * from "./assert.ts";
export * from "./bytes.ts";
export * from "./go_duration.ts";
export * from "./go_strconv.ts";
export * from "./go_url.ts";
export * from "./limits.ts";
export * from "./prng.ts";
export * from "./version.ts";
