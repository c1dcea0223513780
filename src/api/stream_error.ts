/**
 * How the gateway ends a streamed response with an error (grpc-gateway
 * v1's `streamChunk`): one last chunk
 * `{"error":{"grpc_code":N,"http_code":H,"message":"…","http_status":"…"}}`
 * with no newline after it. When nothing was written yet, the response's
 * status is the error's HTTP status.
 *
 * @module
 */

import { type EtcdError, httpStatusOf } from "../proto/mod.ts";
import { goJsonString } from "../proto/json_go_text.ts";

/** Go's `http.StatusText` for the statuses the gateway maps gRPC codes to. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  412: "Precondition Failed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The last chunk of a stream that ends with `error`. */
export function streamErrorChunk(error: EtcdError): string {
  const http = httpStatusOf(error.code);
  return `{"error":{"grpc_code":${error.code},"http_code":${http},"message":${
    goJsonString(error.message)
  },"http_status":${goJsonString(STATUS_TEXT[http] ?? "")}}}`;
}
