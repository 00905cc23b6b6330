/**
 * The process that runs a scene's code: it imports the scene, asks it for its training config,
 * prepares it with the run and draws the frames the supervisor asks for. It is started by
 * `SceneDrawer` (drawer.ts) and never decides anything: the supervisor owns the output, the
 * timeouts and the interrupts, so a scene that loops forever or runs out of memory can only
 * ever take this process down.
 *
 * Calls come with an id and are answered with it (protocol.ts); frame bytes go back on fd 4,
 * each after its header (`encodeFrameHeader`), or, once the supervisor has handed over the
 * encoder's input (`encoder`), straight to ffmpeg (`stage`, then `write`).
 */
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import v8 from "node:v8";
import { createCanvas } from "canvas";
import { font, registerFonts } from "../draw/index.ts";
import type { Scene, SceneContext } from "../scene/index.ts";
import type { Run } from "../train/index.ts";
import { SceneFailure } from "./errors.ts";
import { type DrawnFrame, FrameRenderer, messageOf } from "./frames.ts";
import { placeOf } from "./place.ts";
import {
  encodeFrameHeader,
  type Request,
  type Response,
  type SceneMeta,
  type SentContext,
  unpackRun,
} from "./protocol.ts";
import { loadScene } from "./scene-file.ts";

const frames = new net.Socket({ fd: 4, readable: false, writable: true });
/**
 * V8's collector, taken from the scene's sight (node --expose-gc). A frame leaves megabytes
 * outside V8's heap (its 3.7 MB of pixels, the kit's typed arrays, node-canvas's surfaces),
 * which V8 frees only when its own small heap fills. So the young garbage is collected before
 * each frame (~1 ms) and all of it every 90 frames drawn: hidden.ts at 720p peaks at ~195 MB
 * instead of ~225 MB, CPU unchanged (every 30 frames: ~175 MB, but ~0.9 CPU-s more a render).
 */
const collect = globalThis.gc;
const FULL_COLLECTION_EVERY = 90;
/**
 * A full collection also comes whenever V8's heap has grown this much since the last one.
 * Frames drawn out of order (a GIF's palette sample, spread over the whole clip) miss the kit's
 * memos, whose entries then outlive a frame and leave old garbage: the 90 frames of the sample
 * of a 120 s GIF grew the heap to 70 MB (29 MB of it live) between two full collections.
 * (The first frame drawn comes with a full collection too: `prepare`'s garbage goes first.)
 */
const FULL_COLLECTION_GROWTH = 16e6;
let usedAfterFull = 0;
let drawn = 0;
Reflect.deleteProperty(globalThis, "gc");
let scene: Scene | null = null;
let renderer: FrameRenderer | null = null;
let encodings = { raw: true, png: false };
/** The scene a rehearsal imported: the real import must be another module. */
let rehearsal: Scene | null = null;
/** A run handed over ahead of `prepare` (the studio's warm process). */
let held: { key: string; run: Run } | null = null;
/** ffmpeg's stdin, when the supervisor handed it over (`encoder`). */
let encoder: net.Socket | null = null;
/** Frames drawn for the encoder and not yet written, by index (`stage`). */
const staged = new Map<number, Buffer>();

function send(message: Response): void {
  process.send?.(message);
}

/** Answers call `id` with the error it threw. */
function fail(id: number, error: unknown): void {
  const e = error as (Error & { name?: string }) | undefined;
  send({
    type: "error",
    id,
    error: { name: e?.name ?? "Error", message: messageOf(error), stack: e?.stack, where: placeOf(error) },
  });
}

/** The call's context with its run: the one it names as held (`hold-run`), or the one it carries. */
function withRun(request: { context: SentContext; heldRun?: string }): SceneContext<Run | undefined> {
  const { context } = request;
  if (request.heldRun !== undefined && held?.key === request.heldRun) return { ...context, run: held.run };
  return { ...context, run: context.run === undefined ? undefined : unpackRun(context.run) };
}

async function handle(request: Request, handle?: unknown): Promise<void> {
  switch (request.type) {
    case "hold-run":
      held = { key: request.key, run: unpackRun(request.run) };
      return;
    case "warm":
      return warm(request);
    case "rehearse":
      return rehearse(request);
    case "load":
      return load(request);
    case "train-config":
      return trainConfig(request);
    case "prepare":
      return prepare(request);
    case "draw":
      return draw(request);
    case "encoder":
      return takeEncoder(request, handle);
    case "stage":
      return stage(request);
    case "write":
      return write(request);
    case "encoder-end":
      encoder?.destroy();
      encoder = null;
      staged.clear();
      return;
    case "exit":
      return exit();
  }
}

/** Imports netreel and node-canvas ahead of any scene (the studio's process kept in reserve). */
async function warm(request: Extract<Request, { type: "warm" }>): Promise<void> {
  try {
    await import("../index.ts");
    warmCanvas();
    send({ type: "answer", id: request.id, call: "warm", value: null });
  } catch (error) {
    fail(request.id, error);
  }
}

/** Runs the scene once as a throw-away module with frame `index`, so the code its next version shares is compiled; never fails. */
async function rehearse(request: Extract<Request, { type: "rehearse" }>): Promise<void> {
  try {
    const rehearsed = await loadScene(request.file, "rehearsal");
    rehearsal = rehearsed;
    forgetCommonJs(request.file);
    const context = withRun(request);
    const started = performance.now();
    const trial = new FrameRenderer(rehearsed, context, request.file);
    if (request.index >= 0) trial.draw(Math.min(request.index, context.frames - 1)).png();
    if (process.env.NETREEL_STUDIO_TRACE) {
      process.stderr.write(
        `studio: rehearsed frame ${request.index} in ${(performance.now() - started).toFixed(0)} ms\n`,
      );
    }
  } catch (error) {
    if (process.env.NETREEL_STUDIO_TRACE) process.stderr.write(`studio: rehearsal failed: ${messageOf(error)}\n`);
  }
  send({ type: "answer", id: request.id, call: "rehearse", value: null });
}

/** Imports the scene and answers with what it declares. */
async function load(request: Extract<Request, { type: "load" }>): Promise<void> {
  try {
    scene = await loadScene(request.file);
    if (scene === rehearsal) {
      throw new SceneFailure(
        `the studio's warm process kept the rehearsed copy of ${request.file} instead of reading it again (a bug in netreel: please report it); save the file again`,
      );
    }
    const meta: SceneMeta = {
      name: scene.name,
      width: scene.width,
      height: scene.height,
      fps: scene.fps,
      duration: scene.duration,
      seed: scene.seed,
      trains: scene.train !== undefined,
      captions: scene.captions !== undefined,
      ...(scene.snapshotTolerance ? { snapshotTolerance: scene.snapshotTolerance } : {}),
      ...(scene.run !== undefined ? { runFile: scene.run } : {}),
    };
    send({ type: "answer", id: request.id, call: "load", value: meta });
  } catch (error) {
    fail(request.id, error);
  }
}

/** Answers with the scene's training config for `seed`. */
async function trainConfig(request: Extract<Request, { type: "train-config" }>): Promise<void> {
  try {
    const config = scene?.train?.(request.seed);
    send({ type: "answer", id: request.id, call: "train-config", value: structuredClone(config) });
  } catch (error) {
    fail(request.id, error);
  }
}

/** Calls the scene's `prepare` with the context (and the held run); answers with what it resolved. */
async function prepare(request: Extract<Request, { type: "prepare" }>): Promise<void> {
  try {
    encodings = request.encodings;
    if (!scene) throw new SceneFailure("netreel bug: prepare before load (please report it)");
    renderer = new FrameRenderer(scene, withRun(request), request.file);
    const value = {
      captions: renderer.captions(),
      snapshots: request.snapshots ? renderer.snapshots() : null,
      moments: request.moments ? renderer.moments(request.moments) : null,
      timeline: request.timeline ? renderer.timeline() : null,
      ...(request.heading ? { heading: renderer.heading() } : {}),
    };
    send({ type: "answer", id: request.id, call: "prepare", value });
  } catch (error) {
    fail(request.id, error);
  }
}

/** Reports what this process used, then exits once the last frame is out. */
function exit(): void {
  const usage = process.resourceUsage();
  const report: Response = {
    type: "usage",
    usage: { maxRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 },
  };
  frames.end(() => process.send?.(report, () => process.exit(0)));
}

/** Draws frame `index`, the last frame's garbage collected first. */
function drawFrame(index: number): DrawnFrame {
  if (!renderer) throw new SceneFailure("netreel bug: draw before prepare (please report it)");
  drawn++;
  const used = v8.getHeapStatistics().used_heap_size;
  if (drawn % FULL_COLLECTION_EVERY === 0 || used > usedAfterFull + FULL_COLLECTION_GROWTH) {
    collect?.();
    usedAfterFull = v8.getHeapStatistics().used_heap_size;
  } else collect?.({ type: "minor" });
  return renderer.draw(index);
}

/** Draws a frame and sends it on the frame pipe under the call's id (an error goes over IPC). */
function draw(request: Extract<Request, { type: "draw" }>): void {
  let header: Buffer;
  let raw: Buffer | null = null;
  let png: Buffer | null = null;
  try {
    const frame = drawFrame(request.index);
    if (encodings.raw) raw = frame.raw;
    if (encodings.png) png = frame.png();
    header = encodeFrameHeader({ id: request.id, rawLength: raw?.length ?? 0, pngLength: png?.length ?? 0 });
  } catch (error) {
    fail(request.id, error);
    return;
  }
  frames.cork();
  frames.write(header);
  if (raw) frames.write(raw);
  if (png) frames.write(png);
  frames.uncork();
}

/**
 * Keeps ffmpeg's stdin for `write`. Its writes block: a frame is written whole before this
 * process draws the next, whereas a write left to the event loop would move only a socket
 * buffer's worth (~200 KB of a 3.7 MB frame) between two frames' drawing, and starve ffmpeg.
 * (Blocking is a property of the socket, which every process holding it shares: the supervisor
 * has closed its copy by then, and the other scene processes write the same way.)
 */
function takeEncoder(request: Extract<Request, { type: "encoder" }>, handle: unknown): void {
  if (!(handle instanceof net.Socket)) {
    fail(request.id, new SceneFailure("netreel bug: the encoder's input did not arrive (please report it)"));
    return;
  }
  encoder?.destroy();
  encoder = handle;
  encoder.on("error", () => {});
  (encoder as unknown as { _handle: { setBlocking(on: boolean): number } })._handle.setBlocking(true);
  send({ type: "answer", id: request.id, call: "encoder", value: null });
}

/** Draws a frame and keeps its pixels until the supervisor says it is this frame's turn (`write`). */
function stage(request: Extract<Request, { type: "stage" }>): void {
  try {
    staged.set(request.index, drawFrame(request.index).raw);
    send({ type: "answer", id: request.id, call: "stage", value: null });
  } catch (error) {
    fail(request.id, error);
  }
}

/** Writes a staged frame to the encoder; answers once ffmpeg has taken it (or its input closed). */
function write(request: Extract<Request, { type: "write" }>): void {
  const raw = staged.get(request.index);
  staged.delete(request.index);
  if (!encoder || !raw) {
    fail(
      request.id,
      new SceneFailure(`netreel bug: frame ${request.index} written before it was drawn (please report it)`),
    );
    return;
  }
  encoder.write(raw, (error) => {
    if (!error) send({ type: "answer", id: request.id, call: "write", value: null });
    else
      fail(
        request.id,
        Object.assign(new Error(`ffmpeg's input closed: ${error.message}`), { name: "EncoderInputClosed" }),
      );
  });
}

/**
 * A scene outside a "type": "module" package is compiled as CommonJS, whose cache is keyed by
 * the file alone (not the `?rehearsal` URL): forget the rehearsed copy so that the real
 * import reads the file again.
 */
function forgetCommonJs(file: string): void {
  const cache = createRequire(import.meta.url).cache;
  const absolute = path.resolve(file);
  delete cache[absolute];
  try {
    delete cache[realpathSync(absolute)];
  } catch {}
}

/**
 * Draws text in each of netreel's fonts on a scratch canvas, so that font loading and the
 * drawing code's first (slow) run happen before a scene's first frame is asked for.
 */
function warmCanvas(): void {
  registerFonts();
  const canvas = createCanvas(320, 180);
  const ctx = canvas.getContext("2d");
  for (const weight of ["normal", "bold"] as const) {
    for (const style of ["normal", "italic"] as const) {
      ctx.font = font(18, weight, style);
      ctx.fillText("netreel σ′(z) ½ −0.25", 10, 40);
    }
  }
  ctx.beginPath();
  ctx.arc(50, 50, 20, 0, Math.PI * 2);
  ctx.fill();
  canvas.toBuffer("image/png");
}

// Messages are handled in order: a draw waits for the prepare before it.
// Between two requests the event loop turns (setImmediate), so that each answer, a frame
// above all, leaves before the next request is handled: chained as promises alone, 200 frames
// asked for at once were all drawn before the first byte of any was sent, and the supervisor,
// hearing nothing for 10 s, took the process for stuck.
let queue = Promise.resolve();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
process.on("message", (request: Request, sent?: unknown) => {
  // A frame's turn to be written comes while later frames are being drawn: it is written as
  // soon as this process is between two of them, not after them.
  if (request.type === "write" && staged.has(request.index)) {
    write(request);
    return;
  }
  queue = queue.then(() => handle(request, sent)).then(turn);
});
// The supervisor is gone (it exited or was killed): nothing is waiting for frames.
process.on("disconnect", () => process.exit(0));
frames.on("error", () => process.exit(0));
send({ type: "ready" });
