/**
 * Invariant assertions. A failed assertion is a programmer error: it throws
 * {@linkcode AssertionError} and is never caught by ordinary error handling.
 *
 * @module
 */

/** Thrown when an invariant does not hold. */
export class AssertionError extends Error {
  override name = "AssertionError";
}

/** Throws {@linkcode AssertionError} with `message` unless `condition` holds. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Marks a branch that must be unreachable (exhaustive switches). */
export function unreachable(value: never, message = "unreachable"): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}
