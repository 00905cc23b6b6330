import type { CanvasRenderingContext2D } from "canvas";
import type { Seed } from "../random/index.ts";
import type { Run, TrainConfig } from "../train/index.ts";

/** What every frame of a render shares: the run and the render's settings. */
export interface SceneContext {
  run: Run;
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
export interface FrameInfo extends SceneContext {
  index: number;
  /** Seconds from the start: index / fps. */
  time: number;
}

export interface SceneOptions<Prepared> {
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
  /** What the scene trains, given the seed. */
  train?: (seed: Seed) => TrainConfig;
  /** Or a saved run to load instead of training (a path relative to the scene file). */
  run?: string;
  /**
   * Work done once per render from the run (loss arrays, ranges): its result is passed to
   * every `draw`. Must be a pure function of the context.
   */
  prepare?: (context: SceneContext) => Prepared;
  /**
   * Draws frame `frame.index` from the run and `prepared` (what `prepare` returned) alone:
   * nothing carried between frames, no clock, no unseeded randomness. Any frame can be drawn
   * on its own.
   */
  draw: (ctx: CanvasRenderingContext2D, frame: FrameInfo, prepared: Prepared) => void;
}

/** A checked scene with its defaults filled in. */
export interface Scene<Prepared = unknown> extends Required<Omit<SceneOptions<Prepared>, "train" | "run" | "prepare">> {
  train?: (seed: Seed) => TrainConfig;
  run?: string;
  prepare: (context: SceneContext) => Prepared;
  readonly kind: "netreel-scene";
}

export class SceneError extends Error {
  override name = "SceneError";
}

/** Declares a scene; a scene file's default export. */
export function defineScene<Prepared = undefined>(options: SceneOptions<Prepared>): Scene<Prepared> {
  if (typeof options.name !== "string" || !/^[A-Za-z0-9_-]+$/.test(options.name)) {
    throw new SceneError(`scene name must use letters, digits, - and _ only, got ${JSON.stringify(options.name)}`);
  }
  if ((options.train === undefined) === (options.run === undefined)) {
    throw new SceneError(
      `scene ${options.name} must give exactly one of 'train' (a config) or 'run' (a saved run file)`,
    );
  }
  if (typeof options.draw !== "function") throw new SceneError(`scene ${options.name} has no draw function`);
  const positive = (key: "width" | "height" | "fps" | "duration", value: number, integer: boolean) => {
    if (!(Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value)))) {
      throw new SceneError(
        `scene ${options.name}: ${key} must be a positive ${integer ? "integer" : "number"}, got ${value}`,
      );
    }
    return value;
  };
  return {
    kind: "netreel-scene",
    name: options.name,
    seed: options.seed ?? 0,
    width: positive("width", options.width ?? 1280, true),
    height: positive("height", options.height ?? 720, true),
    fps: positive("fps", options.fps ?? 30, false),
    duration: positive("duration", options.duration ?? 12, false),
    ...(options.train ? { train: options.train } : {}),
    ...(options.run ? { run: options.run } : {}),
    prepare: options.prepare ?? (() => undefined as Prepared),
    draw: options.draw,
  };
}

export function isScene(value: unknown): value is Scene {
  return typeof value === "object" && value !== null && (value as Scene).kind === "netreel-scene";
}
