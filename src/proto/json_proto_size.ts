/**
 * The protobuf wire size of a message described by its JSON schema: the
 * size etcd's gRPC server sees for a request the gateway forwards, which it
 * holds against `--max-request-bytes` plus 512 KiB ("grpc: received
 * message larger than max (N vs. M)").
 *
 * proto3 rules: zero scalars are not written; a set message is written even
 * when empty; a set oneof member is written even when zero; repeated
 * numbers and enums are packed.
 *
 * @module
 */

import type { AnySchema, FieldSpec } from "./json_schema.ts";

const encoder = new TextEncoder();

/** Bytes of a varint holding the non-negative integer `value` (a number or bigint). */
export function varintSize(value: number | bigint): number {
  if (typeof value === "bigint") {
    if (value < 0n) return 10;
    let size = 1;
    while (value >= 0x80n) {
      value >>= 7n;
      size++;
    }
    return size;
  }
  if (value < 0) return 10;
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

function utf8Size(text: string): number {
  // deno-lint-ignore no-control-regex
  return /^[\u0000-\u007f]*$/.test(text) ? text.length : encoder.encode(text).length;
}

/** Size of one value's payload (without its tag). */
function payloadSize(field: FieldSpec, value: unknown): number {
  switch (field.kind) {
    case "bytes": {
      const length = (value as Uint8Array).length;
      return varintSize(length) + length;
    }
    case "string": {
      const length = utf8Size(value as string);
      return varintSize(length) + length;
    }
    case "bool":
      return 1;
    case "enum":
      return varintSize(field.enumSpec!.values.indexOf(value as string));
    case "message": {
      const length = messageSize(field.message!(), value as Record<string, unknown>);
      return varintSize(length) + length;
    }
    default:
      return varintSize(value as number | bigint);
  }
}

function isZero(field: FieldSpec, value: unknown): boolean {
  switch (field.kind) {
    case "bytes":
      return (value as Uint8Array).length === 0;
    case "enum":
      return value === field.enumSpec!.values[0];
    case "message":
      return value === null || value === undefined;
    default:
      return value === 0 || value === 0n || value === false || value === "";
  }
}

function isPacked(field: FieldSpec): boolean {
  return field.kind !== "bytes" && field.kind !== "string" && field.kind !== "message";
}

function fieldSize(field: FieldSpec, value: unknown, set: boolean): number {
  const tag = varintSize(field.no * 8);
  if (!field.repeated) return set || !isZero(field, value) ? tag + payloadSize(field, value) : 0;
  const list = value as readonly unknown[];
  if (list.length === 0) return 0;
  if (isPacked(field)) {
    let body = 0;
    for (const item of list) body += payloadSize(field, item);
    return tag + varintSize(body) + body;
  }
  let size = 0;
  for (const item of list) size += tag + payloadSize(field, item);
  return size;
}

/** The protobuf encoding size of a `schema` message, in bytes. */
export function messageSize(schema: AnySchema, value: Record<string, unknown>): number {
  if (schema.variant !== undefined) {
    for (const field of schema.fields) {
      const member = value[field.ts];
      if (member !== undefined) return fieldSize(field, member, true);
    }
    return 0;
  }
  const selected = schema.selectMember?.(value);
  let size = 0;
  for (const field of schema.fields) {
    if (field.oneof && field.ts !== selected) continue;
    size += fieldSize(field, value[field.ts], field.oneof);
  }
  return size;
}
