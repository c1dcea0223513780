/**
 * etcd's HTTP/JSON gateway over the server's facade: the request handler
 * (usable without sockets) and a `Deno.serve` front for it.
 *
 * @module
 */

export { createHandler, defaultBodyBytesMax, type HandlerOptions } from "./handler.ts";
export { type ApiServer, serveApi, type ServeApiOptions } from "./server.ts";
export { GRPC_OVERHEAD_BYTES } from "./routes.ts";
export { ETCD_CLUSTER_VERSION, ETCD_SERVER_VERSION } from "./version.ts";
