/**
 * go-humanize's `Bytes` (SI units), which etcdctl uses for the DB SIZE column
 * of `endpoint status`: `24576` → `"25 kB"`, `20480` → `"20 kB"`.
 *
 * @module
 */

const SIZES = ["B", "kB", "MB", "GB", "TB", "PB", "EB"] as const;

/** Go's `%.0f`: round half to even (only exact halves tie). */
function formatRoundEven(value: number): string {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff === 0.5) return String(floor % 2 === 0 ? floor : floor + 1);
  return String(Math.round(value));
}

/** `humanize.Bytes(n)`: base 1000, one decimal below 10, e.g. "9 B", "1.5 kB", "25 kB". */
export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  let exponent = 0;
  while (exponent < SIZES.length - 1 && n >= 1000 ** (exponent + 1)) exponent++;
  const value = Math.floor((n / 1000 ** exponent) * 10 + 0.5) / 10;
  const suffix = SIZES[exponent]!;
  return value < 10 ? `${value.toFixed(1)} ${suffix}` : `${formatRoundEven(value)} ${suffix}`;
}
