/**
 * The table layout etcdctl's `-w table` prints (olekukonko/tablewriter
 * v0.0.5 as etcdctl configures it): borders of `+`, `-` and `|`, headers
 * upper-cased and centered, cells right-aligned, and cells wider than 30
 * columns wrapped at spaces (minimum raggedness, as the library does).
 *
 * @module
 */

const MAX_COLUMN_WIDTH = 30;
const WRAP_PENALTY = 1e5;

const COMBINING = /^\p{M}$/u;

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/** Terminal columns `text` takes (East Asian wide characters count 2, marks 0). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || COMBINING.test(ch)) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

/** Splits `words` into lines of at most `limit` columns with the least raggedness. */
function wrapWords(words: readonly string[], limit: number): string[][] {
  const n = words.length;
  const widths = words.map(displayWidth);
  const length = (i: number, j: number): number => {
    let total = widths[i]!;
    for (let k = i + 1; k <= j; k++) total += 1 + widths[k]!;
    return total;
  };
  const breakAt = new Array<number>(n).fill(0);
  const cost = new Array<number>(n).fill(2 ** 31 - 1);
  for (let i = n - 1; i >= 0; i--) {
    if (length(i, n - 1) <= limit) {
      cost[i] = 0;
      breakAt[i] = n;
      continue;
    }
    for (let j = i + 1; j < n; j++) {
      const d = limit - length(i, j - 1);
      let c = d * d + cost[j]!;
      if (length(i, j - 1) > limit) c += WRAP_PENALTY;
      if (c < cost[i]!) {
        cost[i] = c;
        breakAt[i] = j;
      }
    }
  }
  const lines: string[][] = [];
  for (let i = 0; i < n; i = breakAt[i]!) lines.push(words.slice(i, breakAt[i]));
  return lines;
}

function wrapString(text: string, limit: number): string[] {
  const words = text.replaceAll("\n", " ").split(" ");
  for (const word of words) limit = Math.max(limit, displayWidth(word));
  return wrapWords(words, limit).map((line) => line.join(" "));
}

/** A cell's lines after reflow and wrapping, and the width they need. */
function cellLines(text: string): [string[], number] {
  const raw = text.split("\n");
  const width = Math.min(MAX_COLUMN_WIDTH, Math.max(...raw.map(displayWidth)));
  const lines = wrapString(raw.join(" "), width);
  return [lines, Math.max(width, ...lines.map(displayWidth))];
}

function padLeft(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - displayWidth(text))) + text;
}

function padCenter(text: string, width: number): string {
  const gap = width - displayWidth(text);
  if (gap <= 0) return text;
  const left = Math.floor(gap / 2);
  return " ".repeat(left) + text + " ".repeat(gap - left);
}

function borderLine(widths: readonly number[]): string {
  return "+" + widths.map((w) => "-".repeat(w + 2)).join("+") + "+\n";
}

function renderRow(
  cells: string[][],
  widths: readonly number[],
  pad: typeof padLeft,
  filler: string,
): string {
  const height = Math.max(...cells.map((lines) => lines.length));
  let out = "";
  for (let x = 0; x < height; x++) {
    for (let y = 0; y < cells.length; y++) {
      out += "| " + pad(cells[y]![x] ?? filler, widths[y]!) + " ";
    }
    out += "|\n";
  }
  return out;
}

/**
 * Renders `header` and `rows` as etcdctl's `-w table` does: header
 * upper-cased and centered, cells right-aligned.
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map(() => 0);
  const measure = (row: readonly string[]): string[][] =>
    row.map((text, i) => {
      const [lines, width] = cellLines(text);
      widths[i] = Math.max(widths[i] ?? 0, width);
      return lines;
    });
  const headerCells = measure(header).map((lines) => lines.map((line) => line.toUpperCase()));
  const bodyCells = rows.map(measure);
  let out = borderLine(widths);
  out += renderRow(headerCells, widths, padCenter, "");
  out += borderLine(widths);
  for (const cells of bodyCells) out += renderRow(cells, widths, padLeft, "  ");
  return out + borderLine(widths);
}
