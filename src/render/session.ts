import type { Seed } from "../random/index.ts";
import type { SceneContext, SnapshotRef, ThemeName } from "../scene/index.ts";
import type { Run } from "../train/index.ts";
import type { Frame } from "../video/index.ts";
import { type Prepared, SceneDrawer, type SceneMeta } from "./drawer.ts";
import { abortable, interruptedBy } from "./errors.ts";
import { DEFAULT_FRAME_TIMEOUT, sceneRun, seedFor } from "./render.ts";

/** What a session is asked to draw: the scene and what to change of its defaults. */
export interface SessionOptions {
  scene: string;
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
  /** What each drawn frame carries: RGBA-ordered raw bytes (BGRA as node-canvas writes them) and/or a PNG. */
  encodings: { raw: boolean; png: boolean };
  /** Also resolve the scene's snapshots, these moments, or its timeline (beats) when preparing. */
  snapshots?: boolean;
  moments?: SnapshotRef[];
  timeline?: boolean;
  signal?: AbortSignal;
  frameTimeoutSeconds?: number;
  log?: (line: string) => void;
}

/**
 * One scene, loaded, trained (or its run loaded) and prepared in its own process, ready to draw
 * frames by index: the way `netreel test`, `netreel sheet` and the motion check reach frames.
 * The scene's code runs only in that process (DESIGN: who draws, who supervises); `close` or,
 * on any failure, `kill` stops it.
 */
export class SceneSession {
  private constructor(
    readonly meta: SceneMeta,
    readonly context: Omit<SceneContext<Run | undefined>, "run">,
    readonly prepared: Prepared,
    private readonly drawer: SceneDrawer,
    private readonly signal: AbortSignal,
  ) {}

  /** Loads the scene, trains or loads its run, and prepares it. */
  static async open(options: SessionOptions): Promise<SceneSession> {
    const signal = options.signal ?? new AbortController().signal;
    const drawer = new SceneDrawer({
      file: options.scene,
      timeoutSeconds: options.frameTimeoutSeconds ?? DEFAULT_FRAME_TIMEOUT,
    });
    try {
      const meta = await abortable(drawer.load(), signal);
      const seed = seedFor(options.seed, meta, options.scene);
      const fps = options.fps ?? meta.fps;
      const frames = Math.max(1, Math.round((options.duration ?? meta.duration) * fps));
      const log = options.log ?? (() => {});
      const run: Run | undefined = await sceneRun(drawer, { scene: options.scene, log }, meta, seed, signal);
      const context = {
        seed,
        width: options.fitWidth ?? options.width ?? meta.width,
        height: options.fitWidth
          ? Math.max(1, Math.round((options.fitWidth * meta.height) / meta.width))
          : (options.height ?? meta.height),
        fps,
        frames,
        duration: frames / fps,
        theme: options.theme ?? "light",
      };
      const asks = {
        ...(options.snapshots ? { snapshots: true } : {}),
        ...(options.moments ? { moments: options.moments } : {}),
        ...(options.timeline ? { timeline: true } : {}),
      };
      const prepared = await abortable(drawer.prepare({ ...context, run }, options.encodings, asks), signal);
      return new SceneSession(meta, context, prepared, drawer, signal);
    } catch (error) {
      await drawer.kill();
      if (signal.aborted) throw interruptedBy(signal);
      throw error;
    }
  }

  get frames(): number {
    return this.context.frames;
  }

  /** Draws frame `index` (0-based). */
  draw(index: number): Promise<Frame> {
    return abortable(this.drawer.draw(index), this.signal);
  }

  /**
   * Draws frames `first..last` in order, asking for the next ones ahead while one is handled,
   * and hands each to `each` (which may keep its bytes only until it returns).
   */
  async each(first: number, last: number, each: (frame: Frame, index: number) => void | Promise<void>): Promise<void> {
    const ahead = 2;
    const asked = new Map<number, Promise<Frame>>();
    const ask = (index: number) => {
      if (index > last || asked.has(index)) return;
      const frame = this.drawer.draw(index);
      frame.catch(() => {});
      asked.set(index, frame);
    };
    for (let index = first; index <= last; index++) {
      for (let k = index; k < index + ahead; k++) ask(k);
      const frame = await abortable(asked.get(index) as Promise<Frame>, this.signal);
      asked.delete(index);
      await each(frame, index);
      frame.release?.();
    }
  }

  /** Stops the scene's process after its last answer. */
  async close(): Promise<void> {
    await this.drawer.close();
  }

  /** Stops the scene's process at once (safe to call after close). */
  async kill(): Promise<void> {
    await this.drawer.kill();
  }
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
