import { readFileSync } from "node:fs";
import path from "node:path";
import type { Seed } from "../random/index.ts";
import type { SceneContext, ThemeName } from "../scene/index.ts";
import { ConfigError, loadRun, placeConfigError, type Run, type TrainProgress, trainAsync } from "../train/index.ts";
import type { EncoderInput, Frame } from "../video/index.ts";
import { SceneDrawer } from "./drawer.ts";
import {
  abortable,
  EncoderInputClosed,
  Interrupted,
  interruptedBy,
  RenderRequestError,
  SceneFailure,
} from "./errors.ts";
import {
  isPackedRun,
  type PackedRun,
  type PrepareAsks,
  type Prepared,
  type ProcessUsage,
  packRun,
  type SceneMeta,
  unpackRun,
} from "./protocol.ts";
import type { RunStore } from "./run-store.ts";
import { RunCache } from "./runs.ts";

/** Seconds the scene's code may take for one frame (loading and preparing: at least 60). */
export const DEFAULT_FRAME_TIMEOUT = 60;

/** What to change of a scene's defaults: its size, rate, length, seed and theme. */
export interface SceneSettings {
  /** Frame size; default the scene's own. */
  width?: number;
  height?: number;
  /** Instead of a size: this width, and the height that keeps the scene's aspect ratio. */
  fitWidth?: number;
  /** Frames per second; default the scene's own. */
  fps?: number;
  /** Seconds; default the scene's own. */
  duration?: number;
  seed?: Seed;
  theme?: ThemeName;
}

/** What a session's `prepare` is asked for. */
export interface PrepareOptions extends SceneSettings, PrepareAsks {
  /** What each drawn frame carries: RGBA-ordered raw bytes (BGRA as node-canvas writes them) and/or a PNG. */
  encodings: { raw: boolean; png: boolean };
  /** Runs to reuse (and to keep the run trained now), in memory: the studio's. */
  runs?: RunCache;
  /**
   * The run cache on disk (`render`, `render-all`, `netreel test`): a run found there is not
   * trained again, and a run trained now is kept there.
   */
  store?: RunStore;
  onTraining?: (progress: TrainProgress) => void;
  /** Lines worth showing a person (the training summary). */
  log?: (line: string) => void;
  /** Stops training (default: the session's signal). The studio stops a training a save makes stale. */
  trainingSignal?: AbortSignal;
}

/** How a session reaches the scene's process. */
export interface SessionStart {
  scene: string;
  signal?: AbortSignal;
  frameTimeoutSeconds?: number;
  /** Pass the scene process's stderr through. */
  verbose?: boolean;
  /** A process started ahead (the studio's warm one); default a new one. */
  drawer?: SceneDrawer;
  /**
   * Processes that draw the frames of `each` (default 1): frame i goes to process i mod jobs.
   * They all load the scene while the run trains, once, here; each gets the run and prepares
   * the scene with it. Frames are pure, so every process draws the same pixels.
   */
  jobs?: number;
}

export type SessionOptions = SessionStart & PrepareOptions;

/** The context a scene is prepared with (all but the run): the one place it is made. */
export function sceneContext(
  meta: SceneMeta,
  settings: SceneSettings,
  scene: string,
): Omit<SceneContext<Run | undefined>, "run"> {
  const fps = settings.fps ?? meta.fps;
  const frames = Math.max(1, Math.round((settings.duration ?? meta.duration) * fps));
  const width = settings.fitWidth ?? settings.width ?? meta.width;
  const height = settings.fitWidth
    ? Math.max(1, Math.round((settings.fitWidth * meta.height) / meta.width))
    : (settings.height ?? meta.height);
  return {
    seed: seedFor(settings.seed, meta, scene),
    width,
    height,
    fps,
    frames,
    duration: frames / fps,
    theme: settings.theme ?? "light",
  };
}

/**
 * The one way from a scene file to drawn frames, for `render`, `netreel test`, `netreel
 * sheet`, the motion check and the studio: **load** the scene in its own process, **prepare**
 * it (its run trained, loaded from its run file or taken from a cache, then the context and the
 * scene's `prepare`), **draw** frames by index, and **close** or **kill** it. The scene's code
 * runs only in that process (DESIGN: who draws, who supervises); this process holds no run
 * once it is handed over. On any failure in `load` or `open` the process is stopped; after
 * that, the caller owns the session and stops it (`kill` is safe to call at any time).
 */
export class SceneSession {
  private current: { context: Omit<SceneContext<Run | undefined>, "run">; prepared: Prepared } | null = null;
  /** The key of the run the scene draws (RunCache), once prepared with `runs`. */
  runKey: string | undefined;

  private constructor(
    readonly file: string,
    readonly meta: SceneMeta,
    readonly drawer: SceneDrawer,
    /** The caller's signal, if it gave one (the studio gives none: nothing to listen to for each frame). */
    private readonly signal: AbortSignal | null,
    /** The other processes that draw `each`'s frames (`jobs` − 1 of them). */
    private readonly helpers: SceneDrawer[] = [],
  ) {}

  /** Every process drawing this scene: the first (which also trains and answers single frames), then the helpers. */
  private get drawers(): SceneDrawer[] {
    return [this.drawer, ...this.helpers];
  }

  /** Starts (or takes) the scene's process and loads the scene: its `meta` says what it declares. */
  static async load(options: SessionStart): Promise<SceneSession> {
    const signal = options.signal ?? new AbortController().signal;
    signal.throwIfAborted();
    const start = () =>
      new SceneDrawer({
        file: options.scene,
        timeoutSeconds: options.frameTimeoutSeconds ?? DEFAULT_FRAME_TIMEOUT,
        verbose: options.verbose ?? false,
      });
    const drawer = options.drawer ?? start();
    const helpers = Array.from({ length: Math.max(0, Math.floor(options.jobs ?? 1) - 1) }, start);
    try {
      // The helpers load the scene beside the first process: their start costs no time of its own.
      const [meta] = await abortable(Promise.all([drawer, ...helpers].map((d) => d.load(options.scene))), signal);
      return new SceneSession(options.scene, meta as SceneMeta, drawer, options.signal ?? null, helpers);
    } catch (error) {
      await Promise.all([drawer, ...helpers].map((d) => d.kill()));
      if (signal.aborted) throw interruptedBy(signal);
      throw error;
    }
  }

  /** `load` and `prepare` in one. */
  static async open(options: SessionOptions): Promise<SceneSession> {
    const session = await SceneSession.load(options);
    try {
      await session.prepare(options);
      return session;
    } catch (error) {
      await session.kill();
      if (options.signal?.aborted) throw interruptedBy(options.signal);
      throw error;
    }
  }

  /**
   * Gets the scene's run (trains it, loads its run file, or takes it from `runs` or from the run
   * cache, `store`, which then keeps a run trained now), makes the context and calls the scene's
   * `prepare` in its process (in every process, with --jobs); returns what that resolved. A
   * session can be prepared again (the studio: another size or theme, the same code).
   */
  async prepare(options: PrepareOptions): Promise<Prepared> {
    const context = sceneContext(this.meta, options, this.file);
    const { run, keep } = await sceneRun(
      this.drawer,
      {
        scene: this.file,
        runs: options.runs,
        store: options.store,
        onTraining: options.onTraining,
        log: options.log ?? (() => {}),
      },
      this.meta,
      context.seed,
      options.trainingSignal ?? this.signal ?? new AbortController().signal,
    );
    const runKey = run && options.runs && !isPackedRun(run) ? options.runs.keyOf(run) : undefined;
    const asks: PrepareAsks & { runKey?: string } = {
      ...(options.snapshots ? { snapshots: true } : {}),
      ...(options.moments ? { moments: options.moments } : {}),
      ...(options.timeline ? { timeline: true } : {}),
      ...(options.heading ? { heading: true } : {}),
      ...(runKey !== undefined ? { runKey } : {}),
    };
    // A run trained now is packed once, here, when more than one place takes it: the run cache
    // and every process that draws. The cache file is written while those processes unpack the
    // run and prepare (each message is on its way once `prepare` is called).
    const sent = run !== undefined && !isPackedRun(run) && (keep || this.helpers.length > 0) ? packRun(run) : run;
    // Every process prepares the scene with the same run and context; the first one's answer is the session's.
    const preparing = Promise.all(
      this.drawers.map((drawer, k) =>
        drawer.prepare(
          { ...context, run: sent },
          options.encodings,
          k === 0 ? asks : { ...(runKey !== undefined ? { runKey } : {}) },
        ),
      ),
    );
    if (keep && sent !== undefined && isPackedRun(sent)) keep(sent);
    const [prepared] = await this.abortable(preparing);
    this.current = { context, prepared: prepared as Prepared };
    this.runKey = runKey;
    return prepared as Prepared;
  }

  /** The context the scene was last prepared with (all but the run). */
  get context(): Omit<SceneContext<Run | undefined>, "run"> {
    return this.prepared$().context;
  }

  /** What the last `prepare` resolved. */
  get prepared(): Prepared {
    return this.prepared$().prepared;
  }

  get frames(): number {
    return this.context.frames;
  }

  /** Whether the scene's processes are still running. */
  get alive(): boolean {
    return this.drawers.every((drawer) => drawer.alive);
  }

  private prepared$(): NonNullable<SceneSession["current"]> {
    if (!this.current) throw new Error(`netreel bug: the session of ${this.file} was used before prepare`);
    return this.current;
  }

  /** Draws frame `index` (0-based). */
  draw(index: number): Promise<Frame> {
    return this.abortable(this.drawer.draw(index));
  }

  /** `work`, stopped by the caller's signal when it gave one. */
  private abortable<T>(work: Promise<T>): Promise<T> {
    return this.signal ? abortable(work, this.signal) : work;
  }

  /**
   * Draws frames `first..last` in order, asking for the next ones ahead while one is handled,
   * and hands each to `each`. A frame's bytes are reused once `each` has returned and the next
   * frame has been handed over (an encoder may still be taking the frame in when `each` returns).
   * With several processes, frame i is drawn by process (i − first) mod jobs, each two frames
   * ahead at most: frames reach `each` in order, and no more than 2 × jobs are ever held.
   */
  async each(first: number, last: number, each: (frame: Frame, index: number) => void | Promise<void>): Promise<void> {
    const drawers = this.drawers;
    const ahead = 2 * drawers.length;
    const asked = new Map<number, Promise<Frame>>();
    const ask = (index: number) => {
      if (index > last || asked.has(index)) return;
      const frame = (drawers[(index - first) % drawers.length] as SceneDrawer).draw(index);
      frame.catch(() => {});
      asked.set(index, frame);
    };
    let held: Frame | null = null;
    for (let index = first; index <= last; index++) {
      for (let k = index; k < index + ahead; k++) ask(k);
      const frame = await this.abortable(asked.get(index) as Promise<Frame>);
      asked.delete(index);
      await each(frame, index);
      held?.release?.();
      held = frame;
    }
  }

  /**
   * Draws the frames `indices` and has the scene's processes write them, in that order, straight
   * into the encoder's input (`input`: ffmpeg's stdin), so that the pixels do not pass through
   * this process; `each` is told of every frame written. Every process gets its own copy of the
   * input and this one closes its own; ffmpeg sees the end of its input when the processes close
   * theirs, after the last frame. The k-th frame is drawn by process k mod jobs, each one frame
   * ahead at most, and written once the frame before it has been taken in.
   */
  async feed(indices: readonly number[], input: EncoderInput, each?: (index: number) => void): Promise<void> {
    const drawers = this.drawers;
    await this.abortable(Promise.all(drawers.map((drawer) => drawer.takeEncoder(input.socket))));
    input.socket.destroy();
    // One frame ahead for each process: with two, a process drew its next frame while its turn to
    // write came, and --jobs 2 took 7.1-7.6 s, 10.2-10.9 CPU-s and 503-509 MB for hidden.ts
    // against 6.1-6.3 s, 8.6-8.9 CPU-s and 409-416 MB (--jobs 1 the same either way).
    const ahead = drawers.length;
    const staged: Promise<null>[] = [];
    const drawerOf = (k: number) => drawers[k % drawers.length] as SceneDrawer;
    try {
      for (let k = 0; k < indices.length; k++) {
        for (let j = staged.length; j < Math.min(indices.length, k + ahead); j++) {
          staged[j] = drawerOf(j).stage(indices[j] as number);
          staged[j]?.catch(() => {});
        }
        const index = indices[k] as number;
        const written = drawerOf(k).write(index);
        written.catch(() => {});
        await this.abortable(staged[k] as Promise<null>);
        input.writing(true);
        await this.abortable(written);
        input.writing(false);
        each?.(index);
      }
    } catch (error) {
      // ffmpeg stopped taking frames: its own reason (a full disk, a crash) is the one to report.
      if (error instanceof EncoderInputClosed) {
        await this.abortable(
          Promise.race([input.outcome, new Promise((resolve) => setTimeout(resolve, 5000).unref())]),
        );
      }
      throw error;
    }
    for (const drawer of drawers) drawer.dropEncoder();
  }

  /**
   * Stops the scene's processes after their last answers; returns what they used together (CPU
   * summed; memory summed too, as they ran at once).
   */
  async close(): Promise<ProcessUsage | null> {
    const usages = await Promise.all(this.drawers.map((drawer) => drawer.close()));
    if (usages.some((usage) => usage === null)) return usages[0] ?? null;
    return usages.reduce<ProcessUsage>(
      (sum, usage) => ({
        maxRssMb: sum.maxRssMb + (usage as ProcessUsage).maxRssMb,
        cpuSeconds: sum.cpuSeconds + (usage as ProcessUsage).cpuSeconds,
        processes: (sum.processes ?? 0) + 1,
      }),
      { maxRssMb: 0, cpuSeconds: 0, processes: 0 },
    );
  }

  /** Stops the scene's processes at once (safe to call after close). */
  async kill(): Promise<void> {
    await Promise.all(this.drawers.map((drawer) => drawer.kill()));
  }
}

/**
 * The seed a render uses: the one asked for, else the scene's. A seed asked of a scene that
 * draws a saved run would change nothing, silently: that is refused.
 */
export function seedFor(asked: Seed | undefined, meta: SceneMeta, scene: string): Seed {
  if (asked === undefined) return meta.seed;
  if (meta.runFile !== undefined) {
    throw new RenderRequestError(
      `--seed ${asked}: ${scene} draws the saved run ${meta.runFile}, which a seed cannot change; set the seed in its training config and train it again (npm run train -- CONFIG --out FILE)`,
    );
  }
  return asked;
}

/** A scene's run as `sceneRun` finds it, and how to keep it in the run cache when it was trained now. */
interface SceneRun {
  /** Packed when it comes from the run cache (it goes to the scene's process as it is). */
  run: Run | PackedRun | undefined;
  /** Writes the run just trained, packed, into the run cache (unless training was stopped). */
  keep?: (packed: PackedRun) => void;
}

/**
 * The run a scene draws from: trained now from its config, or loaded from a saved file; or,
 * with `options.runs`, the same run trained or loaded before; or, with `options.store`, the
 * same run trained by an earlier command (a saved run file is not cached: it loads already).
 */
async function sceneRun(
  drawer: SceneDrawer,
  options: {
    scene: string;
    runs: RunCache | undefined;
    store: RunStore | undefined;
    onTraining: PrepareOptions["onTraining"];
    log: (line: string) => void;
  },
  meta: SceneMeta,
  seed: Seed,
  signal: AbortSignal,
): Promise<SceneRun> {
  const file = options.scene;
  const { runs, store } = options;
  if (!meta.trains && meta.runFile === undefined) return { run: undefined };
  if (meta.runFile !== undefined) {
    const runFile = path.resolve(path.dirname(file), meta.runFile);
    const key = RunCache.loaded(runFile);
    const known = runs?.get(key);
    if (known) return { run: known };
    const loaded = namingScene(file, () => loadRun(runFile));
    runs?.set(key, loaded);
    return { run: loaded };
  }
  const config = await abortable(drawer.trainConfig(seed), signal);
  const baseDir = path.dirname(path.resolve(file));
  const key = RunCache.trained(config, baseDir);
  const known = runs?.get(key);
  if (known) return { run: known };
  const storeKey = store?.keyOf(config, baseDir) ?? null;
  const stored = storeKey === null ? null : (store as RunStore).load(storeKey);
  if (stored !== null) {
    if (!runs) return { run: stored };
    const unpacked = unpackRun(stored);
    runs.set(key, unpacked);
    return { run: unpacked };
  }
  const run = await namingSceneAsync(file, () =>
    trainAsync(config, {
      baseDir,
      signal,
      ...(options.onTraining ? { onProgress: options.onTraining } : {}),
    }),
  );
  runs?.set(key, run);
  const last = run.snapshots.at(-1);
  options.log(
    `trained [${run.config.sizes.join(",")}] for ${last?.epoch ?? 0} epochs in ${(run.seconds ?? 0).toFixed(2)} s: quadratic cost ${last?.loss.toFixed(4)} (the cost every snapshot records, whatever loss trains), accuracy ${(100 * (last?.accuracy ?? 0)).toFixed(1)}%`,
  );
  if (storeKey === null) return { run };
  return {
    run,
    keep: (packed) => {
      if (!signal.aborted) (store as RunStore).save(storeKey, packed);
    },
  };
}

/** Runs `work`; an error about the scene's config or run file names the scene. */
function namingScene<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw withScene(file, error);
  }
}

async function namingSceneAsync<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw withScene(file, error);
  }
}

function withScene(file: string, error: unknown): unknown {
  if (error instanceof ConfigError) {
    // The field where the scene's `train` writes it: "scene scenes/x.ts:43:5: config field …".
    let text: string | undefined;
    try {
      text = readFileSync(file, "utf8");
    } catch {}
    if (text !== undefined) placeConfigError(error, file, text, "source");
    error.message = `scene ${error.where ? "" : `${file}: `}${error.message}`;
  } else if (error instanceof Error && !(error instanceof SceneFailure || error instanceof Interrupted)) {
    error.message = `scene ${file}: ${error.message}`;
  }
  return error;
}

/** The frame size `netreel test` renders snapshots at: small, and the same on every machine. */
export const SNAPSHOT_SIZE = { width: 640, height: 360 } as const;

/** A scene's key frame, rendered for `netreel test`. */
export interface SnapshotFrame {
  /** The snapshot's name: "first", "training-middle", "4.5s", "frame-120". */
  name: string;
  index: number;
  png: Buffer;
}

/**
 * Renders a scene's key frames (its `snapshots`, or the first, middle and last frames) as
 * PNGs at SNAPSHOT_SIZE, with the scene's own fps, duration and seed and the light theme.
 */
export async function renderSnapshots(options: {
  scene: string;
  store?: RunStore;
  signal?: AbortSignal;
  frameTimeoutSeconds?: number;
  log?: (line: string) => void;
}): Promise<{ scene: SceneMeta; frames: SnapshotFrame[] }> {
  const session = await SceneSession.open({
    ...options,
    ...SNAPSHOT_SIZE,
    encodings: { raw: false, png: true },
    snapshots: true,
  });
  try {
    const rendered: SnapshotFrame[] = [];
    for (const { name, index } of session.prepared.snapshots ?? []) {
      const frame = await session.draw(index);
      rendered.push({ name, index, png: Buffer.from(frame.png as Buffer) });
    }
    await session.close();
    return { scene: session.meta, frames: rendered };
  } finally {
    await session.kill();
  }
}
