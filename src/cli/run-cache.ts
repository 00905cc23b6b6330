import { RunStore } from "../render/run-store.ts";

/** The line `--help` shows for --no-cache (render, render-all, test). */
export const NO_CACHE_HELP = `  --no-cache         train the scene's network even when output/.cache/ (or
                     NETREEL_CACHE_DIR) holds its run, and keep nothing there`;

/**
 * The run cache as a command uses it: output/.cache/ of the current folder (NETREEL_CACHE_DIR
 * instead when set), whatever --out says, so a render elsewhere reuses the project's runs. A
 * damaged file is one line (`netreel render: the cached run ... is damaged (...); training
 * again`), kept quiet by --quiet; what the cache did is said only with --verbose.
 */
export function commandRunStore(
  command: string,
  options: { quiet: boolean; verbose: boolean; indent?: string },
): RunStore {
  const indent = options.indent ?? "";
  return new RunStore({
    dir: RunStore.folder(),
    warn: (line) => {
      if (!options.quiet) process.stderr.write(`netreel ${command}: ${line}\n`);
    },
    note: (line) => {
      if (options.verbose && !options.quiet) process.stderr.write(`${indent}${line}\n`);
    },
  });
}
