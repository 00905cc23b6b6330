import { constants } from "node:buffer";
import { readFileSync, statSync } from "node:fs";
import type { z } from "zod";
import { showValue } from "../data/dataset.ts";
import { PartialFile } from "../files/index.ts";
import { ACTIVATION_NAMES, isActivationName } from "../nn/activation.ts";
import { formatBytes } from "./memory.ts";
import { type FlatRows, lazyRows } from "./rows.ts";
import type { RunSchema } from "./schema.ts";
import { runInSlices } from "./slices.ts";

export const RUN_VERSION = 1;

/**
 * The state of training at one moment (epoch 0 is before any training), and a training run:
 * what was asked, the data it saw, and the snapshots taken. Both types come from the run
 * file's schema (schema.ts), where every field is described.
 */
export type Snapshot = z.output<typeof RunSchema>["snapshots"][number];
export type Run = z.output<typeof RunSchema>;

export class RunFileError extends Error {
  override name = "RunFileError";
}

/**
 * Writes a run as JSON, atomically: a temporary file beside the target (`.<base>.partial-<pid>`),
 * renamed over it when complete. Streaming, a piece of about a megabyte at a time, so a run
 * too large for one string is written all the same; the bytes are JSON.stringify(run)'s.
 */
export function saveRun(run: Run, file: string): void {
  const out = new PartialFile(file);
  try {
    for (const chunk of jsonChunks(run)) out.write(chunk);
    out.commit();
  } catch (error) {
    out.discard();
    throw error;
  }
}

/**
 * saveRun that returns to the event loop every 50 ms; when `signal` aborts, it removes the
 * temporary file, leaves the target as it was and rejects with the signal's reason.
 */
export async function saveRunAsync(run: Run, file: string, options: { signal?: AbortSignal } = {}): Promise<void> {
  options.signal?.throwIfAborted();
  const out = new PartialFile(file);
  try {
    await runInSlices(jsonChunks(run), { signal: options.signal, afterStep: (chunk) => out.write(chunk) });
    await out.commitAsync(options.signal);
  } catch (error) {
    out.discard();
    throw error;
  }
}

/** The size of the pieces jsonChunks gives, in characters (one row more at most). */
export const CHUNK_CHARS = 1 << 20;
/** A list of plain values longer than this is written in slices of this many. */
const FLAT_SLICE = 1 << 16;

/**
 * JSON.stringify(value) in pieces of about CHUNK_CHARS, so that no single string holds it
 * all. Plain objects and lists are walked; each list of plain values (a row of numbers, a
 * long list in slices) and anything else (a Date, a typed array) is left to JSON.stringify,
 * so the pieces joined are byte for byte JSON.stringify(value).
 */
export function* jsonChunks(value: unknown): Generator<string, void, void> {
  let text = "";
  function* walk(item: unknown): Generator<string, void, void> {
    if (Array.isArray(item)) {
      if (isFlat(item) && item.length <= FLAT_SLICE) {
        text += JSON.stringify(item);
      } else if (isFlat(item)) {
        text += "[";
        for (let i = 0; i < item.length; i += FLAT_SLICE) {
          if (i > 0) text += ",";
          text += JSON.stringify(item.slice(i, i + FLAT_SLICE)).slice(1, -1);
          if (text.length >= CHUNK_CHARS) {
            yield text;
            text = "";
          }
        }
        text += "]";
      } else {
        text += "[";
        for (let i = 0; i < item.length; i++) {
          if (i > 0) text += ",";
          const element = item[i];
          // A row of numbers, the common case, directly rather than through another generator.
          if (Array.isArray(element) && element.length <= FLAT_SLICE && isFlat(element))
            text += JSON.stringify(element);
          else if (isWalked(element)) yield* walk(element);
          else text += JSON.stringify(element) ?? "null";
          if (text.length >= CHUNK_CHARS) {
            yield text;
            text = "";
          }
        }
        text += "]";
      }
    } else if (isWalked(item)) {
      text += "{";
      let first = true;
      for (const key of Object.keys(item)) {
        const flat = lazyRows(item, key);
        if (flat) {
          // A trained run's activations, flat: written row by row from the flat values, so that
          // saving a run does not make (and keep) its rows, which memory.ts does not count.
          text += `${first ? "" : ","}${JSON.stringify(key)}:`;
          first = false;
          yield* flatRowsJson(flat);
          continue;
        }
        const element = (item as Record<string, unknown>)[key];
        if (element === undefined || typeof element === "function" || typeof element === "symbol") continue;
        text += `${first ? "" : ","}${JSON.stringify(key)}:`;
        first = false;
        if (isWalked(element)) yield* walk(element);
        else text += JSON.stringify(element);
        if (text.length >= CHUNK_CHARS) {
          yield text;
          text = "";
        }
      }
      text += "}";
    } else {
      text += JSON.stringify(item);
    }
  }
  /** A flat matrix as JSON.stringify writes its rows, each row through one reused list. */
  function* flatRowsJson({ values, rows, columns }: FlatRows): Generator<string, void, void> {
    const row: number[] = new Array(columns);
    text += "[";
    for (let r = 0, at = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) row[c] = values[at++] as number;
      text += r > 0 ? `,${JSON.stringify(row)}` : JSON.stringify(row);
      if (text.length >= CHUNK_CHARS) {
        yield text;
        text = "";
      }
    }
    text += "]";
  }
  yield* walk(value);
  if (text !== "") yield text;
}

/** Lists and plain objects without toJSON: what jsonChunks takes apart itself. */
function isWalked(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** A list with no objects or lists in it: a row of numbers. */
function isFlat(list: unknown[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v === "object" && v !== null) return false;
  }
  return true;
}

/** The longest string V8 makes (about 512 MB): a longer run file cannot be read as one string. */
const LONGEST_STRING = constants.MAX_STRING_LENGTH;

/** Reads a run written by `saveRun`, rejecting a malformed file or one from a newer version. */
export function loadRun(file: string): Run {
  const cannotRead = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    // A run file that is not there yet is most often one not trained yet.
    const hint = code === "ENOENT" ? ` (no such file: train it with npm run train -- CONFIG --out ${file})` : "";
    return new RunFileError(`cannot read run file ${file}: ${code ?? String(error)}${hint}`);
  };
  const tooLarge = (size: number) =>
    new RunFileError(
      `run file ${file} is ${formatBytes(size)}, more than Node can read as one string (${formatBytes(LONGEST_STRING)}); ` +
        "train it again with fewer snapshots (fewer epochs or a larger snapshot.everyBatches), fewer snapshot.layers or fewer examples",
    );
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw cannotRead(error);
  }
  if (size > LONGEST_STRING) throw tooLarge(size);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_STRING_TOO_LONG") throw tooLarge(size);
    throw cannotRead(error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RunFileError(`run file ${file} is not valid JSON (${(error as Error).message})`);
  }
  return checkRun(parsed, file);
}

/**
 * Checks a parsed run file deeply, so that nothing downstream (interpolation, drawing)
 * meets a missing, misshapen or non-finite number: the data, every snapshot's scalars,
 * weights, biases and kept activations against the network's sizes. The first problem is
 * thrown as one line naming the file, the snapshot and the field. Plain loops: a run of
 * 180 snapshots of 1000 examples x 3 units is checked in a few milliseconds. Long on purpose:
 * one flat list of checks in the order of the file's fields, each a line or two.
 */
export function checkRun(value: unknown, source: string): Run {
  const bad = (problem: string): never => {
    throw new RunFileError(`run file ${source}: ${problem}`);
  };
  if (!isObject(value))
    return bad(`expected a JSON object with version, config, data and snapshots, got ${showValue(value)}`);
  const run = value;
  if (typeof run.version !== "number" || !Number.isInteger(run.version) || run.version < 1) {
    return bad(`version must be a positive integer, got ${showValue(run.version)}`);
  }
  if (run.version > RUN_VERSION) {
    throw new RunFileError(
      `run file ${source} has version ${run.version}, newer than this netreel reads (${RUN_VERSION}); update netreel`,
    );
  }
  if (!isObject(run.config)) return bad(`config must be an object, got ${showValue(run.config)}`);
  const sizes = run.config.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    return bad(`config.sizes must list at least two positive integers, got ${showValue(sizes)}`);
  }
  // Checked here, not when a frame is drawn: the network is rebuilt from these names.
  for (const field of ["activation", "outputActivation"] as const) {
    const name = run.config[field];
    if (name !== undefined && !isActivationName(name)) {
      bad(`config.${field} ${showValue(name)} is not an activation netreel knows (${ACTIVATION_NAMES.join(", ")})`);
    }
  }
  const n = checkData(run.data, sizes[0] as number, bad);

  const snapshots = run.snapshots;
  if (!Array.isArray(snapshots)) return bad(`snapshots must be a list, got ${showValue(snapshots)}`);
  if (snapshots.length === 0) return bad("snapshots is empty; a run holds at least the snapshot before training");
  let layerKeys = "";
  let preKeys: string | undefined;
  for (let i = 0; i < snapshots.length; i++) {
    const snap = snapshots[i];
    const at = `snapshot ${i}`;
    if (!isObject(snap)) return bad(`${at} must be an object, got ${showValue(snap)}`);
    for (const key of ["epoch", "batch", "loss", "accuracy"]) {
      if (!Number.isFinite(snap[key])) bad(`${at} ${key} is ${showValue(snap[key])}, not a finite number`);
    }
    const accuracy = snap.accuracy as number;
    if (accuracy < 0 || accuracy > 1) bad(`${at} accuracy is ${accuracy}, not in [0, 1]`);
    if (i > 0) {
      const before = (snapshots[i - 1] as { epoch: number }).epoch;
      if (!((snap.epoch as number) > before)) {
        bad(`${at} has epoch ${snap.epoch}, not after snapshot ${i - 1}'s epoch ${before}`);
      }
    }
    checkParameters(snap, sizes as number[], at, bad);
    const keys = checkLayers(snap.activations, "activations", { sizes: sizes as number[], n, at, bad });
    if (i === 0) layerKeys = keys;
    else if (keys !== layerKeys) {
      bad(`${at} activations has layers ${listOf(keys)}; snapshot 0 has ${listOf(layerKeys)}`);
    }
    const pre =
      snap.preActivations === undefined
        ? undefined
        : checkLayers(snap.preActivations, "preActivations", { sizes: sizes as number[], n, at, bad });
    if (i === 0) preKeys = pre;
    else if (pre !== preKeys) {
      if (pre === undefined) bad(`${at} has no preActivations; snapshot 0 has them`);
      if (preKeys === undefined) bad(`${at} has preActivations; snapshot 0 has none`);
      bad(`${at} preActivations has layers ${listOf(pre as string)}; snapshot 0 has ${listOf(preKeys as string)}`);
    }
  }
  return value as unknown as Run;
}

type Bad = (problem: string) => never;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const listOf = (keys: string) => (keys === "" ? "none" : keys.replaceAll(",", ", "));

/** data.X (one row of `features` finite numbers per label) and data.y (finite labels); returns the example count. */
function checkData(data: unknown, features: number, bad: Bad): number {
  if (!isObject(data)) return bad(`data must be an object with X and y, got ${showValue(data)}`);
  const { X, y } = data;
  if (!Array.isArray(y)) return bad(`data.y must be a list of labels, got ${showValue(y)}`);
  if (!Array.isArray(X)) return bad(`data.X must be a list of rows, got ${showValue(X)}`);
  if (X.length !== y.length) bad(`data.X has ${X.length} rows for ${y.length} labels in data.y`);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) bad(`data.y[${i}] is ${showValue(y[i])}, not a finite number; labels are numbers`);
  }
  checkMatrix(X, { rows: X.length, cols: features, where: "data.X", units: "layer 0 has", bad });
  return y.length;
}

/** weights[k]: sizes[k+1] rows of sizes[k] finite numbers; biases[k]: sizes[k+1] finite numbers. */
function checkParameters(snap: Record<string, unknown>, sizes: number[], at: string, bad: Bad): void {
  const L = sizes.length - 1;
  const { weights, biases } = snap;
  if (!Array.isArray(weights) || weights.length !== L) {
    bad(`${at} weights must be a list of ${L} matrices (one per layer after the input), got ${listOrValue(weights)}`);
  }
  if (!Array.isArray(biases) || biases.length !== L) {
    bad(`${at} biases must be a list of ${L} lists (one per layer after the input), got ${listOrValue(biases)}`);
  }
  for (let k = 0; k < L; k++) {
    const units = sizes[k + 1] as number;
    const w = (weights as unknown[])[k];
    if (!Array.isArray(w)) bad(`${at} weights[${k}] must be a list of ${units} rows, got ${showValue(w)}`);
    if ((w as unknown[]).length !== units) {
      bad(`${at} weights[${k}] has ${(w as unknown[]).length} rows; layer ${k + 1} has ${unitCount(units)}`);
    }
    checkMatrix(w as unknown[], {
      rows: units,
      cols: sizes[k] as number,
      where: `${at} weights[${k}]`,
      units: `layer ${k} has`,
      bad,
    });
    const b = (biases as unknown[])[k];
    if (!Array.isArray(b)) bad(`${at} biases[${k}] must be a list of ${units} numbers, got ${showValue(b)}`);
    if ((b as unknown[]).length !== units) {
      bad(`${at} biases[${k}] has ${(b as unknown[]).length} numbers; layer ${k + 1} has ${unitCount(units)}`);
    }
    for (let j = 0; j < units; j++) {
      const v = (b as unknown[])[j];
      if (!Number.isFinite(v)) bad(`${at} biases[${k}][${j}] is ${showValue(v)}, not a finite number`);
    }
  }
}

/**
 * activations or preActivations: keys are layer numbers 0..L, each one row per example of
 * that layer's width, every number finite. Returns the keys, sorted, joined by commas.
 */
function checkLayers(
  layers: unknown,
  field: string,
  context: { sizes: number[]; n: number; at: string; bad: Bad },
): string {
  const { sizes, n, at, bad } = context;
  const L = sizes.length - 1;
  if (!isObject(layers)) return bad(`${at} ${field} must be an object of layers, got ${showValue(layers)}`);
  const keys = Object.keys(layers);
  for (const key of keys) {
    const layer = Number(key);
    if (!Number.isInteger(layer) || String(layer) !== key || layer < 0 || layer > L) {
      bad(`${at} ${field} has the key ${JSON.stringify(key)}; keys are layer numbers 0 to ${L}`);
    }
    const rows = layers[key];
    const where = `${at} ${field}[${JSON.stringify(key)}]`;
    if (!Array.isArray(rows)) bad(`${where} must be a list of rows, got ${showValue(rows)}`);
    if ((rows as unknown[]).length !== n)
      bad(`${where} has ${(rows as unknown[]).length} rows; the data has ${n} examples`);
    checkMatrix(rows as unknown[], { rows: n, cols: sizes[layer] as number, where, units: `layer ${layer} has`, bad });
  }
  return keys.sort((a, b) => Number(a) - Number(b)).join(",");
}

/** Each of `rows` rows is a list of `cols` finite numbers (the row count is checked by the caller). */
function checkMatrix(
  matrix: unknown[],
  shape: { rows: number; cols: number; where: string; units: string; bad: Bad },
): void {
  const { rows, cols } = shape;
  for (let i = 0; i < rows; i++) {
    const row = matrix[i];
    if (!Array.isArray(row))
      shape.bad(`${shape.where} row ${i} must be a list of ${cols} numbers, got ${showValue(row)}`);
    if ((row as unknown[]).length !== cols) {
      shape.bad(`${shape.where} row ${i} has ${(row as unknown[]).length} numbers; ${shape.units} ${unitCount(cols)}`);
    }
    for (let j = 0; j < cols; j++) {
      if (!Number.isFinite((row as unknown[])[j])) {
        shape.bad(`${shape.where} row ${i} column ${j} is ${showValue((row as unknown[])[j])}, not a finite number`);
      }
    }
  }
}

const unitCount = (units: number) => `${units} unit${units === 1 ? "" : "s"}`;

/** "a list of 2", or the value itself when it is not a list. */
function listOrValue(value: unknown): string {
  return Array.isArray(value) ? `a list of ${value.length}` : showValue(value);
}
