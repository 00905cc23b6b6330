import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { makeFolders, writeFileAtomically } from "../files/index.ts";
import { esc } from "../publish/page.ts";
import { readRecords, type SceneRecord } from "../publish/record.ts";
import { interruptedBy } from "../render/errors.ts";
import { findFfmpeg } from "../video/index.ts";
import { commandArgs } from "./args.ts";
import { EXIT, parseArgsError, report, UsageError, UserFacingError } from "./errors.ts";
import { formatBytes, formatDuration } from "./format.ts";
import { InterruptWatch } from "./interrupts.ts";
import { sceneFiles } from "./render-all.ts";

export const GALLERY_HELP = `Usage: npm run gallery [-- options]

Rewrites the README's gallery from the course render (npm run render:all): one small still
of every scene in scenes/ (its poster frame, 480 px wide, 256 colours) in docs/gallery/, and the
README's section between the lines <!-- gallery --> and <!-- /gallery --> listing them. Every
scene must have a render in the course folder; nothing is written otherwise.

Options:
  --course DIR   the course folder to take the posters from (default output/course)
  --readme FILE  the README to rewrite (default README.md)
  --out DIR      where the stills go (default docs/gallery)
  --width N      the stills' width in pixels (default 480)
  --help         show this help
`;

const START = "<!-- gallery -->";
const END = "<!-- /gallery -->";
/** Stills a row in the README's table. */
const COLUMNS = 3;

/** `npm run gallery`: returns the exit code. */
export async function galleryCommand(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  const interrupts = new InterruptWatch();
  try {
    const { values, positionals } = commandArgs(argv, {
      course: { type: "string", default: path.join("output", "course") },
      readme: { type: "string", default: "README.md" },
      out: { type: "string", default: path.join("docs", "gallery") },
      width: { type: "string", default: "480" },
    });
    verbose = values.verbose;
    if (values.help) {
      process.stdout.write(GALLERY_HELP);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`no arguments but options; got ${positionals.join(" ")}`);
    const width = Number(values.width);
    if (!Number.isInteger(width) || width < 64 || width > 1920 || width % 2) {
      throw new UsageError(`--width must be an even number of pixels from 64 to 1920; got ${values.width}`);
    }
    const scenes = sceneFiles(["scenes"]);
    const records = latestRecords(values.course, scenes);
    const readme = readFileSync(values.readme, "utf8");
    const section = sectionOf(readme, values.readme);
    const ffmpeg = await findFfmpeg({ signal: interrupts.signal });
    // Every still is made before any file is written: a failure leaves the README and docs as they were.
    const stills: { file: string; png: Buffer; record: SceneRecord }[] = [];
    for (const record of records) {
      const poster = path.join(values.course, record.files.poster as string);
      const png = await still(ffmpeg.path, poster, width, interrupts.signal);
      stills.push({ file: path.join(values.out, `${record.name}.png`), png, record });
    }
    makeFolders(values.out);
    for (const { file, png } of stills) {
      writeFileAtomically(file, png);
      process.stdout.write(`${file}: ${formatBytes(png.length)}\n`);
    }
    const table = galleryTable(stills, path.dirname(path.resolve(values.readme)));
    writeFileAtomically(values.readme, readme.slice(0, section.start) + table + readme.slice(section.end));
    process.stdout.write(`${values.readme}: the gallery lists ${stills.length} scenes\n`);
    return EXIT.ok;
  } catch (error) {
    return report("gallery", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}

/** Each scene's latest record in the course folder; a scene with none (or no poster) is an error naming the fix. */
function latestRecords(course: string, scenes: string[]): SceneRecord[] {
  const all = readRecords(course);
  const missing: string[] = [];
  const found = scenes.flatMap((scene) => {
    const mine = all
      .filter((r) => path.resolve(r.scene) === path.resolve(scene) && r.files.poster !== undefined)
      .sort((a, b) => (a.rendered < b.rendered ? 1 : -1));
    if (mine[0] === undefined) missing.push(scene);
    return mine.slice(0, 1);
  });
  if (missing.length > 0) {
    throw new UserFacingError(
      `${missing.join(", ")} ${missing.length === 1 ? "has" : "have"} no render in ${course}; run npm run render:all -- --preview first (the gallery is made from its posters)`,
    );
  }
  return found;
}

/**
 * Where the generated part of the README is: between the two marker lines, which stay. A marker
 * counts only as a line of its own, so prose that quotes it (as the README's does) is not taken for it.
 */
function sectionOf(readme: string, file: string): { start: number; end: number } {
  const start = readme.search(/^<!-- gallery -->[ \t]*$/m);
  const end = readme.search(/^<!-- \/gallery -->[ \t]*$/m);
  if (start < 0 || end < start) {
    throw new UserFacingError(
      `${file} has no gallery section: put a line ${START} and a line ${END} where the gallery goes`,
    );
  }
  return { start: start + START.length, end };
}

/**
 * A poster as a small still: scaled with Lanczos, then 256 colours chosen for that image alone,
 * undithered (flat figure colours stay flat): 15-30 KB where the full-colour PNG is 50-90.
 */
async function still(ffmpeg: string, poster: string, width: number, signal: AbortSignal): Promise<Buffer> {
  const filter = `scale=${width}:-2:flags=lanczos,split[a][b];[a]palettegen=max_colors=256:stats_mode=single[p];[b][p]paletteuse=dither=none`;
  try {
    const { stdout } = await promisify(execFile)(
      ffmpeg,
      ["-v", "error", "-i", poster, "-vf", filter, "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"],
      { encoding: "buffer", maxBuffer: 64 * 1024 * 1024, signal },
    );
    return stdout;
  } catch (error) {
    // Ctrl-C killed ffmpeg (execFile's signal): the interrupt, not ffmpeg's end, is what happened.
    if (signal.aborted) throw interruptedBy(signal);
    throw error;
  }
}

/** The README's gallery: a table of stills, each linked to its scene, with its title, file and length. */
function galleryTable(stills: { file: string; record: SceneRecord }[], readmeDir: string): string {
  const link = (file: string) => path.relative(readmeDir, path.resolve(file)).split(path.sep).join("/");
  const cells = stills.map(({ file, record }) => {
    const scene = link(record.scene);
    const image = `<a href="${esc(scene)}"><img src="${esc(link(file))}" width="100%" alt="${esc(record.title)}"></a>`;
    return `<td width="${Math.round(100 / COLUMNS)}%" valign="top">${image}<br><b>${esc(record.title)}</b><br><code>${esc(record.scene)}</code>, ${formatDuration(record.duration)}</td>`;
  });
  const rows: string[] = [];
  for (let i = 0; i < cells.length; i += COLUMNS) rows.push(`<tr>\n${cells.slice(i, i + COLUMNS).join("\n")}\n</tr>`);
  return `
<!-- Written by npm run gallery from the posters of npm run render:all; edits between these lines are replaced. -->
<table>
${rows.join("\n")}
</table>
`;
}
