/**
 * Go's `text/tabwriter` (flags 0): aligns tab-terminated cells into columns.
 * etcdctl's help text goes through one with `minwidth 0, tabwidth 8,
 * padding 1, padchar '\t'`, which is why its option lists are aligned with
 * runs of tabs.
 *
 * @module
 */

/** The parameters of `tabwriter.Writer.Init`. */
export interface TabwriterOptions {
  readonly minWidth: number;
  readonly tabWidth: number;
  readonly padding: number;
  readonly padChar: string;
}

/** etcdctl's help settings: `tabwriter.NewWriter(out, 0, 8, 1, '\t', 0)`. */
export const HELP_TABWRITER: TabwriterOptions = {
  minWidth: 0,
  tabWidth: 8,
  padding: 1,
  padChar: "\t",
};

function runeCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function padding(textWidth: number, cellWidth: number, options: TabwriterOptions): string {
  if (options.padChar === "\t") {
    if (options.tabWidth === 0) return "";
    const rounded = Math.ceil(cellWidth / options.tabWidth) * options.tabWidth;
    return "\t".repeat(Math.ceil((rounded - textWidth) / options.tabWidth));
  }
  return options.padChar.repeat(Math.max(0, cellWidth - textWidth));
}

class Formatter {
  readonly out: string[] = [];
  readonly widths: number[] = [];

  constructor(readonly lines: string[][], readonly options: TabwriterOptions) {}

  writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      let text = "";
      line.forEach((cell, j) => {
        text += cell;
        const width = this.widths[j];
        if (width !== undefined) text += padding(runeCount(cell), width, this.options);
      });
      this.out.push(text);
    }
  }

  format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= this.lines[i]!.length - 1) continue;
      this.writeLines(line0, i);
      line0 = i;
      let width = this.options.minWidth;
      for (; i < line1; i++) {
        const line = this.lines[i]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, runeCount(line[column]!) + this.options.padding);
      }
      this.widths.push(width);
      this.format(line0, i);
      this.widths.pop();
      line0 = i;
    }
    this.writeLines(line0, line1);
  }
}

/** Formats `text` as a Go tabwriter with `options` would write it (then flushed). */
export function tabwriterFormat(text: string, options: TabwriterOptions = HELP_TABWRITER): string {
  const lines = text.split("\n").map((line) => line.split("\t"));
  const formatter = new Formatter(lines, options);
  formatter.format(0, lines.length);
  return formatter.out.join("\n");
}
