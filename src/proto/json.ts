/**
 * The JSON of etcd's HTTP gateway, both ways, for the server (decode
 * requests, encode responses) and the client (encode requests, decode
 * responses) alike.
 *
 * Output is byte for byte what etcd 3.4's gateway writes (see
 * json_encode.ts); input is read as its gateway reads it, with the same
 * error messages (see json_decode.ts, json_scan.ts, json_base64.ts). Every
 * failure to decode is an {@linkcode EtcdError} with code 3
 * (InvalidArgument, HTTP 400).
 *
 * ```ts
 * const request = fromJson(RangeRequestSchema, '{"key":"Zm9v"}');
 * const text = toJson(RangeResponseSchema, response);
 * ```
 *
 * @module
 */

import { type EtcdError, GrpcCode } from "./errors.ts";
import { type Decoded, decodeMessageAt } from "./json_decode.ts";
import { encodeMessage } from "./json_encode.ts";
import { goJsonString } from "./json_go_text.ts";
import { messageSize } from "./json_proto_size.ts";
import type { Schema } from "./json_schema.ts";

export type { EnumSpec, FieldKind, FieldSpec, Schema } from "./json_schema.ts";
export type { Decoded } from "./json_decode.ts";
export * from "./json_schemas.ts";

const encoder = new TextEncoder();

/** `value` as etcd's gateway writes it: compact, proto field order, zero values left out. */
export function toJson<T>(schema: Schema<T>, value: T): string {
  return encodeMessage(schema, value as Record<string, unknown>);
}

/**
 * Decodes JSON `text` as etcd's gateway decodes a request body: an empty
 * (or all-whitespace) text is the zero message; unknown fields are
 * ignored; anything after the first JSON value is not read. Throws an
 * {@linkcode EtcdError} (code 3) with Go's message on bad input.
 */
export function fromJson<T>(schema: Schema<T>, text: string): T {
  return fromJsonBytes(schema, encoder.encode(text));
}

/** {@linkcode fromJson} over the UTF-8 bytes of a body. */
export function fromJsonBytes<T>(schema: Schema<T>, bytes: Uint8Array): T {
  return decodeMessageAt(schema, bytes)?.value ?? schema.create();
}

/**
 * Decodes the next JSON value of a stream of messages (etcd's streaming
 * calls take whitespace-separated JSON objects) starting at `start`.
 * Returns the value and the index after it, or undefined when only
 * whitespace remains.
 */
export function fromJsonBytesAt<T>(
  schema: Schema<T>,
  bytes: Uint8Array,
  start: number,
): Decoded<T> | undefined {
  return decodeMessageAt(schema, bytes, start);
}

/** The protobuf size of `value`: what etcd's gRPC server measures against its limit. */
export function protoSize<T>(schema: Schema<T>, value: T): number {
  return messageSize(schema, value as Record<string, unknown>);
}

/**
 * The gateway's error body: `{"error":msg,"message":msg,"code":N}` (an
 * empty message or a zero code left out, as etcd's gateway does).
 */
export function errorToJson(error: EtcdError): string {
  const message = error.message === "" ? "" : goJsonString(error.message);
  let out = "{";
  if (message !== "") out += '"error":' + message + ',"message":' + message;
  if (error.code !== GrpcCode.OK) out += (out.length > 1 ? "," : "") + '"code":' + error.code;
  return out + "}";
}
