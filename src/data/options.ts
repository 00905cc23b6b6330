import { z } from "zod";
import { showValue } from "./dataset.ts";

/**
 * The options of each generated data set, as one schema each: the generators' option types
 * are derived from these, the training config's `data` field is built from them, and
 * `schemas/dataset.schema.json` is generated from them. The schemas say what type each option
 * has; the generators check the values (a factor in (0, 1), a noise >= 0) with messages that
 * name the generator, so direct calls from code get the same checks.
 */
/** A schema check's message: "must be <what>, got <value>", or "is missing". */
export function expect(what: string): { error: (issue: { input?: unknown }) => string } {
  return {
    error: (issue) => (issue.input === undefined ? "is missing" : `must be ${what}, got ${showValue(issue.input)}`),
  };
}

export const SeedSchema = z
  .union([z.number(), z.string()], expect("a number or a string"))
  .meta({ description: "The seed of a random stream: a number or a string" });

const count = z.number(expect("a number")).meta({ description: "Number of examples" });
const noise = z
  .number(expect("a number"))
  .meta({ description: "Standard deviation of Gaussian noise added to each coordinate" });
const seed = SeedSchema.meta({ description: "Seed of the data stream (default: the config's seed)" });
const shuffle = z
  .boolean(expect("true or false"))
  .meta({ description: "Shuffle the examples (default true, as scikit-learn)" });
const countOrPair = z
  .union([count, z.tuple([z.number(), z.number()])], expect("a number or [first, second]"))
  .meta({ description: "Total examples, or [first class, second class]" });

export const DATASET_OPTION_SCHEMAS = {
  circles: z.strictObject({
    n: countOrPair.optional(),
    factor: z
      .number(expect("a number"))
      .meta({ description: "Radius of the inner circle, in (0, 1); default 0.8" })
      .optional(),
    noise: noise.optional(),
    seed: seed.optional(),
    shuffle: shuffle.optional(),
  }),
  moons: z.strictObject({
    n: countOrPair.optional(),
    noise: noise.optional(),
    seed: seed.optional(),
    shuffle: shuffle.optional(),
  }),
  xor: z.strictObject({ n: count.optional(), noise: noise.optional(), seed: seed.optional() }),
  spiral: z.strictObject({
    n: count.optional(),
    arms: z
      .number(expect("a number"))
      .meta({ description: "Number of arms (classes), at least 2; default 3" })
      .optional(),
    noise: noise.optional(),
    seed: seed.optional(),
  }),
  blobs: z.strictObject({
    n: count.optional(),
    centers: z
      .union([z.number(), z.array(z.array(z.number()))], expect("a number or a list of points"))
      .meta({ description: "Number of centres (placed at random in the box), or the centres themselves" })
      .optional(),
    std: z.number(expect("a number")).meta({ description: "Standard deviation of each blob; default 1" }).optional(),
    box: z
      .tuple([z.number(), z.number()], expect("[low, high]"))
      .meta({ description: "Range of random centres on every axis; default [-10, 10]" })
      .optional(),
    dims: z.number(expect("a number")).meta({ description: "Features per example; default 2" }).optional(),
    seed: seed.optional(),
  }),
  toy1d: z.strictObject({ n: count.optional() }),
  csv: z.strictObject({
    path: z.string(expect("the CSV file's path")).meta({ description: "The CSV file, relative to the config file" }),
    label: z
      .union([z.string(), z.number()], expect("a column name or index"))
      .meta({ description: "The label column: its header name or 0-based index; default the last" })
      .optional(),
    features: z
      .array(z.union([z.string(), z.number()]), expect("a list of column names or indices"))
      .meta({ description: "Feature columns (names or indices); default every column but the label" })
      .optional(),
  }),
} as const;

export type DatasetName = keyof typeof DATASET_OPTION_SCHEMAS;
export const DATASET_NAMES = Object.keys(DATASET_OPTION_SCHEMAS) as DatasetName[];

export type CirclesOptions = z.input<typeof DATASET_OPTION_SCHEMAS.circles>;
export type MoonsOptions = z.input<typeof DATASET_OPTION_SCHEMAS.moons>;
export type XorOptions = z.input<typeof DATASET_OPTION_SCHEMAS.xor>;
export type SpiralOptions = z.input<typeof DATASET_OPTION_SCHEMAS.spiral>;
export type BlobsOptions = z.input<typeof DATASET_OPTION_SCHEMAS.blobs>;
export type Toy1dOptions = z.input<typeof DATASET_OPTION_SCHEMAS.toy1d>;
export type CsvOptions = Omit<z.input<typeof DATASET_OPTION_SCHEMAS.csv>, "path">;

/** A generated data set in a config: its name and its options. */
export const DatasetConfigSchema = z.discriminatedUnion("dataset", [
  DATASET_OPTION_SCHEMAS.circles.extend({ dataset: z.literal("circles") }),
  DATASET_OPTION_SCHEMAS.moons.extend({ dataset: z.literal("moons") }),
  DATASET_OPTION_SCHEMAS.xor.extend({ dataset: z.literal("xor") }),
  DATASET_OPTION_SCHEMAS.spiral.extend({ dataset: z.literal("spiral") }),
  DATASET_OPTION_SCHEMAS.blobs.extend({ dataset: z.literal("blobs") }),
  DATASET_OPTION_SCHEMAS.toy1d.extend({ dataset: z.literal("toy1d") }),
  DATASET_OPTION_SCHEMAS.csv.extend({ dataset: z.literal("csv") }),
]);
export type DatasetConfig = z.input<typeof DatasetConfigSchema>;
