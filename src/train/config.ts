import path from "node:path";
import { z } from "zod";
import { showValue } from "../data/dataset.ts";
import {
  DATASET_NAMES,
  DATASET_OPTION_SCHEMAS,
  type Dataset,
  type DatasetName,
  loadCsv,
  makeBlobs,
  makeCircles,
  makeMoons,
  makeSpiral,
  makeToy1d,
  makeXor,
} from "../data/index.ts";
import { type ActivationName, initNetwork, Network, type NetworkSpec } from "../nn/index.ts";
import type { Seed } from "../random/index.ts";
import { runMemoryLimit, runTooLarge, snapshotCount } from "./memory.ts";
import {
  type DataConfig,
  type InitConfig,
  InitSchemeSchema,
  InitWeightsSchema,
  InlineDataSchema,
  type TrainConfig,
  TrainConfigSchema,
} from "./schema.ts";

export type { DataConfig, InitConfig, SnapshotConfig, TrainConfig } from "./schema.ts";

export interface ResolvedSnapshot {
  layers: number[];
  preActivations: boolean;
  everyBatches?: number;
}

/** A config checked and filled in with defaults, with its data set and starting network. */
export interface TrainPlan {
  config: Required<Omit<TrainConfig, "outputActivation" | "snapshot" | "$schema">> & {
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
  /** Where the field is written, when that is known (config-place.ts); the studio shows the code there. */
  where?: { file: string; line: number; column: number };
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(field === WHOLE_CONFIG ? `config: ${problem}` : `config field '${field}': ${problem}`);
  }
}

export const WHOLE_CONFIG = "(config)";

/** The config's fields, in the schema's order. */
const TOP_FIELDS = Object.keys(TrainConfigSchema.shape);

/** A config checked and filled in with defaults: what a run file records as its config. */
export type ValidConfig = TrainPlan["config"];

/**
 * Checks a config as read from JSON (anything) and fills in the defaults, without making
 * anything: the schema first (types, ranges, unknown fields), then what a schema cannot say
 * (a cross-entropy loss needs a sigmoid output; snapshot layers exist). Throws a ConfigError
 * naming the first bad field.
 */
export function validateConfig(raw: unknown): ValidConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(WHOLE_CONFIG, `must be an object, got ${show(raw)}`);
  }
  // data and init are checked on their own below, so that their messages can say which data
  // set or which kind of init they are about.
  const top = TrainConfigSchema.extend({ data: z.unknown().optional(), init: z.unknown().optional() }).safeParse(raw);
  if (!top.success) {
    throw issueError(top.error, "", (key) => {
      const near = TOP_FIELDS.find((f) => f.toLowerCase() === key.toLowerCase());
      return `unknown field${near ? ` (did you mean '${near}'?)` : ""}; known: ${TOP_FIELDS.join(", ")}`;
    });
  }
  const c = top.data;
  if (c.data === undefined) throw new ConfigError("data", "is missing");
  // The schema fills in the defaults (so an editor shows them from the JSON Schema), all
  // but outputActivation's, which is activation's.
  const { activation, loss } = c;
  const outputActivation = c.outputActivation ?? activation;
  if (loss === "cross-entropy" && outputActivation !== "sigmoid") {
    throw new ConfigError(
      "loss",
      `cross-entropy needs a sigmoid output layer, but the output activation is ${outputActivation}`,
    );
  }
  return {
    sizes: c.sizes,
    activation,
    outputActivation,
    loss,
    data: validateData(c.data),
    init: c.init === undefined ? { scheme: "normal" } : validateInit(c.init),
    epochs: c.epochs,
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    momentum: c.momentum,
    shuffle: c.shuffle,
    seed: c.seed,
    snapshot: snapshotConfig(c.snapshot ?? {}, c.sizes.length - 1),
  };
}

/**
 * The most examples a data set may have. A course figure draws a few thousand points; making
 * 200,000 takes under a second (10 million took 15 s, in one piece that nothing, Ctrl-C
 * included, could interrupt), and training and drawing slow down with every one.
 */
export const MAX_EXAMPLES = 200_000;

/**
 * Makes the data set a valid config asks for (generated, read from CSV, or inline), refusing
 * first a run too large to hold, and checks it fits the network and the batch size.
 */
export function loadDataset(config: ValidConfig, options: { baseDir?: string; memoryLimit?: number } = {}): Dataset {
  const { sizes, epochs, batchSize, snapshot } = config;
  // Refuse a run too large to hold before generating its data (n: 1e9) or training it
  // (epochs: 1e9), instead of running out of memory minutes later; then again with the
  // data's real size (a CSV file's is known only once read).
  const fits = (examples: number) => {
    if (examples < 1) return; // the data checks say what is wrong
    const problem = runTooLarge(
      {
        sizes,
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
    if (examples > MAX_EXAMPLES) {
      throw new ConfigError(
        "data",
        `${examples} examples is more than netreel makes or trains on (at most ${MAX_EXAMPLES.toLocaleString("en")}: a figure shows a few thousand points, and more only makes every step slower); use fewer examples`,
      );
    }
  };
  const expected = expectedExamples(config.data);
  if (expected !== null) fits(expected);
  const data = loadData(config.data, config.seed, options.baseDir ?? process.cwd());
  if (data.y.length !== expected) fits(data.y.length);
  checkDataFitsNetwork(data, sizes, config.outputActivation);
  if (batchSize > data.y.length) {
    throw new ConfigError("batchSize", `${batchSize} is larger than the data set (${data.y.length} examples)`);
  }
  return data;
}

/**
 * Checks a config, makes its data set and its initial network: `validateConfig`, then
 * `loadDataset`, then `buildNetwork`. `baseDir` resolves a CSV data path (the config file's
 * folder).
 */
export function planTraining(raw: unknown, options: { baseDir?: string; memoryLimit?: number } = {}): TrainPlan {
  const config = validateConfig(raw);
  const data = loadDataset(config, options);
  return { config, data, network: buildNetwork(config) };
}

/** A zod error as a ConfigError: an unknown key first (with `unknownKey`'s words), else the first issue. */
function issueError(error: z.ZodError, prefix: string, unknownKey: (key: string) => string): ConfigError {
  const issue = error.issues.find((i) => i.code === "unrecognized_keys") ?? (error.issues[0] as z.core.$ZodIssue);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] as string;
    return new ConfigError(fieldName(prefix, [...issue.path, key]), unknownKey(key));
  }
  return new ConfigError(fieldName(prefix, issue.path), issue.message);
}

/** A field's name as messages show it: data.X[3], init.weights[1]. */
function fieldName(prefix: string, path: readonly PropertyKey[]): string {
  let name = prefix;
  for (const key of path) {
    if (typeof key === "number") name += `[${key}]`;
    else name += name === "" ? String(key) : `.${String(key)}`;
  }
  return name === "" ? WHOLE_CONFIG : name;
}

/** data: inline { X, y }, or a data set's name and options (its option types by its schema). */
function validateData(raw: unknown): DataConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError("data", `must be an object, got ${show(raw)}`);
  }
  const d = raw as Record<string, unknown>;
  if ("X" in d || "y" in d) {
    const inline = InlineDataSchema.safeParse(d);
    if (!inline.success) throw issueError(inline.error, "data", () => "is not a field of inline data (X and y)");
    return inline.data;
  }
  const name = d.dataset;
  if (!(DATASET_NAMES as readonly unknown[]).includes(name)) {
    throw new ConfigError(
      "data.dataset",
      `must be one of ${DATASET_NAMES.join(", ")} (or give data.X and data.y), got ${show(name)}`,
    );
  }
  const { dataset: _name, ...options } = d;
  const schema = DATASET_OPTION_SCHEMAS[name as DatasetName];
  const known = Object.keys(schema.shape);
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw issueError(
      parsed.error,
      "data",
      () => `is not an option of the ${name} data set; its options: ${known.join(", ")}`,
    );
  }
  return { dataset: name, ...parsed.data } as DataConfig;
}

/** init: a scheme (and seed), or explicit weights and biases (their shapes are checked by buildNetwork). */
function validateInit(raw: unknown): InitConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError("init", `must be an object, got ${show(raw)}`);
  }
  const schema = "scheme" in raw ? InitSchemeSchema : InitWeightsSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw issueError(
      parsed.error,
      "init",
      () => "is not a field of init; give { scheme, seed } or { weights, biases }",
    );
  }
  return parsed.data;
}

/** Makes a validated data config's data set; the generators check their option values. */
function loadData(data: DataConfig, seed: Seed, baseDir: string): Dataset {
  if ("X" in data) return inlineData(data);
  const { dataset: name, ...options } = data;
  const withSeed = { ...options, seed: "seed" in data && data.seed !== undefined ? data.seed : seed } as never;
  try {
    switch (name) {
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
        const { path: file, ...csv } = options as { path: string };
        return loadCsv(path.resolve(baseDir, file), csv);
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

/** Inline data whose types the schema checked: every row as wide as the first, a label per row. */
function inlineData(d: { X: number[][]; y: number[] }): Dataset {
  const { X, y } = d;
  const width = X[0]?.length ?? 0;
  X.forEach((row, i) => {
    if (row.length !== width || width < 1) {
      throw new ConfigError(
        `data.X[${i}]`,
        `must be a list of ${width > 0 ? width : "one or more"} finite numbers, got ${show(row)}`,
      );
    }
  });
  if (y.length !== X.length) throw new ConfigError("data.y", `has ${y.length} labels for ${X.length} rows of data.X`);
  return { X, y };
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

/** The initial network of a validated config: drawn by its scheme, or its explicit weights and biases. */
export function buildNetwork(config: ValidConfig): Network {
  const spec: NetworkSpec = {
    sizes: config.sizes,
    activation: config.activation,
    outputActivation: config.outputActivation,
    loss: config.loss,
  };
  const init = config.init;
  if ("scheme" in init) return initNetwork(spec, { scheme: init.scheme, seed: init.seed ?? config.seed });
  const { weights, biases } = init;
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
    const b = biases[l - 1];
    if (!Array.isArray(b) || b.length !== rows) {
      throw new ConfigError(
        `init.biases[${l - 1}]`,
        `b of layer ${l} must be a list of ${rows} finite numbers, got ${shapeOf(b)}`,
      );
    }
  }
  return Network.fromPlain(spec, { weights, biases });
}

/** snapshot with its defaults; its layers must exist. */
function snapshotConfig(s: NonNullable<TrainConfig["snapshot"]>, depth: number): ResolvedSnapshot {
  const layers = s.layers ?? Array.from({ length: depth - 1 }, (_, i) => i + 1);
  if (!layers.every((l) => l <= depth)) {
    throw new ConfigError(
      "snapshot.layers",
      `must list layer numbers from 0 (input) to ${depth} (output), got ${show(layers)}`,
    );
  }
  const preActivations = s.preActivations ?? false;
  return s.everyBatches === undefined
    ? { layers, preActivations }
    : { layers, preActivations, everyBatches: s.everyBatches };
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
