/**
 * etcdctl's `-w table`: only member list and endpoint health/status have a
 * table; every other result is `table not supported as output format`.
 *
 * @module
 */

import type { MemberListResponse } from "../proto/rpc.ts";
import type { Output } from "./output.ts";
import { type EndpointHealth, type EndpointStatus, UnsupportedPrinter } from "./printer.ts";
import {
  endpointHealthRows,
  endpointStatusRows,
  memberListRows,
  type Rows,
} from "./printer_rows.ts";
import { renderTable } from "./tablewriter.ts";

/** The table printer. */
export class TablePrinter extends UnsupportedPrinter {
  constructor(private readonly output: Output) {
    super("table");
  }

  #print({ header, rows }: Rows): void {
    this.output.out(renderTable(header, rows));
  }

  override memberList(resp: MemberListResponse): void {
    this.#print(memberListRows(resp));
  }

  override endpointHealth(list: readonly EndpointHealth[]): void {
    this.#print(endpointHealthRows(list));
  }

  override endpointStatus(list: readonly EndpointStatus[]): void {
    this.#print(endpointStatusRows(list));
  }
}
