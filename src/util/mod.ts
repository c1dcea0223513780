/**
 * Leaf helpers shared by every module: invariant assertions, byte strings,
 * the seeded PRNG, limits and the version.
 *
 * @module
 */

export * from "./assert.ts";
export * from "./bytes.ts";
export * from "./limits.ts";
export * from "./prng.ts";
export * from "./version.ts";
