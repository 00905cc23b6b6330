import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { prepareTarget } from "../files/index.ts";
import { ConfigError, jsonSyntaxPlace, placeConfigError, type Run, saveRunAsync, trainAsync } from "../train/index.ts";
import { commandArgs } from "./args.ts";
import { EXIT, parseArgsError, report, UsageError } from "./errors.ts";
import { formatBytes } from "./format.ts";
import { InterruptWatch } from "./interrupts.ts";
import { trainingProgress } from "./progress.ts";

export const TRAIN_HELP = `Usage: npm run train -- <config.json> [--out run.json] [--quiet] [--verbose]

Trains a network from a JSON config and writes the run (snapshots of weights,
loss, accuracy and layer activations) as JSON. Every config field is described
in the README under "Training configs".

Options:
  --out FILE    where to write the run (default: output/<config name>.run.json)
  --quiet       print nothing but errors
  --verbose     print a stack trace with errors
  --help        show this help

Training that lasts more than a second shows its progress on a terminal.
Exit codes: 0 done, 1 training diverged or the run could not be written,
2 a bad command line, config or data file, 130 interrupted (Ctrl-C),
143 stopped (SIGTERM); an interrupted run writes no file.
`;

/** `netreel train`: returns the process exit code. */
export async function trainCommand(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  // The config file and its text, for placing an error about one of its fields.
  let configPath = "";
  let configText: string | undefined;
  const interrupts = new InterruptWatch();
  try {
    const { values, positionals } = commandArgs(argv, {
      out: { type: "string" },
      quiet: { type: "boolean", default: false },
    });
    verbose = values.verbose;
    if (values.help) {
      process.stdout.write(TRAIN_HELP);
      return EXIT.ok;
    }
    if (positionals.length !== 1) {
      throw new UsageError(`expected one config file, got ${positionals.length}; see --help`);
    }
    configPath = positionals[0] as string;
    const { text, config } = readConfig(configPath);
    configText = text;
    const name = `${path.basename(configPath).replace(/\.json$/i, "")}.run.json`;
    const out = values.out ?? path.join("output", name);
    // A target that cannot be written is said before training, not after it.
    prepareTarget(out, "file", name);
    const progress = trainingProgress(values.quiet);
    let run: Run;
    try {
      run = await trainAsync(config, {
        baseDir: path.dirname(path.resolve(configPath)),
        signal: interrupts.signal,
        onProgress: progress.update,
      });
    } finally {
      progress.stop();
    }
    await saveRunAsync(run, out, { signal: interrupts.signal });
    if (!values.quiet) process.stdout.write(`${summary(run, out)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ConfigError && configText !== undefined)
      placeConfigError(error, configPath, configText, "json");
    return report("train", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}

function readConfig(file: string): { text: string; config: unknown } {
  if (!existsSync(file)) throw new UsageError(`config file ${file} does not exist`);
  const text = readFileSync(file, "utf8");
  try {
    // A byte-order mark, as some Windows editors save JSON, is not part of the config.
    return { text, config: JSON.parse(text.replace(/^\uFEFF/, "")) };
  } catch (error) {
    const bom = text.startsWith("\uFEFF") ? 1 : 0;
    const { message, place } = jsonSyntaxPlace((error as Error).message, text.slice(bom));
    const at = place ? `:${place.line}:${place.column}` : "";
    throw new UsageError(`config file ${file}${at} is not valid JSON (${message})`);
  }
}

function summary(run: Run, out: string): string {
  const first = run.snapshots[0];
  const last = run.snapshots.at(-1);
  if (!first || !last) return `wrote ${out}`;
  const pct = (a: number) => `${(100 * a).toFixed(1)}%`;
  return [
    `trained [${run.config.sizes.join(",")}] for ${last.epoch} epochs in ${(run.seconds ?? 0).toFixed(2)} s`,
    `  loss ${first.loss.toFixed(4)} -> ${last.loss.toFixed(4)}, accuracy ${pct(first.accuracy)} -> ${pct(last.accuracy)}`,
    `  wrote ${out} (${run.snapshots.length} snapshots, ${formatBytes(statSync(out).size)})`,
  ].join("\n");
}
