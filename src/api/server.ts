/**
 * The gateway on a real socket: `Deno.serve` with {@linkcode createHandler}.
 *
 * @module
 */

import type { EtcdService } from "../server/service.ts";
import { createHandler, type HandlerOptions } from "./handler.ts";

/** Options of {@linkcode serveApi}. */
export interface ServeApiOptions extends HandlerOptions {
  readonly hostname: string;
  /** 0 picks a free port (see the server's `addr`). */
  readonly port: number;
  /** Aborting it shuts the server down. */
  readonly signal?: AbortSignal;
  /** Called once listening (synchronously inside `serveApi`). */
  readonly onListen?: (address: Deno.NetAddr) => void;
  /** PEM certificate chain: serve HTTPS (with `key`). */
  readonly cert?: string;
  /** PEM private key of `cert`. */
  readonly key?: string;
}

/** A running gateway: `addr` is the bound address; `shutdown()` stops it; `finished` settles then. */
export type ApiServer = Deno.HttpServer<Deno.NetAddr>;

/** Starts the gateway over `service`. */
export function serveApi(service: EtcdService, options: ServeApiOptions): ApiServer {
  const handler = createHandler(service, options);
  const base: Deno.ServeTcpOptions = {
    hostname: options.hostname,
    port: options.port,
    onListen: options.onListen ?? (() => {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
  if (options.cert !== undefined || options.key !== undefined) {
    if (options.cert === undefined || options.key === undefined) {
      throw new TypeError("serveApi: cert and key go together");
    }
    return Deno.serve({ ...base, cert: options.cert, key: options.key }, handler);
  }
  return Deno.serve(base, handler);
}
