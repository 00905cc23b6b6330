import path from "node:path";
import { type Canvas, type CanvasRenderingContext2D, createCanvas, ImageData } from "canvas";
import { font, registerFonts } from "../draw/fonts.ts";
import { type Theme, themeNamed } from "../draw/theme.ts";
import { prepareTarget, writeFileAtomically } from "../files/index.ts";
import { SceneSession } from "../render/session.ts";
import type { ThemeName } from "../scene/index.ts";
import { commandArgs } from "./args.ts";
import { EXIT, parseArgsError, report, UsageError } from "./errors.ts";
import { InterruptWatch } from "./interrupts.ts";

export const SHEET_HELP = `Usage: npx netreel sheet <scene.ts> [options]

Writes one PNG contact sheet of a scene: a grid of small frames spread over the clip, each
labelled with its time, frame number and beat. Look at it after every change; put it in a
pull request. Default output: output/<scene>-sheet.png (-sheet-dark.png with --theme dark).

Options:
  --count N       frames on the sheet, spread evenly from the first to the last (default 24)
  --every S       one frame every S seconds instead (e.g. 0.5)
  --columns C     frames per row (default 4)
  --width W       width of each frame in pixels (default 400; the height keeps the scene's ratio)
  --theme T       light (default) or dark
  --out FILE      where to write the sheet (.png)
  --verbose       print stack traces with errors
  --help          show this help

Exit codes: 0 written, 1 the scene failed, 2 a bad command line, 130/143 interrupted.
`;

/** `netreel sheet`: returns the process exit code. */
export async function sheetCommand(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  const interrupts = new InterruptWatch();
  try {
    const { values, positionals } = commandArgs(argv, {
      count: { type: "string" },
      every: { type: "string" },
      columns: { type: "string" },
      width: { type: "string" },
      theme: { type: "string" },
      out: { type: "string" },
    });
    verbose = values.verbose;
    if (values.help) {
      process.stdout.write(SHEET_HELP);
      return EXIT.ok;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0 ? "name a scene file: netreel sheet scenes/hidden.ts" : "one scene at a time",
      );
    }
    const scene = positionals[0] as string;
    if (!scene.endsWith(".ts")) throw new UsageError(`a scene is a .ts file; got ${scene}`);
    const count = whole("--count", values.count, 24, 1, 400);
    const columns = whole("--columns", values.columns, 4, 1, 40);
    const width = whole("--width", values.width, 400, 64, 1920);
    const every = values.every === undefined ? undefined : seconds(values.every);
    const theme = values.theme ?? "light";
    if (theme !== "light" && theme !== "dark") throw new UsageError(`--theme is light or dark; got ${theme}`);
    if (values.out !== undefined && !values.out.toLowerCase().endsWith(".png")) {
      throw new UsageError(`a sheet is a PNG: --out must end in .png; got ${values.out}`);
    }
    const out = await writeSheet({
      scene,
      count,
      columns,
      width,
      every,
      theme,
      out: values.out,
      signal: interrupts.signal,
    });
    process.stdout.write(`wrote ${out}\n`);
    return EXIT.ok;
  } catch (error) {
    return report("sheet", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}

function whole(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${name} is a whole number from ${min} to ${max}; got ${text}`);
  }
  return value;
}

function seconds(text: string): number {
  const value = Number(text.replace(/s$/, ""));
  if (!(value > 0) || !Number.isFinite(value))
    throw new UsageError(`--every is seconds above 0 (e.g. 0.5); got ${text}`);
  return value;
}

/** The frames a sheet shows: `count` spread from the first to the last, or one every `every` seconds. */
export function sheetFrames(frames: number, fps: number, options: { count: number; every?: number }): number[] {
  if (options.every !== undefined) {
    const step = options.every * fps;
    const picked: number[] = [];
    for (let t = 0; Math.round(t) < frames; t += step) picked.push(Math.round(t));
    return [...new Set(picked)];
  }
  const n = Math.min(options.count, frames);
  if (n === 1) return [0];
  return [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * (frames - 1)) / (n - 1))))];
}

/** Draws the sheet and writes it; returns where. */
export async function writeSheet(options: {
  scene: string;
  count: number;
  columns: number;
  width: number;
  every?: number | undefined;
  theme: ThemeName;
  out?: string | undefined;
  signal: AbortSignal;
}): Promise<string> {
  registerFonts();
  const session = await SceneSession.open({
    scene: options.scene,
    encodings: { raw: true, png: false },
    timeline: true,
    theme: options.theme,
    signal: options.signal,
    // Each frame is drawn at twice the size it is shown and scaled down: text stays legible.
    fitWidth: options.width * 2,
  });
  try {
    const { frames, fps, width, height } = session.context;
    const picked = sheetFrames(frames, fps, {
      count: options.count,
      ...(options.every ? { every: options.every } : {}),
    });
    const thumbW = options.width;
    const thumbH = Math.round((thumbW * height) / width);
    const gap = 12;
    const label = 22;
    const columns = Math.min(options.columns, picked.length);
    const rows = Math.ceil(picked.length / columns);
    const theme = themeNamed(options.theme);
    const sheet = createCanvas(gap + columns * (thumbW + gap), gap + rows * (thumbH + label + gap));
    const ctx = sheet.getContext("2d");
    ctx.fillStyle = options.theme === "dark" ? "#0b0d10" : "#e9ecef";
    ctx.fillRect(0, 0, sheet.width, sheet.height);
    const scratch = createCanvas(width, height);
    const beats = session.prepared.timeline?.beats ?? [];
    for (const [k, index] of picked.entries()) {
      const frame = await session.draw(index);
      scratch.getContext("2d").putImageData(new ImageData(rgba(frame.raw as Buffer), width, height), 0, 0);
      frame.release?.();
      const x = gap + (k % columns) * (thumbW + gap);
      const y = gap + Math.floor(k / columns) * (thumbH + label + gap);
      const caption = thumbnailCaption(index, fps, beats);
      drawThumbnail(ctx, scratch, { x, y, width: thumbW, height: thumbH }, caption, theme);
    }
    const dark = options.theme === "dark" ? "-dark" : "";
    const out = options.out ?? path.join("output", `${session.meta.name}-sheet${dark}.png`);
    prepareTarget(out, "file");
    writeFileAtomically(out, sheet.toBuffer("image/png"));
    await session.close();
    return out;
  } finally {
    await session.kill();
  }
}

/** "0:04.5  frame 135  training": when the frame is, its number, and the beat it is in. */
function thumbnailCaption(index: number, fps: number, beats: readonly { name: string; start: number; end: number }[]) {
  const time = index / fps;
  const beat = beats.filter((b) => time >= b.start && b.end > b.start).at(-1)?.name;
  return `${clock(time)}  frame ${index}${beat ? `  ${beat}` : ""}`;
}

/** A frame scaled down into `at`, framed, with its caption (time, frame, beat) under it. */
function drawThumbnail(
  ctx: CanvasRenderingContext2D,
  frame: Canvas,
  at: { x: number; y: number; width: number; height: number },
  caption: string,
  theme: Theme,
): void {
  const { x, y, width, height } = at;
  ctx.drawImage(frame, x, y, width, height);
  ctx.strokeStyle = theme.muted;
  ctx.lineWidth = 1;
  ctx.strokeRect(x - 0.5, y - 0.5, width + 1, height + 1);
  ctx.fillStyle = theme.ink;
  ctx.font = font(13);
  ctx.textBaseline = "top";
  ctx.fillText(caption, x, y + height + 5);
}

/** 1:05.3 */
function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - 60 * m;
  return `${m}:${s.toFixed(1).padStart(4, "0")}`;
}

/** node-canvas's raw bytes are BGRA; ImageData wants RGBA. */
export function rgba(raw: Buffer): Uint8ClampedArray {
  const out = new Uint8ClampedArray(raw.length);
  for (let i = 0; i < raw.length; i += 4) {
    out[i] = raw[i + 2] as number;
    out[i + 1] = raw[i + 1] as number;
    out[i + 2] = raw[i] as number;
    out[i + 3] = raw[i + 3] as number;
  }
  return out;
}
