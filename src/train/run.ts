import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { TrainConfig } from "./config.ts";

export const RUN_VERSION = 1;

/** The state of training at one moment: epoch 0 is before any training. */
export interface Snapshot {
  /** Epochs done; fractional when snapshots are taken every k mini-batches. */
  epoch: number;
  /** Mini-batch updates done. */
  batch: number;
  /** weights[k] is W of layer k+1, rows = units in layer k+1. */
  weights: number[][][];
  biases: number[][];
  /** Mean over examples of ½‖a − y‖², whatever loss trains. */
  loss: number;
  /** Fraction of examples classified correctly. */
  accuracy: number;
  /** For each requested layer (key: layer number), one row of activations per example. */
  activations: Record<string, number[][]>;
  /** The pre-activations Z of the same layers, when asked for. */
  preActivations?: Record<string, number[][]>;
}

/** A training run: what was asked, the data it saw, and the snapshots taken. */
export interface Run {
  version: number;
  config: TrainConfig;
  data: { X: number[][]; y: number[] };
  snapshots: Snapshot[];
  /** Wall-clock seconds training took (not part of any frame). */
  seconds?: number;
}

export class RunFileError extends Error {
  override name = "RunFileError";
}

/** Writes a run as JSON, atomically: a temporary file beside the target, then a rename. */
export function saveRun(run: Run, file: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(run));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Reads a run written by `saveRun`, rejecting a malformed file or one from a newer version. */
export function loadRun(file: string): Run {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new RunFileError(`cannot read run file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RunFileError(`run file ${file} is not valid JSON (${(error as Error).message})`);
  }
  return checkRun(parsed, file);
}

export function checkRun(value: unknown, source: string): Run {
  const bad = (problem: string): never => {
    throw new RunFileError(`run file ${source} is malformed: ${problem}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return bad("expected a JSON object");
  const run = value as Record<string, unknown>;
  if (typeof run.version !== "number" || !Number.isInteger(run.version) || run.version < 1) {
    return bad(`'version' must be a positive integer, got ${JSON.stringify(run.version)}`);
  }
  if (run.version > RUN_VERSION) {
    throw new RunFileError(
      `run file ${source} has version ${run.version}, newer than this netreel reads (${RUN_VERSION}); update netreel`,
    );
  }
  if (typeof run.config !== "object" || run.config === null) bad("'config' is missing");
  const data = run.data as Record<string, unknown> | undefined;
  if (!data || !Array.isArray(data.X) || !Array.isArray(data.y) || data.X.length !== data.y.length) {
    bad("'data' must hold X and y of equal length");
  }
  if (!Array.isArray(run.snapshots) || run.snapshots.length === 0) return bad("'snapshots' must be a non-empty list");
  run.snapshots.forEach((s: unknown, i: number) => {
    const snap = s as Record<string, unknown>;
    for (const key of ["epoch", "loss", "accuracy"]) {
      if (typeof snap?.[key] !== "number") bad(`snapshot ${i} has no number '${key}'`);
    }
    if (!Array.isArray(snap.weights) || !Array.isArray(snap.biases)) bad(`snapshot ${i} has no weights or biases`);
    if (typeof snap.activations !== "object" || snap.activations === null) bad(`snapshot ${i} has no activations`);
  });
  return value as Run;
}
