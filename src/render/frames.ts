import { type Canvas, createCanvas } from "canvas";
import { registerFonts } from "../draw/index.ts";
import type { Beats, Caption, Scene, SceneContext, SnapshotRef } from "../scene/index.ts";
import type { Run } from "../train/index.ts";
import { RenderRequestError, SceneFailure } from "./errors.ts";
import type { SceneHeading, SceneTimeline } from "./protocol.ts";

/** A drawn frame: its raw BGRA pixels, and PNG bytes on demand. */
export interface DrawnFrame {
  raw: Buffer;
  png: () => Buffer;
}

/**
 * Draws a scene's frames on one reused canvas. Each frame starts from a cleared canvas and a
 * reset context, so a frame depends on its index alone.
 */
export class FrameRenderer<State = unknown> {
  readonly canvas: Canvas;
  private readonly scene: Scene<State>;
  private readonly context: SceneContext<Run | undefined>;
  private readonly state: State;
  private readonly sceneFile: string;

  constructor(scene: Scene<State>, context: SceneContext<Run | undefined>, sceneFile: string) {
    registerFonts();
    this.scene = scene;
    this.context = context;
    this.sceneFile = sceneFile;
    this.canvas = createCanvas(context.width, context.height);
    try {
      this.state = scene.prepare(context);
    } catch (error) {
      throw new SceneFailure(`scene ${sceneFile} threw while preparing: ${messageOf(error)}`, { cause: error });
    }
  }

  /** The scene's captions (with their times), when it declares them: for subtitles. */
  captions(): Caption[] | null {
    if (!this.scene.captions) return null;
    try {
      return this.scene.captions(this.state, this.context);
    } catch (error) {
      throw new SceneFailure(`scene ${this.sceneFile} threw in captions(): ${messageOf(error)}`, { cause: error });
    }
  }

  /**
   * The scene's key frames for `netreel test`: its `snapshots`, or the first, middle and last
   * frames when it names none.
   */
  snapshots(): { name: string; index: number }[] {
    const last = this.context.frames - 1;
    if (!this.scene.snapshots) {
      return [
        { name: "first", index: 0 },
        { name: "middle", index: Math.floor(last / 2) },
        { name: "last", index: last },
      ];
    }
    return this.moments(this.scene.snapshots, "snapshot");
  }

  /**
   * The frames that moments name, each with a file-safe name: a frame number, a time
   * ("4.5s") or a moment of the scene's beats ("training:middle").
   */
  moments(refs: readonly SnapshotRef[], what = "moment"): { name: string; index: number }[] {
    const { frames, fps } = this.context;
    const last = frames - 1;
    const at = (seconds: number) => Math.min(last, Math.max(0, Math.round(seconds * fps)));
    let clip: Beats | null = null;
    return refs.map((ref) => {
      // A moment asked for on the command line (--frame) is a bad request (exit 2); one the
      // scene names itself (its snapshots) is the scene's own failure.
      const bad = (problem: string) => {
        const message = `scene ${this.sceneFile}: the ${what} ${JSON.stringify(ref)} ${problem}`;
        return what === "moment" ? new RenderRequestError(message) : new SceneFailure(message);
      };
      if (typeof ref === "number") {
        if (ref > last) throw bad(`is past the last frame (${last})`);
        return { name: `frame-${ref}`, index: ref };
      }
      const seconds = /^(\d+(?:\.\d+)?)s$/.exec(ref);
      if (seconds) {
        const length = frames / fps;
        if (Number(seconds[1]) > length) throw bad(`is past the end of the ${length} s clip`);
        return { name: ref, index: at(Number(seconds[1])) };
      }
      if (!this.scene.beats) {
        throw bad(
          "names a beat, but the scene has no beats; add beats: (prepared) => prepared.clock.beats (or your own beats(...))",
        );
      }
      try {
        clip ??= this.scene.beats(this.state, this.context);
        return { name: ref.replaceAll(":", "-"), index: at(clip.time(ref)) };
      } catch (error) {
        throw bad(`cannot be found: ${messageOf(error)}`);
      }
    });
  }

  /** The scene's beats (in seconds) and the epoch at each frame, when its beats know it. */
  timeline(): SceneTimeline {
    if (!this.scene.beats) return { beats: null, epochs: null };
    let clip: Beats;
    try {
      clip = this.scene.beats(this.state, this.context);
    } catch (error) {
      throw new SceneFailure(`scene ${this.sceneFile} threw in beats(): ${messageOf(error)}`, { cause: error });
    }
    const cuts = new Set(clip.cuts ?? []);
    const beats = clip.names.map((name) => ({ name, ...clip.span(name), ...(cuts.has(name) ? { cut: true } : {}) }));
    const { frames, fps } = this.context;
    const epochAt = clip.epochAt;
    const epochs = epochAt ? Array.from({ length: frames }, (_, i) => epochAt(i / fps)) : null;
    return { beats, epochs };
  }

  /**
   * The scene's title and subtitle, as its figure shows them: scenes keep the course or training
   * figure they prepare under `figure` (`prepare: () => ({ figure: prepareTrainingFigure(...) })`),
   * and that figure holds the title card's words. Read from there rather than asked of the scene
   * a second time, so the page and the frame cannot disagree; null for a scene with no such figure.
   */
  heading(): SceneHeading | null {
    const figure = (this.state as { figure?: unknown } | null | undefined)?.figure;
    if (typeof figure !== "object" || figure === null) return null;
    const { title, subtitle } = figure as { title?: unknown; subtitle?: unknown };
    if (typeof title !== "string" || title.trim() === "") return null;
    return { title, ...(typeof subtitle === "string" && subtitle.trim() !== "" ? { subtitle } : {}) };
  }

  /** Draws frame `index` and returns its pixels. */
  draw(index: number): DrawnFrame {
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.globalCompositeOperation = "source-over";
    ctx.clearRect(0, 0, this.context.width, this.context.height);
    ctx.save();
    try {
      this.scene.draw(ctx, { ...this.context, index, time: index / this.context.fps }, this.state);
    } catch (error) {
      throw new SceneFailure(`scene ${this.sceneFile} threw while drawing frame ${index}: ${messageOf(error)}`, {
        cause: error,
      });
    } finally {
      ctx.restore();
    }
    const canvas = this.canvas;
    return { raw: canvas.toBuffer("raw"), png: () => canvas.toBuffer("image/png") };
  }
}

/** What a scene threw, as text: scenes may throw anything, not only Errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
