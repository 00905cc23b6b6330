export { type BlobsOptions, makeBlobs } from "./blobs.ts";
export { type CirclesOptions, makeCircles } from "./circles.ts";
export { type CsvDataset, type CsvOptions, loadCsv, parseCsv } from "./csv.ts";
export { DataError, type Dataset } from "./dataset.ts";
export { type MoonsOptions, makeMoons } from "./moons.ts";
export { makeSpiral, type SpiralOptions } from "./spiral.ts";
export { makeToy1d } from "./toy1d.ts";
export { makeXor, type XorOptions } from "./xor.ts";
