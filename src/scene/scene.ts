import type { CanvasRenderingContext2D } from "canvas";
import type { Seed } from "../random/index.ts";
import type { Run, TrainConfig } from "../train/index.ts";
import type { Beats } from "./beats.ts";
import type { Caption } from "./captions.ts";

/**
 * A key frame to check with `netreel test`: a frame number, a time (`"4.5s"`), or a moment
 * named by the scene's beats (`"start"`, `"training:middle"`, `"end"`).
 */
export type SnapshotRef = number | string;

/** How different a snapshot may be and still pass (see `netreel test`). */
export interface SnapshotTolerance {
  /** pixelmatch's per-pixel colour threshold, 0 to 1 (default 0.1). */
  threshold?: number;
  /** The share of pixels that may differ, 0 to 1 (default 0.001). */
  maxDiffShare?: number;
}

/**
 * What every frame of a render shares: the run and the render's settings. A scene with
 * neither `train` nor `run` (a plot of σ, an equation) has no run: `RunOf` is `undefined`.
 */
export interface SceneContext<RunOf extends Run | undefined = Run> {
  run: RunOf;
  seed: Seed;
  width: number;
  height: number;
  fps: number;
  /** Number of frames in the render. */
  frames: number;
  /** Seconds: frames / fps. */
  duration: number;
  /** The colour theme asked for (--theme); scenes map it with themeNamed(). */
  theme: ThemeName;
}

export type ThemeName = "light" | "dark";

/** One frame: its index, its time, and the shared context. */
export interface FrameInfo<RunOf extends Run | undefined = Run> extends SceneContext<RunOf> {
  index: number;
  /** Seconds from the start: index / fps. */
  time: number;
}

export interface SceneOptions<Prepared, RunOf extends Run | undefined = Run> {
  /** Names the output file: output/<name>.mp4. Letters, digits, - and _. */
  name: string;
  /** The seed of the data, the initial weights and the shuffling (--seed overrides it). */
  seed?: Seed;
  /** Default frame size in pixels (--size overrides it). Default 1280 x 720. */
  width?: number;
  height?: number;
  /** Default frames per second (--fps). Default 30. */
  fps?: number;
  /** Default length in seconds (--duration). Default 12. */
  duration?: number;
  /** What the scene trains, given the seed. Leave out both this and `run` for a scene with no network. */
  train?: (seed: Seed) => TrainConfig;
  /** Or a saved run to load instead of training (a path relative to the scene file). */
  run?: string;
  /**
   * Work done once per render from the run (loss arrays, ranges): its result is passed to
   * every `draw`. Must be a pure function of the context.
   */
  prepare?: (context: SceneContext<RunOf>) => Prepared;
  /**
   * Draws frame `frame.index` from the run and `prepared` (what `prepare` returned) alone:
   * nothing carried between frames, no clock, no unseeded randomness. Any frame can be drawn
   * on its own.
   */
  draw: (ctx: CanvasRenderingContext2D, frame: FrameInfo<RunOf>, prepared: Prepared) => void;
  /**
   * The captions the scene shows, with their times: a render also writes them as WebVTT
   * subtitles beside the video (`--no-subtitles` turns that off), so subtitles carry the
   * same words as the frames.
   */
  captions?: (prepared: Prepared, context: SceneContext<RunOf>) => Caption[];
  /**
   * The scene's named moments (e.g. `({ clock }) => clock.beats`): `snapshots` and tools
   * refer to them by name.
   */
  beats?: (prepared: Prepared, context: SceneContext<RunOf>) => Beats;
  /**
   * Key frames `netreel test` compares with scenes/__snapshots__/<name>/: by frame number, by
   * time ("4.5s") or by beat ("training:middle"). Default: the first, middle and last frames.
   */
  snapshots?: SnapshotRef[];
  /** How different a snapshot may be and still pass. */
  snapshotTolerance?: SnapshotTolerance;
}

/** A checked scene with its defaults filled in. */
export interface Scene<Prepared = unknown> {
  readonly kind: "netreel-scene";
  name: string;
  seed: Seed;
  width: number;
  height: number;
  fps: number;
  duration: number;
  train?: (seed: Seed) => TrainConfig;
  run?: string;
  prepare: (context: SceneContext<Run | undefined>) => Prepared;
  draw: (ctx: CanvasRenderingContext2D, frame: FrameInfo<Run | undefined>, prepared: Prepared) => void;
  captions?: (prepared: Prepared, context: SceneContext<Run | undefined>) => Caption[];
  beats?: (prepared: Prepared, context: SceneContext<Run | undefined>) => Beats;
  snapshots?: SnapshotRef[];
  snapshotTolerance?: SnapshotTolerance;
}

export class SceneError extends Error {
  override name = "SceneError";
}

type WithNetwork = { train: (seed: Seed) => TrainConfig; run?: undefined } | { run: string; train?: undefined };
type WithoutNetwork = { train?: undefined; run?: undefined };

/**
 * Declares a scene; a scene file's default export. A scene that trains (`train`) or loads a
 * run (`run`) draws from `frame.run`; one with neither has no run (`frame.run` is undefined).
 */
export function defineScene<Prepared = undefined>(options: SceneOptions<Prepared, Run> & WithNetwork): Scene<Prepared>;
export function defineScene<Prepared = undefined>(
  options: SceneOptions<Prepared, undefined> & WithoutNetwork,
): Scene<Prepared>;
export function defineScene<Prepared = undefined>(
  options: SceneOptions<Prepared, never> & (WithNetwork | WithoutNetwork),
): Scene<Prepared> {
  const name: unknown = options.name;
  if (typeof name !== "string" || !/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new SceneError(`scene name must use letters, digits, - and _ only, got ${JSON.stringify(name)}`);
  }
  if (options.train !== undefined && options.run !== undefined) {
    throw new SceneError(
      `scene ${name} gives both 'train' (a config) and 'run' (a saved run file); keep one (or neither, for a scene with no network)`,
    );
  }
  if (typeof options.draw !== "function") throw new SceneError(`scene ${name} has no draw function`);
  const positive = (key: "width" | "height" | "fps" | "duration", value: number, integer: boolean) => {
    if (!(Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value)))) {
      throw new SceneError(`scene ${name}: ${key} must be a positive ${integer ? "integer" : "number"}, got ${value}`);
    }
    return value;
  };
  return {
    kind: "netreel-scene",
    name,
    seed: options.seed ?? 0,
    width: positive("width", options.width ?? 1280, true),
    height: positive("height", options.height ?? 720, true),
    fps: positive("fps", options.fps ?? 30, false),
    duration: positive("duration", options.duration ?? 12, false),
    ...(options.train ? { train: options.train } : {}),
    ...(options.run ? { run: options.run } : {}),
    // The overloads tie each callback's run type to whether the scene has a network.
    prepare: (options.prepare ?? (() => undefined as Prepared)) as Scene<Prepared>["prepare"],
    draw: options.draw as Scene<Prepared>["draw"],
    ...(options.captions ? { captions: options.captions as NonNullable<Scene<Prepared>["captions"]> } : {}),
    ...(options.beats ? { beats: options.beats as NonNullable<Scene<Prepared>["beats"]> } : {}),
    ...(options.snapshots ? { snapshots: checkSnapshots(name, options.snapshots) } : {}),
    ...(options.snapshotTolerance ? { snapshotTolerance: options.snapshotTolerance } : {}),
  };
}

export function isScene(value: unknown): value is Scene {
  return typeof value === "object" && value !== null && (value as Scene).kind === "netreel-scene";
}

/** Snapshot references: frame numbers, times ("4.5s") or beat references; names must differ. */
function checkSnapshots(scene: string, refs: SnapshotRef[]): SnapshotRef[] {
  if (!Array.isArray(refs) || refs.length === 0) {
    throw new SceneError(`scene ${scene}: snapshots must be a non-empty list of frames, times or beats`);
  }
  for (const ref of refs) {
    const ok =
      typeof ref === "number" ? Number.isInteger(ref) && ref >= 0 : typeof ref === "string" && ref.trim() !== "";
    if (!ok) {
      throw new SceneError(
        `scene ${scene}: a snapshot is a frame number, a time such as "4.5s", or a beat such as "training:middle"; got ${JSON.stringify(ref)}`,
      );
    }
  }
  const names = refs.map(String);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new SceneError(`scene ${scene}: the snapshot ${JSON.stringify(twice)} is named twice`);
  return refs;
}
