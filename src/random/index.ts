export { Random, stream } from "./random.ts";
export type { Seed, StreamName } from "./random.ts";
