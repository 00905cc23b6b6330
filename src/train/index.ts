export {
  ConfigError,
  type DataConfig,
  DATASET_NAMES,
  type InitConfig,
  planTraining,
  type SnapshotConfig,
  type TrainConfig,
  type TrainPlan,
} from "./config.ts";
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
