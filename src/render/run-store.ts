/**
 * The run cache on disk: a scene's trained run kept in `output/.cache/` of the current folder
 * (or `NETREEL_CACHE_DIR`), so that rendering it again after a change to its captions, colours
 * or camera does not train again. `render`, `render-all` and `netreel test` use it (each has
 * `--no-cache`); the studio keeps its own runs in memory (runs.ts).
 *
 * - **Key**: SHA-256 of a canonical JSON (keys sorted, -0 kept) of the training config after
 *   validation and defaults (what the run records as its config; data inline or as a data set's
 *   name, options and seed), the SHA-256 of a CSV data file's bytes (not its path or time), and
 *   the engine: a hash of every file of netreel's training code (src/random, src/data, src/nn,
 *   src/train), the versions of seedrandom and zod and of V8, and this file format's version. A
 *   hash of the sources, not a version number someone must remember to bump: any edit there,
 *   even a comment, makes new keys (so a run never outlives the code that trained it), and
 *   reading and hashing those 34 files (~230 KB) costs 5-15 ms once a process. A scene that
 *   draws a saved run file (`run: "x.json"`) is not cached: it loads already.
 * - **File**: `<first 32 hex digits of the key>.run` in the format of run-cache-file.ts,
 *   written under a temporary name beside it and renamed over it when complete (two renders
 *   racing each write their own and the last rename wins; both files are whole). Written
 *   synchronously, so a Ctrl-C is handled only after the rename, and never half way.
 * - **Damage**: a file that is truncated, changed or not ours is reported in one line, removed,
 *   and the run trained again and written anew.
 * - **Bounds**: at most RUN_CACHE_LIMITS.files runs and RUN_CACHE_LIMITS.bytes bytes; after each
 *   write the least recently used go (a run read from the cache has its time touched). A run
 *   larger than the whole budget is not written.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { endianness } from "node:os";
import path from "node:path";
import { fileSystemReason, makeFolders, PartialFile } from "../files/index.ts";
import { ROOT } from "../paths.ts";
import { validateConfig } from "../train/index.ts";
import { formatBytes } from "../train/memory.ts";
import type { PackedRun } from "./protocol.ts";
import { CacheFileDamage, decodeRunFile, encodeRunFile, MAGIC } from "./run-cache-file.ts";

/** How much the cache keeps: a course of fourteen scenes takes 14 runs and about 25 MB. */
export const RUN_CACHE_LIMITS = { files: 32, bytes: 256 * 1024 * 1024 };

/** The folders whose code decides a run's numbers. */
const ENGINE_FOLDERS = ["src/random", "src/data", "src/nn", "src/train"];
/** The packages that code takes numbers or defaults from. */
const ENGINE_PACKAGES = ["seedrandom", "zod"];

const RUN_FILE = /^[0-9a-f]{32}\.run$/;

export interface RunStoreOptions {
  /** The cache folder (made when the first run is written). */
  dir: string;
  /** One line for a person: a damaged cache file, a cache that cannot be written. */
  warn?: (line: string) => void;
  /** Lines for --verbose: a run loaded from the cache, a run cached, runs removed. */
  note?: (line: string) => void;
  limits?: { files: number; bytes: number };
}

export class RunStore {
  readonly dir: string;
  readonly limits: { files: number; bytes: number };
  private readonly warn: (line: string) => void;
  private readonly note: (line: string) => void;

  constructor(options: RunStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.limits = options.limits ?? RUN_CACHE_LIMITS;
    this.warn = options.warn ?? (() => {});
    this.note = options.note ?? (() => {});
  }

  /** The cache folder of a command run in `cwd`: NETREEL_CACHE_DIR, else output/.cache. */
  static folder(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
    return path.resolve(cwd, env.NETREEL_CACHE_DIR || path.join("output", ".cache"));
  }

  /**
   * The key of the run `config` trains (CSV paths relative to `baseDir`), or null when it
   * cannot be keyed: a config that is not valid (training says what is wrong), a CSV file that
   * cannot be read, or netreel's own training code that cannot be read.
   */
  keyOf(config: unknown, baseDir: string): string | null {
    const engine = engineVersion();
    if (engine === null) {
      this.note("run cache: off (netreel's training code cannot be read to key it)");
      return null;
    }
    let valid: ReturnType<typeof validateConfig>;
    try {
      valid = validateConfig(config);
    } catch {
      return null;
    }
    let csv: string | null = null;
    let data: unknown = valid.data;
    if ("dataset" in valid.data && valid.data.dataset === "csv") {
      // The file's bytes, not its name or time: the same data moved or touched is the same run.
      const { path: file, ...options } = valid.data as { path: string };
      try {
        csv = sha256(readFileSync(path.resolve(baseDir, file)));
      } catch {
        return null;
      }
      data = options;
    }
    return sha256(canonicalJson({ engine, config: { ...valid, data }, csv }));
  }

  /** Where the run of `key` is kept. */
  fileOf(key: string): string {
    return path.join(this.dir, `${key.slice(0, 32)}.run`);
  }

  /**
   * The run kept under `key`, packed, or null (none, or a damaged file: reported, removed). A
   * run found is marked as used now, so pruning keeps it longest.
   */
  load(key: string): PackedRun | null {
    const file = this.fileOf(key);
    const started = performance.now();
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") this.note(`run cache: no run for this config yet (${shown(file)}); training`);
      else this.warn(`cannot read the cached run ${shown(file)} (${fileSystemReason(error) ?? code}); training again`);
      return null;
    }
    let packed: PackedRun;
    try {
      packed = decodeRunFile(bytes, key);
    } catch (error) {
      if (!(error instanceof CacheFileDamage)) throw error;
      this.warn(`the cached run ${shown(file)} is damaged (${error.message}); training again`);
      try {
        rmSync(file, { force: true });
      } catch {
        // A folder that is read-only to us: the run trained now will not be kept either, and says so.
      }
      return null;
    }
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // Another render pruned it meanwhile, or the folder is read-only: the run is read all the same.
    }
    const seconds = (performance.now() - started) / 1000;
    this.note(`run loaded from cache (${shown(file)}, ${formatBytes(bytes.length)} in ${seconds.toFixed(2)} s)`);
    return packed;
  }

  /**
   * Keeps `packed` under `key`: written beside its place and renamed into it, then the cache
   * pruned. Never throws: a cache that cannot be written is reported and the render goes on.
   */
  save(key: string, packed: PackedRun): void {
    const file = this.fileOf(key);
    const started = performance.now();
    const pieces = encodeRunFile(packed, key);
    const size = pieces.reduce((sum, piece) => sum + piece.length, 0);
    if (size > this.limits.bytes) {
      this.note(
        `run cache: this run (${formatBytes(size)}) is larger than the whole cache (${formatBytes(this.limits.bytes)}); not kept`,
      );
      return;
    }
    let out: PartialFile | null = null;
    try {
      makeFolders(this.dir);
      out = new PartialFile(file);
      for (const piece of pieces) out.write(piece);
      // No fsync: a file cut short by a power cut is caught by its length and checksum when read.
      out.commit({ flush: false });
    } catch (error) {
      out?.discard();
      const reason = fileSystemReason(error) ?? (error as Error).message;
      this.warn(`cannot write the run cache ${shown(file)} (${reason}); the run is not kept`);
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    let kept: { files: number; bytes: number };
    try {
      kept = this.prune(file);
    } catch (error) {
      const reason = fileSystemReason(error) ?? (error as Error).message;
      this.warn(`cannot prune the run cache ${shown(this.dir)} (${reason}); it may hold more than its bounds`);
      return;
    }
    this.note(
      `run cached in ${shown(file)} (${formatBytes(size)} in ${seconds.toFixed(2)} s); the cache holds ${kept.files} run${kept.files === 1 ? "" : "s"}, ${formatBytes(kept.bytes)} (it keeps at most ${this.limits.files} runs and ${formatBytes(this.limits.bytes)})`,
    );
  }

  /**
   * Removes the least recently used runs until at most `limits.files` runs and `limits.bytes`
   * bytes are left, `current` (the run just written) always kept. Only files named as runs are
   * touched. Returns what is left.
   */
  prune(current?: string): { files: number; bytes: number } {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((name) => RUN_FILE.test(name));
    } catch {
      return { files: 0, bytes: 0 };
    }
    const runs = names.flatMap((name) => {
      const file = path.join(this.dir, name);
      try {
        const stat = statSync(file);
        return [{ file, size: stat.size, used: file === current ? Number.POSITIVE_INFINITY : stat.mtimeMs }];
      } catch {
        return []; // removed by another render meanwhile
      }
    });
    runs.sort((a, b) => b.used - a.used);
    let files = 0;
    let bytes = 0;
    const removed: string[] = [];
    for (const run of runs) {
      if (run.file === current || (files + 1 <= this.limits.files && bytes + run.size <= this.limits.bytes)) {
        files++;
        bytes += run.size;
      } else {
        rmSync(run.file, { force: true });
        removed.push(path.basename(run.file));
      }
    }
    if (removed.length > 0) {
      this.note(
        `run cache: removed ${removed.length} least recently used run${removed.length === 1 ? "" : "s"} (${removed.join(", ")})`,
      );
    }
    return { files, bytes };
  }
}

/** A path as messages show it: relative to the current folder when inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * JSON with every object's keys sorted, undefined fields left out as JSON does, and -0 written
 * as -0 (JSON writes 0): two configs have the same text exactly when they hold the same values.
 * Only hashed, never parsed.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(JSON.stringify(value));
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const fields = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${fields.join(",")}}`;
  }
  return String(JSON.stringify(value));
}

let engine: string | null | undefined;

/**
 * What makes the same config train the same numbers: netreel's training code (every file under
 * ENGINE_FOLDERS, by content), the packages it draws on, V8 (its Math functions), this file
 * format and the byte order it assumes. Null when the code cannot be read, or on a big-endian
 * machine (the format is little-endian): then nothing is cached.
 */
export function engineVersion(): string | null {
  if (engine !== undefined) return engine;
  try {
    if (endianness() !== "LE") throw new Error("big-endian");
    const hash = createHash("sha256");
    hash.update(`${MAGIC.toString("latin1")}\0v8 ${process.versions.v8}\0`);
    for (const folder of ENGINE_FOLDERS) {
      for (const file of filesUnder(path.join(ROOT, folder))) {
        hash
          .update(`${path.relative(ROOT, file)}\0`)
          .update(readFileSync(file))
          .update("\0");
      }
    }
    for (const name of ENGINE_PACKAGES) hash.update(`${name} ${packageVersion(name)}\0`);
    engine = hash.digest("hex");
  } catch {
    engine = null;
  }
  return engine;
}

/** Every file under `dir`, sorted by path. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(file) : [file];
    });
}

/** An installed package's version, as node resolves it from netreel's folder; "?" when not found. */
function packageVersion(name: string): string {
  try {
    let dir = path.dirname(createRequire(path.join(ROOT, "package.json")).resolve(name));
    for (;;) {
      const manifest = path.join(dir, "package.json");
      try {
        const json = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
        if (json.name === name) return json.version ?? "?";
      } catch {}
      const parent = path.dirname(dir);
      if (parent === dir) return "?";
      dir = parent;
    }
  } catch {
    return "?";
  }
}
