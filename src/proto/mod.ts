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
export * from "./rpc_watch.ts";
export * from "./json_schemas_watch.ts";
export * from "./rpc_lease.ts";
export * from "./json_schemas_lease.ts";
