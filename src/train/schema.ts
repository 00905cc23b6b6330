import { z } from "zod";
import { showValue } from "../data/dataset.ts";
import { DatasetConfigSchema, expect, SeedSchema } from "../data/index.ts";
import { ACTIVATION_NAMES, INIT_SCHEMES, LOSS_NAMES } from "../nn/index.ts";

/**
 * The training config and the run file, each as one zod schema. The TypeScript types are
 * derived from them, `schemas/*.json` is generated from them (`npm run schemas`) so an editor
 * can autocomplete a config, and `validateConfig` checks a config with them. What a schema
 * cannot say (a weight matrix's shape against `sizes`, labels a sigmoid cannot reach) is
 * checked in code after it, in config.ts and run.ts.
 *
 * Why zod: its schemas give both the TypeScript types and JSON Schema (`z.toJSONSchema`,
 * built in since zod 4) with no second package, error messages can be set per schema, and it
 * is the most widely used and maintained library of its kind. Valibot is smaller but needs a
 * separate package for JSON Schema; bundle size does not matter for a command-line tool.
 */

const oneOf = (names: readonly string[]) => expect(`one of ${names.join(", ")}`);
const integerFrom = (min: number) =>
  z
    .number(expect(`an integer >= ${min}`))
    .int(expect(`an integer >= ${min}`))
    .min(min, expect(`an integer >= ${min}`));

export const ActivationSchema = z.enum(ACTIVATION_NAMES, oneOf(ACTIVATION_NAMES));
export const LossSchema = z.enum(LOSS_NAMES, oneOf(LOSS_NAMES));
const seed = z.union([z.number(), z.string()], expect("a number or a string")).meta(SeedSchema.meta() ?? {});

const SIZES = "at least two positive integers (input first)";
export const SizesSchema = z
  .array(
    z
      .number(expect(`a list of ${SIZES}`))
      .int(expect(`a list of ${SIZES}`))
      .positive(expect(`a list of ${SIZES}`)),
    {
      error: (issue) =>
        issue.input === undefined ? "is missing" : `must list ${SIZES}, got ${showValue(issue.input)}`,
    },
  )
  .min(2, { error: (issue) => `must list ${SIZES}, got ${showValue(issue.input)}` })
  .meta({ description: "Units per layer, input first; the first must equal the data's features" });

/** Data written out in the config: rows of features and their labels. */
export const InlineDataSchema = z.strictObject({
  X: z
    .array(
      z.array(z.number(expect("a finite number")), expect("a list of finite numbers")),
      expect("a non-empty list of rows"),
    )
    .min(1, expect("a non-empty list of rows"))
    .meta({ description: "One row of features per example" }),
  y: z
    .array(z.number(expect("a number (a label)")), expect("a list of numbers (labels)"))
    .meta({ description: "One label per example" }),
});

export const DataConfigSchema = z
  .union([InlineDataSchema, DatasetConfigSchema])
  .meta({ description: "Inline { X, y }, or a generated data set { dataset, ...options }" });

export const InitSchemeSchema = z.strictObject({
  scheme: z.enum(INIT_SCHEMES, oneOf(INIT_SCHEMES)).meta({ description: "How the initial weights are drawn" }),
  seed: seed.optional(),
});

export const InitWeightsSchema = z.strictObject({
  weights: z
    .array(
      z.array(z.array(z.number(expect("finite numbers")))),
      expect("a list of matrices, one per layer after the input"),
    )
    .meta({ description: "W[l] is (units in l) x (units in l-1), as a list of rows" }),
  biases: z
    .array(z.array(z.number(expect("finite numbers"))), expect("a list of lists, one per layer after the input"))
    .meta({ description: "b[l] is a flat list of (units in l) numbers" }),
});

export const InitConfigSchema = z
  .union([InitSchemeSchema, InitWeightsSchema])
  .meta({ description: "A scheme and seed, or explicit weights and biases" });

export const SnapshotConfigSchema = z.strictObject({
  layers: z
    .array(
      z.number(expect("a layer number")).int(expect("a layer number")).min(0, expect("a layer number")),
      expect("a list of layer numbers"),
    )
    .meta({
      description: "Layers whose activations every snapshot keeps (0 = input, L = output); default the hidden layers",
    })
    .optional(),
  preActivations: z
    .boolean(expect("true or false"))
    .meta({ description: "Also keep the pre-activations Z" })
    .optional(),
  everyBatches: integerFrom(1).meta({ description: "Snapshot every k mini-batches instead of every epoch" }).optional(),
});

export const TrainConfigSchema = z
  .strictObject({
    $schema: z
      .string(expect("a path or URL"))
      .meta({
        description: "The JSON Schema this file follows, for editors (schemas/train-config.schema.json); ignored",
      })
      .optional(),
    sizes: SizesSchema,
    activation: ActivationSchema.meta({
      description: "The hidden layers' activation (and the output's, unless outputActivation)",
    }).default("sigmoid"),
    outputActivation: ActivationSchema.meta({
      description: "The output layer's activation; default the same as activation",
    }).optional(),
    loss: LossSchema.meta({
      description: "quadratic (½‖a − y‖²) or cross-entropy (needs a sigmoid output)",
    }).default("quadratic"),
    data: DataConfigSchema,
    init: InitConfigSchema.default({ scheme: "normal" }),
    epochs: integerFrom(0).meta({ description: "Passes over the data (0 only evaluates the initial network)" }),
    batchSize: integerFrom(1).meta({ description: "Examples per mini-batch, at most the data set's size" }),
    learningRate: z
      .number(expect("a positive number"))
      .positive(expect("a positive number"))
      .meta({ description: "η > 0: each step is W -= (η/m) Σ ∇W" }),
    momentum: z
      .number(expect("a number in [0, 1)"))
      .min(0, expect("a number in [0, 1)"))
      .lt(1, expect("a number in [0, 1)"))
      .meta({ description: "μ in [0, 1): v = μv − (η/m)∇, W += v" })
      .default(0),
    shuffle: z
      .boolean(expect("true or false"))
      .meta({ description: "Reshuffle the examples before every epoch" })
      .default(false),
    seed: seed
      .meta({ description: "The seed of every random stream unless data.seed or init.seed is given" })
      .default(0),
    snapshot: SnapshotConfigSchema.optional(),
  })
  .meta({ title: "netreel training config", description: "What `npm run train` and a scene's train() accept" });

export type TrainConfig = z.input<typeof TrainConfigSchema>;
export type DataConfig = z.input<typeof DataConfigSchema>;
export type InitConfig = z.input<typeof InitConfigSchema>;
export type SnapshotConfig = z.input<typeof SnapshotConfigSchema>;

/** One row of numbers per example (or per unit, for a weight matrix). */
export const MatrixSchema = z.array(z.array(z.number()));

const SnapshotSchema = z.object({
  epoch: z.number().meta({ description: "Epochs done; fractional with snapshot.everyBatches; 0 before training" }),
  batch: z.number().int().meta({ description: "Mini-batch updates done" }),
  weights: z.array(MatrixSchema).meta({ description: "weights[k] is W of layer k+1, rows = units in layer k+1" }),
  biases: z.array(z.array(z.number())).meta({ description: "biases[k] is b of layer k+1" }),
  loss: z.number().meta({ description: "Mean over examples of ½‖a − y‖², whatever loss trains" }),
  accuracy: z.number().min(0).max(1).meta({ description: "Fraction of examples classified correctly" }),
  activations: z.record(z.string(), MatrixSchema).meta({ description: "Layer number -> one row per example" }),
  preActivations: z
    .record(z.string(), MatrixSchema)
    .meta({ description: "The same layers' Z, when asked for" })
    .optional(),
});

/**
 * The run file. Loading one is checked by `checkRun` (run.ts) with plain loops rather than by
 * parsing with this schema: the shapes depend on `sizes`, which a schema cannot express, and
 * zod took 55-80 ms for a 121-snapshot run that the loops check in 2.4 ms (this machine).
 */
export const RunSchema = z
  .object({
    version: z.number().int().min(1),
    config: TrainConfigSchema,
    data: z.object({ X: MatrixSchema, y: z.array(z.number()) }).meta({ description: "The data the run saw" }),
    snapshots: z.array(SnapshotSchema).min(1),
    seconds: z.number().meta({ description: "Wall-clock seconds training took" }).optional(),
  })
  .meta({ title: "netreel run file", description: "What `npm run train` writes and scenes draw from" });

/**
 * The JSON Schemas of netreel's input files, by file name under `schemas/`: written by
 * `npm run schemas`, and a test checks the committed files are current. A config can name
 * its schema (`"$schema": "./node_modules/netreel/schemas/train-config.schema.json"`, or a
 * path into this repository) for an editor to autocomplete and check it.
 */
export function jsonSchemas(): Record<string, unknown> {
  const write = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return {
    "train-config.schema.json": write(TrainConfigSchema),
    "dataset.schema.json": write(DatasetConfigSchema),
    "run.schema.json": write(RunSchema),
  };
}
