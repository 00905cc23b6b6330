export { makeBlobs } from "./blobs.ts";
export { makeCircles } from "./circles.ts";
export { type CsvDataset, loadCsv, parseCsv } from "./csv.ts";
export { DataError, type Dataset } from "./dataset.ts";
export { makeMoons } from "./moons.ts";
export { makeSpiral } from "./spiral.ts";
export { makeToy1d } from "./toy1d.ts";
export { makeXor } from "./xor.ts";
export {
  type BlobsOptions,
  type CirclesOptions,
  type CsvOptions,
  DATASET_NAMES,
  DATASET_OPTION_SCHEMAS,
  type DatasetConfig,
  DatasetConfigSchema,
  type DatasetName,
  expect,
  type MoonsOptions,
  SeedSchema,
  type SpiralOptions,
  type Toy1dOptions,
  type XorOptions,
} from "./options.ts";
