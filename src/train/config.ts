import path from "node:path";
import {
  type Dataset,
  loadCsv,
  makeBlobs,
  makeCircles,
  makeMoons,
  makeSpiral,
  makeToy1d,
  makeXor,
} from "../data/index.ts";
import { showValue } from "../data/dataset.ts";
import {
  ACTIVATION_NAMES,
  type ActivationName,
  INIT_SCHEMES,
  type InitScheme,
  initNetwork,
  LOSS_NAMES,
  type LossName,
  Network,
  type NetworkSpec,
} from "../nn/index.ts";
import type { Seed } from "../random/index.ts";
import { runMemoryLimit, runTooLarge, snapshotCount } from "./memory.ts";

/** What `train` and `npm run train` accept; the README documents every field. */
export interface TrainConfig {
  sizes: number[];
  activation?: ActivationName;
  outputActivation?: ActivationName;
  loss?: LossName;
  data: DataConfig;
  init?: InitConfig;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum?: number;
  shuffle?: boolean;
  seed?: Seed;
  snapshot?: SnapshotConfig;
}

export const DATASET_NAMES = ["circles", "moons", "xor", "spiral", "blobs", "toy1d", "csv"] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export type DataConfig =
  | { X: number[][]; y: number[] }
  | ({ dataset: DatasetName; seed?: Seed; path?: string } & Record<string, unknown>);

export type InitConfig = { weights: number[][][]; biases: number[][] } | { scheme: InitScheme; seed?: Seed };

export interface SnapshotConfig {
  /** Layers whose activations every snapshot keeps (0 = input, L = output). Default: the hidden layers. */
  layers?: number[];
  /** Also keep the pre-activations Z of those layers. */
  preActivations?: boolean;
  /** Snapshot every k mini-batches instead of after every epoch. */
  everyBatches?: number;
}

export interface ResolvedSnapshot {
  layers: number[];
  preActivations: boolean;
  everyBatches?: number;
}

/** A config checked and filled in with defaults, with its data set and starting network. */
export interface TrainPlan {
  config: Required<Omit<TrainConfig, "outputActivation" | "snapshot">> & {
    outputActivation: ActivationName;
    snapshot: ResolvedSnapshot;
  };
  data: Dataset;
  network: Network;
}

/**
 * A config a user wrote wrongly; `field` names the config field, the message says what is
 * wrong. WHOLE_CONFIG as the field: a problem of the config as a whole.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(field === WHOLE_CONFIG ? `config: ${problem}` : `config field '${field}': ${problem}`);
  }
}

export const WHOLE_CONFIG = "(config)";

const TOP_FIELDS = [
  "sizes",
  "activation",
  "outputActivation",
  "loss",
  "data",
  "init",
  "epochs",
  "batchSize",
  "learningRate",
  "momentum",
  "shuffle",
  "seed",
  "snapshot",
] as const;

/**
 * Checks a config as read from JSON (anything), fills in defaults, builds the data set and
 * the initial network. Throws a ConfigError naming the first bad field.
 * `baseDir` resolves a CSV data path (the config file's folder).
 */
export function planTraining(raw: unknown, options: { baseDir?: string; memoryLimit?: number } = {}): TrainPlan {
  const c = record(raw, WHOLE_CONFIG);
  for (const key of Object.keys(c)) {
    if (!(TOP_FIELDS as readonly string[]).includes(key)) {
      const near = TOP_FIELDS.find((f) => f.toLowerCase() === key.toLowerCase());
      throw new ConfigError(
        key,
        `unknown field${near ? ` (did you mean '${near}'?)` : ""}; known: ${TOP_FIELDS.join(", ")}`,
      );
    }
  }
  const sizes = required(c, "sizes");
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new ConfigError("sizes", `must list at least two positive integers (input first), got ${show(sizes)}`);
  }
  const activation = oneOf(c, "activation", ACTIVATION_NAMES, "sigmoid");
  const outputActivation = oneOf(c, "outputActivation", ACTIVATION_NAMES, activation);
  const loss = oneOf(c, "loss", LOSS_NAMES, "quadratic");
  if (loss === "cross-entropy" && outputActivation !== "sigmoid") {
    throw new ConfigError(
      "loss",
      `cross-entropy needs a sigmoid output layer, but the output activation is ${outputActivation}`,
    );
  }
  const seed = c.seed === undefined ? 0 : seedValue(c.seed, "seed");
  const epochs = integer(required(c, "epochs"), "epochs", 0);
  const learningRate = required(c, "learningRate");
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new ConfigError("learningRate", `must be a positive number, got ${show(learningRate)}`);
  }
  const momentum = c.momentum === undefined ? 0 : c.momentum;
  if (typeof momentum !== "number" || !(momentum >= 0 && momentum < 1)) {
    throw new ConfigError("momentum", `must be a number in [0, 1), got ${show(momentum)}`);
  }
  const shuffle = c.shuffle === undefined ? false : c.shuffle;
  if (typeof shuffle !== "boolean") throw new ConfigError("shuffle", `must be true or false, got ${show(shuffle)}`);

  const batchSize = integer(required(c, "batchSize"), "batchSize", 1);
  const snapshot = snapshotConfig(c.snapshot, (sizes as number[]).length - 1);

  // Refuse a run too large to hold before generating its data (n: 1e9) or training it
  // (epochs: 1e9), instead of running out of memory minutes later; then again with the
  // data's real size (a CSV file's is known only once read).
  const rawData = required(c, "data");
  const fits = (examples: number) => {
    if (examples < 1) return; // the data checks say what is wrong
    const problem = runTooLarge(
      {
        sizes: sizes as number[],
        examples,
        snapshots: snapshotCount({
          epochs,
          batchesPerEpoch: Math.ceil(examples / Math.min(batchSize, examples)),
          everyBatches: snapshot.everyBatches,
        }),
        layers: snapshot.layers,
        preActivations: snapshot.preActivations,
      },
      options.memoryLimit ?? runMemoryLimit(),
    );
    if (problem) throw new ConfigError(WHOLE_CONFIG, problem);
  };
  const expected = expectedExamples(rawData);
  if (expected !== null) fits(expected);
  const data = loadData(rawData, seed, options.baseDir ?? process.cwd());
  if (data.y.length !== expected) fits(data.y.length);
  checkDataFitsNetwork(data, sizes as number[], outputActivation);
  if (batchSize > data.y.length) {
    throw new ConfigError("batchSize", `${batchSize} is larger than the data set (${data.y.length} examples)`);
  }
  const spec: NetworkSpec = { sizes: sizes as number[], activation, outputActivation, loss };
  const init = c.init === undefined ? { scheme: "normal" as const } : c.init;
  const network = buildNetwork(init, spec, seed);

  return {
    config: {
      sizes: sizes as number[],
      activation,
      outputActivation,
      loss,
      data: required(c, "data") as DataConfig,
      init: init as InitConfig,
      epochs,
      batchSize,
      learningRate,
      momentum,
      shuffle,
      seed,
      snapshot,
    },
    data,
    network,
  };
}

function loadData(raw: unknown, seed: Seed, baseDir: string): Dataset {
  const d = record(raw, "data");
  if ("X" in d || "y" in d) return inlineData(d);
  const name = d.dataset;
  if (!(DATASET_NAMES as readonly string[]).includes(name as string)) {
    throw new ConfigError(
      "data.dataset",
      `must be one of ${DATASET_NAMES.join(", ")} (or give data.X and data.y), got ${show(name)}`,
    );
  }
  const { dataset: _name, ...options } = d;
  if (name === "csv") delete options.path;
  for (const key of Object.keys(options)) {
    if (!DATASET_OPTIONS[name as DatasetName].includes(key)) {
      throw new ConfigError(
        `data.${key}`,
        `is not an option of the ${name} data set; its options: ${DATASET_OPTIONS[name as DatasetName].join(", ")}`,
      );
    }
  }
  // The generators check their own options and throw DataError with the option's name.
  const withSeed = { seed: d.seed === undefined ? seed : seedValue(d.seed, "data.seed"), ...options } as never;
  try {
    switch (name as DatasetName) {
      case "circles":
        return makeCircles(withSeed);
      case "moons":
        return makeMoons(withSeed);
      case "xor":
        return makeXor(withSeed);
      case "spiral":
        return makeSpiral(withSeed);
      case "blobs":
        return makeBlobs(withSeed);
      case "toy1d":
        return makeToy1d(withSeed);
      case "csv": {
        if (typeof d.path !== "string") throw new ConfigError("data.path", "a CSV data set needs the file's path");
        return loadCsv(path.resolve(baseDir, d.path), withSeed);
      }
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError("data", (error as Error).message);
  }
}

/** The generators' default sizes (see src/data); a test checks they agree. */
const DEFAULT_EXAMPLES: Record<Exclude<DatasetName, "csv">, number> = {
  circles: 100,
  moons: 100,
  xor: 200,
  spiral: 300,
  blobs: 100,
  toy1d: 20,
};

/**
 * How many examples a data config will give, without generating them; null when that is
 * not known yet (a CSV file) or `n` is not a valid count (the generator will say so).
 */
export function expectedExamples(raw: unknown): number | null {
  if (typeof raw !== "object" || raw === null) return null;
  const d = raw as Record<string, unknown>;
  if ("X" in d || "y" in d) return Array.isArray(d.X) ? d.X.length : null;
  const name = d.dataset as string;
  if (!Object.hasOwn(DEFAULT_EXAMPLES, name)) return null;
  const n = d.n ?? DEFAULT_EXAMPLES[name as keyof typeof DEFAULT_EXAMPLES];
  const count = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;
  if (count(n) && (n as number) > 0) return n as number;
  if ((name === "circles" || name === "moons") && Array.isArray(n) && n.length === 2 && n.every(count)) {
    return (n[0] as number) + (n[1] as number);
  }
  return null;
}

const DATASET_OPTIONS: Record<DatasetName, string[]> = {
  circles: ["n", "factor", "noise", "seed", "shuffle"],
  moons: ["n", "noise", "seed", "shuffle"],
  xor: ["n", "noise", "seed"],
  spiral: ["n", "arms", "noise", "seed"],
  blobs: ["n", "centers", "std", "box", "dims", "seed"],
  toy1d: ["n"],
  csv: ["path", "label", "features"],
};

function inlineData(d: Record<string, unknown>): Dataset {
  const X = required(d, "X", "data.X");
  const y = required(d, "y", "data.y");
  if (!Array.isArray(X) || X.length === 0) throw new ConfigError("data.X", "must be a non-empty list of rows");
  const width = Array.isArray(X[0]) ? X[0].length : -1;
  X.forEach((row, i) => {
    if (
      !Array.isArray(row) ||
      row.length !== width ||
      width < 1 ||
      !row.every((v) => typeof v === "number" && Number.isFinite(v))
    ) {
      throw new ConfigError(
        `data.X[${i}]`,
        `must be a list of ${width > 0 ? width : "one or more"} finite numbers, got ${show(row)}`,
      );
    }
  });
  if (!Array.isArray(y) || !y.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new ConfigError("data.y", "must be a list of numbers (labels)");
  }
  if (y.length !== X.length) throw new ConfigError("data.y", `has ${y.length} labels for ${X.length} rows of data.X`);
  return { X: X as number[][], y: y as number[] };
}

const OUTPUT_RANGE: Record<ActivationName, [number, number]> = {
  sigmoid: [0, 1],
  tanh: [-1, 1],
  relu: [0, Number.POSITIVE_INFINITY],
  identity: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
};

function checkDataFitsNetwork(data: Dataset, sizes: number[], output: ActivationName): void {
  const inputs = sizes[0] as number;
  const width = data.X[0]?.length ?? 0;
  if (width !== inputs) {
    throw new ConfigError(
      "sizes",
      `the input layer has ${inputs} units but the data has ${width} features per example`,
    );
  }
  const outputs = sizes[sizes.length - 1] as number;
  if (outputs === 1) {
    const [low, high] = OUTPUT_RANGE[output];
    const bad = data.y.find((v) => v < low || v > high);
    if (bad !== undefined) {
      throw new ConfigError(
        "outputActivation",
        `a ${output} output cannot reach the label ${bad}; use labels in [${low}, ${high}] or another output activation`,
      );
    }
    if (new Set(data.y).size > 2) {
      throw new ConfigError(
        "sizes",
        "one output unit separates two classes, but the labels take more than two values; give one output unit per class",
      );
    }
    return;
  }
  const bad = data.y.find((v) => !Number.isInteger(v) || v < 0 || v >= outputs);
  if (bad !== undefined) {
    throw new ConfigError(
      "sizes",
      `${outputs} output units take class labels 0..${outputs - 1} (one-hot), but the data has the label ${bad}`,
    );
  }
}

function buildNetwork(raw: unknown, spec: NetworkSpec, seed: Seed): Network {
  const init = record(raw, "init");
  if ("scheme" in init) {
    if (!(INIT_SCHEMES as readonly string[]).includes(init.scheme as string)) {
      throw new ConfigError("init.scheme", `must be one of ${INIT_SCHEMES.join(", ")}, got ${show(init.scheme)}`);
    }
    const initSeed = init.seed === undefined ? seed : seedValue(init.seed, "init.seed");
    return initNetwork(spec, { scheme: init.scheme as InitScheme, seed: initSeed });
  }
  const weights = required(init, "weights", "init.weights");
  const biases = required(init, "biases", "init.biases");
  const L = spec.sizes.length - 1;
  if (!Array.isArray(weights) || weights.length !== L) {
    throw new ConfigError(
      "init.weights",
      `must hold ${L} matrices (one per layer after the input), got ${Array.isArray(weights) ? weights.length : show(weights)}`,
    );
  }
  if (!Array.isArray(biases) || biases.length !== L) {
    throw new ConfigError(
      "init.biases",
      `must hold ${L} lists (one per layer after the input), got ${Array.isArray(biases) ? biases.length : show(biases)}`,
    );
  }
  for (let l = 1; l <= L; l++) {
    const rows = spec.sizes[l] as number;
    const cols = spec.sizes[l - 1] as number;
    const w = weights[l - 1];
    const shapeOk = Array.isArray(w) && w.length === rows && w.every((r) => Array.isArray(r) && r.length === cols);
    if (!shapeOk) {
      throw new ConfigError(
        `init.weights[${l - 1}]`,
        `W of layer ${l} must be ${rows}x${cols} (units in layer ${l} x units in layer ${l - 1}), got ${shapeOf(w)}`,
      );
    }
    if (!(w as unknown[][]).every((r) => r.every((v) => typeof v === "number" && Number.isFinite(v)))) {
      throw new ConfigError(`init.weights[${l - 1}]`, "must hold finite numbers only");
    }
    const b = biases[l - 1];
    if (!Array.isArray(b) || b.length !== rows || !b.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new ConfigError(
        `init.biases[${l - 1}]`,
        `b of layer ${l} must be a list of ${rows} finite numbers, got ${shapeOf(b)}`,
      );
    }
  }
  return Network.fromPlain(spec, { weights: weights as number[][][], biases: biases as number[][] });
}

function snapshotConfig(raw: unknown, depth: number): ResolvedSnapshot {
  const s = raw === undefined ? {} : record(raw, "snapshot");
  const hidden = Array.from({ length: depth - 1 }, (_, i) => i + 1);
  const layers = s.layers === undefined ? hidden : s.layers;
  if (!Array.isArray(layers) || !layers.every((l) => Number.isInteger(l) && l >= 0 && l <= depth)) {
    throw new ConfigError(
      "snapshot.layers",
      `must list layer numbers from 0 (input) to ${depth} (output), got ${show(layers)}`,
    );
  }
  const preActivations = s.preActivations === undefined ? false : s.preActivations;
  if (typeof preActivations !== "boolean") throw new ConfigError("snapshot.preActivations", "must be true or false");
  if (s.everyBatches === undefined) return { layers: layers as number[], preActivations };
  return {
    layers: layers as number[],
    preActivations,
    everyBatches: integer(s.everyBatches, "snapshot.everyBatches", 1),
  };
}

function record(raw: unknown, field: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(field, `must be an object, got ${show(raw)}`);
  }
  return raw as Record<string, unknown>;
}

function required(c: Record<string, unknown>, key: string, field = key): unknown {
  if (c[key] === undefined) throw new ConfigError(field, "is missing");
  return c[key];
}

function oneOf<T extends string>(c: Record<string, unknown>, key: string, names: readonly T[], fallback: T): T {
  const value = c[key] ?? fallback;
  if (!(names as readonly unknown[]).includes(value)) {
    throw new ConfigError(key, `must be one of ${names.join(", ")}, got ${show(value)}`);
  }
  return value as T;
}

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new ConfigError(field, `must be an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

function seedValue(value: unknown, field: string): Seed {
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "string") return value;
  throw new ConfigError(field, `must be a number or a string, got ${show(value)}`);
}

function shapeOf(value: unknown): string {
  if (!Array.isArray(value)) return show(value);
  if (value.every(Array.isArray)) {
    const widths = [...new Set(value.map((r) => (r as unknown[]).length))];
    return `${value.length}x${widths.length === 1 ? widths[0] : `(${widths.join("/")})`}`;
  }
  return `a list of ${value.length}`;
}

/** A config value as messages show it: JSON, shortened, with 1e999 (Infinity) shown as such. */
const show = showValue;
