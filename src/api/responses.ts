/**
 * The responses of etcd's client port, with its status lines, bodies and
 * headers: CORS headers on every response; JSON with
 * `Grpc-Metadata-Content-Type` for a successful call; Go's `http.Error`
 * text (`Not Found\n`, `Method Not Allowed\n`) for routing failures.
 *
 * Header lists are built once; each call makes only the Response.
 *
 * @module
 */

import { errorToJson, type EtcdError, httpStatusOf } from "../proto/mod.ts";
import { ETCD_CLUSTER_VERSION, ETCD_SERVER_VERSION } from "./version.ts";

type HeaderList = Readonly<Record<string, string>>;

// Plain objects: Deno builds a Response's headers from them faster than from pairs.
const CORS: HeaderList = {
  "access-control-allow-headers": "accept, content-type, authorization",
  "access-control-allow-methods": "POST, GET, OPTIONS, PUT, DELETE",
  "access-control-allow-origin": "*",
};
const TEXT: HeaderList = { "content-type": "text/plain; charset=utf-8" };
const NOSNIFF: HeaderList = { "x-content-type-options": "nosniff" };
const JSON_TYPE: HeaderList = { "content-type": "application/json" };

const OK_HEADERS: HeaderList = {
  ...CORS,
  ...JSON_TYPE,
  "grpc-metadata-content-type": "application/grpc",
};
const ERROR_HEADERS: HeaderList = { ...CORS, ...JSON_TYPE };
const TEXT_ERROR_HEADERS: HeaderList = { ...CORS, ...TEXT, ...NOSNIFF };
const GET_ONLY_HEADERS: HeaderList = { ...CORS, allow: "GET", ...TEXT, ...NOSNIFF };
const HEALTHY_HEADERS: HeaderList = { ...CORS, ...TEXT };
const VERSION_HEADERS: HeaderList = { ...CORS, ...JSON_TYPE };

const VERSION_BODY = JSON.stringify({
  etcdserver: ETCD_SERVER_VERSION,
  etcdcluster: ETCD_CLUSTER_VERSION,
});

function respond(body: string | null, status: number, headers: HeaderList): Response {
  return new Response(body, { status, headers });
}

/** 200 with a call's JSON answer. */
export function jsonOk(body: string): Response {
  return respond(body, 200, OK_HEADERS);
}

/** An error as the gateway answers it: `{"error","message","code"}` with its HTTP status. */
export function jsonError(error: EtcdError): Response {
  return respond(errorToJson(error), httpStatusOf(error.code), ERROR_HEADERS);
}

/** 200 with no body: the answer to any `OPTIONS` request (CORS preflight). */
export function preflight(): Response {
  return respond(null, 200, CORS);
}

/** 404 for an unknown path under `/v3/` (the gateway's answer). */
export function gatewayNotFound(): Response {
  return respond("Not Found\n", 404, TEXT_ERROR_HEADERS);
}

/** 405 for a known call with a method other than POST (the gateway's answer). */
export function gatewayMethodNotAllowed(): Response {
  return respond("Method Not Allowed\n", 405, TEXT_ERROR_HEADERS);
}

/** 404 for a path outside `/v3/` (Go's ServeMux answer). */
export function muxNotFound(): Response {
  return respond("404 page not found\n", 404, TEXT_ERROR_HEADERS);
}

/** 405 with `Allow: GET` (`/health` and `/version` with another method). */
export function getOnly(): Response {
  return respond("Method Not Allowed\n", 405, GET_ONLY_HEADERS);
}

/** Go's ServeMux redirect to the cleaned path (a body only for GET, as Go writes it). */
export function movedPermanently(location: string, method: string): Response {
  const headers: Record<string, string> = { ...CORS, location };
  if (method !== "GET" && method !== "HEAD") return new Response(null, { status: 301, headers });
  headers["content-type"] = "text/html; charset=utf-8";
  const body = method === "GET"
    ? `<a href="${escapeHtml(location)}">Moved Permanently</a>.\n\n`
    : null;
  return new Response(body, { status: 301, headers });
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&#34;").replaceAll("'", "&#39;");
}

/** `GET /health`: 200 `{"health":"true"}`, or 503 `{"health":"false"}` and a newline. */
export function health(healthy: boolean): Response {
  if (healthy) return respond('{"health":"true"}', 200, HEALTHY_HEADERS);
  return respond('{"health":"false"}\n', 503, TEXT_ERROR_HEADERS);
}

/** `GET /version`. */
export function version(): Response {
  return respond(VERSION_BODY, 200, VERSION_HEADERS);
}
