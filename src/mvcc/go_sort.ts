/**
 * The order Go's `sort.Sort` (Go 1.19 and later: pattern-defeating
 * quicksort, not stable) leaves a slice in. etcd 3.4 sorts range results
 * with it, so keys that tie on the sort target (same version, value, create
 * or mod revision) come back in pdqsort's order, not in key order, once
 * there are more than 12 of them. To answer as etcd does, this module runs
 * the same algorithm step for step: insertion sort up to 12 elements,
 * median-of-three or Tukey's ninther pivots, the "likely sorted" partial
 * insertion sort, partition into equal elements after a repeated pivot,
 * pattern breaking with a length-seeded xorshift, heapsort after too many
 * unbalanced partitions.
 *
 * @module
 */

/** Sorts `items` in place as Go's `sort.Sort` does with this `less`. */
export function goSort<T>(items: T[], less: (a: T, b: T) => boolean): void {
  const n = items.length;
  if (n <= 1) return;
  pdqsort(new Slice(items, less), 0, n, bitLength(n));
}

/** Go's sort.Interface over an array. */
class Slice<T> {
  readonly #items: T[];
  readonly #less: (a: T, b: T) => boolean;

  constructor(items: T[], less: (a: T, b: T) => boolean) {
    this.#items = items;
    this.#less = less;
  }

  less(i: number, j: number): boolean {
    return this.#less(this.#items[i]!, this.#items[j]!);
  }

  swap(i: number, j: number): void {
    const items = this.#items;
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** Go's bits.Len: the number of bits needed for `n` (n > 0). */
function bitLength(n: number): number {
  return 32 - Math.clz32(n);
}

const MAX_INSERTION = 12;
const UNKNOWN_HINT = 0;
const INCREASING_HINT = 1;
const DECREASING_HINT = 2;

function pdqsort<T>(data: Slice<T>, a: number, b: number, limit: number): void {
  let wasBalanced = true;
  let wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= MAX_INSERTION) {
      insertionSort(data, a, b);
      return;
    }
    if (limit === 0) {
      heapSort(data, a, b);
      return;
    }
    if (!wasBalanced) {
      breakPatterns(data, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(data, a, b);
    if (hint === DECREASING_HINT) {
      reverseRange(data, a, b);
      pivot = (b - 1) - (pivot - a);
      hint = INCREASING_HINT;
    }
    if (wasBalanced && wasPartitioned && hint === INCREASING_HINT) {
      if (partialInsertionSort(data, a, b)) return;
    }
    if (a > 0 && !data.less(a - 1, pivot)) {
      a = partitionEqual(data, a, b, pivot);
      continue;
    }
    const [mid, alreadyPartitioned] = partition(data, a, b, pivot);
    wasPartitioned = alreadyPartitioned;
    const leftLength = mid - a;
    const rightLength = b - mid;
    const balanceThreshold = Math.floor(length / 8);
    if (leftLength < rightLength) {
      wasBalanced = leftLength >= balanceThreshold;
      pdqsort(data, a, mid, limit);
      a = mid + 1;
    } else {
      wasBalanced = rightLength >= balanceThreshold;
      pdqsort(data, mid + 1, b, limit);
      b = mid;
    }
  }
}

function insertionSort<T>(data: Slice<T>, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && data.less(j, j - 1); j--) data.swap(j, j - 1);
  }
}

function siftDown<T>(data: Slice<T>, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && data.less(first + child, first + child + 1)) child++;
    if (!data.less(first + root, first + child)) return;
    data.swap(first + root, first + child);
    root = child;
  }
}

function heapSort<T>(data: Slice<T>, a: number, b: number): void {
  const first = a;
  const hi = b - a;
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(data, i, hi, first);
  for (let i = hi - 1; i >= 0; i--) {
    data.swap(first, first + i);
    siftDown(data, 0, i, first);
  }
}

/** One partition around data[pivot]: [< p] p [≥ p]; also whether nothing had to move. */
function partition<T>(data: Slice<T>, a: number, b: number, pivot: number): [number, boolean] {
  data.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && data.less(i, a)) i++;
  while (i <= j && !data.less(j, a)) j--;
  if (i > j) {
    data.swap(j, a);
    return [j, true];
  }
  data.swap(i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && data.less(i, a)) i++;
    while (i <= j && !data.less(j, a)) j--;
    if (i > j) break;
    data.swap(i, j);
    i++;
    j--;
  }
  data.swap(j, a);
  return [j, false];
}

/** Partitions data[a:b] (nothing smaller than the pivot) into [= p] [> p]. */
function partitionEqual<T>(data: Slice<T>, a: number, b: number, pivot: number): number {
  data.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !data.less(a, i)) i++;
    while (i <= j && data.less(a, j)) j--;
    if (i > j) break;
    data.swap(i, j);
    i++;
    j--;
  }
  return i;
}

/** Fixes up to 5 adjacent inversions; whether data[a:b] ended up sorted. */
function partialInsertionSort<T>(data: Slice<T>, a: number, b: number): boolean {
  const maxSteps = 5;
  const shortestShifting = 50;
  let i = a + 1;
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !data.less(i, i - 1)) i++;
    if (i === b) return true;
    if (b - a < shortestShifting) return false;
    data.swap(i, i - 1);
    if (i - a >= 2) {
      // Go shifts down to index 1, not to a (the less test stops it early).
      for (let j = i - 1; j >= 1; j--) {
        if (!data.less(j, j - 1)) break;
        data.swap(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!data.less(j, j - 1)) break;
        data.swap(j, j - 1);
      }
    }
  }
  return false;
}

const MASK_64 = (1n << 64n) - 1n;

/** Swaps three elements near the middle with pseudo-random ones (xorshift seeded by length). */
function breakPatterns<T>(data: Slice<T>, a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  let random = BigInt(length);
  const modulus = 2 ** bitLength(length);
  const first = a + Math.floor(length / 4) * 2 - 1;
  for (let idx = first; idx <= first + 2; idx++) {
    random ^= (random << 13n) & MASK_64;
    random ^= random >> 17n;
    random ^= (random << 5n) & MASK_64;
    let other = Number(random & BigInt(modulus - 1));
    if (other >= length) other -= length;
    data.swap(idx, a + other);
  }
}

/** The pivot index and a hint of the order seen around it. */
function choosePivot<T>(data: Slice<T>, a: number, b: number): [number, number] {
  const shortestNinther = 50;
  const maxSwaps = 4 * 3;
  const l = b - a;
  const swaps = { count: 0 };
  const quarter = Math.floor(l / 4);
  let i = a + quarter;
  let j = a + quarter * 2;
  let k = a + quarter * 3;
  if (l >= 8) {
    if (l >= shortestNinther) {
      i = median(data, i - 1, i, i + 1, swaps);
      j = median(data, j - 1, j, j + 1, swaps);
      k = median(data, k - 1, k, k + 1, swaps);
    }
    j = median(data, i, j, k, swaps);
  }
  if (swaps.count === 0) return [j, INCREASING_HINT];
  if (swaps.count === maxSwaps) return [j, DECREASING_HINT];
  return [j, UNKNOWN_HINT];
}

/** The index of the median of data[a], data[b], data[c], counting swaps as Go does. */
function median<T>(
  data: Slice<T>,
  a: number,
  b: number,
  c: number,
  swaps: { count: number },
): number {
  [a, b] = order2(data, a, b, swaps);
  [b, c] = order2(data, b, c, swaps);
  [a, b] = order2(data, a, b, swaps);
  return b;
}

function order2<T>(
  data: Slice<T>,
  a: number,
  b: number,
  swaps: { count: number },
): [number, number] {
  if (data.less(b, a)) {
    swaps.count++;
    return [b, a];
  }
  return [a, b];
}

function reverseRange<T>(data: Slice<T>, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) data.swap(i, j);
}
