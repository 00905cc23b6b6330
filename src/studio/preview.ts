import { readFileSync } from "node:fs";
import path from "node:path";
import { messageOf } from "../render/frames.ts";
import {
  RunCache,
  SceneDrawer,
  SceneFailure,
  SceneSession,
  type SceneTimeline,
  type SourcePlace,
} from "../render/index.ts";
import type { ThemeName } from "../scene/index.ts";
import { ConfigError, type TrainProgress } from "../train/index.ts";
import type { Frame } from "../video/index.ts";

/** What the page looks at: a scene at a size, in a theme. */
export interface View {
  /** The scene's id: its path relative to the project, e.g. "scenes/hidden.ts". */
  scene: string;
  width: number;
  height: number;
  theme: ThemeName;
}

/** A loaded scene as the page needs it: its clip, its beats and the version of its code. */
export interface SceneInfo {
  id: string;
  name: string;
  /** The scene's own size (what a render and a saved still use). */
  width: number;
  height: number;
  fps: number;
  duration: number;
  frames: number;
  trains: boolean;
  timeline: SceneTimeline;
  /** Goes up each time the scene is loaded again (a file was saved, the size or theme changed). */
  version: number;
  view: View;
}

/** An error to show on the page: one line, and where in the code when known. */
export interface PageError {
  scene: string;
  message: string;
  /** The scene's file is gone (removed or renamed): nothing to fix in it. */
  gone?: boolean;
  where?: { file: string; line: number; column: number };
  /** The lines around `where`, numbered, the line itself marked with ">" and a caret under the column. */
  excerpt?: string;
}

export type PreviewEvent =
  | { type: "scene"; scene: SceneInfo }
  | { type: "error"; error: PageError | null }
  | { type: "training"; scene: string; progress: TrainProgress }
  | { type: "reloading"; scene: string };

/** A request the preview cannot serve (an unknown scene, a frame past the end): HTTP 400/404. */
export class PreviewRequestError extends Error {
  override name = "PreviewRequestError";
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface Loaded {
  key: string;
  id: string;
  file: string;
  view: View;
  /** The scene's process, prepared for `view` (its run key says which run it draws). */
  session: SceneSession;
  info: SceneInfo;
  /** The files' version the scene was loaded at. */
  files: number;
  /** The last frame this version drew without failing (-1: none yet). */
  drawn: number;
}

interface Spare {
  drawer: SceneDrawer;
  /** The code generation it imported netreel at. */
  generation: number;
  /** The run it holds, ready for `prepare`. */
  runKey: string | undefined;
  /** The scene file it rehearsed (absolute), if it did. */
  rehearsed?: string;
  /** Still rehearsing: that code may be stuck in a loop the next save fixes. */
  rehearsing?: boolean;
  /** When netreel was imported (the rehearsal starts then): performance.now(). */
  warmedAt?: number;
}

export interface PreviewOptions {
  /** The project folder: scene ids and error places are relative to it. */
  root: string;
  /** Seconds the scene's code may take for one frame before it is stopped. */
  frameTimeoutSeconds: number;
  /** The scene file of an id (the studio's list); undefined for an unknown id. */
  fileOf: (id: string) => string | undefined;
  emit: (event: PreviewEvent) => void;
  /** Lines for the terminal: a version that fails to load. */
  log?: (line: string) => void;
}

/** Longer than a rehearsal of any reasonable scene takes (hidden.ts: 0.2-0.4 s). */
const REHEARSAL_MS = 1500;

const viewKey = (view: View) => `${view.scene} ${view.width}x${view.height} ${view.theme}`;

/**
 * The studio's live scene: the process that runs the scene's code for the view the page
 * shows, the trained runs, and a second process kept warm (netreel and node-canvas already
 * imported) so that a saved file loads in a fraction of a cold start. Each version of the
 * code gets a fresh process: Node cannot forget a module it imported. When a new version
 * fails to load, the last good one keeps drawing and the error goes to the page.
 */
export class Preview {
  readonly runs = new RunCache(3);
  private readonly options: PreviewOptions;
  private loaded: Loaded | null = null;
  private failure: { key: string; files: number; error: PageError } | null = null;
  private job: Promise<void> | null = null;
  private spare: Spare | null = null;
  private version = 0;
  /** Goes up with every change to a watched file. */
  private files = 0;
  /** Goes up with every change to netreel's (or the project's) src/: a warm process is then stale. */
  private generation = 0;
  private lastView: View | null = null;
  private training: AbortController | null = null;
  /** The process loading the newest version, while it does. */
  private loading: SceneDrawer | null = null;
  private closed = false;

  constructor(options: PreviewOptions) {
    this.options = options;
  }

  /** Starts the warm process ahead of the first load. */
  warmUp(): void {
    this.refillSpare();
  }

  /** The scene for `view`, loaded (or the last good version of it when the newest failed). */
  async ready(view: View): Promise<Loaded> {
    if (!this.options.fileOf(view.scene)) throw new PreviewRequestError(`no scene ${view.scene} in this studio`, 404);
    this.lastView = view;
    const key = viewKey(view);
    for (;;) {
      if (this.closed) throw new PreviewRequestError("the studio is stopping", 503);
      if (this.job) {
        await this.job;
        continue;
      }
      const loaded = this.loaded;
      const usable = loaded !== null && loaded.key === key && loaded.session.alive;
      if (usable && loaded.files === this.files) return loaded;
      const failed = this.failure;
      if (failed && failed.key === key && failed.files === this.files) {
        if (usable) return loaded;
        throw new SceneFailure(failed.error.message);
      }
      this.job = this.load(view).finally(() => {
        this.job = null;
      });
    }
  }

  /** Frame `index` of `view` as PNG bytes, drawn by the scene's own process. */
  async frame(view: View, index: number, retried = false): Promise<{ png: Buffer; version: number }> {
    const loaded = await this.ready(view);
    if (!Number.isInteger(index) || index < 0 || index >= loaded.info.frames) {
      throw new PreviewRequestError(`frame ${index} is outside the clip (0 to ${loaded.info.frames - 1})`);
    }
    const started = performance.now();
    const files = this.files;
    let frame: Frame;
    try {
      frame = await loaded.session.draw(index);
    } catch (error) {
      // A file was saved (or a new version loaded) while this one drew: the frame is the new
      // version's to draw (the old one may have been stuck in the loop the save fixes).
      if ((this.loaded !== loaded || this.files !== files) && !this.closed) return this.frame(view, index);
      // Its process was stopped from outside (not by its own frame limit) as versions changed
      // hands: one more try, in the process drawing now.
      const killed = !loaded.session.alive && !/took longer than/.test(messageOf(error));
      if (killed && !retried && !this.closed) return this.frame(view, index, true);
      throw error;
    }
    loaded.drawn = index;
    // This version's first frame is drawn: once it is on its way to the page, the next save's
    // process can start (handing it the run blocks this process for ~0.1 s).
    if (this.spareTimer) {
      clearTimeout(this.spareTimer);
      this.spareTimer = setTimeout(() => {
        this.spareTimer = null;
        this.refillSpare();
      }, 50);
    }
    if (process.env.NETREEL_STUDIO_TRACE) {
      process.stderr.write(
        `studio: frame ${index} v${loaded.info.version} drawn in ${(performance.now() - started).toFixed(0)} ms at ${Date.now() % 100000}\n`,
      );
    }
    const png = Buffer.from(frame.png as Buffer);
    frame.release?.();
    return { png, version: loaded.info.version };
  }

  /** The error of the latest load of the page's scene, if it failed; null once it loads. */
  get error(): PageError | null {
    return this.failure?.error ?? null;
  }

  /** The loaded scene, for the page's first look. */
  get current(): SceneInfo | null {
    return this.loaded?.info ?? null;
  }

  /** A watched file changed: the page's scene is loaded again (reusing its run when its training did not change). */
  changed(files: string[], codeOfNetreel: boolean): void {
    if (this.closed) return;
    this.files++;
    if (codeOfNetreel) this.generation++;
    // The warm process rehearsed the scene, so it holds the modules that scene imported: any
    // other file changed may be one of them, and that process would draw with the old copy.
    const rehearsed = this.spare?.rehearsed;
    if (rehearsed !== undefined && files.some((f) => path.resolve(f) !== rehearsed)) this.generation++;
    // A rehearsal under way may be reading the file just saved: code never checked, which may loop.
    if (this.spare?.rehearsing) {
      void this.spare.drawer.kill();
      this.spare = null;
    }
    // A load of the old code is not waited for (it may be stuck in a loop the save fixes), nor
    // a training it started: the new code decides what to train.
    this.training?.abort();
    const loading = this.loading;
    if (loading && loading !== this.loaded?.session.drawer) void loading.kill();
    const view = this.lastView;
    if (!view) return;
    if (!this.options.fileOf(view.scene)) {
      const message = `${view.scene} is gone (removed or renamed); choose a scene from the list`;
      this.options.emit({ type: "error", error: { scene: view.scene, message, gone: true } });
      return;
    }
    this.options.emit({ type: "reloading", scene: view.scene });
    void this.ready(view).catch(() => {});
  }

  /** Scene `from` was renamed to `to`: the page's view follows it (the next load reads `to`). */
  renamed(from: string, to: string): void {
    if (this.lastView?.scene === from) this.lastView = { ...this.lastView, scene: to };
  }

  /** An error from drawing a frame, for the page. */
  pageError(scene: string, error: unknown): PageError {
    return this.toPageError(scene, error);
  }

  /** Stops every process the preview started. */
  async close(): Promise<void> {
    this.closed = true;
    this.training?.abort();
    if (this.spareTimer) clearTimeout(this.spareTimer);
    const drawers = [this.loaded?.session.drawer, this.spare?.drawer].filter((d): d is SceneDrawer => d !== undefined);
    this.loaded = null;
    this.spare = null;
    await Promise.all(drawers.map((d) => d.kill()));
    await this.job?.catch(() => {});
  }

  private async load(view: View): Promise<void> {
    const files = this.files;
    const key = viewKey(view);
    const file = this.options.fileOf(view.scene) as string;
    const previous = this.loaded;
    // Only the size or the theme changed: the same process prepares the scene again.
    const same = previous !== null && previous.id === view.scene && previous.files === files && previous.session.alive;
    const drawer = same ? previous.session.drawer : this.takeDrawer(file);
    this.loading = drawer;
    const training = new AbortController();
    this.training = training;
    const t0 = performance.now();
    const trace = (what: string) => {
      if (process.env.NETREEL_STUDIO_TRACE)
        process.stderr.write(`studio: ${what} at ${(performance.now() - t0).toFixed(0)} ms\n`);
    };
    try {
      const session = same ? previous.session : await SceneSession.load({ scene: file, drawer });
      trace("loaded");
      const prepared = await session.prepare({
        width: view.width,
        height: view.height,
        theme: view.theme,
        encodings: { raw: false, png: true },
        timeline: true,
        runs: this.runs,
        onTraining: (progress) => this.options.emit({ type: "training", scene: view.scene, progress }),
        trainingSignal: training.signal,
      });
      trace("prepared");
      if (this.closed) throw new PreviewRequestError("the studio is stopping", 503);
      // The old version finishes the frames it was asked for (or is stopped within a second).
      if (previous && previous.session !== session) void previous.session.close();
      this.version++;
      const info = sceneInfo(view, session, prepared.timeline, this.version);
      this.loaded = { key, id: view.scene, file, view, session, info, files, drawn: -1 };
      const hadError = this.failure !== null;
      this.failure = null;
      this.options.emit({ type: "scene", scene: info });
      if (hadError) this.options.emit({ type: "error", error: null });
    } catch (error) {
      if (drawer !== previous?.session.drawer) void drawer.kill();
      // A file changed while this version loaded: its failure no longer matters, the next load follows.
      if (files === this.files) this.failed(view, key, files, error);
    } finally {
      if (this.training === training) this.training = null;
      if (this.loading === drawer) this.loading = null;
      // Not at once: a new process starting would slow the frame the page is about to ask for.
      this.scheduleSpare();
    }
  }

  /** A version that failed to load: the page is told, and so is the log. */
  private failed(view: View, key: string, files: number, error: unknown): void {
    const page = this.toPageError(view.scene, error);
    this.failure = { key, files, error: page };
    this.options.emit({ type: "error", error: page });
    const where = page.where ? ` (${page.where.file}:${page.where.line}:${page.where.column})` : "";
    this.options.log?.(`studio: ${page.message}${where}`);
  }

  /** The warm process if it imported today's netreel, else a new one. */
  private takeDrawer(file: string): SceneDrawer {
    const spare = this.spare;
    this.spare = null;
    // A rehearsal takes a few tenths of a second: the new version waits for one that is nearly
    // done, but not for one that runs on (the old code may loop where the new one is fixed).
    const stuck =
      spare?.rehearsing === true && spare.warmedAt !== undefined && performance.now() - spare.warmedAt > REHEARSAL_MS;
    let drawer: SceneDrawer;
    if (process.env.NETREEL_STUDIO_TRACE) {
      process.stderr.write(
        `studio: spare ${spare ? `gen ${spare.generation}/${this.generation} alive ${spare.drawer.alive} rehearsing ${spare.rehearsing} stuck ${stuck} rehearsed ${spare.rehearsed}` : "none"}\n`,
      );
    }
    if (spare && spare.generation === this.generation && spare.drawer.alive && !stuck) drawer = spare.drawer;
    else {
      if (spare) void spare.drawer.kill();
      drawer = new SceneDrawer({ file, timeoutSeconds: this.options.frameTimeoutSeconds });
    }
    return drawer;
  }

  private spareTimer: NodeJS.Timeout | null = null;

  private scheduleSpare(): void {
    if (this.spareTimer) return;
    this.spareTimer = setTimeout(() => {
      this.spareTimer = null;
      this.refillSpare();
    }, 700);
  }

  /** Starts a process in reserve, importing netreel, unless one of today's code is there. */
  private ensureSpare(): void {
    if (this.closed) return;
    if (this.spare && (this.spare.generation !== this.generation || !this.spare.drawer.alive)) {
      void this.spare.drawer.kill();
      this.spare = null;
    }
    if (this.spare) return;
    const drawer = new SceneDrawer({
      file: "(no scene yet)",
      timeoutSeconds: this.options.frameTimeoutSeconds,
      verbose: Boolean(process.env.NETREEL_STUDIO_TRACE),
    });
    const spare: Spare = { drawer, generation: this.generation, runKey: undefined };
    drawer.warm().then(
      () => {
        spare.warmedAt = performance.now();
        // Only now may it rehearse: a rehearsal sent earlier would wait behind the warm-up,
        // and a save in that time would have to kill a process that is merely starting.
        if (this.spare === spare) this.refillSpare();
      },
      () => {},
    );
    this.spare = spare;
  }

  /** Keeps a warm process ready, holding the run the page's scene draws (a save most likely keeps it). */
  private refillSpare(): void {
    if (this.closed) return;
    if (this.spare && (this.spare.generation !== this.generation || !this.spare.drawer.alive)) {
      void this.spare.drawer.kill();
      this.spare = null;
    }
    this.ensureSpare();
    if (!this.spare) return;
    const loaded = this.loaded;
    const runKey = loaded?.session.runKey;
    const run = runKey !== undefined ? this.runs.get(runKey) : undefined;
    if (runKey !== undefined && run && this.spare.runKey !== runKey) {
      this.spare.drawer.holdRun(runKey, run);
      this.spare.runKey = runKey;
    }
    // A first run of today's scene in the warm process makes the next version's first frame
    // (and its prepare) about 100 ms faster: the kit's code is compiled by then.
    // (The rehearsal imports the file as it is on disk: only while that is the version loaded.)
    if (
      loaded &&
      this.spare.warmedAt !== undefined &&
      this.spare.rehearsed === undefined &&
      loaded.files === this.files
    ) {
      const spare = this.spare;
      spare.rehearsed = path.resolve(loaded.file);
      const context = { ...loaded.session.context, run };
      spare.rehearsing = true;
      // Only a frame this version has drawn: frames are pure, so it cannot loop in the rehearsal
      // (a frame that never finished, the one the next save may fix, is never rehearsed).
      void spare.drawer.rehearse(loaded.file, context, loaded.drawn, runKey).then(() => {
        spare.rehearsing = false;
      });
    }
  }

  private toPageError(scene: string, error: unknown): PageError {
    const page: PageError = { scene, message: messageOf(error) };
    // A scene's failure, or a config field it wrote wrongly, knows where in its code it is.
    const where: SourcePlace | undefined =
      error instanceof SceneFailure || error instanceof ConfigError ? error.where : undefined;
    if (where) {
      const relative = path.relative(this.options.root, where.file);
      const file = relative.startsWith("..") || path.isAbsolute(relative) ? where.file : relative;
      page.where = { file: file.split(path.sep).join("/"), line: where.line, column: where.column };
      const excerpt = codeExcerpt(where.file, where.line, where.column);
      if (excerpt) page.excerpt = excerpt;
    }
    return page;
  }
}

/**
 * Two lines either side of `line` (1-based) of `file`, numbered, the line marked and a caret
 * under `column` (1-based): what an editor's error panel shows. Empty when the file cannot be read.
 */
export function codeExcerpt(file: string, line: number, column: number): string {
  let lines: string[];
  try {
    lines = readFileSync(file, "utf8").split(/\r?\n/);
  } catch {
    return "";
  }
  if (line < 1 || line > lines.length) return "";
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 2);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${n === line ? ">" : " "} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line) out.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, column - 1))}^`);
  }
  return out.join("\n");
}

/** What the page learns of a loaded version of a scene. */
function sceneInfo(
  view: View,
  session: SceneSession,
  timeline: SceneInfo["timeline"] | null | undefined,
  version: number,
): SceneInfo {
  const { meta, frames } = session;
  return {
    id: view.scene,
    name: meta.name,
    width: meta.width,
    height: meta.height,
    fps: meta.fps,
    duration: meta.duration,
    frames,
    trains: meta.trains,
    timeline: timeline ?? { beats: null, epochs: null },
    version,
    view,
  };
}
