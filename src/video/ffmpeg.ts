import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { EncoderError, ffmpegTimeout } from "./process.ts";

/** Where an ffmpeg binary was found. */
export interface FfmpegLocation {
  path: string;
  source: "FFMPEG_PATH" | "ffmpeg-static" | "PATH";
}

/** An ffmpeg that runs, and the encoders it has (by ffmpeg's names, e.g. "libx264"). */
export interface Ffmpeg extends FfmpegLocation {
  encoders: Set<string>;
}

/** No usable ffmpeg anywhere; the message names every place looked at. */
export class FfmpegNotFoundError extends Error {
  override name = "FfmpegNotFoundError";
}

/** How asking one binary for its encoders ended. */
type Answer =
  | { ok: true; encoders: Set<string> }
  | { ok: false; missing: boolean; why: string; error: EncoderError };

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  /** Seconds the binary has to answer; default NETREEL_FFMPEG_TIMEOUT within 5 to 20. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/**
 * Runs `ffmpeg -hide_banner -encoders` once, with a timeout: the one run that shows the binary
 * works as ffmpeg and says what it can encode. A process that does not answer in time is
 * killed and reported; an abort kills it and throws the abort.
 */
async function askEncoders(ffmpegPath: string, options: FindOptions): Promise<Answer> {
  // Starting a process on a busy machine can take seconds: the question gets at least 5 s
  // whatever stall limit NETREEL_FFMPEG_TIMEOUT sets for encoding (a 1-s limit failed a render
  // under load before ffmpeg had said a word).
  const seconds = options.timeoutSeconds ?? Math.min(Math.max(ffmpegTimeout(options.env), 5), 20);
  const { signal } = options;
  signal?.throwIfAborted();
  const child = spawn(ffmpegPath, ["-hide_banner", "-encoders"], {
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.env ? { env: options.env } : {}),
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr.resume();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, seconds * 1000);
  const abort = () => child.kill("SIGKILL");
  signal?.addEventListener("abort", abort, { once: true });
  try {
    const ended = await new Promise<{ code: number | null; by: NodeJS.Signals | null } | Error>((resolve) => {
      child.once("error", resolve);
      child.once("close", (code, by) => resolve({ code, by }));
    });
    signal?.throwIfAborted();
    if (ended instanceof Error) {
      const missing = (ended as NodeJS.ErrnoException).code === "ENOENT";
      const error = new EncoderError(`cannot run ffmpeg (${ffmpegPath}): ${ended.message}`);
      return { ok: false, missing, why: ended.message, error };
    }
    if (timedOut) {
      const error = new EncoderError(
        `ffmpeg (${ffmpegPath}) did not answer within ${seconds} s when asked for its encoders; it may be stuck or not ffmpeg (NETREEL_FFMPEG_TIMEOUT sets the limit)`,
      );
      return { ok: false, missing: false, why: `no answer within ${seconds} s`, error };
    }
    if (ended.code !== 0) {
      const how = ended.by ?? `exit ${ended.code}`;
      const error = new EncoderError(`ffmpeg (${ffmpegPath}) failed when asked for its encoders (${how})`);
      return { ok: false, missing: false, why: `asked for its encoders: ${how}`, error };
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
  const encoders = new Set<string>();
  for (const line of out.split("\n")) {
    const match = /^\s*[VAS][.A-Z]{5}\s+(\S+)/.exec(line);
    if (match) encoders.add(match[1] as string);
  }
  return { ok: true, encoders };
}

/** The path ffmpeg-static offers, or null when the package or its binary is absent. */
function ffmpegStaticPath(): string | null {
  try {
    const path = createRequire(import.meta.url)("ffmpeg-static") as string | null;
    // With its download refused (or --ignore-scripts) the package still returns a path to a
    // binary that was never written.
    return typeof path === "string" && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * Finds ffmpeg: $FFMPEG_PATH if set (and it must work), else the ffmpeg-static binary if it
 * exists and runs, else `ffmpeg` on the PATH. Each candidate is run once, asked for its
 * encoders: that run is both the check that it works and the list `checkEncoders` reads.
 */
export async function findFfmpeg(options: FindOptions = {}): Promise<Ffmpeg> {
  const env = options.env ?? process.env;
  const fromEnv = env.FFMPEG_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new FfmpegNotFoundError(`FFMPEG_PATH is set to ${fromEnv}, which does not exist; fix or unset it`);
    }
    const answer = await askEncoders(fromEnv, options);
    if (answer.ok) return { path: fromEnv, source: "FFMPEG_PATH", encoders: answer.encoders };
    // A hang is said as such (with the limit to raise); anything else is "not ffmpeg".
    if (answer.why.startsWith("no answer")) throw answer.error;
    throw new FfmpegNotFoundError(
      `FFMPEG_PATH is set to ${fromEnv}, which does not run as ffmpeg (${answer.why}); fix or unset it`,
    );
  }
  const bundled = ffmpegStaticPath();
  if (bundled) {
    const answer = await askEncoders(bundled, options);
    if (answer.ok) return { path: bundled, source: "ffmpeg-static", encoders: answer.encoders };
  }
  const answer = await askEncoders("ffmpeg", options);
  if (answer.ok) return { path: "ffmpeg", source: "PATH", encoders: answer.encoders };
  if (!answer.missing) throw answer.error;
  throw new FfmpegNotFoundError(
    "no ffmpeg found: FFMPEG_PATH is not set, the ffmpeg-static package has no binary, and there is no ffmpeg on the PATH; run scripts/setup.sh (or apt-get install ffmpeg)",
  );
}
