import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileSystemReason, makeFolders, writeFileAtomically } from "../files/index.ts";
import { esc } from "../publish/page.ts";
import { readRecords, type SceneRecord } from "../publish/record.ts";
import { interruptedBy } from "../render/errors.ts";
import { findFfmpeg } from "../video/index.ts";
import { commandArgs } from "./args.ts";
import { EXIT, parseArgsError, report, UsageError, UserFacingError } from "./errors.ts";
import { formatBytes, formatDuration } from "./format.ts";
import { InterruptWatch } from "./interrupts.ts";
import { sceneFiles } from "./scene-files.ts";

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
    const readme = readText(values.readme);
    const section = sectionOf(readme, values.readme);
    const ffmpeg = await findFfmpeg({ signal: interrupts.signal });
    // Every still is made before any file is written: a failure leaves the README and docs as they were.
    const posters = records.map((record) => path.join(values.course, record.files.poster as string));
    const pngs = await stills(ffmpeg.path, posters, width, interrupts.signal);
    const made = records.map((record, i) => ({
      file: path.join(values.out, `${record.name}.png`),
      png: pngs[i] as Buffer,
      record,
    }));
    makeFolders(values.out);
    for (const { file, png } of made) {
      writeFileAtomically(file, png);
      process.stdout.write(`${file}: ${formatBytes(png.length)}\n`);
    }
    const table = galleryTable(made, path.dirname(path.resolve(values.readme)));
    writeFileAtomically(values.readme, readme.slice(0, section.start) + table + readme.slice(section.end));
    process.stdout.write(`${values.readme}: the gallery lists ${made.length} scenes\n`);
    return EXIT.ok;
  } catch (error) {
    return report("gallery", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UserFacingError(`cannot read ${file}: ${fileSystemReason(error) ?? (error as Error).message}`);
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
 * The posters as small stills: each scaled with Lanczos, then 256 colours chosen for that image
 * alone, undithered (flat figure colours stay flat): 15-30 KB where the full-colour PNG is 50-90.
 * One ffmpeg for all of them (its start is most of the cost of one still), writing into a
 * temporary folder of its own.
 */
async function stills(ffmpeg: string, posters: string[], width: number, signal: AbortSignal): Promise<Buffer[]> {
  const scratch = mkdtempSync(path.join(tmpdir(), "netreel-gallery-"));
  try {
    const args = ["-v", "error", ...posters.flatMap((poster) => ["-i", poster])];
    const graph = posters.map(
      (_, i) =>
        `[${i}:v]scale=${width}:-2:flags=lanczos,split[a${i}][b${i}];[a${i}]palettegen=max_colors=256:stats_mode=single[p${i}];[b${i}][p${i}]paletteuse=dither=none[o${i}]`,
    );
    args.push("-filter_complex", graph.join(";"));
    const outputs = posters.map((_, i) => path.join(scratch, `${i}.png`));
    for (const [i, output] of outputs.entries()) args.push("-map", `[o${i}]`, "-frames:v", "1", "-update", "1", output);
    await promisify(execFile)(ffmpeg, args, { signal });
    return outputs.map((output) => readFileSync(output));
  } catch (error) {
    // Ctrl-C killed ffmpeg (execFile's signal): the interrupt, not ffmpeg's end, is what happened.
    if (signal.aborted) throw interruptedBy(signal);
    throw error;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
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
