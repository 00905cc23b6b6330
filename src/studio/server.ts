import { createReadStream, existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { ROOT } from "../paths.ts";
import { messageOf } from "../render/frames.ts";
import { OutputClaims, renderScene, SceneFailure, SceneFileError } from "../render/index.ts";
import type { ThemeName } from "../scene/index.ts";
import type { FormatName } from "../video/index.ts";
import { type PageError, Preview, type PreviewEvent, PreviewRequestError, type View } from "./preview.ts";
import { FolderWatcher } from "./watch.ts";

const PAGE_DIR = path.join(ROOT, "src/studio/page");
const NETREEL_SRC = path.join(ROOT, "src");
const ASSETS: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/studio.js": { file: "studio.js", type: "text/javascript; charset=utf-8" },
  "/studio.css": { file: "studio.css", type: "text/css; charset=utf-8" },
};
const OUTPUT_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".gif": "image/gif",
  ".vtt": "text/vtt; charset=utf-8",
};
/** Whether a file looks like a scene (it has a default export), without running it. */
function isSceneLike(file: string): boolean {
  try {
    return /\bexport\s+default\b/.test(readFileSync(file, "utf8"));
  } catch {
    return false;
  }
}

/** A file as messages name it: relative to the current folder when inside it. */
function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/** Frame sizes the page offers besides the scene's own. */
const MAX_SIDE = 3840;

export interface StudioOptions {
  /** The project folder: its scenes/ are listed, its output/ receives stills and renders. */
  root: string;
  /** A scene to open first (it may live outside scenes/: it is then listed too). */
  scene?: string;
  /** 0 for a free port. */
  port?: number;
  frameTimeoutSeconds?: number;
  /** Lines for the terminal (renders started and finished, errors of the studio itself). */
  log?: (line: string) => void;
}

/** A render the page started. */
interface RenderJob {
  scene: string;
  controller: AbortController;
  done: Promise<void>;
}

/** Something the page is told as it happens (server-sent events). */
type StudioEvent =
  | PreviewEvent
  | {
      type: "scenes";
      scenes: string[];
      /** One scene went and one came in the same save: a rename, which the page follows. */
      renamed?: { from: string; to: string };
    }
  | {
      type: "render";
      scene: string;
      state: "training" | "rendering" | "done" | "failed" | "stopped";
      done?: number;
      total?: number;
      file?: string;
      message?: string;
    };

/**
 * `netreel studio`: an HTTP server on 127.0.0.1 with a page that shows any frame of a scene,
 * drawn by the same code as `render`, redrawn when a file is saved. It serves its own page,
 * frames of the listed scenes and files in output/, and nothing else: scenes are named by an
 * id from its list, never by a path the request chooses.
 */
/** A render the page asked for: the scene by name and file, the format and the theme. */
interface RenderAsk {
  scene: string;
  file: string;
  format: FormatName;
  theme: ThemeName;
}

export class Studio {
  readonly root: string;
  private readonly options: StudioOptions;
  private readonly preview: Preview;
  /** Which scene wrote which output: two scenes with the same name must not overwrite each other's. */
  private readonly claims = new OutputClaims();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<ServerResponse>();
  private watcher: FolderWatcher | null = null;
  private scenes = new Map<string, string>();
  private readonly extra: string | undefined;
  private render: RenderJob | null = null;
  private port = 0;
  private debounce: NodeJS.Timeout | null = null;
  private pendingChanges = new Set<string>();

  constructor(options: StudioOptions) {
    this.options = options;
    this.root = path.resolve(options.root);
    if (options.scene !== undefined) {
      const file = path.resolve(options.scene);
      let isFile = false;
      try {
        isFile = statSync(file).isFile();
      } catch {
        throw new SceneFileError(`scene file ${options.scene} does not exist`);
      }
      if (!isFile) throw new SceneFileError(`scene file ${options.scene} is not a file (a scene is one .ts file)`);
      this.extra = file;
    }
    this.listScenes();
    this.preview = new Preview({
      root: this.root,
      frameTimeoutSeconds: options.frameTimeoutSeconds ?? 10,
      fileOf: (id) => this.scenes.get(id),
      emit: (event) => this.broadcast(event),
      ...(options.log ? { log: options.log } : {}),
    });
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        if (!response.headersSent) this.json(response, 500, { message: messageOf(error) });
        else response.destroy();
      });
    });
    // An idle connection is kept well past Node's 5 s: a client that cannot notice the close in
    // time (a busy machine, a paused tab) would otherwise send its next request on a socket the
    // server has just closed ("other side closed"). stop() closes every socket itself.
    this.server.keepAliveTimeout = 60_000;
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  /** The id of the scene opened first: the one named, else scenes/hidden.ts, else the first listed. */
  get firstScene(): string | undefined {
    if (this.extra) return this.idOf(this.extra);
    const ids = [...this.scenes.keys()];
    return ids.includes("scenes/hidden.ts") ? "scenes/hidden.ts" : ids[0];
  }

  /** Listens on 127.0.0.1 and starts watching the project's files; returns the page's URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.watchFiles();
    this.preview.warmUp();
    const first = this.firstScene;
    return `http://127.0.0.1:${this.port}/${first ? `?scene=${encodeURIComponent(first)}` : ""}`;
  }

  /** Stops the server, any render it started (its temporary files removed) and every scene process. */
  async close(): Promise<void> {
    this.watcher?.close();
    if (this.debounce) clearTimeout(this.debounce);
    this.render?.controller.abort();
    for (const client of this.clients) client.end();
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([this.render?.done, this.preview.close()]);
  }

  private idOf(file: string): string {
    const relative = path.relative(this.root, file);
    const inside = !relative.startsWith("..") && !path.isAbsolute(relative);
    return (inside ? relative : file).split(path.sep).join("/");
  }

  /** The scenes: every .ts file directly in scenes/, and the one named on the command line. */
  private listScenes(): boolean {
    const found = new Map<string, string>();
    const dir = path.join(this.root, "scenes");
    let names: string[] = [];
    try {
      // A scene exports its scene as the default; a helper module beside the scenes does not.
      names = readdirSync(dir).filter(
        (name) => name.endsWith(".ts") && !name.endsWith(".d.ts") && isSceneLike(path.join(dir, name)),
      );
    } catch {}
    for (const name of names.sort()) {
      const file = path.join(dir, name);
      found.set(this.idOf(file), shortPath(file));
    }
    if (this.extra && existsSync(this.extra)) found.set(this.idOf(this.extra), shortPath(this.extra));
    const same = found.size === this.scenes.size && [...found.keys()].every((id) => this.scenes.has(id));
    this.scenes = found;
    return !same;
  }

  /**
   * Watches scenes/ (and the folder of a scene named outside it), the project's src/ and
   * netreel's own sources (unless installed as a package): any saved file reloads the scene.
   */
  private watchFiles(): void {
    const folders = new Map<string, boolean>();
    const add = (dir: string, code: boolean) => {
      try {
        const real = realpathSync(dir);
        if (real.split(path.sep).includes("node_modules") || folders.has(real)) return;
        folders.set(real, code);
      } catch {}
    };
    add(path.join(this.root, "scenes"), false);
    if (this.extra) add(path.dirname(this.extra), false);
    add(path.join(this.root, "src"), true);
    add(NETREEL_SRC, true);
    const codeFolders = [...folders].filter(([, code]) => code).map(([dir]) => dir + path.sep);
    this.watcher = new FolderWatcher(
      (file) => {
        if (/\.(ts|js|mjs|cjs|json|csv)$/.test(file)) {
          this.fileChanged(
            file,
            codeFolders.some((dir) => file.startsWith(dir)),
          );
        }
      },
      (dir) => /(^|[/\\])(node_modules|__snapshots__|\.git)$/.test(dir),
      (dir, error) =>
        this.options.log?.(`studio: cannot watch ${dir} (${messageOf(error)}); saved files there will not reload`),
    );
    for (const dir of folders.keys()) this.watcher.add(dir);
  }

  private fileChanged(file: string, code: boolean): void {
    this.pendingChanges.add(`${code ? "code" : "scene"} ${file}`);
    if (this.debounce) clearTimeout(this.debounce);
    // Editors write a file in several steps (truncate, write, rename): wait for them to settle.
    this.debounce = setTimeout(() => {
      this.debounce = null;
      const changes = [...this.pendingChanges];
      this.pendingChanges.clear();
      const code = changes.some((c) => c.startsWith("code "));
      const before = [...this.scenes.keys()];
      if (this.listScenes()) {
        const renamed = renameOf(before, [...this.scenes.keys()]);
        if (renamed) this.preview.renamed(renamed.from, renamed.to);
        this.broadcast({ type: "scenes", scenes: [...this.scenes.keys()], ...(renamed ? { renamed } : {}) });
      }
      this.preview.changed(
        changes.map((c) => c.slice(c.indexOf(" ") + 1)),
        code,
      );
    }, 25);
  }

  private broadcast(event: StudioEvent): void {
    const data = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of this.clients) client.write(data);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refusal = this.refuse(request);
    if (refusal) return this.json(response, 403, { message: refusal });
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const asset = ASSETS[url.pathname];
    if (asset && request.method === "GET") {
      response.writeHead(200, { "content-type": asset.type, "cache-control": "no-store" });
      response.end(readFileSync(path.join(PAGE_DIR, asset.file)));
      return;
    }
    switch (`${request.method} ${url.pathname}`) {
      case "GET /api/state":
        return this.json(response, 200, {
          scenes: [...this.scenes.keys()],
          first: this.firstScene ?? null,
          scene: this.preview.current,
          error: this.preview.error,
          render: this.render ? { scene: this.render.scene } : null,
        });
      case "GET /api/events":
        return this.events(response);
      case "GET /api/scene":
        return this.scene(url, response);
      case "GET /api/frame":
        return this.frame(url, response);
      case "POST /api/save":
        return this.save(request, response);
      case "POST /api/render":
        return this.startRender(request, response);
      case "POST /api/stop-render":
        this.render?.controller.abort();
        return this.json(response, 200, { stopped: this.render !== null });
    }
    if (request.method === "GET" && url.pathname.startsWith("/output/")) return this.output(url, response);
    if (url.pathname === "/favicon.ico") return void response.writeHead(204).end();
    return this.json(response, 404, { message: `nothing at ${url.pathname}` });
  }

  /**
   * Why a request is refused, if it is: a Host other than this machine's (another site
   * reaching the studio through DNS rebinding), a POST from another origin, or a path that
   * climbs out (`..`) or names an absolute path.
   */
  private refuse(request: IncomingMessage): string | null {
    const host = request.headers.host ?? "";
    const allowed = [`127.0.0.1:${this.port}`, `localhost:${this.port}`, `[::1]:${this.port}`];
    if (!allowed.includes(host)) return `the studio answers only at http://127.0.0.1:${this.port}/`;
    const origin = request.headers.origin;
    if (request.method !== "GET" && !allowed.some((h) => origin === `http://${h}`)) {
      return "the studio takes requests only from its own page";
    }
    const raw = request.url ?? "/";
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw.split("?")[0] as string);
    } catch {
      return "the path is not valid";
    }
    if (
      !raw.startsWith("/") ||
      raw.startsWith("//") ||
      /(^|[/\\])\.\.([/\\]|$)/.test(decoded) ||
      decoded.includes("\\")
    ) {
      return "the studio serves only its page, its scenes' frames and output/";
    }
    return null;
  }

  private events(response: ServerResponse): void {
    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    response.write(": netreel studio\n\n");
    this.clients.add(response);
    response.once("close", () => this.clients.delete(response));
  }

  /** The page's view from a request's query: the scene id, the size and the theme. */
  private view(url: URL): View {
    const scene = url.searchParams.get("scene") ?? "";
    if (!this.scenes.has(scene)) throw new PreviewRequestError(`no scene ${JSON.stringify(scene)} in this studio`, 404);
    const width = Number(url.searchParams.get("width"));
    const height = Number(url.searchParams.get("height"));
    for (const [name, value] of [
      ["width", width],
      ["height", height],
    ] as const) {
      if (!Number.isInteger(value) || value < 16 || value > MAX_SIDE) {
        throw new PreviewRequestError(`${name} must be a whole number of pixels from 16 to ${MAX_SIDE}`);
      }
    }
    const theme = url.searchParams.get("theme") ?? "light";
    if (theme !== "light" && theme !== "dark") throw new PreviewRequestError(`theme must be light or dark`);
    return { scene, width, height, theme: theme as ThemeName };
  }

  /**
   * Answers a request about the page's view: a bad view is a 400 (an unknown scene a 404); a
   * scene that fails is a 422 with its message and place (`failure`, by default the error's).
   */
  private async withView(
    url: URL,
    response: ServerResponse,
    work: (view: View) => Promise<void>,
    failure: (view: View, error: unknown) => PageError = (view, error) => this.preview.pageError(view.scene, error),
  ): Promise<void> {
    let view: View;
    try {
      view = this.view(url);
    } catch (error) {
      return this.requestError(response, error);
    }
    try {
      await work(view);
    } catch (error) {
      if (error instanceof PreviewRequestError) return this.requestError(response, error);
      this.json(response, 422, failure(view, error));
    }
  }

  /** The scene for a view, loaded (trained, or its run reused): its clip, beats and version. */
  private scene(url: URL, response: ServerResponse): Promise<void> {
    return this.withView(
      url,
      response,
      async (view) => {
        const loaded = await this.preview.ready(view);
        // The newest code may have failed to load while the last good version still draws.
        const error = this.preview.error?.scene === view.scene ? this.preview.error : null;
        this.json(response, 200, { ...loaded.info, error });
      },
      (view, error) => this.preview.error ?? this.preview.pageError(view.scene, error),
    );
  }

  /** A frame of the view as PNG bytes, with the version of the code that drew it. */
  private frame(url: URL, response: ServerResponse): Promise<void> {
    const index = Number(url.searchParams.get("index") ?? "0");
    return this.withView(url, response, async (view) => {
      const { png, version } = await this.preview.frame(view, index);
      response.writeHead(200, {
        "content-type": "image/png",
        "cache-control": "no-store",
        "x-netreel-version": String(version),
        "x-netreel-index": String(index),
      });
      response.end(png);
    });
  }

  private async body(request: IncomingMessage): Promise<Record<string, unknown>> {
    let text = "";
    for await (const chunk of request) {
      text += chunk;
      if (text.length > 10_000) throw new PreviewRequestError("the request is too large");
    }
    try {
      const parsed = JSON.parse(text || "{}");
      if (parsed && typeof parsed === "object") return parsed as Record<string, unknown>;
    } catch {}
    throw new PreviewRequestError("the request's body must be a JSON object");
  }

  /**
   * Saves a frame as output/<name>-frame<N>.png at the scene's own size: the same file, byte
   * for byte, as `netreel render <scene> --frame N` (with the page's theme, `--theme`).
   */
  private async save(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const body = await this.body(request);
      const scene = String(body.scene ?? "");
      const file = this.scenes.get(scene);
      if (!file) throw new PreviewRequestError(`no scene ${JSON.stringify(scene)} in this studio`, 404);
      const index = Number(body.index);
      if (!Number.isInteger(index) || index < 0) throw new PreviewRequestError("index must be a frame number");
      const theme = body.theme === "dark" ? "dark" : "light";
      const result = await renderScene({
        scene: file,
        frame: index,
        theme,
        runs: this.preview.runs,
        claims: this.claims,
        outputDir: path.join(this.root, "output"),
        frameTimeoutSeconds: this.options.frameTimeoutSeconds ?? 10,
      });
      const target = result.outputs[0]?.target as string;
      this.options.log?.(`studio: saved ${path.relative(this.root, target)}`);
      this.json(response, 200, { file: path.relative(this.root, target).split(path.sep).join("/") });
    } catch (error) {
      if (error instanceof PreviewRequestError) return this.requestError(response, error);
      this.json(response, 422, { message: messageOf(error) });
    }
  }

  /** Starts a full render of a scene at its defaults (the page's theme); progress goes to the page. */
  /** What a Render request asks for, checked. */
  private async renderRequest(request: IncomingMessage): Promise<RenderAsk> {
    const body = await this.body(request);
    const scene = String(body.scene ?? "");
    const file = this.scenes.get(scene);
    if (!file) throw new PreviewRequestError(`no scene ${JSON.stringify(scene)} in this studio`, 404);
    const format = (body.format ?? "mp4") as FormatName;
    if (!["mp4", "webm", "gif"].includes(format)) throw new PreviewRequestError("format must be mp4, webm or gif");
    return { scene, file, format, theme: body.theme === "dark" ? "dark" : "light" };
  }

  private async startRender(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let asked: RenderAsk;
    try {
      asked = await this.renderRequest(request);
    } catch (error) {
      return this.requestError(response, error);
    }
    const { scene, file, format, theme } = asked;
    if (this.render) {
      return this.json(response, 409, { message: `a render of ${this.render.scene} is running; stop it or wait` });
    }
    const controller = new AbortController();
    const log = this.options.log ?? (() => {});
    const emit = (state: "training" | "rendering" | "done" | "failed" | "stopped", extra: object = {}) =>
      this.broadcast({ type: "render", scene, state, ...extra });
    let last = 0;
    const done = renderScene({
      scene: file,
      formats: [format],
      outputDir: path.join(this.root, "output"),
      theme,
      runs: this.preview.runs,
      claims: this.claims,
      signal: controller.signal,
      onTraining: () => emit("training"),
      onFrames: (count, total) => {
        const now = performance.now();
        if (count === total || now - last > 200) {
          last = now;
          emit("rendering", { done: count, total });
        }
      },
    }).then(
      (result) => {
        const target = path
          .relative(this.root, result.outputs[0]?.target as string)
          .split(path.sep)
          .join("/");
        log(`studio: rendered ${target}`);
        emit("done", { file: target });
      },
      (error) => {
        if (controller.signal.aborted) emit("stopped");
        else {
          log(`studio: the render of ${scene} failed: ${messageOf(error)}`);
          emit("failed", { message: messageOf(error) });
        }
      },
    );
    const job: RenderJob = { scene, controller, done: done.finally(() => (this.render = null)) };
    this.render = job;
    log(`studio: rendering ${scene}`);
    this.json(response, 202, { scene });
  }

  /** A file in output/ (a saved still, a finished render), by its name alone. */
  private output(url: URL, response: ServerResponse): void {
    const name = decodeURIComponent(url.pathname.slice("/output/".length));
    const type = OUTPUT_TYPES[path.extname(name).toLowerCase()];
    if (!/^[\w][\w.-]*$/.test(name) || !type) {
      this.json(response, 404, { message: name ? `no file ${name} in output/` : "name a file in output/" });
      return;
    }
    const dir = path.join(this.root, "output");
    try {
      const file = realpathSync(path.join(dir, name));
      if (path.dirname(file) !== realpathSync(dir) || !statSync(file).isFile()) throw new Error("outside");
      response.writeHead(200, { "content-type": type, "cache-control": "no-store" });
      createReadStream(file).pipe(response);
    } catch {
      this.json(response, 404, { message: `no file ${name} in output/` });
    }
  }

  private requestError(response: ServerResponse, error: unknown): void {
    const status = error instanceof PreviewRequestError ? error.status : error instanceof SceneFailure ? 422 : 400;
    this.json(response, status, { message: messageOf(error) });
  }

  private json(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    response.end(JSON.stringify(body));
  }
}

/** One scene id gone and one new between two lists: taken for a rename (an editor's, or `mv`). */
function renameOf(before: string[], after: string[]): { from: string; to: string } | null {
  const gone = before.filter((id) => !after.includes(id));
  const added = after.filter((id) => !before.includes(id));
  return gone.length === 1 && added.length === 1 ? { from: gone[0] as string, to: added[0] as string } : null;
}
