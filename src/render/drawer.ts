import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Seed } from "../random/index.ts";
import type { Caption, SceneContext, SnapshotRef } from "../scene/index.ts";
import type { Run } from "../train/index.ts";
import type { Frame } from "../video/index.ts";
import { RenderRequestError, SceneFailure, SceneFileError, type SourcePlace } from "./errors.ts";

/** What the supervisor learns of a scene without running any of its code itself. */
export interface SceneMeta {
  name: string;
  width: number;
  height: number;
  fps: number;
  duration: number;
  seed: Seed;
  /** The scene trains from a config (`train`); otherwise it draws a saved run. */
  trains: boolean;
  /** The saved run's path, relative to the scene file. */
  runFile?: string;
  /** The scene declares captions (so a render writes subtitles). */
  captions: boolean;
  /** How different its snapshots may be (netreel test). */
  snapshotTolerance?: { threshold?: number; maxDiffShare?: number };
}

/** Supervisor to worker. */
export type Request =
  | { type: "warm" }
  | { type: "hold-run"; key: string; run: Run }
  | { type: "rehearse"; file: string; context: SceneContext<Run | undefined>; heldRun?: string; index: number }
  | { type: "load"; file: string }
  | { type: "train-config"; seed: Seed }
  | {
      type: "prepare";
      file: string;
      context: SceneContext<Run | undefined>;
      encodings: { raw: boolean; png: boolean };
      /** Also resolve the scene's snapshot references to frames (for `netreel test`). */
      snapshots?: boolean;
      /** Also resolve these moments (a time, a beat) to frames. */
      moments?: SnapshotRef[];
      /** Also lay out the scene's beats and each frame's epoch (for the studio's scrubber). */
      timeline?: boolean;
      /** The run is the one held under this key (`holdRun`): `context.run` is not sent. */
      heldRun?: string;
    }
  | { type: "draw"; index: number }
  | { type: "exit" };

/** Worker to supervisor. */
export type Response =
  | { type: "ready" }
  | { type: "warm" }
  | { type: "rehearsed" }
  | { type: "loaded"; meta: SceneMeta }
  | { type: "train-config"; config: unknown }
  | {
      type: "prepared";
      captions: Caption[] | null;
      snapshots: { name: string; index: number }[] | null;
      moments: { name: string; index: number }[] | null;
      timeline?: SceneTimeline | null;
    }
  | { type: "usage"; usage: ProcessUsage }
  | {
      type: "error";
      phase: "warm" | "load" | "train-config" | "prepare" | "draw";
      index?: number | undefined;
      name: string;
      message: string;
      stack?: string | undefined;
      where?: SourcePlace | undefined;
    };

/** A scene's beats and the epoch each frame shows, for a scrubber. */
export interface SceneTimeline {
  /** `cut`: the beat starts with an intended cut (the motion check skips its first frame). */
  beats: { name: string; start: number; end: number; cut?: boolean }[] | null;
  /** The epoch at each frame, when the scene's beats know it (a training timeline). */
  epochs: number[] | null;
}

/** What `prepare` gives back: the scene's captions, and its key frames when asked for. */
export interface Prepared {
  captions: Caption[] | null;
  snapshots: { name: string; index: number }[] | null;
  moments: { name: string; index: number }[] | null;
  /** With `timeline`: the beats and each frame's epoch. */
  timeline?: SceneTimeline | null;
}

/** What the scene's process used, reported as it exits. */
export interface ProcessUsage {
  /** Peak resident memory in megabytes. */
  maxRssMb: number;
  /** CPU seconds, user and system. */
  cpuSeconds: number;
}

interface Pending {
  what: string;
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
// tsx's full loader (ES modules and CommonJS): a scene outside a "type": "module" package is
// compiled as CommonJS and still imports netreel's ES modules.
// (import.meta.resolve is missing where tsx compiles this module as CommonJS: a scene outside
// a "type": "module" package that imports netreel; Node then resolves "tsx" from the cwd.)
function tsxLoader(): string {
  return typeof import.meta.resolve === "function" ? import.meta.resolve("tsx") : "tsx";
}

export interface DrawerOptions {
  /** The scene file, as the user named it (messages use this name). */
  file: string;
  /** Seconds the scene's code may take for one frame (loading and preparing: at least 60). */
  timeoutSeconds: number;
  /** Pass the worker's stderr through as it comes (otherwise only its last lines are kept for messages). */
  verbose?: boolean;
}

/**
 * The supervisor's handle on the process that runs a scene's code (worker.ts). Every call is
 * a request with a time limit: a scene that throws, hangs, crashes or runs out of memory
 * becomes one `SceneFailure` naming the scene and the frame, and `kill` always stops it at
 * once, whatever it is doing. The worker runs in its own process group, so a Ctrl-C in the
 * terminal reaches only the supervisor, which decides.
 */
export class SceneDrawer {
  private readonly child: ChildProcess;
  private readonly options: DrawerOptions;
  /** The scene file, as the user named it; set by `load` for a process started ahead of its scene. */
  private file: string;
  /** Requests waiting for their answer, by key, oldest first: the same frame asked twice gets two answers. */
  private readonly pending = new Map<string, Pending[]>();
  private readonly order: string[] = [];
  private stderrTail = "";
  private heldRun: string | null = null;
  private usage: ProcessUsage | null = null;
  private exited = false;
  private readonly exit: Promise<void>;
  private lastAnswer = performance.now();
  private readonly watchdog: NodeJS.Timeout;
  private readonly reader = new FrameReader((frame, index) =>
    this.settle(`draw ${index}`, (p) => p.resolve(frame as never)),
  );

  constructor(options: DrawerOptions) {
    this.options = options;
    this.file = options.file;
    this.child = fork(WORKER, [], {
      execArgv: ["--import", tsxLoader()],
      stdio: ["ignore", "inherit", "pipe", "ipc", "pipe"],
      serialization: "advanced",
      detached: true,
    });
    this.child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      if (options.verbose) process.stderr.write(text);
      this.stderrTail = (this.stderrTail + text).slice(-4000);
    });
    const frames = this.child.stdio[4] as NodeJS.ReadableStream;
    frames.on("data", (chunk: Buffer) => {
      this.lastAnswer = performance.now();
      this.reader.push(chunk);
    });
    this.child.on("message", (message: Response) => this.receive(message));
    this.exit = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exited = true;
        clearInterval(this.watchdog);
        this.failAll(this.crashed(code, signal));
        resolve();
      });
      this.child.once("error", (error) => {
        this.failAll(new SceneFailure(`cannot start the process that draws ${options.file}: ${error.message}`));
      });
    });
    this.watchdog = setInterval(() => this.checkTime(), 200);
    this.watchdog.unref();
  }

  /**
   * Imports netreel itself (and node-canvas) ahead of any scene, so a process kept in reserve
   * loads a scene in a fraction of a cold start (the studio keeps one ready).
   */
  warm(): Promise<void> {
    return this.request("warm", { type: "warm" });
  }

  /**
   * Hands a run to the process ahead of its `prepare` (copying a run between processes takes
   * ~0.1 s): the studio gives its warm process the run the next save will most likely reuse.
   */
  holdRun(key: string, run: Run): void {
    if (this.exited) return;
    this.heldRun = key;
    this.child.send({ type: "hold-run", key, run } satisfies Request, () => {});
  }

  /**
   * Runs a scene once, as a separate module (its file imported under another name), with the
   * held run: prepare and frame `index` (none when -1), all thrown away. The code it shares with the next version
   * (netreel's kit, node-canvas, fonts) is then compiled and warm when that version loads. Never
   * fails: a rehearsal that throws has still warmed what it reached.
   */
  rehearse(file: string, context: SceneContext<Run | undefined>, index: number, runKey?: string): Promise<void> {
    const held = runKey !== undefined && runKey === this.heldRun;
    const sent = held ? { ...context, run: undefined } : context;
    return this.request("rehearse", {
      type: "rehearse",
      file,
      context: sent,
      index,
      ...(held ? { heldRun: runKey } : {}),
    }).then(
      () => {},
      () => {},
    );
  }

  /** Whether the process has exited (crashed, killed or closed). */
  get alive(): boolean {
    return !this.exited;
  }

  /** Imports the scene (by default the one the drawer was made for) and returns what it declares. */
  load(file: string = this.file): Promise<SceneMeta> {
    this.file = file;
    return this.request("load", { type: "load", file });
  }

  /** Calls the scene's `train(seed)` and returns the config. */
  trainConfig(seed: Seed): Promise<unknown> {
    return this.request("train-config", { type: "train-config", seed });
  }

  /**
   * Hands the run and the render's settings to the scene's `prepare`; returns its captions, if
   * it has any, and with `snapshots` its key frames.
   */
  prepare(
    context: SceneContext<Run | undefined>,
    encodings: { raw: boolean; png: boolean },
    options: { snapshots?: boolean; moments?: SnapshotRef[]; timeline?: boolean; runKey?: string } = {},
  ): Promise<Prepared> {
    const { runKey, ...rest } = options;
    if (runKey !== undefined && runKey === this.heldRun) {
      const sent = { ...context, run: undefined };
      return this.request("prepare", {
        type: "prepare",
        file: this.file,
        context: sent,
        encodings,
        ...rest,
        heldRun: runKey,
      });
    }
    return this.request("prepare", { type: "prepare", file: this.file, context, encodings, ...rest });
  }

  /** Asks for frame `index`; frames come back in the order asked for. */
  draw(index: number): Promise<Frame> {
    return this.request(`draw ${index}`, { type: "draw", index });
  }

  /**
   * Lets the worker exit on its own once the render is done, and returns what it used; a
   * worker that does not go within a second is killed.
   */
  async close(): Promise<ProcessUsage | null> {
    if (this.exited) return this.usage;
    const gone = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        void this.kill().then(resolve);
      }, 1000);
      this.exit.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.child.send({ type: "exit" } satisfies Request, () => {});
    await gone;
    return this.usage;
  }

  /** Stops the worker now (SIGKILL: a scene in an endless loop hears nothing else) and waits for it. */
  async kill(): Promise<void> {
    if (!this.exited) {
      try {
        this.child.kill("SIGKILL");
      } catch {}
    }
    await this.exit;
  }

  private request<T>(key: string, message: Request): Promise<T> {
    if (this.exited) return Promise.reject(this.crashed(this.child.exitCode, this.child.signalCode));
    return new Promise<T>((resolve, reject) => {
      if (this.order.length === 0) this.lastAnswer = performance.now();
      const waiting = this.pending.get(key) ?? [];
      waiting.push({ what: key, resolve: resolve as (value: never) => void, reject });
      this.pending.set(key, waiting);
      this.order.push(key);
      this.child.send(message, (error) => {
        if (error && !this.exited)
          this.settle(key, (p) =>
            p.reject(new SceneFailure(`cannot reach the process that draws ${this.file}: ${error.message}`)),
          );
      });
    });
  }

  private settle(key: string, action: (pending: Pending) => void): void {
    const waiting = this.pending.get(key);
    const pending = waiting?.shift();
    if (!pending) return;
    if (waiting?.length === 0) this.pending.delete(key);
    const at = this.order.indexOf(key);
    if (at >= 0) this.order.splice(at, 1);
    this.lastAnswer = performance.now();
    action(pending);
  }

  private receive(message: Response): void {
    this.lastAnswer = performance.now();
    switch (message.type) {
      case "ready":
        return;
      case "warm":
        this.settle("warm", (p) => p.resolve(undefined as never));
        return;
      case "rehearsed":
        this.settle("rehearse", (p) => p.resolve(undefined as never));
        return;
      case "loaded":
        this.settle("load", (p) => p.resolve(message.meta as never));
        return;
      case "train-config":
        this.settle("train-config", (p) => p.resolve(message.config as never));
        return;
      case "prepared":
        this.settle("prepare", (p) =>
          p.resolve({
            captions: message.captions,
            snapshots: message.snapshots,
            moments: message.moments,
            timeline: message.timeline ?? null,
          } as never),
        );
        return;
      case "usage":
        this.usage = message.usage;
        return;
      case "error": {
        const key = message.phase === "draw" ? `draw ${message.index}` : message.phase;
        this.settle(key, (p) => p.reject(this.sceneError(message)));
        return;
      }
    }
  }

  private sceneError(message: Extract<Response, { type: "error" }>): Error {
    const file = this.file;
    let error: Error;
    if (message.name === "SceneFileError") error = new SceneFileError(message.message);
    else if (message.name === "SceneFailure") error = new SceneFailure(message.message);
    else if (message.name === "RenderRequestError") error = new RenderRequestError(message.message);
    else if (message.phase === "train-config")
      error = new SceneFailure(`scene ${file} threw in train(): ${message.message}`);
    else error = new SceneFailure(`scene ${file} failed: ${message.message}`);
    if (message.stack) error.stack = `${error.name}: ${error.message}\n(in the scene's process) ${message.stack}`;
    if (message.where && error instanceof SceneFailure) error.where = message.where;
    return error;
  }

  /** The oldest request has had no answer for longer than the limit: the scene is stuck. */
  private checkTime(): void {
    const oldest = this.order[0];
    if (oldest === undefined) return;
    const seconds = (performance.now() - this.lastAnswer) / 1000;
    // A frame gets the frame limit; loading and preparing (tsx compiling the scene, node-canvas
    // starting, a busy machine) get at least a minute.
    // A rehearsal is a prepare and one frame of code that already loaded once: the frame limit.
    const drawing = oldest.startsWith("draw ") || oldest === "rehearse";
    const limit = drawing ? this.options.timeoutSeconds : Math.max(this.options.timeoutSeconds, 60);
    if (seconds <= limit) return;
    const step = oldest.startsWith("draw ") ? `drawing frame ${oldest.slice(5)}` : stepName(oldest);
    this.failAll(
      new SceneFailure(
        `scene ${this.file} took longer than ${limit} s ${step}; stopped it (a loop that never ends? --frame-timeout sets the limit)`,
      ),
    );
    void this.kill();
  }

  private crashed(code: number | null, signal: NodeJS.Signals | null): SceneFailure {
    const during = this.order[0];
    const step =
      during === undefined
        ? ""
        : during.startsWith("draw ")
          ? ` while drawing frame ${during.slice(5)}`
          : ` ${stepName(during)}`;
    const file = this.file;
    if (/heap out of memory|Allocation failed/i.test(this.stderrTail)) {
      return new SceneFailure(`scene ${file} ran out of memory${step}`);
    }
    const last = this.stderrTail
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1);
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    return new SceneFailure(
      `the process drawing scene ${file} stopped unexpectedly${step} (${how})${last ? `: ${last}` : ""}`,
    );
  }

  private failAll(error: Error): void {
    for (const key of [...this.order]) this.settle(key, (p) => p.reject(error));
  }
}

function stepName(key: string): string {
  return key === "load" || key === "warm" || key === "rehearse"
    ? "loading"
    : key === "prepare"
      ? "in prepare()"
      : "in train()";
}

/**
 * Splits the worker's frame stream back into frames: a 12-byte header, raw bytes, PNG bytes.
 * Frame buffers are reused once released (`recycle`): a 720p frame is 3.7 MB, and allocating
 * one per frame made garbage collection this process's largest cost.
 */
class FrameReader {
  private readonly spare: Buffer[] = [];
  private header = Buffer.alloc(12);
  private headerFilled = 0;
  private body: Buffer | null = null;
  private bodyFilled = 0;
  private index = 0;
  private rawLength = 0;
  private readonly done: (frame: Frame, index: number) => void;

  constructor(done: (frame: Frame, index: number) => void) {
    this.done = done;
  }

  private allocate(size: number): Buffer {
    const at = this.spare.findIndex((b) => b.length === size);
    return at >= 0 ? (this.spare.splice(at, 1)[0] as Buffer) : Buffer.allocUnsafe(size);
  }

  private recycle(body: Buffer): void {
    if (this.spare.length < 2 && !this.spare.includes(body)) this.spare.push(body);
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.body === null) {
        const take = Math.min(12 - this.headerFilled, chunk.length - at);
        chunk.copy(this.header, this.headerFilled, at, at + take);
        this.headerFilled += take;
        at += take;
        if (this.headerFilled < 12) return;
        this.index = this.header.readUInt32LE(0);
        this.rawLength = this.header.readUInt32LE(4);
        this.body = this.allocate(this.rawLength + this.header.readUInt32LE(8));
        this.bodyFilled = 0;
      }
      const take = Math.min(this.body.length - this.bodyFilled, chunk.length - at);
      chunk.copy(this.body, this.bodyFilled, at, at + take);
      this.bodyFilled += take;
      at += take;
      if (this.bodyFilled === this.body.length) {
        const body = this.body;
        const frame: Frame = { release: () => this.recycle(body) };
        if (this.rawLength > 0) frame.raw = body.subarray(0, this.rawLength);
        if (body.length > this.rawLength) frame.png = body.subarray(this.rawLength);
        this.body = null;
        this.headerFilled = 0;
        this.done(frame, this.index);
      }
    }
  }
}
