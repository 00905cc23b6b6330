// Shared by the studio's tests and its benchmark: a throw-away project with its own scenes/,
// and the studio started on it as a user would (`netreel studio`, a child process).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";

export const ROOT = path.resolve(fileURLToPath(import.meta.url), "../..");
const NETREEL = JSON.stringify(path.join(ROOT, "src/index.ts"));

/** A scene with no network: a caption string (to edit), a bar that grows with the frame, beats. */
export function captionScene(caption: string, extra = ""): string {
  return `import { beats, defineScene, drawCaption, paintFor, themeNamed } from ${NETREEL};
const CAPTION = ${JSON.stringify(caption)};
export default defineScene({
  name: "caption",
  duration: 2,
  fps: 10,
  prepare: ({ duration }) => ({ clip: beats(duration, [{ name: "intro", seconds: 0.5 }, { name: "grow" }]) }),
  beats: ({ clip }) => clip,
  draw: (ctx, frame) => {
    const paint = paintFor(ctx, frame, themeNamed(frame.theme));
    ctx.fillStyle = themeNamed(frame.theme).background;
    ctx.fillRect(0, 0, frame.width, frame.height);
    ctx.fillStyle = themeNamed(frame.theme).accent;
    ctx.fillRect(40 * paint.unit, 200 * paint.unit, (frame.index + 1) * 50 * paint.unit, 160 * paint.unit);
    ${extra}
    drawCaption(paint, { x: 40 * paint.unit, y: 600 * paint.unit, width: 1200 * paint.unit, height: 80 * paint.unit }, CAPTION);
  },
});
`;
}

/** A scene that trains a small network: `epochs` changes its training config, `caption` does not. */
export function trainingScene(caption: string, epochs = 20): string {
  return `import { defineScene, themeNamed } from ${NETREEL};
export default defineScene({
  name: "trains",
  duration: 1,
  fps: 10,
  width: 320,
  height: 180,
  train: (seed) => ({
    sizes: [2, 4, 1],
    data: { dataset: "circles", n: 200, seed },
    epochs: ${epochs},
    batchSize: 20,
    learningRate: 1,
    seed,
  }),
  draw: (ctx, frame) => {
    ctx.fillStyle = themeNamed(frame.theme).background;
    ctx.fillRect(0, 0, frame.width, frame.height);
    ctx.fillStyle = "#000000";
    ctx.font = "20px sans-serif";
    ctx.fillText(${JSON.stringify(caption)} + " " + frame.run.snapshots.length, 10, 90);
  },
});
`;
}

/** A scene whose draw throws on frame 3 (line 9 of the file: the throw's place is tested). */
export function throwingScene(): string {
  return `import { defineScene } from ${NETREEL};
export default defineScene({
  name: "throws",
  duration: 1,
  fps: 10,
  width: 320,
  height: 180,
  draw: (ctx, frame) => {
    if (frame.index === 3) throw new Error("no frame three here");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, frame.width, frame.height);
  },
});
`;
}

/** A project folder with scenes/ holding these files. */
export function makeProject(scenes: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "netreel-studio-"));
  mkdirSync(path.join(dir, "scenes"));
  for (const [name, text] of Object.entries(scenes)) writeFileSync(path.join(dir, "scenes", name), text);
  return dir;
}

export interface RunningStudio {
  child: ChildProcess;
  url: string;
  base: string;
  port: number;
  stderr: () => string;
  /** Sends a signal and waits for the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts `netreel studio` in `cwd` and waits for the URL it prints. */
export async function startStudio(cwd: string, args: string[] = []): Promise<RunningStudio> {
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/netreel.js"), "studio", ...args], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (t: string) => (err += t));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the studio printed no URL in 30 s: ${err}`)), 30_000);
    child.stdout?.setEncoding("utf8").on("data", (t: string) => {
      out += t;
      const match = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    exited.then((code) => reject(new Error(`the studio exited (${code}) before printing a URL: ${err}`)));
  });
  const port = Number(new URL(url).port);
  return {
    child,
    url,
    base: `http://127.0.0.1:${port}`,
    port,
    stderr: () => err,
    stop: async (signal = "SIGINT") => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * `netreel render FILE --frame N --size WxH`: the reference the studio's frames must equal.
 * Asynchronous on purpose: a test that blocked its event loop for the render (spawnSync) kept
 * an idle keep-alive connection to the studio past the server's timeout without noticing it
 * close, then sent its next request on it: "fetch failed: other side closed" on a busy machine.
 */
export async function renderFrame(cwd: string, scene: string, frame: number, size = "640x360"): Promise<Buffer> {
  const out = path.join(cwd, `reference-${path.basename(scene, ".ts")}-${frame}-${Date.now()}.png`);
  const args = ["render", scene, "--frame", String(frame), "--size", size, "--out", out, "--quiet"];
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/netreel.js"), ...args], { cwd });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`render --frame ${frame} failed: ${stderr}`);
  return readFileSync(out);
}

/** RGBA pixels of a PNG. */
export function pixels(png: Buffer): { width: number; height: number; data: Buffer } {
  const image = PNG.sync.read(png);
  return { width: image.width, height: image.height, data: image.data };
}

/** The studio's events, collected as they come. */
export async function collectEvents(
  base: string,
): Promise<{ events: { type: string; [key: string]: unknown }[]; close: () => void }> {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/events`, { signal: controller.signal });
  const events: { type: string; [key: string]: unknown }[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (data) events.push(JSON.parse(data.slice(6)));
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {}
  })();
  return { events, close: () => controller.abort() };
}

/** Waits until `check` returns something truthy (polling), or fails after `ms`. */
export async function until<T>(check: () => T | Promise<T>, what: string, ms = 20_000): Promise<NonNullable<T>> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
