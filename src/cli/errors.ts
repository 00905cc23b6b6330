import { DataError } from "../data/index.ts";
import { SceneError } from "../scene/index.ts";
import { ConfigError, DivergenceError, RunFileError } from "../train/index.ts";
import { EncoderError, FfmpegNotFoundError } from "../video/index.ts";

/** Exit codes: 0 success, 1 a failure while working, 2 a bad command line or input file. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** A mistake in how the command was called; printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure the user can act on (no ffmpeg, a scene that throws); one line, exit code 1. */
export class UserFacingError extends Error {
  override name = "UserFacingError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The exit code for an error, and whether it is one the user caused (so no stack trace). */
export function classify(error: unknown): { code: number; expected: boolean } {
  if (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof DataError ||
    error instanceof SceneError
  ) {
    return { code: EXIT.usage, expected: true };
  }
  if (error instanceof UserFacingError) return { code: error.exitCode, expected: true };
  const failures = [RunFileError, DivergenceError, FfmpegNotFoundError, EncoderError];
  if (failures.some((kind) => error instanceof kind)) return { code: EXIT.failure, expected: true };
  return { code: EXIT.failure, expected: false };
}

/** Prints an error as one line (the stack only when verbose) and returns the exit code. */
export function report(command: string, error: unknown, verbose: boolean): number {
  const { code, expected } = classify(error);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`netreel ${command}: ${message}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else if (!expected) process.stderr.write("(an unexpected error: run again with --verbose for the stack trace)\n");
  return code;
}
