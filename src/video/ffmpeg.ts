import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

/** Where an ffmpeg binary was found. */
export interface FfmpegLocation {
  path: string;
  source: "FFMPEG_PATH" | "ffmpeg-static" | "PATH";
}

/** No usable ffmpeg anywhere; the message names every place looked at. */
export class FfmpegNotFoundError extends Error {
  override name = "FfmpegNotFoundError";
}

function runs(path: string, env: NodeJS.ProcessEnv): boolean {
  const probe = spawnSync(path, ["-hide_banner", "-version"], { stdio: "ignore", timeout: 5_000, env });
  return probe.status === 0;
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
 * exists and runs, else `ffmpeg` on the PATH.
 */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegLocation {
  const fromEnv = env.FFMPEG_PATH;
  if (fromEnv) {
    if (runs(fromEnv, env)) return { path: fromEnv, source: "FFMPEG_PATH" };
    throw new FfmpegNotFoundError(
      `FFMPEG_PATH is set to ${fromEnv}, which ${existsSync(fromEnv) ? "does not run as ffmpeg" : "does not exist"}; fix or unset it`,
    );
  }
  const bundled = ffmpegStaticPath();
  if (bundled && runs(bundled, env)) return { path: bundled, source: "ffmpeg-static" };
  if (runs("ffmpeg", env)) return { path: "ffmpeg", source: "PATH" };
  throw new FfmpegNotFoundError(
    "no ffmpeg found: FFMPEG_PATH is not set, the ffmpeg-static package has no binary, and there is no ffmpeg on the PATH; run scripts/setup.sh (or apt-get install ffmpeg)",
  );
}
