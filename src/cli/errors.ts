import { DataError } from "../data/dataset.ts";
import { fileSystemReason, OutputPathError } from "../files/index.ts";
import { Interrupted, RenderRequestError, SceneFailure, SceneFileError } from "../render/errors.ts";
import { SceneError } from "../scene/scene.ts";
import { ConfigError, DivergenceError, RunFileError } from "../train/index.ts";
import { EncoderError, FfmpegNotFoundError, PartsError } from "../video/index.ts";

/**
 * Exit codes: 0 success, 1 a failure while working, 2 a bad command line, input file or
 * output path, 130 interrupted by Ctrl-C (SIGINT), 143 stopped by SIGTERM (128 + the signal).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

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
  if (error instanceof Interrupted) {
    return { code: error.signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted, expected: true };
  }
  const usage = [
    UsageError,
    ConfigError,
    DataError,
    SceneError,
    SceneFileError,
    RenderRequestError,
    OutputPathError,
    RunFileError,
    PartsError,
  ];
  if (usage.some((kind) => error instanceof kind)) return { code: EXIT.usage, expected: true };
  if (error instanceof UserFacingError) return { code: error.exitCode, expected: true };
  const failures = [SceneFailure, DivergenceError, FfmpegNotFoundError, EncoderError];
  if (failures.some((kind) => error instanceof kind)) return { code: EXIT.failure, expected: true };
  // A file-system refusal (no permission, disk full, a file where a folder should be): the
  // system's message names the path and the reason, and it is the user's to fix.
  if (isFileSystemError(error)) return { code: EXIT.failure, expected: true };
  return { code: EXIT.failure, expected: false };
}

/** Prints an error as one line (the stack only when verbose) and returns the exit code. */
export function report(command: string, error: unknown, verbose: boolean): number {
  const { code, expected } = classify(error);
  process.stderr.write(`netreel ${command}: ${errorMessage(error)}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else if (!expected) process.stderr.write("(an unexpected error: run again with --verbose for the stack trace)\n");
  return code;
}

/** An error as the one line that reports it (without the command's name). */
export function errorMessage(error: unknown): string {
  if (isFileSystemError(error)) return fileSystemMessage(error as NodeJS.ErrnoException);
  if (error instanceof Interrupted) {
    return `interrupted (${error.signal}): nothing was written; any file already there is as it was`;
  }
  return error instanceof Error ? error.message : String(error);
}

function fileSystemMessage(error: NodeJS.ErrnoException): string {
  const what = error.syscall === "mkdir" ? "cannot create the folder" : "cannot write";
  return `${what} ${error.path}: ${fileSystemReason(error)}`;
}

function isFileSystemError(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException;
  return e instanceof Error && fileSystemReason(e) !== null && typeof e.path === "string";
}

/** node:util's parseArgs errors (unknown option, missing value) are usage errors. */
export function parseArgsError(error: unknown): unknown {
  const code = (error as { code?: string })?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) return new UsageError((error as Error).message);
  return error;
}

/**
 * A reader that stops early (`netreel --help | head -3`) closes our output; the rest is not
 * wanted, so finish quietly instead of crashing on the write error.
 */
export function exitQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}
