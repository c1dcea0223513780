/**
 * The version of etcd-ts and of the etcd API it speaks.
 *
 * @module
 */

/** The etcd-ts release version. */
export const VERSION = "0.1.0";

/** The etcd v3 API version this build is compatible with. */
export const API_VERSION = "3.4";
