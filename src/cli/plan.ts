import path from "node:path";
import { renderSettings } from "../render/render.ts";
import { SceneSession } from "../render/session.ts";
import { extensionOf, partRange } from "../video/index.ts";
import { EXIT, parseArgsError, report, UsageError } from "./errors.ts";
import { InterruptWatch } from "./interrupts.ts";
import { parseRenderArgs, VALUE_OPTIONS } from "./render-options.ts";

export const PLAN_HELP = `Usage: npx netreel plan <scene.ts> --parts N [render options] [--json]

Prints one render command per part: the scene's frames cut into N even ranges
(netreel render --part K/N), to run anywhere (GNU parallel, ssh, a Kubernetes
Indexed Job). Then netreel join puts the parts together without re-encoding,
after checking they belong to one render and cover it exactly once.

  npx netreel plan scenes/hidden.ts --parts 3 | parallel
  npx netreel join output/hidden.part*of3.mp4 --out output/hidden.mp4

Options:
  --parts N     how many parts (1 to 1000)
  --json        a JSON list of jobs (index, first, last, out, command) instead
  --out PATH    the joined video's name (default output/<scene>.mp4); the parts
                are named after it: <name>.part1of3.mp4, ...
  any render option (--size, --fps, --duration, --seed, --theme, --preview,
  --format mp4|webm, --frame-timeout, --jobs) is passed to every part.
`;

/** `netreel plan`: returns the process exit code. */
export async function planCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(PLAN_HELP);
    return EXIT.ok;
  }
  const interrupts = new InterruptWatch();
  let verbose = argv.includes("--verbose");
  try {
    const { parts, json, rest } = planOptions(argv);
    const args = parseRenderArgs(rest, {});
    verbose = args.verbose;
    if (args.frame !== undefined || args.range !== undefined || args.part !== undefined) {
      throw new UsageError("netreel plan cuts the whole clip: leave out --frame, --frames and --part");
    }
    if (args.formats.length !== 1 || (args.formats[0] !== "mp4" && args.formats[0] !== "webm")) {
      throw new UsageError(
        `parts are joined without re-encoding, which MP4 and WebM allow: give --format mp4 or webm, not ${args.formats.join(",")}`,
      );
    }
    const format = args.formats[0];
    // The scene's own length and rate decide the frame count: its process loads it, and stops.
    const session = await SceneSession.load({ scene: args.scene, signal: interrupts.signal });
    await session.kill();
    const settings = renderSettings(
      {
        scene: args.scene,
        formats: args.formats,
        preview: args.preview,
        ...(args.width !== undefined ? { width: args.width, height: args.height as number } : {}),
        ...(args.fps !== undefined ? { fps: args.fps } : {}),
        ...(args.duration !== undefined ? { duration: args.duration } : {}),
      },
      session.meta,
    );
    if (parts > settings.frames) {
      throw new UsageError(`--parts ${parts}: the clip has only ${settings.frames} frames`);
    }
    const joined =
      args.out ??
      path.join("output", `${session.meta.name}${args.theme === "dark" ? "-dark" : ""}${extensionOf(format)}`);
    const base = joined.replace(/\.(mp4|webm)$/i, "");
    const passed = passThrough(rest, args.scene);
    const jobs = Array.from({ length: parts }, (_, i) => {
      const k = i + 1;
      const out = `${base}.part${k}of${parts}${extensionOf(format)}`;
      const command = ["npx", "netreel", "render", args.scene, "--part", `${k}/${parts}`, "--out", out, ...passed];
      return {
        index: i,
        part: k,
        ...partRange(settings.frames, k, parts),
        out,
        command: command.map(shellQuote).join(" "),
      };
    });
    const join = ["npx", "netreel", "join", ...jobs.map((job) => job.out), "--out", joined].map(shellQuote).join(" ");
    if (json)
      process.stdout.write(`${JSON.stringify({ scene: args.scene, frames: settings.frames, jobs, join }, null, 2)}\n`);
    else {
      for (const job of jobs) process.stdout.write(`${job.command}\n`);
      if (!args.quiet) process.stderr.write(`then: ${join}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    return report("plan", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}

/** --parts N and --json taken out; the rest are render options. */
function planOptions(argv: string[]): { parts: number; json: boolean; rest: string[] } {
  const rest: string[] = [];
  let parts: number | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--json") json = true;
    else if (arg === "--parts" || arg.startsWith("--parts=")) {
      const value = arg === "--parts" ? argv[++i] : arg.slice("--parts=".length);
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
        throw new UsageError(`--parts must be a whole number from 1 to 1000, got '${value ?? ""}'`);
      }
      parts = Number(value);
    } else rest.push(arg);
  }
  if (parts === undefined) throw new UsageError("netreel plan needs --parts N, the number of parts");
  return { parts, json, rest };
}

/** The render options to pass to every part: all but the scene and --out (each part has its own). */
function passThrough(rest: string[], scene: string): string[] {
  const out: string[] = [];
  let sceneSeen = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === "--out" || arg === "-o") i++;
    else if (arg.startsWith("--out=")) continue;
    else if (VALUE_OPTIONS.has(arg)) out.push(arg, rest[++i] as string);
    else if (arg === scene && !sceneSeen) sceneSeen = true;
    else out.push(arg);
  }
  return out;
}

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
