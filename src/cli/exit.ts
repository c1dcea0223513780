/**
 * etcdctl's exit codes (`pkg/cobrautl`) and the error that unwinds a
 * command to {@linkcode runCtl} with one of them, as `ExitWithError` does.
 *
 * @module
 */

/** etcdctl's exit codes. */
export const ExitCode = {
  success: 0,
  error: 1,
  badConnection: 2,
  invalidInput: 3,
  badFeature: 4,
  interrupted: 5,
  io: 6,
  badArgs: 128,
} as const;

/**
 * Ends the command with `code`. `stderr` is written as is (etcdctl's
 * `ExitWithError` writes `"Error: " + message + "\n"`; see {@linkcode exitWithError}).
 */
export class CtlExit extends Error {
  override name = "CtlExit";

  constructor(readonly code: number, readonly stderr: string) {
    super(stderr.trimEnd());
  }
}

/** etcdctl's `ExitWithError(code, err)`: `Error: <message>` on stderr, then exit. */
export function exitWithError(code: number, message: string): CtlExit {
  return new CtlExit(code, `Error: ${message}\n`);
}
