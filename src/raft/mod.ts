/**
 * The Raft consensus core: pure, synchronous, in etcd-io/raft's shape.
 * Create a {@linkcode RawNode} over a {@linkcode Storage}, feed it ticks and
 * messages, and handle each {@linkcode Ready} in order: persist, send,
 * apply, advance.
 *
 * @module
 */

export * from "./types.ts";
export * from "./errors.ts";
export * from "./storage.ts";
export * from "./config.ts";
export * from "./raw_node.ts";
export { ConfChangeDecodeError, decodeConfChange, encodeConfChange } from "./confchange_codec.ts";
export { ConfChangeError } from "./confchange.ts";
export { describeEntry, describeMessage } from "./describe.ts";
export type { ProgressState } from "./progress.ts";
