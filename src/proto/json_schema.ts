/**
 * The tables that drive the JSON codec: one {@linkcode Schema} per message,
 * listing its fields in proto declaration order (the order etcd's gateway
 * prints them) with their JSON names, proto numbers and kinds.
 *
 * A message is described once with the small builders below
 * ({@linkcode message}, {@linkcode bytes}, {@linkcode int64}, …) and both
 * directions of the codec, and the proto size computation, read the same
 * table. Adding a message is a few lines.
 *
 * @module
 */

import type { EtcdError } from "./errors.ts";

/**
 * How a field is held in TypeScript and written in JSON:
 * - `bytes`: `Uint8Array` ↔ standard padded base64;
 * - `string`, `bool`;
 * - `int64` / `uint64`: a JS number (safe integer) ↔ a decimal string;
 * - `int64big` / `uint64big`: a bigint ↔ a decimal string (ids, leases);
 * - `int32` / `uint32`: a JS number ↔ a JSON number;
 * - `enum`: the value's name ↔ the name (a number is accepted on input);
 * - `message`: a nested message.
 */
export type FieldKind =
  | "bytes"
  | "string"
  | "bool"
  | "int64"
  | "uint64"
  | "int64big"
  | "uint64big"
  | "int32"
  | "uint32"
  | "enum"
  | "message";

/** A proto enum: its full Go type name (as errors print it) and its names by number. */
export interface EnumSpec {
  /** e.g. `etcdserverpb.RangeRequest_SortOrder`. */
  readonly name: string;
  /** The value names, indexed by their number (0 first). */
  readonly values: readonly string[];
}

/** One field of a message. */
export interface FieldSpec {
  /** The TypeScript property. */
  readonly ts: string;
  /** The proto name, as etcd's gateway prints it (`create_revision`, `ID`, `peerURLs`). */
  readonly json: string;
  /** The lowerCamel JSON name, also accepted on input (`createRevision`). */
  readonly camel: string;
  /** The proto field number. */
  readonly no: number;
  readonly kind: FieldKind;
  readonly repeated: boolean;
  /** For `enum` fields. */
  readonly enumSpec: EnumSpec | undefined;
  /** For `message` fields (a thunk, so messages can nest themselves). */
  readonly message: (() => AnySchema) | undefined;
  /** For `message` fields: `null` stands for "not set" (else a zero message does). */
  readonly nullable: boolean;
  /** Whether the field belongs to the message's oneof. */
  readonly oneof: boolean;
}

/** Options of a message whose fields form one oneof held as `{ [member]: value }`. */
export interface VariantSpec {
  /** The error a message with no member set is refused with (after the whole body decoded). */
  readonly onEmpty: () => EtcdError;
}

/**
 * A message: its fields in proto declaration order and how to make its zero
 * value. `T` is the TypeScript shape the codec produces and consumes.
 */
export interface Schema<T> {
  /** Full proto name, e.g. `etcdserverpb.RangeRequest`. */
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  /** The zero value: every field at proto3's zero (messages null or zero, lists empty). */
  readonly create: () => T;
  /**
   * For a message with a flattened oneof (etcd's Compare): the TS name of
   * the member to print, which is printed even when zero, as etcd does for
   * a set oneof member. Other members are never printed.
   */
  selectMember?(value: T): string;
  /** Set when the whole message is one oneof held as `{ [member]: value }` (RequestOp). */
  readonly variant?: VariantSpec;
  /** Field lookup by JSON name: `index * 2` for the proto name, `index * 2 + 1` for camel. */
  readonly byName: ReadonlyMap<string, number>;
}

/** A schema of any message (the codec's internal view). */
// deno-lint-ignore no-explicit-any
export type AnySchema = Schema<any>;

/** The JSON name protoc derives from a proto name (`create_revision` → `createRevision`). */
export function camelName(protoName: string): string {
  let out = "";
  let upper = false;
  for (const ch of protoName) {
    if (ch === "_") {
      upper = true;
    } else {
      out += upper ? ch.toUpperCase() : ch;
      upper = false;
    }
  }
  return out;
}

/** Options of a field builder. */
export interface FieldOptions {
  /** The TypeScript property when it is not the camel name (`ID` → `id`). */
  readonly ts?: string;
}

function makeField(
  no: number,
  json: string,
  kind: FieldKind,
  options: FieldOptions,
  extra: Partial<FieldSpec> = {},
): FieldSpec {
  const camel = camelName(json);
  return {
    ts: options.ts ?? camel,
    json,
    camel,
    no,
    kind,
    repeated: false,
    enumSpec: undefined,
    message: undefined,
    nullable: false,
    oneof: false,
    ...extra,
  };
}

/** A `bytes` field. */
export function bytes(no: number, json: string, options: FieldOptions = {}): FieldSpec {
  return makeField(no, json, "bytes", options);
}

/** A `string` field. */
export function string(no: number, json: string, options: FieldOptions = {}): FieldSpec {
  return makeField(no, json, "string", options);
}

/** A `bool` field. */
export function bool(no: number, json: string, options: FieldOptions = {}): FieldSpec {
  return makeField(no, json, "bool", options);
}

/** An `int64` field held as a JS number (clamped to the safe range on input). */
export function int64(no: number, json: string, options: FieldOptions = {}): FieldSpec {
  return makeField(no, json, "int64", options);
}

/** A `uint64` field held as a JS number (clamped to the safe range on input). */
export function uint64(no: number, json: string, options: FieldOptions = {}): FieldSpec {
  return makeField(no, json, "uint64", options);
}

/** An `int64` field held as a bigint (lease ids). */
export function int64big(no: number, json: string, options: FieldOptions = {}): FieldSpec {
  return makeField(no, json, "int64big", options);
}

/** A `uint64` field held as a bigint (cluster and member ids). */
export function uint64big(no: number, json: string, options: FieldOptions = {}): FieldSpec {
  return makeField(no, json, "uint64big", options);
}

/** An `int32` field. */
export function int32(no: number, json: string, options: FieldOptions = {}): FieldSpec {
  return makeField(no, json, "int32", options);
}

/** A `uint32` field. */
export function uint32(no: number, json: string, options: FieldOptions = {}): FieldSpec {
  return makeField(no, json, "uint32", options);
}

/** An enum field. */
export function enumField(
  no: number,
  json: string,
  spec: EnumSpec,
  options: FieldOptions = {},
): FieldSpec {
  return makeField(no, json, "enum", options, { enumSpec: spec });
}

/** Options of a message field. */
export interface MessageFieldOptions extends FieldOptions {
  /** `null` stands for "not set" (`prev_kv`); otherwise an absent field is a zero message. */
  readonly nullable?: boolean;
}

/** A message field. */
export function messageField(
  no: number,
  json: string,
  schema: () => AnySchema,
  options: MessageFieldOptions = {},
): FieldSpec {
  return makeField(no, json, "message", options, {
    message: schema,
    nullable: options.nullable ?? false,
  });
}

/** The same field, repeated (a list; an empty list is the zero value). */
export function repeated(field: FieldSpec): FieldSpec {
  return { ...field, repeated: true, nullable: false };
}

/** The same field, as a member of its message's oneof. */
export function oneofMember(field: FieldSpec): FieldSpec {
  return { ...field, oneof: true };
}

/** An enum: its Go type name and value names by number. */
export function enumSpec(name: string, values: readonly string[]): EnumSpec {
  return { name, values };
}

const EMPTY_BYTES = new Uint8Array(0);

/** The zero value of one field. */
export function zeroOf(field: FieldSpec): unknown {
  if (field.repeated) return [];
  switch (field.kind) {
    case "bytes":
      return EMPTY_BYTES;
    case "string":
      return "";
    case "bool":
      return false;
    case "int64":
    case "uint64":
    case "int32":
    case "uint32":
      return 0;
    case "int64big":
    case "uint64big":
      return 0n;
    case "enum":
      return field.enumSpec!.values[0];
    case "message":
      return field.nullable ? null : field.message!().create();
  }
}

function buildIndex(fields: readonly FieldSpec[]): Map<string, number> {
  const byName = new Map<string, number>();
  fields.forEach((field, index) => {
    if (field.camel !== field.json) byName.set(field.camel, index * 2 + 1);
    byName.set(field.json, index * 2);
  });
  return byName;
}

/** Options of {@linkcode message}. */
export interface MessageOptions<T> {
  /** See {@linkcode Schema.selectMember}. */
  readonly selectMember?: (value: T) => string;
  /** See {@linkcode Schema.variant}: every field must be a oneof member. */
  readonly variant?: VariantSpec;
  /** Builds the zero value; by default every field at its zero (see {@linkcode zeroOf}). */
  readonly create?: () => T;
}

/** A message schema from its fields, listed in proto declaration order. */
export function message<T>(
  name: string,
  fields: readonly FieldSpec[],
  options: MessageOptions<T> = {},
): Schema<T> {
  const variant = options.variant;
  const create = options.create ?? (() => {
    const value: Record<string, unknown> = {};
    if (variant === undefined) {
      for (const field of fields) value[field.ts] = zeroOf(field);
    }
    return value as T;
  });
  const schema: Schema<T> = {
    name,
    fields: variant === undefined ? fields : fields.map((field) => ({ ...field, oneof: true })),
    create,
    byName: buildIndex(fields),
  };
  if (options.selectMember !== undefined) schema.selectMember = options.selectMember;
  return variant === undefined ? schema : { ...schema, variant };
}
