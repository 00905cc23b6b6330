export {
  buildNetwork,
  ConfigError,
  type DataConfig,
  type InitConfig,
  loadDataset,
  planTraining,
  type SnapshotConfig,
  type TrainConfig,
  type TrainPlan,
  type ValidConfig,
  validateConfig,
} from "./config.ts";
export { fieldPath, jsonFieldPlace, jsonSyntaxPlace, placeConfigError, sourceFieldPlace } from "./config-place.ts";
export {
  checkRun,
  loadRun,
  RUN_VERSION,
  type Run,
  RunFileError,
  type Snapshot,
  saveRun,
  saveRunAsync,
} from "./run.ts";
export { DataConfigSchema, MatrixSchema, RunSchema, TrainConfigSchema } from "./schema.ts";
export { classifier, thresholdRule } from "./targets.ts";
export {
  DivergenceError,
  runTraining,
  type TrainAsyncOptions,
  type TrainOptions,
  type TrainProgress,
  train,
  trainAsync,
} from "./train.ts";
