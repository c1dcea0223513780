/**
 * The gateway's test helpers (a scripted service, request builders), shared
 * with the unit tests of src/api.
 *
 * @module
 */

export * from "../../src/api/_testing.ts";
