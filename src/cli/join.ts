import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { prepareTarget, writeFileAtomically } from "../files/index.ts";
import { concatParts, findFfmpeg, joinedCues, orderParts, PartsError, readPart, webVtt } from "../video/index.ts";
import { EXIT, parseArgsError, report, UsageError } from "./errors.ts";
import { formatBytes, formatDuration } from "./format.ts";
import { InterruptWatch } from "./interrupts.ts";

export const JOIN_HELP = `Usage: npx netreel join PARTS... --out FILE

Joins the parts of one render (netreel render --part K/N or --frames A-B, MP4 or
WebM) into one video without re-encoding. Each part records the render it belongs
to; parts of another scene, seed, size, rate or encoder setting, a part missing or
a part given twice are refused with one line naming it. The parts may be given in
any order. The output is written beside its name and renamed over it when done;
the parts' subtitles (.vtt beside each) become the joined video's.

Options:
  --out FILE   the joined video (.mp4 or .webm, as the parts)
  --quiet      print nothing but errors
  --verbose    stack traces with errors
`;

/** `netreel join`: returns the process exit code. */
export async function joinCommand(argv: string[]): Promise<number> {
  const interrupts = new InterruptWatch();
  let verbose = argv.includes("--verbose");
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string", short: "o" },
        quiet: { type: "boolean", short: "q", default: false },
        verbose: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    verbose = values.verbose;
    if (values.help) {
      process.stdout.write(JOIN_HELP);
      return EXIT.ok;
    }
    if (positionals.length === 0)
      throw new UsageError("expected the parts to join (netreel plan prints their names); see --help");
    if (values.out === undefined)
      throw new UsageError("give the joined video's name with --out, e.g. --out output/hidden.mp4");
    for (const file of positionals) {
      if (!existsSync(file)) throw new PartsError(`${file} does not exist`);
      if (!statSync(file).isFile()) throw new PartsError(`${file} is not a file`);
    }
    const signal = interrupts.signal;
    const started = performance.now();
    const ffmpeg = await findFfmpeg({ signal });
    const parts = [];
    for (const file of positionals) parts.push({ file, record: await readPart(ffmpeg.path, file, signal) });
    const ordered = orderParts(parts);
    const { record } = ordered[0] as (typeof ordered)[number];
    const extension = `.${record.format}`;
    if (!values.out.toLowerCase().endsWith(extension)) {
      throw new UsageError(
        `the parts are ${record.format.toUpperCase()}: give --out a ${extension} name, got ${values.out}`,
      );
    }
    if (ordered.some((part) => part.file === values.out))
      throw new UsageError(`--out ${values.out} is one of the parts; give another name`);
    prepareTarget(values.out, "file");
    // The parts' subtitles, when every part has them, become the joined video's (written after it).
    const cues = joinedCues(ordered);
    const subtitles = cues ? `${values.out.replace(/\.(mp4|webm)$/i, "")}.vtt` : null;
    if (subtitles) prepareTarget(subtitles, "file");
    await concatParts({
      ffmpeg: ffmpeg.path,
      files: ordered.map((part) => part.file),
      target: values.out,
      format: record.format,
      signal,
    });
    signal.throwIfAborted();
    if (subtitles && cues) writeFileAtomically(subtitles, webVtt(cues));
    if (!values.quiet) {
      const seconds = record.frames / record.fps;
      process.stdout.write(
        `${values.out}: ${formatDuration(seconds)} (${seconds.toFixed(1)} s), ${record.frames} frames, ${record.width}x${record.height} at ${record.fps} fps, ${formatBytes(statSync(values.out).size)}; joined from ${ordered.length} parts in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    return report("join", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}
