import path from "node:path";
import { writeFileAtomically } from "../files/index.ts";
import { Interrupted, interruptedBy } from "../render/errors.ts";
import { OutputClaims, type RenderResult, renderScene } from "../render/render.ts";
import type { RunStore } from "../render/run-store.ts";
import type { TrainProgress } from "../train/index.ts";
import { claimCourseFolder } from "./folder.ts";
import { coursePage, type PageScene } from "./page.ts";
import { recordOf, recordOfScene, type SceneRecord, writeRecord } from "./record.ts";

export interface CourseOptions {
  /** Scene files, in the order of the page. */
  scenes: string[];
  /** The course folder (checked with `checkCourseFolder` first): the files and index.html go there. */
  dir: string;
  /** The page's title. */
  title: string;
  preview?: boolean;
  width?: number;
  height?: number;
  fps?: number;
  theme: "light" | "dark";
  frameTimeoutSeconds?: number;
  /** Processes drawing each scene's frames (render's --jobs); default 1. */
  jobs?: number;
  verbose?: boolean;
  /** The run cache on disk: scenes whose runs it keeps are not trained again. */
  store?: RunStore;
  /** Stops the scene under way (its files are left as they were) and the rest; the page is not written. */
  signal: AbortSignal;
  /** A failed scene's error in words, for the page (default: its message). */
  describeError?: (error: unknown) => string;
  /** Lines a render would show a person (training, the palette pass). */
  log?: (line: string) => void;
  onStart?: (scene: string, place: Place) => void;
  onTraining?: (progress: TrainProgress) => void;
  onFrames?: (done: number, total: number) => void;
  onDone?: (scene: string, place: Place, done: { result: RenderResult; record: SceneRecord }) => void;
  onFailed?: (scene: string, place: Place, error: unknown) => void;
}

/** Which scene of how many (1-based). */
export interface Place {
  number: number;
  of: number;
}

export interface CourseResult {
  /** index.html. */
  page: string;
  rendered: SceneRecord[];
  failed: { scene: string; error: unknown }[];
}

/**
 * Renders every scene into the course folder, one after another, and writes the page that
 * plays them. Each scene is one `renderScene` (its own process, its files replaced by renames
 * only once all are complete): its MP4, a small GIF and the poster frame drawn in one pass, its
 * subtitles, then its record (`<name>.json`, what the page says of it). A scene that fails is
 * reported and its old files stay as they were; the others still render, and the page shows
 * it as failed (with its last good render, when the folder has one). An interrupt stops the
 * scene under way (nothing of it written) and the run: the page is then not rewritten.
 */
export async function renderCourse(options: CourseOptions): Promise<CourseResult> {
  const { signal, dir } = options;
  signal.throwIfAborted();
  claimCourseFolder(dir);
  const claims = new OutputClaims();
  const shown: PageScene[] = [];
  const rendered: SceneRecord[] = [];
  const failed: CourseResult["failed"] = [];
  const of = options.scenes.length;
  for (const [i, scene] of options.scenes.entries()) {
    const place = { number: i + 1, of };
    if (signal.aborted) throw interruptedBy(signal);
    options.onStart?.(scene, place);
    try {
      const result = await renderScene({
        scene,
        formats: ["mp4", "gif"],
        outputDir: dir,
        poster: true,
        describe: true,
        // The GIF is for slides and READMEs: small whatever size the videos are.
        smallGif: true,
        ...(options.preview ? { preview: true } : {}),
        ...(options.width !== undefined ? { width: options.width, height: options.height as number } : {}),
        ...(options.fps !== undefined ? { fps: options.fps } : {}),
        theme: options.theme,
        ...(options.frameTimeoutSeconds !== undefined ? { frameTimeoutSeconds: options.frameTimeoutSeconds } : {}),
        ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
        verbose: options.verbose ?? false,
        ...(options.store ? { store: options.store } : {}),
        signal,
        claims,
        ...(options.log ? { log: options.log } : {}),
        ...(options.onTraining ? { onTraining: options.onTraining } : {}),
        ...(options.onFrames ? { onFrames: options.onFrames } : {}),
      });
      // Written at once after the render's own files, with no wait between: an interrupt cannot
      // fall between the files and the record that names them.
      const record = recordOf(scene, result, { theme: options.theme });
      writeRecord(dir, record);
      rendered.push(record);
      shown.push({ kind: "rendered", record });
      options.onDone?.(scene, place, { result, record });
    } catch (error) {
      if (signal.aborted || error instanceof Interrupted) throw signal.aborted ? interruptedBy(signal) : error;
      failed.push({ scene, error });
      const message = options.describeError?.(error) ?? (error instanceof Error ? error.message : String(error));
      shown.push({ kind: "failed", scene, error: message, kept: keptRecord(dir, scene) });
      options.onFailed?.(scene, place, error);
    }
  }
  const page = path.join(dir, "index.html");
  writeFileAtomically(
    page,
    coursePage({ title: options.title, theme: options.theme, dir, scenes: shown, written: new Date() }),
  );
  return { page, rendered, failed };
}

/** A failed scene's last good record in the folder (an earlier render of the same file), if any. */
function keptRecord(dir: string, scene: string): SceneRecord | null {
  try {
    return recordOfScene(dir, scene);
  } catch {
    return null;
  }
}
