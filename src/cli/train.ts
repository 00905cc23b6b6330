import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type Run, saveRunAsync, type TrainProgress, trainAsync } from "../train/index.ts";
import { EXIT, UsageError, UserFacingError, report } from "./errors.ts";
import { formatBytes, formatDuration } from "./format.ts";
import { Progress } from "./progress.ts";

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

/** Ctrl-C or SIGTERM during training or writing: nothing is written, exit 128 + the signal's number. */
class Interrupted extends UserFacingError {
  constructor(signal: "SIGINT" | "SIGTERM") {
    super("interrupted: no run file was written", 128 + constants.signals[signal]);
  }
}

/** `netreel train`: returns the process exit code. */
export async function trainCommand(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  const interrupts = listenForInterrupts();
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        quiet: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
    verbose = values.verbose;
    if (values.help) {
      process.stdout.write(TRAIN_HELP);
      return EXIT.ok;
    }
    if (positionals.length !== 1) {
      throw new UsageError(`expected one config file, got ${positionals.length}; see --help`);
    }
    const configPath = positionals[0] as string;
    const config = readConfig(configPath);
    const out = values.out ?? path.join("output", `${path.basename(configPath).replace(/\.json$/i, "")}.run.json`);
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
    mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    await saveRunAsync(run, out, { signal: interrupts.signal });
    if (!values.quiet) process.stdout.write(`${summary(run, out)}\n`);
    return EXIT.ok;
  } catch (error) {
    return report("train", parseArgsError(error), verbose);
  } finally {
    interrupts.stop();
  }
}

/**
 * While training and writing, Ctrl-C (SIGINT) and SIGTERM abort the returned signal instead of
 * killing the process, so the work stops within one 50 ms slice and leaves no file.
 */
function listenForInterrupts(): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const onInt = () => controller.abort(new Interrupted("SIGINT"));
  const onTerm = () => controller.abort(new Interrupted("SIGTERM"));
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    signal: controller.signal,
    stop: () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    },
  };
}

/** Seconds of training before the progress bar appears: short runs print only their summary. */
const PROGRESS_AFTER = 1;

/** A bar with the epoch, the loss and the ETA, on a terminal only and once training has lasted a second. */
function trainingProgress(quiet: boolean): { update: (p: TrainProgress) => void; stop: () => void } {
  if (quiet || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  let bar: Progress | null = null;
  return {
    update: (p) => {
      if (p.seconds < PROGRESS_AFTER) return;
      // The ETA from the average pace so far: steadier than cli-progress's, which reads 0 at first.
      const eta = p.epoch > 0 ? (p.seconds * (p.epochs - p.epoch)) / p.epoch : Number.NaN;
      const values = {
        epoch: String(Math.floor(p.epoch)),
        epochs: String(p.epochs),
        loss: p.loss < 1e-3 ? p.loss.toExponential(2) : p.loss.toPrecision(3),
        remaining: formatDuration(eta),
      };
      bar ??= new Progress({
        total: p.epochs,
        label: "train",
        quiet: false,
        plain: false,
        format: "train {bar} epoch {epoch}/{epochs} | loss {loss} | ETA {remaining}",
        values,
      });
      bar.update(p.epoch, values);
    },
    stop: () => bar?.stop(),
  };
}

function readConfig(file: string): unknown {
  if (!existsSync(file)) throw new UsageError(`config file ${file} does not exist`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`config file ${file} is not valid JSON (${(error as Error).message})`);
  }
}

/** node:util's parseArgs errors (unknown option, missing value) are usage errors. */
export function parseArgsError(error: unknown): unknown {
  const code = (error as { code?: string })?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) return new UsageError((error as Error).message);
  return error;
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
