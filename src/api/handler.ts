/**
 * The HTTP/JSON gateway as one `Request → Response` function, answering
 * as etcd 3.4's client port does:
 * - `OPTIONS` on any path: 200, empty (CORS preflight);
 * - `POST /v3/…` (and the `/v3beta/…` alias): the calls of routes.ts, other
 *   methods 405, unknown paths 404 `Not Found`;
 * - `GET /health`, `GET /version`; other methods 405 with `Allow: GET`;
 * - anything else: 404 `404 page not found`.
 *
 * A body is read up to a cap (a body over it is refused with etcd's
 * "request is too large" without being read further); a bad body is
 * refused with Go's message before the service is called. The service's
 * {@linkcode EtcdError}s become etcd's error bodies; any other failure is
 * a 500 reported to `onError` (the handler itself never throws). The
 * service's `signal` aborts when the client goes away.
 *
 * @module
 */

import { Errors, EtcdError, GrpcCode, invalidArgument } from "../proto/mod.ts";
import type { EtcdService, RequestOptions } from "../server/service.ts";
import { readBody } from "./body.ts";
import { keepAliveStream } from "./keepalive_stream.ts";
import { watchRoute } from "./watch_stream.ts";
import { cleanPath, splitUrl } from "./paths.ts";
import * as reply from "./responses.ts";
import { GRPC_OVERHEAD_BYTES, RPC_ROUTES, type RpcRoute } from "./routes.ts";

/** Options of {@linkcode createHandler}. */
export interface HandlerOptions {
  /**
   * Largest request body read, in bytes. The default leaves room for the
   * JSON (base64) form of the largest request etcd's gRPC limit lets in.
   */
  readonly bodyBytesMax?: number;
  /**
   * Told about every unexpected failure (answered with a 500); by default
   * a JSON log line on stderr.
   */
  readonly onError?: (error: unknown, request: Request) => void;
}

/** The largest JSON body that can carry a request of `grpcBytesMax` protobuf bytes, with room. */
export function defaultBodyBytesMax(grpcBytesMax: number): number {
  return Math.ceil(grpcBytesMax / 3) * 4 + 64 * 1024;
}

interface Gateway {
  readonly service: EtcdService;
  readonly grpcBytesMax: number;
  readonly bodyBytesMax: number;
  readonly onError: (error: unknown, request: Request) => void;
}

const INTERNAL_MESSAGE = "etcd-ts: internal server error";

/** The default `onError`: one log line in the server's JSON format. */
function logUnexpected(error: unknown, request: Request): void {
  console.error(JSON.stringify({
    level: "error",
    ts: new Date().toISOString(),
    msg: "gateway: unexpected failure, answered 500",
    path: splitUrl(request.url).path,
    error: error instanceof Error ? (error.stack ?? String(error)) : String(error),
  }));
}

/** The gateway over `service` as a `Request → Response` function (never rejects). */
export function createHandler(
  service: EtcdService,
  options: HandlerOptions = {},
): (request: Request) => Promise<Response> {
  const grpcBytesMax = service.requestBytesMax + GRPC_OVERHEAD_BYTES;
  const gateway: Gateway = {
    service,
    grpcBytesMax,
    bodyBytesMax: options.bodyBytesMax ?? defaultBodyBytesMax(grpcBytesMax),
    onError: options.onError ?? logUnexpected,
  };
  return (request) => handle(gateway, request);
}

async function handle(gateway: Gateway, request: Request): Promise<Response> {
  try {
    return await route(gateway, request);
  } catch (error) {
    gateway.onError(error, request);
    return reply.jsonError(new EtcdError(INTERNAL_MESSAGE, GrpcCode.Internal));
  }
}

function route(gateway: Gateway, request: Request): Promise<Response> | Response {
  const method = request.method;
  if (method === "OPTIONS") return reply.preflight();
  const url = splitUrl(request.url);
  let path = url.path;
  if (path.startsWith("/v3beta/")) path = "/v3/" + path.slice(8);
  const clean = cleanPath(path);
  if (clean !== path) return reply.movedPermanently(withQuery(clean, url.query), method);
  if (path.startsWith("/v3/")) {
    if (path === "/v3/lease/keepalive") {
      if (method !== "POST") return reply.gatewayMethodNotAllowed();
      return keepAliveStream(gateway.service, request, gateway.bodyBytesMax);
    }
    if (path === "/v3/watch") {
      if (method !== "POST") return reply.gatewayMethodNotAllowed();
      return watchRoute(gateway.service, request, gateway.grpcBytesMax);
    }
    const rpc = RPC_ROUTES.get(path);
    if (rpc === undefined) return reply.gatewayNotFound();
    if (method !== "POST") return reply.gatewayMethodNotAllowed();
    return call(gateway, rpc, request);
  }
  if (path === "/health") return method === "GET" ? health(gateway, request) : reply.getOnly();
  if (path === "/version") return method === "GET" ? reply.version() : reply.getOnly();
  if (path === "/v3") return reply.movedPermanently(withQuery("/v3/", url.query), method);
  return reply.muxNotFound();
}

function withQuery(path: string, query: string): string {
  return query === "" ? path : path + "?" + query;
}

async function call(gateway: Gateway, rpc: RpcRoute, request: Request): Promise<Response> {
  let body: Uint8Array | null;
  try {
    body = await readBody(request, gateway.bodyBytesMax);
  } catch {
    // The client went away or broke the body's framing mid-way.
    return reply.jsonError(request.signal.aborted ? canceled() : invalidArgument("unexpected EOF"));
  }
  if (body === null) return reply.jsonError(Errors.requestTooLarge());
  try {
    const options = new ClientSignal(request);
    return reply.jsonOk(await rpc.invoke(gateway.service, body, gateway.grpcBytesMax, options));
  } catch (error) {
    if (error instanceof EtcdError) return reply.jsonError(error);
    if (request.signal.aborted) return reply.jsonError(canceled());
    throw error;
  }
}

/**
 * The service's options, with the request's signal fetched only when the
 * service asks for it: under Deno 2.9's legacy abort behaviour (a request's
 * signal also aborts after a successful response), touching
 * `request.signal` halved the throughput of small requests here, and Deno
 * prints a deprecation notice. deno.json's `"unstable": ["no-legacy-abort"]`
 * removes both.
 */
class ClientSignal implements RequestOptions {
  readonly #request: Request;

  constructor(request: Request) {
    this.#request = request;
  }

  get signal(): AbortSignal {
    return this.#request.signal;
  }
}

/** What etcd's gateway answers when the client's context ends (HTTP 408). */
function canceled(): EtcdError {
  return new EtcdError("context canceled", GrpcCode.Canceled);
}

async function health(gateway: Gateway, request: Request): Promise<Response> {
  let healthy = false;
  try {
    healthy = await gateway.service.health({ signal: request.signal });
  } catch (error) {
    if (!(error instanceof EtcdError) && !request.signal.aborted) gateway.onError(error, request);
  }
  return reply.health(healthy);
}
