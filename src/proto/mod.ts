/**
 * etcd's v3 API: message shapes, the error table, request validation and the
 * gateway's JSON.
 *
 * @module
 */

export * from "./rpc.ts";
export * from "./errors.ts";
export * from "./json.ts";
export * from "./validate.ts";
