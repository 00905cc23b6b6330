import { statSync } from "node:fs";
import type { Run } from "../train/index.ts";

/**
 * Trained runs kept for reuse, by what produced them: a training config (with its seed and
 * the folder its data paths are relative to) or a saved run file (with its size and time).
 * The studio keeps one so that saving a scene whose training did not change redraws at once,
 * and so that its stills and renders do not train again. Holds the most recent `limit` runs.
 */
export class RunCache {
  private readonly runs = new Map<string, Run>();
  private readonly keys = new WeakMap<Run, string>();
  constructor(private readonly limit = 3) {}

  /** The key of a run trained from `config`, with data paths relative to `baseDir`. */
  static trained(config: unknown, baseDir: string): string {
    return `train ${baseDir} ${JSON.stringify(config)}`;
  }

  /** The key of a run loaded from `file` as it is now (a changed file gets a new key). */
  static loaded(file: string): string {
    const stat = statSync(file, { throwIfNoEntry: false });
    return `file ${file} ${stat?.size ?? -1} ${stat?.mtimeMs ?? -1}`;
  }

  get(key: string): Run | undefined {
    const run = this.runs.get(key);
    if (run) {
      this.runs.delete(key);
      this.runs.set(key, run);
    }
    return run;
  }

  /** The key a run was stored under. */
  keyOf(run: Run): string | undefined {
    return this.keys.get(run);
  }

  set(key: string, run: Run): void {
    this.keys.set(run, key);
    this.runs.delete(key);
    this.runs.set(key, run);
    while (this.runs.size > this.limit) this.runs.delete(this.runs.keys().next().value as string);
  }

  clear(): void {
    this.runs.clear();
  }
}
