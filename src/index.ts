// netreel's public API: the names scene scripts and outside tools use. Extend, never rename.
export * from "./data/index.ts";
export * from "./nn/index.ts";
export { Random, type Seed, stream } from "./random/index.ts";
export * from "./train/index.ts";
export * from "./draw/index.ts";
export * from "./scene/index.ts";
export {
  Interrupted,
  type RenderOptions,
  type RenderResult,
  RenderRequestError,
  renderScene,
  SceneFailure,
  SceneFileError,
} from "./render/index.ts";
