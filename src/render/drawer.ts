import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import path from "node:path";
import { BUNDLE_DIR, ROOT } from "../paths.ts";
import type { Seed } from "../random/index.ts";
import type { SceneContext } from "../scene/index.ts";
import type { Run } from "../train/index.ts";
import type { Frame } from "../video/index.ts";
import { EncoderInputClosed, RenderRequestError, SceneFailure, SceneFileError } from "./errors.ts";
import {
  type Answers,
  type Call,
  type CallType,
  FrameReader,
  isPackedRun,
  nextId,
  type PackedRun,
  type PrepareAsks,
  type Prepared,
  type ProcessUsage,
  packRun,
  type Request,
  type Response,
  type SceneMeta,
  type SentContext,
  type SentError,
} from "./protocol.ts";

/** A call waiting for its answer. */
interface Pending {
  type: CallType;
  /** The frame, for a draw (messages name it). */
  index?: number;
  // Method syntax: each call's promise takes its own kind of answer (Answers[type]).
  resolve(value: Answers[CallType]): void;
  reject(error: Error): void;
}

// tsx's full loader (ES modules and CommonJS): a scene outside a "type": "module" package is
// compiled as CommonJS and still imports netreel's ES modules.
// (import.meta.resolve is missing where tsx compiles this module as CommonJS: a scene outside
// a "type": "module" package that imports netreel; Node then resolves "tsx" from the cwd.)
function tsxLoader(): string {
  return typeof import.meta.resolve === "function" ? import.meta.resolve("tsx") : "tsx";
}

const BUNDLER = path.join(ROOT, "scripts/bundle.cjs");

/** A scene's context as a session hands it over: its run may come packed already (from the run cache). */
export type ContextToSend = Omit<SceneContext<Run | undefined>, "run"> & { run: Run | PackedRun | undefined };

/** The context as sent to the process: the run packed, or left out when the process holds it. */
function sendable(context: ContextToSend, held: boolean): SentContext {
  const { run } = context;
  if (held || run === undefined) return { ...context, run: undefined };
  return { ...context, run: isPackedRun(run) ? run : packRun(run) };
}

/**
 * The scene process's module and node options. It runs from netreel's bundle (scripts/bundle.cjs:
 * the one this process runs from, or else today's, built if need be) and compiles the scene
 * itself (compile-scene.ts); from src/ through tsx when there is no bundle, or for a stand-in
 * process (`worker`, in tests). Source maps on: a scene's stack names its own lines.
 */
function workerStart(worker: string | undefined): { module: string; execArgv: string[] } {
  const tsx = ["--import", tsxLoader()];
  if (worker !== undefined) return { module: worker, execArgv: tsx };
  const dir = BUNDLE_DIR ?? (createRequire(import.meta.url)(BUNDLER) as { bundleDir(): string | null }).bundleDir();
  if (dir === null)
    return { module: path.join(ROOT, "src/render/worker.ts"), execArgv: [...tsx, ...COLLECTOR, ...COMPILER] };
  return { module: path.join(dir, "worker.mjs"), execArgv: ["--enable-source-maps", ...COLLECTOR, ...COMPILER] };
}

/**
 * How the scene's process optimises its code: V8's optimising compiler takes a function after 4
 * times the usual work in the interpreter (--interrupt-budget, 66 KB of bytecode by default), and
 * inlines callees up to half the usual size. A scene runs the same drawing code for hundreds of
 * frames: what is hot then is optimised all the same, and what is only warm (a frame's set-up,
 * its labels' layout) is no longer compiled, thrown away and compiled again on the compiler's
 * threads. Measured on Node 20 (V8 11.3; a later V8 tiers up otherwise: measure again there)
 * with `render --verbose --no-cache`, alternating with the defaults, medians:
 * hidden.ts's process 5.1-5.2 CPU-s → 4.6 (4 runs, twice); as a GIF 3.6 → 2.7; backprop.ts 3.6 →
 * 3.4; boundary.ts 3.5 → 3.4; hidden.ts at 1920x1080 7.9 → 7.8. Frames are byte for byte the same.
 */
const COMPILER = [
  "--interrupt-budget=270336",
  "--max-inlined-bytecode-size=230",
  "--max-inlined-bytecode-size-cumulative=460",
];

/**
 * How the scene's process collects its garbage.
 * - --expose-gc: it collects each frame's garbage itself (worker.ts).
 * - --single-threaded-gc: on its own thread, as it waits for nothing else then; with ffmpeg on
 *   the other core, a collection's parallel helpers waited to be scheduled, and hidden.ts's 360
 *   young collections took ~650 ms instead of ~420 (the scene's process: ~5.2 CPU-s a render
 *   instead of ~5.4; measured with `render --verbose`, alternating).
 * - --max-semi-space-size=2 (MB): a frame leaves about 1 MB of young garbage, collected before
 *   the next, but V8 grew its young generation to 16 MB while the scene loaded and prepared,
 *   and kept those pages: the process peaked at ~160 MB instead of ~138, at the same CPU.
 */
const COLLECTOR = ["--expose-gc", "--single-threaded-gc", "--max-semi-space-size=2"];

/**
 * The scene process's environment: the user's, with glibc's malloc kept to two arenas (one a
 * core here) unless the user set it. Its default is eight a core, and V8's compiler threads
 * each left their own arena's pages behind: the process peaked ~12 MB higher at the same CPU.
 */
function workerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2" };
}

export interface DrawerOptions {
  /** The scene file, as the user named it (messages use this name). */
  file: string;
  /** Seconds the scene's code may take for one frame (loading and preparing: at least 60). */
  timeoutSeconds: number;
  /** Pass the worker's stderr through as it comes (otherwise only its last lines are kept for messages). */
  verbose?: boolean;
  /** The module the scene's process runs: worker.ts (tests give a fake that speaks the protocol). */
  worker?: string;
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
  /** Calls waiting for their answer, by id, oldest first (a Map keeps insertion order). */
  private readonly pending = new Map<number, Pending>();
  private lastId = 0;
  private stderrTail = "";
  private heldRun: string | null = null;
  private usage: ProcessUsage | null = null;
  private exited = false;
  /** Why the process ended, as found when it did. */
  private death: SceneFailure | null = null;
  private readonly exit: Promise<void>;
  private lastAnswer = performance.now();
  private readonly watchdog: NodeJS.Timeout;
  private readonly reader = new FrameReader((frame, id) => this.answer(id, "draw", frame));

  constructor(options: DrawerOptions) {
    this.options = options;
    this.file = options.file;
    const start = workerStart(options.worker);
    this.child = fork(start.module, [], {
      execArgv: start.execArgv,
      env: workerEnv(),
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
        // Later calls get the same reason: the step the process died in, not the call that found it gone.
        this.death = this.crashed(code, signal);
        this.failAll(this.death);
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
  async warm(): Promise<void> {
    await this.call({ type: "warm" });
  }

  /**
   * Hands a run to the process ahead of its `prepare` (copying a run between processes takes
   * ~0.1 s): the studio gives its warm process the run the next save will most likely reuse.
   */
  holdRun(key: string, run: Run): void {
    if (this.exited) return;
    this.heldRun = key;
    this.child.send({ type: "hold-run", key, run: packRun(run) } satisfies Request, () => {});
  }

  /**
   * Runs a scene once, as a separate module (its file imported under another name), with the
   * held run: prepare and frame `index` (none when -1), all thrown away. The code it shares with the next version
   * (netreel's kit, node-canvas, fonts) is then compiled and warm when that version loads. Never
   * fails: a rehearsal that throws has still warmed what it reached.
   */
  rehearse(file: string, context: SceneContext<Run | undefined>, index: number, runKey?: string): Promise<void> {
    const held = runKey !== undefined && runKey === this.heldRun;
    return this.call({
      type: "rehearse",
      file,
      context: sendable(context, held),
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
    return this.call({ type: "load", file });
  }

  /** Calls the scene's `train(seed)` and returns the config. */
  trainConfig(seed: Seed): Promise<unknown> {
    return this.call({ type: "train-config", seed });
  }

  /**
   * Hands the run and the render's settings to the scene's `prepare`; returns its captions, if
   * it has any, and with `snapshots` its key frames.
   */
  prepare(
    context: ContextToSend,
    encodings: { raw: boolean; png: boolean },
    options: PrepareAsks & { runKey?: string } = {},
  ): Promise<Prepared> {
    const { runKey, ...asks } = options;
    const held = runKey !== undefined && runKey === this.heldRun;
    return this.call({
      type: "prepare",
      file: this.file,
      context: sendable(context, held),
      encodings,
      ...asks,
      ...(held ? { heldRun: runKey } : {}),
    });
  }

  /** Asks for frame `index`; frames come back in the order asked for. */
  draw(index: number): Promise<Frame> {
    return this.call({ type: "draw", index });
  }

  /**
   * Hands the process a copy of the encoder's input (ffmpeg's stdin): from then on `stage` and
   * `write` send frames to ffmpeg without passing through this process.
   */
  takeEncoder(input: Socket): Promise<null> {
    return this.call({ type: "encoder" }, input);
  }

  /** Draws frame `index` and keeps it in the process until `write`. */
  stage(index: number): Promise<null> {
    return this.call({ type: "stage", index });
  }

  /** Writes staged frame `index` to the encoder; resolves once ffmpeg has taken it. */
  write(index: number): Promise<null> {
    return this.call({ type: "write", index });
  }

  /** Closes the process's copy of the encoder's input. */
  dropEncoder(): void {
    if (!this.exited) this.child.send({ type: "encoder-end" } satisfies Request, () => {});
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

  /** Sends a call and returns the promise of its answer: one id, one answer. */
  private call<C extends Call>(call: C, handle?: Socket): Promise<Answers[C["type"]]> {
    if (this.exited) return Promise.reject(this.death ?? this.crashed(this.child.exitCode, this.child.signalCode));
    this.lastId = nextId(this.lastId);
    const id = this.lastId;
    return new Promise<Answers[C["type"]]>((resolve, reject) => {
      if (this.pending.size === 0) this.lastAnswer = performance.now();
      this.pending.set(id, {
        type: call.type,
        ...("index" in call ? { index: call.index } : {}),
        resolve,
        reject,
      });
      const sent = (error: Error | null) => {
        if (error && !this.exited) {
          this.reject(id, new SceneFailure(`cannot reach the process that draws ${this.file}: ${error.message}`));
        }
      };
      // A handle stays open here too (keepOpen): the caller closes its copy once every process has one.
      if (handle) this.child.send({ ...call, id } satisfies Request, handle, { keepOpen: true }, sent);
      else this.child.send({ ...call, id } satisfies Request, sent);
    });
  }

  /** Settles call `id` with its answer; an answer of the wrong kind is netreel's own bug. */
  private answer<K extends CallType>(id: number, type: K, value: Answers[K]): void {
    const pending = this.take(id);
    if (!pending) return;
    if (pending.type !== type) {
      pending.reject(
        new SceneFailure(`netreel bug: a ${pending.type} call was answered as ${type} (please report it)`),
      );
      return;
    }
    pending.resolve(value);
  }

  private reject(id: number, error: Error): void {
    this.take(id)?.reject(error);
  }

  private take(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    this.pending.delete(id);
    this.lastAnswer = performance.now();
    return pending;
  }

  /** The call waiting longest. */
  private oldest(): Pending | undefined {
    return this.pending.values().next().value;
  }

  private receive(message: Response): void {
    this.lastAnswer = performance.now();
    switch (message.type) {
      case "ready":
        return;
      case "answer":
        this.answer(message.id, message.call, message.value);
        return;
      case "usage":
        this.usage = message.usage;
        return;
      case "error": {
        const pending = this.pending.get(message.id);
        if (pending) this.reject(message.id, this.sceneError(message.error, pending.type));
        return;
      }
    }
  }

  private sceneError(message: SentError, during: CallType): Error {
    const file = this.file;
    let error: Error;
    if (message.name === "SceneFileError") error = new SceneFileError(message.message);
    else if (message.name === "EncoderInputClosed") error = new EncoderInputClosed(message.message);
    else if (message.name === "SceneFailure") error = new SceneFailure(message.message);
    else if (message.name === "RenderRequestError") error = new RenderRequestError(message.message);
    else if (during === "train-config") error = new SceneFailure(`scene ${file} threw in train(): ${message.message}`);
    else error = new SceneFailure(`scene ${file} failed: ${message.message}`);
    if (message.stack) error.stack = `${error.name}: ${error.message}\n(in the scene's process) ${message.stack}`;
    if (message.where && error instanceof SceneFailure) error.where = message.where;
    return error;
  }

  /** The oldest call has had no answer for longer than the limit: the scene is stuck. */
  private checkTime(): void {
    const oldest = this.oldest();
    // A write waits on ffmpeg, not on the scene: the encoder's own watchdog times it.
    if (oldest === undefined || oldest.type === "write") return;
    const seconds = (performance.now() - this.lastAnswer) / 1000;
    // A frame gets the frame limit; loading and preparing (tsx compiling the scene, node-canvas
    // starting, a busy machine) get at least a minute.
    // A rehearsal is a prepare and one frame of code that already loaded once: the frame limit.
    const drawing = oldest.type === "draw" || oldest.type === "stage" || oldest.type === "rehearse";
    const limit = drawing ? this.options.timeoutSeconds : Math.max(this.options.timeoutSeconds, 60);
    if (seconds <= limit) return;
    this.failAll(
      new SceneFailure(
        `scene ${this.file} took longer than ${limit} s ${stepName(oldest)}; stopped it (a loop that never ends? --frame-timeout sets the limit)`,
      ),
    );
    void this.kill();
  }

  private crashed(code: number | null, signal: NodeJS.Signals | null): SceneFailure {
    const during = this.oldest();
    const step =
      during === undefined
        ? ""
        : ` ${during.type === "draw" || during.type === "stage" || during.type === "write" ? "while " : ""}${stepName(during)}`;
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
    for (const id of [...this.pending.keys()]) this.reject(id, error);
  }
}

function stepName(call: Pending): string {
  switch (call.type) {
    case "draw":
    case "stage":
      return `drawing frame ${call.index}`;
    case "write":
      return `handing frame ${call.index} to ffmpeg`;
    case "prepare":
      return "in prepare()";
    case "train-config":
      return "in train()";
    default:
      return "loading";
  }
}
