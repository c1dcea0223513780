/**
 * `--write-out` → printer (etcdctl's `NewPrinter`): `simple`, `fields`,
 * `json`, `protobuf`, `table`; any other name is `unsupported output format`.
 *
 * @module
 */

import type { Output } from "./output.ts";
import { isOutputFormat, type Printer } from "./printer.ts";
import { FieldsPrinter } from "./printer_fields.ts";
import { JsonPrinter } from "./printer_json.ts";
import { ProtobufPrinter } from "./printer_protobuf.ts";
import { SimplePrinter } from "./printer_simple.ts";
import { TablePrinter } from "./printer_table.ts";

/** The printer for `format`, or `null` when etcdctl does not know the format. */
export function newPrinter(format: string, isHex: boolean, output: Output): Printer | null {
  if (!isOutputFormat(format)) return null;
  switch (format) {
    case "simple":
      return new SimplePrinter(output, isHex);
    case "fields":
      return new FieldsPrinter(output);
    case "json":
      return new JsonPrinter(output);
    case "protobuf":
      return new ProtobufPrinter(output);
    case "table":
      return new TablePrinter(output);
  }
}
