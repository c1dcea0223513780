/**
 * What the compat tests use from src/, in one place.
 *
 * @module
 */

export * from "../../src/proto/mod.ts";
export { utf8Encode } from "../../src/util/mod.ts";
