/**
 * How the storage layer reports what it did (a repaired WAL tail, a snapshot
 * set aside, purged files): a level, a message and structured fields. The
 * server turns these into its structured log lines.
 *
 * @module
 */

/** A log callback. */
export type StorageLog = (
  level: "info" | "warn",
  message: string,
  fields: Record<string, unknown>,
) => void;
